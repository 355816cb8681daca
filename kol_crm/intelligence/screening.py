"""Conflict-of-interest screening against our own business (KOL CRM Settings).

A KOL is a conflict when its category is one of the programme categories marked as our own
business (same niche: they sell what we sell), or when its declared business names one of our
products or a competitor keyword. Same broad field with a different niche is fine (that is the
fit we look for). A flagged KOL can only become Active after a KOL Manager's override with a
reason (guard in kol_crm.workflows.kol_lifecycle).
"""

import re

import frappe
from frappe import _

from kol_crm.permissions import validate_manager_override
from kol_crm.utils.settings import get_settings


def _lines(text: str | None) -> list[str]:
	return [line.strip() for line in re.split(r"[\n,;]", text or "") if line.strip()]


def _mentions(text: str, term: str) -> bool:
	if term.isascii():
		return re.search(rf"(?<![\w]){re.escape(term)}(?![\w])", text, re.IGNORECASE) is not None
	return term.lower() in text.lower()


def conflict_reasons(doc, s=None) -> list[str]:
	s = s or get_settings()
	reasons = []
	own = [row.category for row in s.program_categories if row.our_business and row.category]
	if doc.category and doc.category in own:
		reasons.append(_("Category {0} is our own business niche.").format(doc.category))
	business = doc.declared_business or ""
	for product in _lines(s.our_products):
		if _mentions(business, product):
			reasons.append(_("Declared business names our product {0}.").format(product))
	for keyword in _lines(s.competitor_keywords):
		if _mentions(business, keyword):
			reasons.append(_("Declared business matches the competitor keyword {0}.").format(keyword))
	return reasons


def apply_screening(doc, s=None) -> None:
	"""KOL.validate: flag (or clear a screening flag) with the reasons."""
	reasons = conflict_reasons(doc, s)
	screening_text = "\n".join(reasons)
	if reasons:
		if doc.conflict_flagged_by_screening or not (doc.conflict_reason or "").strip():
			doc.conflict_reason = screening_text
		elif screening_text not in doc.conflict_reason:
			doc.conflict_reason = f"{doc.conflict_reason.strip()}\n{screening_text}"
		doc.conflict_of_interest = 1
		doc.conflict_flagged_by_screening = 1
	elif doc.conflict_flagged_by_screening:
		# screening no longer matches (settings or the KOL changed): lift the automatic flag
		doc.conflict_flagged_by_screening = 0
		doc.conflict_of_interest = 0
		doc.conflict_reason = None


def validate_override(doc) -> None:
	"""Only a KOL Manager overrides a conflict, and only with a reason."""
	validate_manager_override(
		doc,
		"conflict_override",
		"conflict_override_reason",
		"conflict_override_by",
		refused=_("Only a KOL Manager can override a conflict of interest."),
		reason_required=_("Override Reason is required to override a conflict of interest."),
	)
