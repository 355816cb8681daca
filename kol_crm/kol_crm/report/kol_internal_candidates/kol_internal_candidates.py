# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

"""KOL Internal Candidates: internal-cultivation KOLs not yet Active, by programme category.

Internal first (the seeds): before external intake opens in a category, these are the people to
develop. Spotted, Evaluating and Cultivating KOLs on the Internal Cultivation path, with what
matters for cultivation (content quality over activity) and the programme category of KOL CRM
Settings each falls under. The summary counts them per programme category and names the
categories whose internal pool is exhausted. Row rule as every report: an operator sees their own.
"""

import frappe
from frappe import _

from kol_crm.intelligence.internal_first import counts_by_category
from kol_crm.kol_crm.report.utils import (
	column,
	kol_columns,
	kol_criteria,
	kol_fields,
	parse_filters,
	translate_values,
	where,
)
from kol_crm.utils.settings import get_settings
from kol_crm.workflows.kol_lifecycle import INTERNAL, INTERNAL_STATES

NO_PROGRAMME = "No programme category"


def execute(filters=None):
	filters = parse_filters(filters)
	rows = candidate_rows(candidates(filters), programme_of())
	return columns(), rows, message(rows), None, summary(rows)


def columns() -> list[dict]:
	return [
		*kol_columns(with_state=True),
		column("programme_category", _("Programme Category"), "Data", 150),
		column("program_type", _("Program Type"), "Data", 100),
		column("content_quality_rating", _("Content Quality"), "Rating", 120),
		column("on_platform_content", _("Content on Platform"), "Int", 140),
		column("last_active_on_platform", _("Last Active on Platform"), "Date", 150),
		column("score_overall", _("Overall Score"), "Float", 110),
	]


def candidates(filters) -> list[dict]:
	"""Internal candidates, best content first (quality can hardly be taught; activity can)."""
	kol = frappe.qb.DocType("KOL")
	query = (
		frappe.qb.from_(kol)
		.select(
			*kol_fields(kol, with_state=True),
			kol.program_type,
			kol.content_quality_rating,
			kol.on_platform_content,
			kol.last_active_on_platform,
			kol.score_overall,
		)
		.orderby(kol.content_quality_rating, order=frappe.qb.desc)
		.orderby(kol.score_overall, order=frappe.qb.desc)
		.orderby(kol.name)
	)
	criteria = kol_criteria(kol, filters)
	criteria.append(kol.intake_path == INTERNAL)
	criteria.append(kol.workflow_state.isin(list(INTERNAL_STATES)))
	return where(query, criteria).run(as_dict=True)


def programme_of() -> dict[str, str]:
	"""Category -> the narrowest programme category of the settings it falls under."""
	programmes = [row.category for row in get_settings().program_categories]
	if not programmes:
		return {}
	bounds = {c.name: (c.lft, c.rgt) for c in frappe.get_all("KOL Category", fields=["name", "lft", "rgt"])}
	result = {}
	for category, (lft, rgt) in bounds.items():
		holding = [p for p in programmes if p in bounds and bounds[p][0] <= lft and rgt <= bounds[p][1]]
		if holding:
			result[category] = max(holding, key=lambda p: bounds[p][0])
	return result


def candidate_rows(rows: list[dict], programmes: dict[str, str]) -> list[dict]:
	for row in rows:
		row["programme_category"] = programmes.get(row.category) or _(NO_PROGRAMME)
		row["program_type"] = row.program_type or None
	return translate_values(rows, ("workflow_state", "program_type"))


def counts(rows: list[dict]) -> dict[str, int]:
	result: dict[str, int] = {}
	for row in rows:
		result[row["programme_category"]] = result.get(row["programme_category"], 0) + 1
	return result


def exhausted() -> list[str]:
	"""Programme categories of the settings with no internal candidate left (whoever asks)."""
	programmes = [row.category for row in get_settings().program_categories]
	held = set(programme_of_counts())
	return [p for p in programmes if p not in held]


def programme_of_counts() -> dict[str, int]:
	programmes = programme_of()
	result: dict[str, int] = {}
	for category, n in counts_by_category().items():
		if programme := programmes.get(category):
			result[programme] = result.get(programme, 0) + n
	return result


def message(rows: list[dict]) -> str | None:
	empty = exhausted()
	if not empty:
		return None
	return _("Internal pool exhausted in: {0}. External intake is next there.").format(
		", ".join(frappe.bold(p) for p in empty)
	)


def summary(rows: list[dict]) -> list[dict]:
	return [
		{"label": _("Internal candidates"), "value": len(rows), "indicator": "Blue"},
		*(
			{"label": programme, "value": n, "indicator": "Green"}
			for programme, n in sorted(counts(rows).items())
		),
	]
