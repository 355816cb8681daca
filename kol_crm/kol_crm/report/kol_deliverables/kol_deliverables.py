"""KOL Deliverables: every deliverable of the partnerships the user may see, with its due date and
where it stands: Delivered, Missed, Overdue (past due, still pending), Due (pending).

The period narrows the due dates; the status filter the deliverable's status. Only partnerships
of KOLs the user may read are included (the KOL row rule, as in every KOL CRM report).
"""

import frappe
from frappe import _
from frappe.utils import getdate

from kol_crm.kol_crm.report.utils import (
	kol_columns,
	kol_criteria,
	parse_filters,
	period_criteria,
	today,
	where,
)

STANDINGS = ("Due", "Overdue", "Delivered", "Missed")


def execute(filters=None):
	filters = parse_filters(filters)
	rows = deliverable_rows(deliverables(filters), today())
	return columns(), rows, None, None, summary(rows)


def columns() -> list[dict]:
	return [
		{
			"fieldname": "partnership",
			"label": _("Partnership"),
			"fieldtype": "Link",
			"options": "KOL Partnership",
			"width": 160,
		},
		*kol_columns(),
		{"fieldname": "deliverable_type", "label": _("Deliverable"), "fieldtype": "Data", "width": 130},
		{"fieldname": "description", "label": _("Description"), "fieldtype": "Data", "width": 180},
		{"fieldname": "quantity", "label": _("Quantity"), "fieldtype": "Int", "width": 80},
		{"fieldname": "due_date", "label": _("Due"), "fieldtype": "Date", "width": 110},
		{"fieldname": "standing", "label": _("Standing"), "fieldtype": "Data", "width": 110},
		{"fieldname": "days_overdue", "label": _("Days Overdue"), "fieldtype": "Int", "width": 110},
	]


FIELDS = (
	"partnership",
	"kol",
	"kol_name",
	"tier",
	"category",
	"operator",
	"deliverable_type",
	"description",
	"quantity",
	"due_date",
	"status",
)


def deliverables(filters) -> list[tuple]:
	kol = frappe.qb.DocType("KOL")
	part = frappe.qb.DocType("KOL Partnership")
	row = frappe.qb.DocType("KOL Deliverable")
	query = (
		frappe.qb.from_(row)
		.join(part)
		.on(part.name == row.parent)
		.join(kol)
		.on(kol.name == part.kol)
		.select(
			part.name,
			kol.name,
			kol.kol_name,
			kol.tier,
			kol.category,
			kol.operator,
			row.deliverable_type,
			row.description,
			row.quantity,
			row.due_date,
			row.status,
		)
		.orderby(row.due_date)
		.orderby(part.name)
		.orderby(row.idx)
	)
	criteria = [
		row.parenttype == "KOL Partnership",
		row.parentfield == "deliverables",
		*kol_criteria(kol, filters, period_field=None),
		*period_criteria(row.due_date, filters, is_datetime=False),
	]
	if filters.get("status"):
		criteria.append(row.status == filters.status)
	return where(query, criteria).run()


def standing(status: str | None, due_date, on_date) -> str:
	"""Where a deliverable stands on ``on_date`` (an English key; translated in the cell)."""
	if status in ("Delivered", "Missed"):
		return status
	if due_date and getdate(due_date) < on_date:
		return "Overdue"
	return "Due"


def deliverable_rows(values: list[tuple], on_date) -> list[dict]:
	rows = []
	for value in values:
		row = dict(zip(FIELDS, value, strict=True))
		key = standing(row.pop("status"), row["due_date"], on_date)
		row["standing"] = _(key)
		row["days_overdue"] = (on_date - getdate(row["due_date"])).days if key == "Overdue" else None
		row["deliverable_type"] = _(row["deliverable_type"]) if row["deliverable_type"] else None
		rows.append(row)
	return rows


def summary(rows: list[dict]) -> list[dict]:
	counts = {key: sum(1 for r in rows if r["standing"] == _(key)) for key in STANDINGS}
	return [
		{"label": _("Due"), "value": counts["Due"], "datatype": "Int"},
		{"label": _("Overdue"), "value": counts["Overdue"], "datatype": "Int", "indicator": "Red"},
		{"label": _("Delivered"), "value": counts["Delivered"], "datatype": "Int", "indicator": "Green"},
		{"label": _("Missed"), "value": counts["Missed"], "datatype": "Int", "indicator": "Orange"},
	]
