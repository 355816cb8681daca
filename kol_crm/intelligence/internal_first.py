"""Internal first (更倾向于内部的挖掘 then 再从外部引入): before external intake in a category, the
internal candidates there.

An internal candidate is a KOL on the Internal Cultivation path not yet Active: Spotted,
Evaluating or Cultivating (Dropped ones are out). Counted per category with its sub-categories,
as pacing counts. The KOL Internal Candidates report lists them; a new External Intake KOL in a
category that has some gets a prompt; the pacing report shows how many are left per programme
category and says when the internal pool is exhausted (none left).
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Count

from kol_crm.workflows.kol_lifecycle import EXTERNAL, INTAKE_STATES, INTERNAL, INTERNAL_STATES

REPORT = "KOL Internal Candidates"


def subtree(category: str) -> list[str]:
	bounds = frappe.db.get_value("KOL Category", category, ["lft", "rgt"], as_dict=True)
	if not bounds:
		return [category]
	return frappe.get_all(
		"KOL Category", filters={"lft": (">=", bounds.lft), "rgt": ("<=", bounds.rgt)}, pluck="name"
	)


def counts_by_category(program_type: str | None = None) -> dict[str, int]:
	"""Internal candidates per (leaf) category, in one query."""
	kol = frappe.qb.DocType("KOL")
	query = (
		frappe.qb.from_(kol)
		.select(kol.category, Count(kol.name))
		.where(
			kol.category.isnotnull()
			& (kol.intake_path == INTERNAL)
			& kol.workflow_state.isin(list(INTERNAL_STATES))
		)
		.groupby(kol.category)
	)
	if program_type:
		query = query.where(kol.program_type == program_type)
	return dict(query.run())


def candidates_in(category: str, exclude: str | None = None) -> int:
	filters = {
		"category": ("in", subtree(category)),
		"intake_path": INTERNAL,
		"workflow_state": ("in", list(INTERNAL_STATES)),
	}
	if exclude:
		filters["name"] = ("!=", exclude)
	return frappe.db.count("KOL", filters)


def pool_note(left: int) -> str:
	"""The pacing report's word on the internal pool of a category."""
	if left <= 0:
		return _("Exhausted: no internal candidates left, external intake is next")
	return _("{0} internal candidates left: develop them before external intake").format(left)


def prompt(doc) -> None:
	"""KOL.after_insert: a new External Intake KOL in a category with internal candidates."""
	if doc.intake_path != EXTERNAL or not doc.category or doc.flags.skip_pacing_warning:
		return
	if frappe.flags.in_import or frappe.flags.in_migrate:
		return
	if left := candidates_in(doc.category):
		frappe.msgprint(
			_(
				"Internal first: category {0} has {1} internal candidates not yet Active. Consider developing them before bringing in external KOLs (report {2})."
			).format(frappe.bold(doc.category), left, frappe.bold(_(REPORT))),
			title=_("Internal candidates exist"),
			indicator="orange",
		)


def form_hint(doc) -> dict | None:
	"""For the KOL form (onload): an External Intake KOL still in intake, in a category with
	internal candidates."""
	if doc.intake_path != EXTERNAL or not doc.category or doc.workflow_state not in INTAKE_STATES:
		return None
	left = candidates_in(doc.category)
	return {"category": doc.category, "count": left, "report": REPORT} if left else None
