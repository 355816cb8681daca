"""Fit comes first (the seeds: 气质相符 over follower count): the minimum fit gate.

A KOL whose Fit score is known and below ``minimum_fit_score`` (KOL CRM Settings; 0 turns the
gate off) can't be Shortlisted, start Cultivation or become Active, unless a KOL Manager records
a Fit Override with a reason. An unknown Fit score (no category, no rating yet) is not gated:
the score explanation already says it is unknown.
"""

import frappe
from frappe import _
from frappe.utils import flt

from kol_crm.permissions import validate_manager_override
from kol_crm.utils.settings import get_settings

# the states a KOL is chosen into: external Shortlisted, internal Cultivating, and Active
GATED_STATES = ("Shortlisted", "Cultivating", "Active")


def fit_known(doc) -> bool:
	unknown = (doc.get("score_unknown_components") or "").split(",")
	return doc.get("score_fit") is not None and "fit" not in unknown


def fit_gate_reason(doc, to_state: str, s=None) -> str | None:
	"""Why ``doc`` may not move into ``to_state`` for its fit (None when it may)."""
	if to_state not in GATED_STATES or doc.get("fit_override"):
		return None
	minimum = flt((s or get_settings()).minimum_fit_score)
	if minimum <= 0 or not fit_known(doc) or flt(doc.score_fit) >= minimum:
		return None
	return _(
		"{0} has a Fit score of {1}, below the minimum of {2}: fit comes first. Improve the fit (category, fit rating) or ask a KOL Manager to record a Fit Override with a reason."
	).format(frappe.bold(doc.kol_name), f"{flt(doc.score_fit):.1f}", f"{minimum:g}")


def validate_fit_override(doc) -> None:
	"""Only a KOL Manager overrides the fit gate, and only with a reason."""
	validate_manager_override(
		doc,
		"fit_override",
		"fit_override_reason",
		"fit_override_by",
		refused=_("Only a KOL Manager can record a Fit Override."),
		reason_required=_("Fit Override Reason is required to record a Fit Override."),
	)
