"""Intake pacing: KOL supply against audience size, per programme category.

Per programme category (and its sub-categories): active KOLs, KOLs in intake, the audience
(typed, or a count of records of a DocType the site chooses), active KOLs per 1,000 audience
members, and the same ratio once the intake pipeline lands. Advice:
- Slow down: active or active + intake per 1,000 is above the target band's maximum;
- Speed up: active + intake per 1,000 is below the band's minimum;
- On pace otherwise; no advice without an audience.

Internal first: each row also counts the internal candidates left in the category (Internal
Cultivation KOLs not yet Active, ``internal_first``) and says when that pool is exhausted.
A programme type (Paid / Unpaid) narrows every count to the KOLs of that programme.

Audience overlap (``overlap``): each row also sums the followers of the category's Active KOLs,
the followers they share (measured, from our platform, or estimated) and the estimated unique
reach left once the overlaps are taken out. A KOL entering intake (or changing category) whose
audience overlaps an Active KOL's of its programme category above the threshold gets a warning
(``warn_if_overlapping``, and the KOL form through ``overlap_hint``).
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import cint, flt

from kol_crm.intelligence import internal_first, overlap
from kol_crm.intelligence.reminders import current_state
from kol_crm.utils.settings import get_settings
from kol_crm.workflows.kol_lifecycle import INTAKE_STATES

SPEED_UP, SLOW_DOWN, ON_PACE, NO_AUDIENCE = "Speed up", "Slow down", "On pace", "No audience"


def audience_of(row) -> int | None:
	if row.audience_source == "Count of Records":
		if not row.audience_doctype:
			return None
		try:
			return frappe.db.count(row.audience_doctype, frappe.parse_json(row.audience_filters or "{}"))
		except Exception:
			frappe.log_error(title=_("KOL intake pacing: cannot count {0}").format(row.audience_doctype))
			return None
	return cint(row.audience_size) or None


def _counts_by_category(program_type: str | None = None) -> dict[str, dict[str, int]]:
	kol = frappe.qb.DocType("KOL")
	query = (
		frappe.qb.from_(kol)
		.select(kol.category, kol.workflow_state, Count(kol.name))
		.where(kol.category.isnotnull() & kol.workflow_state.isin(["Active", *INTAKE_STATES]))
		.groupby(kol.category, kol.workflow_state)
	)
	if program_type:
		query = query.where(kol.program_type == program_type)
	rows = query.run()
	counts: dict[str, dict[str, int]] = {}
	for category, state, n in rows:
		bucket = counts.setdefault(category, {"active": 0, "intake": 0})
		bucket["active" if state == "Active" else "intake"] += n
	return counts


def advice(active: int, intake: int, audience: int | None, s) -> str:
	if not audience:
		return NO_AUDIENCE
	ratio = active * 1000 / audience
	projected = (active + intake) * 1000 / audience
	if ratio > flt(s.target_max_per_1000) or projected > flt(s.target_max_per_1000):
		return SLOW_DOWN
	if projected < flt(s.target_min_per_1000):
		return SPEED_UP
	return ON_PACE


def pacing_rows(s=None, program_type: str | None = None, with_overlap: bool = True) -> list[dict]:
	"""One row per programme category; ``with_overlap`` adds the audience overlap figures
	(``overlap.Pool.summary``), which a save's pacing warning doesn't need."""
	s = s or get_settings()
	counts = _counts_by_category(program_type)
	internal = internal_first.counts_by_category(program_type)
	bounds = {
		c.name: (c.lft, c.rgt)
		for c in frappe.get_all("KOL Category", fields=["name", "lft", "rgt"])
		if c.name in counts or c.name in internal or c.name in {row.category for row in s.program_categories}
	}
	rows = []
	for row in s.program_categories:
		if row.category not in bounds:
			continue
		lft, rgt = bounds[row.category]
		active = intake = 0
		for category, n in counts.items():
			c_lft, c_rgt = bounds.get(category, (None, None))
			if c_lft is not None and lft <= c_lft and c_rgt <= rgt:
				active += n["active"]
				intake += n["intake"]
		internal_left = sum(
			n
			for category, n in internal.items()
			if (b := bounds.get(category)) and lft <= b[0] and b[1] <= rgt
		)
		audience = audience_of(row)
		reach = (
			overlap.Pool(overlap.category_pool(row.category, program_type=program_type), s).summary()
			if with_overlap
			else {}
		)
		rows.append(
			{
				"category": row.category,
				"audience": audience or 0,
				"active": active,
				"intake": intake,
				"ratio": active * 1000 / audience if audience else None,
				"projected_ratio": (active + intake) * 1000 / audience if audience else None,
				"target_min": flt(s.target_min_per_1000),
				"target_max": flt(s.target_max_per_1000),
				"advice": advice(active, intake, audience, s),
				"internal_left": internal_left,
				"internal_exhausted": internal_left == 0,
				"internal_pool": internal_first.pool_note(internal_left),
				**reach,
			}
		)
	return rows


def warn_if_oversupplied(doc, s=None) -> None:
	"""KOL.validate: adding a KOL to intake in an over-supplied category warns (never refuses)."""
	if doc.flags.skip_pacing_warning or not doc.category or current_state(doc) not in INTAKE_STATES:
		return
	before = doc.get_doc_before_save()
	if before and before.category == doc.category and before.workflow_state in INTAKE_STATES:
		return
	s = s or get_settings()
	if not s.program_categories:
		return
	cat = frappe.db.get_value("KOL Category", doc.category, ["lft", "rgt"], as_dict=True)
	if not cat:
		return
	for row in pacing_rows(s, with_overlap=False):
		lft, rgt = frappe.db.get_value("KOL Category", row["category"], ["lft", "rgt"])
		if not (lft <= cat.lft and cat.rgt <= rgt) or not row["audience"]:
			continue
		projected = (row["active"] + row["intake"] + 1) * 1000 / row["audience"]
		if projected > row["target_max"]:
			frappe.msgprint(
				_(
					"Category {0} is over-supplied: with this KOL it would have {1} KOLs per 1,000 audience members (target at most {2}). Consider slowing down intake here."
				).format(frappe.bold(row["category"]), f"{projected:.2f}", row["target_max"]),
				title=_("Intake pacing"),
				indicator="orange",
			)
			return


def pool_category(doc, s) -> str | None:
	"""The widest programme category (KOL CRM Settings) holding the KOL's category, else the KOL's
	category itself: the pool whose users its KOLs share."""
	if not doc.category:
		return None
	cat = frappe.db.get_value("KOL Category", doc.category, ["lft", "rgt"], as_dict=True)
	if not cat:
		return None
	names = [row.category for row in s.program_categories if row.category]
	holders = (
		frappe.get_all(
			"KOL Category",
			filters={"name": ("in", names), "lft": ("<=", cat.lft), "rgt": (">=", cat.rgt)},
			pluck="name",
			order_by="lft asc",
		)
		if names
		else []
	)
	return holders[0] if holders else doc.category


def overlap_hint(doc, s=None) -> dict | None:
	"""The KOL form: a KOL in intake whose audience overlaps an Active KOL's above the threshold."""
	if doc.is_new() or current_state(doc) not in INTAKE_STATES:
		return None
	s = s or get_settings()
	category = pool_category(doc, s)
	return overlap.overlap_warning(doc, category, s) if category else None


def warn_if_overlapping(doc, s=None) -> None:
	"""KOL.validate: a KOL entering intake, changing category or platform accounts while in intake,
	whose audience overlaps an Active KOL's above the threshold, warns (never refuses)."""
	if doc.flags.skip_pacing_warning or not doc.category or current_state(doc) not in INTAKE_STATES:
		return
	before = doc.get_doc_before_save()
	if (
		before
		and before.category == doc.category
		and before.workflow_state in INTAKE_STATES
		and before.total_followers == doc.total_followers
	):
		return
	s = s or get_settings()
	category = pool_category(doc, s)
	if category and (warning := overlap.overlap_warning(doc, category, s)):
		frappe.msgprint(warning["message"], title=_("Audience overlap"), indicator="orange")
