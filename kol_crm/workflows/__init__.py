"""Workflow definitions and the guards each transition enforces.

The Workflow records under ``kol_crm/fixtures`` are generated from the
definitions here (``build_workflow_fixtures``) and a test checks that the
shipped fixtures still match, so controllers, the desk workflow and the tests
share one definition.
"""

from dataclasses import dataclass, field

MANAGER = "KOL Manager"
OPERATOR = "KOL Operator"
ANALYST = "KOL Analyst"
ROLES = (MANAGER, OPERATOR, ANALYST)


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


def all_definitions() -> list[WorkflowDefinition]:
	from kol_crm.workflows.kol_lifecycle import DEFINITION as LIFECYCLE
	from kol_crm.workflows.kol_proposal import DEFINITION as PROPOSAL

	return [LIFECYCLE, PROPOSAL]


def build_workflow_fixtures() -> dict[str, list[dict]]:
	"""Fixture documents (Workflow, Workflow State, Workflow Action Master) for every definition."""
	workflows, states, actions = [], {}, {}
	for wf in all_definitions():
		for state, style in wf.states:
			states[state] = {
				"doctype": "Workflow State",
				"name": state,
				"workflow_state_name": state,
				"style": style,
			}
		for t in wf.transitions:
			actions[t.action] = {
				"doctype": "Workflow Action Master",
				"name": t.action,
				"workflow_action_name": t.action,
			}
		workflows.append(
			{
				"doctype": "Workflow",
				"name": wf.name,
				"workflow_name": wf.name,
				"document_type": wf.document_type,
				"workflow_state_field": "workflow_state",
				"is_active": 1,
				"override_status": 0,
				"send_email_alert": 0,
				"states": [
					{
						"doctype": "Workflow Document State",
						"state": state,
						"doc_status": "0",
						"allow_edit": role,
						"update_field": wf.update_fields.get(state, (None, None))[0],
						"update_value": wf.update_fields.get(state, (None, None))[1],
					}
					for state, _style in wf.states
					for role in ((MANAGER,) if state in wf.closed_states else (OPERATOR, MANAGER))
				],
				"transitions": [
					{
						"doctype": "Workflow Transition",
						"state": t.state,
						"action": t.action,
						"next_state": t.next_state,
						"allowed": role,
						"allow_self_approval": int(t.allow_self_approval),
						"condition": t.condition,
					}
					for t in wf.transitions
					for role in t.roles
				],
			}
		)
	return {
		"workflow.json": workflows,
		"workflow_state.json": sorted(states.values(), key=lambda d: d["name"]),
		"workflow_action_master.json": sorted(actions.values(), key=lambda d: d["name"]),
	}


def changed_state(doc) -> tuple[str | None, str | None]:
	"""(previous state, new state) if the document's workflow state changes in this save, else (None, None)."""
	before = doc.get_doc_before_save()
	if not before or before.workflow_state == doc.workflow_state:
		return None, None
	return before.workflow_state, doc.workflow_state


def write_fixtures() -> None:
	"""Developer helper: regenerate the workflow fixtures after changing a definition.

	bench --site SITE execute kol_crm.workflows.write_fixtures
	"""
	import json
	import os

	folder = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures")
	for filename, docs in build_workflow_fixtures().items():
		with open(os.path.join(folder, filename), "w") as f:
			f.write(json.dumps(docs, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
