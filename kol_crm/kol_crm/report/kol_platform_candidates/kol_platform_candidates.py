"""KOL Platform Candidates: high-output users of our platform who are not KOLs yet, from the
activity events the platform pushes (kol_crm/platform/candidates.py). Internal first: these are
the users to spot before looking outside. Select rows and use Create KOL to make them Spotted
KOLs on the Internal Cultivation path."""

from frappe import _

from kol_crm.kol_crm.report.utils import column, int_filter
from kol_crm.platform.candidates import candidates


def execute(filters=None):
	filters = filters or {}
	rows = candidates(
		min_output=int_filter(filters, "min_output"),
		active_days=int_filter(filters, "active_days"),
	)
	return columns(), rows, None, None, summary(rows)


def columns() -> list[dict]:
	return [
		column("platform_user_id", _("Platform User ID"), "Data", 150),
		column("platform_user_name", _("Platform User Name"), "Data", 170),
		column("posts", _("Posts"), "Int", 90),
		column("answers", _("Answers"), "Int", 90),
		column("output", _("Posts and Answers"), "Int", 130),
		column("followers", _("Followers On Our Platform"), "Int", 150),
		column("last_active_on", _("Last Active On"), "Date", 120),
		column("events", _("Events"), "Int", 80),
	]


def summary(rows: list[dict]) -> list[dict]:
	return [{"label": _("Candidates"), "value": len(rows), "datatype": "Int"}]
