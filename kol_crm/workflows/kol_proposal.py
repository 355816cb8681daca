"""KOL Proposal Approval: Draft -> Pending Approval -> Approved -> Sent -> Accepted / Rejected / Withdrawn.

Four-eyes: the terms (``TERM_FIELDS`` and ``TERM_TABLES``) are what a manager approves, so they
are locked once the proposal is submitted for approval:

- in Pending Approval or Approved (``REOPENED_STATES``) changing them sends the proposal back
  to Draft (``reopen_state``): it needs approval again before it can be sent. This step back is
  the system's, not a transition a user picks, so it is not in ``TRANSITIONS``;
- in Sent, Countered and the closed states (``LOCKED_STATES``) they cannot change at all: offers
  and counter-offers are negotiation rounds, which are append-only;
- the approver is someone other than the last person who changed the terms
  (``terms_changed_by``; Frappe's own self-approval check only looks at who created it);
- an offer above the approved budget (the latest negotiation round that names an amount) is
  sent again ("Send Revised Offer") or accepted only by a KOL Manager (``refusal_reasons``).
"""

import frappe
from frappe import _
from frappe.utils import flt, fmt_money

from kol_crm.permissions import MANAGER, is_restricted
from kol_crm.utils import validation as v
from kol_crm.workflows.base import Transition, WorkflowDefinition, changed_state, refuse_guarded_change

OPEN_STATES = ("Draft", "Pending Approval", "Approved", "Sent", "Countered")
CLOSED_STATES = ("Accepted", "Rejected", "Withdrawn")

TERM_FIELDS = ("kol", "purpose", "budget", "currency", "valid_from", "valid_until")
# child rows compared as a multiset of these fields (not name, idx, modified, or a deliverable's status)
TERM_TABLES = {
	"deliverables": ("deliverable_type", "description", "platform", "quantity", "due_date"),
	"benefits": ("benefit_type", "description", "amount", "revenue_share_percent"),
}
REOPENED_STATES = ("Pending Approval", "Approved")
LOCKED_STATES = ("Sent", "Countered", *CLOSED_STATES)

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

# What the KOL does on the portal: the same transitions, taken from a proposal that was sent to
# them (Countered means the answer is ours). The KOL has no desk role, so Frappe's own check,
# which reads the record as the session user, is replaced by this one (``validate_portal_action``);
# the guards (``refusal_reasons``) apply as to anyone.
PORTAL_ACTIONS = {"Mark Accepted": "Accepted", "Record Counter-offer": "Countered"}
PORTAL_FROM_STATES = ("Sent",)


def portal_transition(action: str) -> Transition | None:
	"""The transition a KOL takes on the portal with ``action`` (from a Sent proposal)."""
	for state in PORTAL_FROM_STATES:
		for transition in DEFINITION.find(state, PORTAL_ACTIONS.get(action, "")):
			if transition.action == action:
				return transition
	return None


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


def latest_offer(doc) -> float:
	"""The amount of the latest negotiation round that names one (0 when none does)."""
	for row in reversed(doc.get("negotiation_rounds") or []):
		if flt(row.budget):
			return flt(row.budget)
	return 0.0


def changed_terms(before, doc) -> list[str]:
	"""Labels of the terms that differ between the stored proposal and ``doc``."""
	changed = [
		_(doc.meta.get_label(fieldname))
		for fieldname in TERM_FIELDS
		if v.normalised(before, (fieldname,)) != v.normalised(doc, (fieldname,))
	]
	for table, fields in TERM_TABLES.items():
		if _term_rows(before, table, fields) != _term_rows(doc, table, fields):
			changed.append(_(doc.meta.get_label(table)))
	return changed


def _term_rows(doc, table: str, fields: tuple[str, ...]) -> list[tuple]:
	return sorted(v.normalised(row, fields) for row in doc.get(table) or [])


def reopen_state(before, doc, changed: list[str]) -> str | None:
	""" "Draft" when this save changes the terms (``changed``) of a proposal that was submitted
	for approval. Refuses the save when the terms can't change any more (Sent, Countered, closed)."""
	state = before.workflow_state
	if state in CLOSED_STATES:
		if changed or v.normalised(before, ("negotiation_rounds",)) != v.normalised(
			doc, ("negotiation_rounds",)
		):
			v.invalid(_("This proposal is {0}; its terms can no longer be changed.").format(_(state)))
		return None
	if not changed:
		return None
	if state in LOCKED_STATES:
		v.invalid(
			_(
				"This proposal is {0}; its terms can no longer be changed ({1}). Record an offer or counter-offer as a new negotiation round instead."
			).format(_(state), ", ".join(changed))
		)
	if state in REOPENED_STATES:
		return "Draft"
	return None


def reopen_note(before, changed: list[str]) -> str:
	return _(
		"Terms changed ({0}) while it was {1}: the proposal is back in Draft and needs approval again."
	).format(", ".join(changed), _(before.workflow_state))


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
	user = frappe.session.user
	if to_state == "Approved" and user != "Administrator" and doc.get("terms_changed_by") == user:
		reasons.append(
			_("You changed the terms of this proposal last; another KOL Manager must approve them.")
		)
	if (
		to_state in ("Sent", "Accepted")
		and flt(latest_offer(doc)) > flt(doc.budget)
		and is_restricted(user, "write")
	):
		reasons.append(
			_(
				"The latest offer ({0}) is above the approved budget ({1}): only a KOL Manager can move the proposal to {2}."
			).format(fmt_money(latest_offer(doc)), fmt_money(flt(doc.budget)), _(to_state))
		)
	if to_state in ("Rejected", "Withdrawn") and not (doc.outcome_reason or "").strip():
		reasons.append(
			_("Give the reason in Outcome Reason before marking the proposal {0}.").format(_(to_state))
		)
	return reasons


def validate_transition(doc) -> None:
	"""Controller hook: refuse a guarded state change with the reason."""
	refuse_guarded_change(doc, refusal_reasons)


def validate_portal_action(doc) -> None:
	"""KOL Proposal.validate_workflow for a KOL's action on the portal (``doc.flags.portal_action``,
	set only by ``kol_crm.portal``): the stored state and the new one must be that transition."""
	stored = frappe.db.get_value("KOL Proposal", doc.name, "workflow_state")
	transition = portal_transition(doc.flags.portal_action)
	if not transition or stored != transition.state or doc.workflow_state != transition.next_state:
		frappe.throw(
			_("This proposal is {0}; you can't do this now.").format(_(stored)),
			frappe.ValidationError,
			title=_("Not permitted"),
		)
