"""Workflow definitions and the guards each transition enforces.

The Workflow, Workflow State and Workflow Action Master records are built from
the definitions here (``build_workflow_records``) and synced into the site on
install and migrate (``kol_crm.setup.records``; a test checks that the site's
workflows match), so controllers, the desk workflow and the tests share one
definition.
"""

# the roles are defined with the permission model; re-exported for the workflow definitions
from kol_crm.permissions import ANALYST, MANAGER, OPERATOR, ROLES
from kol_crm.workflows.base import Transition, WorkflowDefinition, changed_state
from kol_crm.workflows.kol_case_study import DEFINITION as CASE_STUDY
from kol_crm.workflows.kol_content import DEFINITION as CONTENT
from kol_crm.workflows.kol_lifecycle import DEFINITION as LIFECYCLE
from kol_crm.workflows.kol_proposal import DEFINITION as PROPOSAL
from kol_crm.workflows.kol_settlement import DEFINITION as SETTLEMENT


def all_definitions() -> list[WorkflowDefinition]:
	return [LIFECYCLE, PROPOSAL, CONTENT, SETTLEMENT, CASE_STUDY]


def build_workflow_records() -> dict[str, list[dict]]:
	"""The Workflow, Workflow State and Workflow Action Master documents of every definition, by DocType.

	The values the administrator owns (is_active, send_email_alert, override_status, a state's
	style) are the ones a new record gets; ``kol_crm.setup.records`` never changes them later.
	"""
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
		"Workflow": workflows,
		"Workflow State": sorted(states.values(), key=lambda d: d["name"]),
		"Workflow Action Master": sorted(actions.values(), key=lambda d: d["name"]),
	}
