"""KOL Operator Activity: interactions per operator per week, by type, and the KOLs each operator owns.

One row per operator (totals, KOLs owned) with a row per week below it. The period selects
interactions by date (default: the last twelve weeks); the operator filter is who logged the
interaction; category, tier and intake path are the KOL's.
"""

from collections import defaultdict

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import add_days, getdate

from kol_crm.kol_crm.report.utils import (
	CLOSED_STATES,
	INTERACTION_TYPES,
	kol_criteria,
	parse_filters,
	period_criteria,
	today,
	week_start,
	where,
)

DEFAULT_WEEKS = 12


def execute(filters=None):
	filters = parse_filters(filters)
	if not filters.get("from_date"):
		filters.from_date = add_days(today(), -7 * DEFAULT_WEEKS)
	rows = activity_rows(weekly_counts(filters), kols_per_operator(filters))
	return columns(), rows, None, chart(rows), None


def columns() -> list[dict]:
	cols = [
		{
			"fieldname": "operator",
			"label": _("Operator"),
			"fieldtype": "Link",
			"options": "User",
			"width": 200,
		},
		{"fieldname": "week", "label": _("Week Starting"), "fieldtype": "Date", "width": 120},
		{"fieldname": "kols", "label": _("KOLs Owned"), "fieldtype": "Int", "width": 100},
		{"fieldname": "total", "label": _("Interactions"), "fieldtype": "Int", "width": 110},
	]
	cols += [
		{"fieldname": fieldname(kind), "label": _(kind), "fieldtype": "Int", "width": 90}
		for kind in INTERACTION_TYPES
	]
	return cols


def fieldname(kind: str) -> str:
	return f"{frappe.scrub(kind)}_count"


def weekly_counts(filters) -> list[tuple]:
	"""Section 1: (operator, week, type, interactions), one grouped query."""
	interaction = frappe.qb.DocType("KOL Interaction")
	kol = frappe.qb.DocType("KOL")
	week = week_start(interaction.interaction_on)
	query = (
		frappe.qb.from_(interaction)
		.select(interaction.operator, week, interaction.interaction_type, Count("*"))
		.groupby(interaction.operator, week, interaction.interaction_type)
	)
	criteria = period_criteria(interaction.interaction_on, filters)
	if filters.get("operator"):
		criteria.append(interaction.operator == filters.operator)
	kol_filters = frappe._dict(
		{k: v for k, v in filters.items() if k in ("category", "tier", "intake_path", "program_type")}
	)
	on_kol = kol_criteria(kol, kol_filters, period_field=None)
	if on_kol:  # join the KOL only when its fields (or the user's access) narrow the rows
		query = query.inner_join(kol).on(kol.name == interaction.kol)
		criteria.extend(on_kol)
	return where(query, criteria).run()


def kols_per_operator(filters) -> dict[str, int]:
	"""Section 2: KOLs in the programme per owning operator, one grouped query."""
	kol = frappe.qb.DocType("KOL")
	query = frappe.qb.from_(kol).select(kol.operator, Count("*")).groupby(kol.operator)
	criteria = kol_criteria(kol, filters, period_field=None)
	criteria.append(kol.workflow_state.notin(CLOSED_STATES))
	return dict(where(query, criteria).run())


def activity_rows(counts: list[tuple], kols: dict[str, int]) -> list[dict]:
	weeks = defaultdict(lambda: defaultdict(int))
	for operator, week, kind, n in counts:
		weeks[(operator, getdate(week))][kind] += n
	operators = sorted({op for op, _week in weeks} | set(kols), key=lambda op: (op is None, op or ""))
	blank = {fieldname(kind): 0 for kind in INTERACTION_TYPES}
	rows = []
	for operator in operators:
		own_weeks = sorted(week for op, week in weeks if op == operator)
		week_rows = []
		for week in own_weeks:
			by_type = weeks[(operator, week)]
			week_rows.append(
				{
					"operator": operator,
					"week": week,
					**{fieldname(kind): by_type.get(kind, 0) for kind in INTERACTION_TYPES},
					"total": sum(by_type.values()),
					"indent": 1,
				}
			)
		total = dict(blank)
		for row in week_rows:
			for key in blank:
				total[key] += row[key]
		rows.append(
			{
				"operator": operator,
				"kols": kols.get(operator, 0),
				**total,
				"total": sum(total.values()),
				"indent": 0,
			}
		)
		rows.extend(week_rows)
	return rows


def chart(rows: list[dict]) -> dict:
	operators = [row for row in rows if row["indent"] == 0]
	return {
		"data": {
			"labels": [row["operator"] or _("(Not Set)") for row in operators],
			"datasets": [{"name": _("Interactions"), "values": [row["total"] for row in operators]}],
		},
		"type": "bar",
	}
