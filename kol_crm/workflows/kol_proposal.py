"""KOL Proposal Approval: Draft -> Pending Approval -> Approved -> Sent -> Accepted / Rejected / Withdrawn."""

import frappe
from frappe import _

from kol_crm.workflows import MANAGER, Transition, WorkflowDefinition, changed_state

OPEN_STATES = ("Draft", "Pending Approval", "Approved", "Sent", "Countered")
CLOSED_STATES = ("Accepted", "Rejected", "Withdrawn")

TRANSITIONS = (
	Transition("Draft", "Submit for Approval", "Pending Approval"),
	# four-eyes: a manager may not approve a proposal they drafted themselves
	Transition("Pending Approval", "Approve", "Approved", roles=(MANAGER,), allow_self_approval=False),
	Transition("Pending Approval", "Return to Draft", "Draft", roles=(MANAGER,)),
	Transition("Approved", "Send", "Sent"),
	Transition("Sent", "Record Counter-offer", "Countered"),
	Transition("Countered", "Send Revised Offer", "Sent"),
	Transition("Sent", "Mark Accepted", "Accepted"),
	Transition("Countered", "Mark Accepted", "Accepted"),
	Transition("Sent", "Mark Rejected", "Rejected"),
	Transition("Countered", "Mark Rejected", "Rejected"),
	*[Transition(state, "Withdraw", "Withdrawn") for state in OPEN_STATES],
)

DEFINITION = WorkflowDefinition(
	name="KOL Proposal Approval",
	document_type="KOL Proposal",
	states=(
		("Draft", "Inverse"),
		("Pending Approval", "Warning"),
		("Approved", "Primary"),
		("Sent", "Info"),
		("Countered", "Warning"),
		("Accepted", "Success"),
		("Rejected", "Danger"),
		("Withdrawn", "Danger"),
	),
	transitions=TRANSITIONS,
	closed_states=CLOSED_STATES,
)


def _last_round_party(doc) -> str | None:
	rounds = doc.get("negotiation_rounds") or []
	return rounds[-1].party if rounds else None


def refusal_reasons(doc, from_state: str, to_state: str) -> list[str]:
	reasons = []
	if to_state in ("Pending Approval", "Sent") and not doc.get("deliverables"):
		reasons.append(
			_("Add at least one deliverable (what the KOL does) before the proposal is {0}.").format(
				_(to_state)
			)
		)
	if to_state in ("Pending Approval", "Sent") and not doc.get("benefits"):
		reasons.append(
			_("Add at least one benefit (what the KOL gets) before the proposal is {0}.").format(_(to_state))
		)
	if to_state == "Countered" and _last_round_party(doc) != "KOL":
		reasons.append(
			_("Record the KOL's counter-offer as a new negotiation round (Offer From: KOL) first.")
		)
	if from_state == "Countered" and to_state == "Sent" and _last_round_party(doc) != "Us":
		reasons.append(_("Record our revised offer as a new negotiation round (Offer From: Us) first."))
	if to_state in ("Rejected", "Withdrawn") and not (doc.outcome_reason or "").strip():
		reasons.append(
			_("Give the reason in Outcome Reason before marking the proposal {0}.").format(_(to_state))
		)
	return reasons


def validate_transition(doc) -> None:
	from_state, to_state = changed_state(doc)
	if not to_state:
		return
	reasons = refusal_reasons(doc, from_state, to_state)
	if reasons:
		frappe.throw("<br>".join(reasons), title=_("Cannot move to {0}").format(_(to_state)))
