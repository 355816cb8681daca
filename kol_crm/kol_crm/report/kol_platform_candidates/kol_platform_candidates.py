"""KOL Platform Candidates: high-output users of our platform who are not KOLs yet, from the
activity events the platform pushes (kol_crm/platform/candidates.py). Internal first: these are
the users to spot before looking outside. Select rows and use Create KOL to make them Spotted
KOLs on the Internal Cultivation path."""

from frappe import _
from frappe.utils import cint

from kol_crm.platform.candidates import candidates


def execute(filters=None):
	filters = filters or {}
	rows = candidates(
		min_output=cint(filters["min_output"]) if filters.get("min_output") not in (None, "") else None,
		active_days=cint(filters["active_days"]) if filters.get("active_days") not in (None, "") else None,
	)
	return columns(), rows, None, None, summary(rows)


def columns() -> list[dict]:
	return [
		{"fieldname": "platform_user_id", "label": _("Platform User ID"), "fieldtype": "Data", "width": 150},
		{
			"fieldname": "platform_user_name",
			"label": _("Platform User Name"),
			"fieldtype": "Data",
			"width": 170,
		},
		{"fieldname": "posts", "label": _("Posts"), "fieldtype": "Int", "width": 90},
		{"fieldname": "answers", "label": _("Answers"), "fieldtype": "Int", "width": 90},
		{"fieldname": "output", "label": _("Posts and Answers"), "fieldtype": "Int", "width": 130},
		{"fieldname": "followers", "label": _("Followers On Our Platform"), "fieldtype": "Int", "width": 150},
		{"fieldname": "last_active_on", "label": _("Last Active On"), "fieldtype": "Date", "width": 120},
		{"fieldname": "events", "label": _("Events"), "fieldtype": "Int", "width": 80},
	]


def summary(rows: list[dict]) -> list[dict]:
	return [{"label": _("Candidates"), "value": len(rows), "datatype": "Int"}]
