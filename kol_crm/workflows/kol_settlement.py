"""KOL Settlement Approval: Draft -> Pending Approval -> Approved -> Paid, or Rejected / Cancelled.

- An operator (or a manager) submits a draft for approval once its lines are right (the lines are
  computed while it is a draft: ``kol_crm.settlements.statements``);
- a KOL Manager approves it, and never one they submitted themselves (``submitted_by``; Frappe's
  own self-approval check only looks at who created it, and the monthly job creates them);
- a KOL Manager marks an approved statement paid, with the payment's reference and date
  (``refusal_reasons``); a partial payment leaves the rest due on the KOL's next statement;
- a manager rejects a submitted statement or cancels one that is not paid: its amounts are
  free again for another statement of the period.
The guards apply to everyone, Administrator included.
"""

import frappe
from frappe import _
from frappe.utils import flt, getdate, nowdate

from kol_crm.permissions import MANAGER, PORTAL_STATEMENT_STATES
from kol_crm.workflows.base import Transition, WorkflowDefinition, changed_state

DRAFT = "Draft"
PENDING = "Pending Approval"
APPROVED = "Approved"
PAID = "Paid"
REJECTED = "Rejected"
CANCELLED = "Cancelled"

# statements whose amounts count as stated: another statement never counts them again
LIVE_STATES = (DRAFT, PENDING, APPROVED, PAID)
# what the KOL sees on the portal (the permission model's rule)
PORTAL_STATES = PORTAL_STATEMENT_STATES

TRANSITIONS = (
	Transition(DRAFT, "Submit for Approval", PENDING),
	Transition(PENDING, "Approve", APPROVED, roles=(MANAGER,), allow_self_approval=False),
	Transition(PENDING, "Return to Draft", DRAFT, roles=(MANAGER,)),
	Transition(PENDING, "Reject", REJECTED, roles=(MANAGER,)),
	Transition(APPROVED, "Mark Paid", PAID, roles=(MANAGER,)),
	*[Transition(state, "Cancel", CANCELLED, roles=(MANAGER,)) for state in (DRAFT, PENDING, APPROVED)],
)

DEFINITION = WorkflowDefinition(
	name="KOL Settlement Approval",
	document_type="KOL Settlement Statement",
	states=(
		(DRAFT, "Inverse"),
		(PENDING, "Warning"),
		(APPROVED, "Primary"),
		(PAID, "Success"),
		(REJECTED, "Danger"),
		(CANCELLED, "Danger"),
	),
	transitions=TRANSITIONS,
	closed_states=(APPROVED, PAID, REJECTED, CANCELLED),
)


def refusal_reasons(doc, from_state: str | None, to_state: str) -> list[str]:
	"""Why ``doc`` may not move from ``from_state`` to ``to_state`` (empty when allowed)."""
	if not DEFINITION.find(from_state or "", to_state):
		return [_("A statement can't move from {0} to {1}.").format(_(from_state or ""), _(to_state))]
	reasons = []
	if to_state == PENDING and not doc.get("lines"):
		reasons.append(_("Nothing is due on this statement: there is nothing to approve."))
	if to_state == APPROVED and doc.get("submitted_by") == frappe.session.user:
		reasons.append(_("You submitted this statement: another KOL Manager approves it."))
	if to_state == PAID:
		if not (doc.get("payment_reference") or "").strip():
			reasons.append(_("Payment Reference is required to mark the statement paid."))
		if not doc.get("payment_date"):
			reasons.append(_("Payment Date is required to mark the statement paid."))
		elif getdate(doc.payment_date) > getdate(nowdate()):
			reasons.append(_("Payment Date can't be in the future."))
		paid = flt(doc.get("paid_amount"), 2)
		total = flt(doc.get("total_due"), 2)
		if paid < 0 or (paid and paid > total):
			reasons.append(
				_(
					"Paid Amount must be between 0 and the total due ({0}); leave it empty when paid in full."
				).format(total)
			)
	return reasons


def validate_transition(doc) -> None:
	"""Controller hook: a new statement starts as Draft; a state changes only along a transition,
	and only when its guards allow it."""
	if doc.is_new():
		doc.workflow_state = doc.workflow_state or DRAFT
		if doc.workflow_state != DRAFT:
			frappe.throw(
				_("A new statement starts as Draft; submit it for approval afterwards."),
				title=_("Cannot move to {0}").format(_(doc.workflow_state)),
			)
		return
	from_state, to_state = changed_state(doc)
	if to_state and (reasons := refusal_reasons(doc, from_state, to_state)):
		frappe.throw("<br>".join(reasons), title=_("Cannot move to {0}").format(_(to_state)))
