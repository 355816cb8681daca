"""The shape of a workflow definition, shared by the definitions and the records built from them."""

from collections.abc import Callable
from dataclasses import dataclass, field

import frappe
from frappe import _

# the roles are defined with the permission model
from kol_crm.permissions import MANAGER, OPERATOR


@dataclass(frozen=True)
class Transition:
	state: str
	action: str
	next_state: str
	roles: tuple[str, ...] = (OPERATOR, MANAGER)
	condition: str | None = None
	allow_self_approval: bool = True


@dataclass(frozen=True)
class WorkflowDefinition:
	name: str
	document_type: str
	states: tuple[tuple[str, str], ...]  # (state, style)
	transitions: tuple[Transition, ...]
	update_fields: dict[str, tuple[str, str]] = field(default_factory=dict)  # state -> (field, value)
	closed_states: tuple[str, ...] = ()  # only a KOL Manager edits the document in these

	@property
	def state_names(self) -> list[str]:
		return [s for s, _style in self.states]

	def transitions_from(self, state: str) -> list[Transition]:
		return [t for t in self.transitions if t.state == state]

	def find(self, state: str, next_state: str) -> list[Transition]:
		return [t for t in self.transitions if t.state == state and t.next_state == next_state]


def changed_state(doc) -> tuple[str | None, str | None]:
	"""(previous state, new state) if the document's workflow state changes in this save, else (None, None)."""
	before = doc.get_doc_before_save()
	if not before or before.workflow_state == doc.workflow_state:
		return None, None
	return before.workflow_state, doc.workflow_state


def refuse_guarded_change(doc, refusal_reasons: Callable[[object, str | None, str], list[str]]) -> None:
	"""Refuse the document's state change, if any, with every reason its workflow's guards give."""
	from_state, to_state = changed_state(doc)
	if not to_state:
		return
	reasons = refusal_reasons(doc, from_state, to_state)
	if reasons:
		frappe.throw("<br>".join(reasons), title=_("Cannot move to {0}").format(_(to_state)))
