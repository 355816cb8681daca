"""KOL Case Study Review: Draft -> In Review -> Approved -> Published (and back).

A case study tells a completed partnership (``kol_crm.casestudies``). The KOL's operator (or a
KOL Manager) writes it and submits it for review; a KOL Manager requests changes (back to Draft)
or approves it, and only a KOL Manager publishes it to the website or takes it off again.

Publishing is guarded (``refusal_reasons``, for everyone, Administrator included): the KOL
consented to publication, a public name is set, and no text of the case study holds the KOL's
personal data. Approved and Published case studies are edited by a KOL Manager only (closed
states). The ``published`` flag the website reads follows the state in the controller.
"""

import frappe
from frappe import _

from kol_crm.permissions import MANAGER, is_manager
from kol_crm.workflows.base import Transition, WorkflowDefinition, changed_state

DRAFT = "Draft"
IN_REVIEW = "In Review"
APPROVED = "Approved"
PUBLISHED = "Published"

TRANSITIONS = (
	Transition(DRAFT, "Submit for Review", IN_REVIEW),
	Transition(IN_REVIEW, "Request Changes", DRAFT, roles=(MANAGER,)),
	Transition(IN_REVIEW, "Approve", APPROVED, roles=(MANAGER,)),
	Transition(APPROVED, "Publish", PUBLISHED, roles=(MANAGER,)),
	Transition(PUBLISHED, "Unpublish", APPROVED, roles=(MANAGER,)),
	Transition(APPROVED, "Reopen", DRAFT, roles=(MANAGER,)),
)

DEFINITION = WorkflowDefinition(
	name="KOL Case Study Review",
	document_type="KOL Case Study",
	states=(
		(DRAFT, "Inverse"),
		(IN_REVIEW, "Primary"),
		(APPROVED, "Success"),
		(PUBLISHED, "Success"),
	),
	transitions=TRANSITIONS,
	closed_states=(APPROVED, PUBLISHED),
)


def is_transition(from_state: str | None, to_state: str) -> bool:
	return bool(DEFINITION.find(from_state or "", to_state))


def refusal_reasons(doc, from_state: str | None, to_state: str, personal_found: list[str]) -> list[str]:
	"""Why ``doc`` may not move from ``from_state`` to ``to_state`` (empty when allowed).
	``personal_found``: the labels of the fields that hold the KOL's personal data."""
	if not is_transition(from_state, to_state):
		return [_("A case study can't move from {0} to {1}.").format(_(from_state), _(to_state))]
	reasons = []
	if to_state == PUBLISHED:
		if not doc.get("kol_consented"):
			reasons.append(
				_(
					"The KOL has not consented to publication: record their consent (KOL Consented To Publication) before publishing."
				)
			)
		if not (doc.get("public_name") or "").strip():
			reasons.append(_("Public Name / Handle is required to publish."))
		reasons.extend(
			_(
				"{0} holds the KOL's personal data (email, phone, WeChat or address): remove it to publish."
			).format(label)
			for label in personal_found
		)
	return reasons


def validate_transition(doc, personal_found: list[str]) -> None:
	"""Controller hook: a new case study starts as Draft; a state changes only along a transition
	of the definition, and only when its guards allow it."""
	if doc.is_new():
		doc.workflow_state = doc.workflow_state or DRAFT
		if doc.workflow_state != DRAFT:
			frappe.throw(
				_("A new case study starts as Draft; submit it for review afterwards."),
				title=_("Cannot move to {0}").format(_(doc.workflow_state)),
			)
		return
	before = doc.get_doc_before_save()
	if before and before.workflow_state in DEFINITION.closed_states and not is_manager():
		# Frappe's workflow doesn't enforce a state's "only these roles edit" on the server
		frappe.throw(
			_("Only a KOL Manager can change a case study that is {0}.").format(_(before.workflow_state)),
			frappe.PermissionError,
			title=_("Not permitted"),
		)
	from_state, to_state = changed_state(doc)
	if not to_state and doc.workflow_state == PUBLISHED:
		from_state, to_state = APPROVED, PUBLISHED  # a published case study stays publishable
	if to_state and (reasons := refusal_reasons(doc, from_state, to_state, personal_found)):
		frappe.throw("<br>".join(reasons), title=_("Cannot move to {0}").format(_(to_state)))
