"""KOL Content Review: Draft -> Submitted -> Changes Requested -> Submitted ... -> Approved -> Published.

One piece of content for one deliverable of a partnership. The KOL submits it on the portal (or
an operator does on their behalf); the KOL's operator (or a KOL Manager) requests changes, with
a comment, or approves it; an approved piece is published with its live URL and date.

The roles of each transition are Frappe's workflow (a desk user's transition is checked by
Frappe against the session user's roles, and the save by the row rule: only the KOL's own
operators and managers may write it). The KOL has no desk role: their two transitions (submit,
resubmit) are ``PORTAL_TRANSITIONS``, checked here on the stored state
(``validate_portal_action``). The guards (``refusal_reasons``) apply to everyone, Administrator
included, and so does the rule that a state only changes along a transition of the definition.
"""

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from kol_crm.workflows.base import Transition, WorkflowDefinition, changed_state

DRAFT = "Draft"
SUBMITTED = "Submitted"
CHANGES_REQUESTED = "Changes Requested"
APPROVED = "Approved"
PUBLISHED = "Published"

# the states in which the KOL (or the operator for them) may still change the draft
EDITABLE_STATES = (DRAFT, CHANGES_REQUESTED)

TRANSITIONS = (
	Transition(DRAFT, "Submit for Review", SUBMITTED),
	Transition(SUBMITTED, "Request Changes", CHANGES_REQUESTED),
	Transition(CHANGES_REQUESTED, "Resubmit", SUBMITTED),
	Transition(SUBMITTED, "Approve", APPROVED),
	Transition(APPROVED, "Publish", PUBLISHED),
)

# what the KOL does on the portal: (stored state, new state) -> the workflow action it is
PORTAL_TRANSITIONS = {(DRAFT, SUBMITTED): "Submit for Review", (CHANGES_REQUESTED, SUBMITTED): "Resubmit"}

DEFINITION = WorkflowDefinition(
	name="KOL Content Review",
	document_type="KOL Content",
	states=(
		(DRAFT, "Inverse"),
		(SUBMITTED, "Primary"),
		(CHANGES_REQUESTED, "Warning"),
		(APPROVED, "Success"),
		(PUBLISHED, "Success"),
	),
	transitions=TRANSITIONS,
)


def is_transition(from_state: str | None, to_state: str) -> bool:
	return bool(DEFINITION.find(from_state or "", to_state))


def refusal_reasons(doc, from_state: str | None, to_state: str) -> list[str]:
	"""Why ``doc`` may not move from ``from_state`` to ``to_state`` (empty when allowed)."""
	if not is_transition(from_state, to_state):
		return [_("Content can't move from {0} to {1}.").format(_(from_state), _(to_state))]
	reasons = []
	if to_state == SUBMITTED and not any((doc.get(f) or "").strip() for f in ("body", "link", "attachment")):
		reasons.append(_("Add the text, a link or a file before submitting the content for review."))
	if to_state == CHANGES_REQUESTED and not (doc.get("reviewer_comment") or "").strip():
		reasons.append(_("Write what the KOL should change in Reviewer's Comment before requesting changes."))
	if to_state == PUBLISHED:
		stored_approval = frappe.db.get_value("KOL Content", doc.name, "approved_by")
		if from_state != APPROVED or not stored_approval:
			reasons.append(_("Only approved content can be published: approve it first."))
		if not (doc.get("live_url") or "").strip():
			reasons.append(_("Live URL is required to publish: where is the content live?"))
		if not doc.get("published_on"):
			reasons.append(_("Published On is required to publish."))
		elif getdate(doc.published_on) > getdate(nowdate()):
			reasons.append(_("Published On can't be in the future."))
	return reasons


def validate_transition(doc) -> None:
	"""Controller hook: a new piece of content starts as Draft; a state changes only along a
	transition of the definition, and only when its guards allow it."""
	if doc.is_new():
		doc.workflow_state = doc.workflow_state or DRAFT
		if doc.workflow_state != DRAFT:
			frappe.throw(
				_("New content starts as Draft; submit it for review afterwards."),
				frappe.ValidationError,
				title=_("Cannot move to {0}").format(_(doc.workflow_state)),
			)
		return
	from_state, to_state = changed_state(doc)
	if to_state and (reasons := refusal_reasons(doc, from_state, to_state)):
		frappe.throw("<br>".join(reasons), title=_("Cannot move to {0}").format(_(to_state)))


def validate_portal_action(doc) -> None:
	"""KOL Content.validate_workflow for the KOL's own action on the portal
	(``doc.flags.portal_action``, set only by ``kol_crm.portal``): a save in an editable state,
	or one of ``PORTAL_TRANSITIONS`` from the stored state."""
	stored = None if doc.is_new() else frappe.db.get_value("KOL Content", doc.name, "workflow_state")
	new = doc.workflow_state or DRAFT
	if doc.is_new():
		allowed = new == DRAFT
	elif stored == new:
		allowed = stored in EDITABLE_STATES
	else:
		allowed = PORTAL_TRANSITIONS.get((stored, new)) == doc.flags.portal_action
	if not allowed:
		frappe.throw(
			_("This content is {0}; you can't do this now.").format(_(stored or new)),
			frappe.ValidationError,
			title=_("Not permitted"),
		)
