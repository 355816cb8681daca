"""KOL Follow-up Due: KOLs whose next follow-up is today or overdue, with their last interaction.

KOLs that left the programme are left out. The period narrows the due dates shown.
"""

import frappe
from frappe import _

from kol_crm.kol_crm.report.utils import (
	CLOSED_STATES,
	kol_columns,
	kol_criteria,
	parse_filters,
	period_criteria,
	today,
	where,
)


def execute(filters=None):
	filters = parse_filters(filters)
	rows = follow_up_rows(due_kols(filters), today())
	return columns(), rows, None, None, summary(rows)


def columns() -> list[dict]:
	return [
		*kol_columns(with_state=True),
		{"fieldname": "next_follow_up_on", "label": _("Follow-up Due"), "fieldtype": "Date", "width": 120},
		{"fieldname": "days_overdue", "label": _("Days Overdue"), "fieldtype": "Int", "width": 110},
		{
			"fieldname": "last_interaction_on",
			"label": _("Last Interaction"),
			"fieldtype": "Datetime",
			"width": 160,
		},
		{"fieldname": "last_interaction_type", "label": _("Type"), "fieldtype": "Data", "width": 100},
	]


def due_criteria(kol, filters) -> list:
	criteria = kol_criteria(kol, filters, period_field=None)
	criteria.append(kol.next_follow_up_on <= today())
	criteria.append(kol.workflow_state.notin(CLOSED_STATES))
	criteria.extend(period_criteria(kol.next_follow_up_on, filters, is_datetime=False))
	return criteria


FIELDS = (
	"kol",
	"kol_name",
	"workflow_state",
	"tier",
	"category",
	"operator",
	"next_follow_up_on",
	"last_interaction_on",
	"last_interaction_type",
)


def due_kols(filters) -> list[tuple]:
	"""The due KOLs, oldest due date first, each with its latest interaction's type: one query.

	The interaction is found by the KOL's last interaction date on the covering index
	(kol, interaction_on, interaction_type, ...), so no interaction row is read.
	"""
	kol = frappe.qb.DocType("KOL")
	interaction = frappe.qb.DocType("KOL Interaction")
	query = (
		frappe.qb.from_(kol)
		.left_join(interaction)
		.on((interaction.kol == kol.name) & (interaction.interaction_on == kol.last_interaction_on))
		.select(
			kol.name,
			kol.kol_name,
			kol.workflow_state,
			kol.tier,
			kol.category,
			kol.operator,
			kol.next_follow_up_on,
			kol.last_interaction_on,
			interaction.interaction_type,
		)
		.orderby(kol.next_follow_up_on)
		.orderby(kol.name)
		.orderby(interaction.name)
	)
	return where(query, due_criteria(kol, filters)).run()


def follow_up_rows(kols: list[tuple], on_date) -> list[dict]:
	rows = []
	for values in kols:
		row = dict(zip(FIELDS, values, strict=True))
		if rows and rows[-1]["kol"] == row["kol"]:
			rows.pop()  # two interactions at the same moment: the later record wins
		row["days_overdue"] = (on_date - row["next_follow_up_on"]).days
		rows.append(row)
	return rows


def summary(rows: list[dict]) -> list[dict]:
	return [
		{"label": _("Due Today"), "value": sum(1 for r in rows if r["days_overdue"] == 0), "datatype": "Int"},
		{
			"label": _("Overdue"),
			"value": sum(1 for r in rows if r["days_overdue"] > 0),
			"datatype": "Int",
			"indicator": "Red",
		},
	]
