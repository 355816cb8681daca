"""KOL Lifecycle and KOL Proposal Approval: every transition, allowed and refused, by role and by path."""

import frappe
import pytest
from frappe.model.workflow import WorkflowPermissionError, WorkflowTransitionError, apply_workflow

from kol_crm.setup.records import STATE_OWNED_FIELDS, TRANSITION_OWNED_FIELDS, app_owned_rows
from kol_crm.workflows import ANALYST, MANAGER, OPERATOR, build_workflow_records
from kol_crm.workflows import kol_lifecycle as lifecycle
from kol_crm.workflows import kol_proposal as proposal_wf
from tests import factories as f

ROLE_USER = {MANAGER: f.MANAGER, OPERATOR: f.OPERATOR_A, ANALYST: f.ANALYST}


def _kol_in(state: str, path: str):
	kol = f.make_kol(intake_path=path, cultivation_outcome="Wrote three top guides after the camp")
	f.set_state(kol, state)
	if path == lifecycle.EXTERNAL:
		f.accept_proposal(f.make_proposal(kol.name))
	return frappe.get_doc("KOL", kol.name)


def _proposal_in(state: str):
	kol = f.make_kol()
	# approved budget 8000: the rounds below stay within it (above it is a manager's, see test_four_eyes)
	prop = f.make_proposal(kol.name, outcome_reason="Budget did not fit", budget=8000)
	prop.append("negotiation_rounds", {"party": "KOL", "offer": "Wants 20% revenue share", "budget": 6000})
	prop.save()
	f.set_state(prop, state)
	return prop


def _path_of(t) -> str:
	return lifecycle.INTERNAL if t.condition == lifecycle.IS_INTERNAL else lifecycle.EXTERNAL


def _lifecycle_cases():
	for t in lifecycle.TRANSITIONS:
		paths = [_path_of(t)] if t.condition else [lifecycle.EXTERNAL, lifecycle.INTERNAL]
		for path in paths:
			for role in (MANAGER, OPERATOR, ANALYST):
				yield pytest.param(t, path, role, id=f"{path}:{t.state}-{t.action}->{t.next_state}:{role}")


@pytest.mark.parametrize("transition,path,role", list(_lifecycle_cases()))
def test_every_lifecycle_transition_by_role(transition, path, role):
	kol = _kol_in(transition.state, path)
	frappe.set_user(ROLE_USER[role])
	if role in transition.roles:
		doc = apply_workflow(frappe.get_doc("KOL", kol.name), transition.action)
		assert doc.workflow_state == transition.next_state
		assert frappe.db.get_value("KOL", kol.name, "workflow_state") == transition.next_state
	else:
		with pytest.raises((WorkflowTransitionError, frappe.PermissionError)):
			apply_workflow(frappe.get_doc("KOL", kol.name), transition.action)
		assert frappe.db.get_value("KOL", kol.name, "workflow_state") == transition.state


def _proposal_cases():
	for t in proposal_wf.TRANSITIONS:
		for role in (MANAGER, OPERATOR, ANALYST):
			yield pytest.param(t, role, id=f"{t.state}-{t.action}->{t.next_state}:{role}")


@pytest.mark.parametrize("transition,role", list(_proposal_cases()))
def test_every_proposal_transition_by_role(transition, role):
	prop = _proposal_in(transition.state)
	if transition.state == "Countered" and transition.next_state == "Sent":
		prop.append("negotiation_rounds", {"party": "Us", "offer": "15% revenue share", "budget": 5500})
		prop.save()
	frappe.set_user(ROLE_USER[role])
	if role in transition.roles:
		doc = apply_workflow(frappe.get_doc("KOL Proposal", prop.name), transition.action)
		assert doc.workflow_state == transition.next_state
	else:
		with pytest.raises((WorkflowTransitionError, frappe.PermissionError)):
			apply_workflow(frappe.get_doc("KOL Proposal", prop.name), transition.action)
		assert frappe.db.get_value("KOL Proposal", prop.name, "workflow_state") == transition.state


@pytest.mark.parametrize(
	"path,state,action",
	[
		# external-path transitions are not offered to internally cultivated KOLs, and vice versa
		(lifecycle.INTERNAL, "Negotiating", "Activate"),
		(lifecycle.INTERNAL, "Identified", "Shortlist"),
		(lifecycle.EXTERNAL, "Cultivating", "Activate"),
		(lifecycle.EXTERNAL, "Spotted", "Evaluate"),
	],
)
def test_transitions_are_conditioned_on_the_intake_path(path, state, action):
	kol = _kol_in(state, path)
	frappe.set_user(f.MANAGER)
	with pytest.raises(WorkflowTransitionError):
		apply_workflow(frappe.get_doc("KOL", kol.name), action)


def test_new_kol_starts_in_the_first_state_of_its_path():
	assert f.make_kol(intake_path=lifecycle.EXTERNAL).workflow_state == "Identified"
	assert f.make_kol(intake_path=lifecycle.INTERNAL).workflow_state == "Spotted"
	# a state typed on a new record is ignored: intake always starts at the beginning
	assert f.make_kol(workflow_state="Active").workflow_state == "Identified"


def test_external_kol_cannot_become_active_without_an_accepted_proposal():
	kol = f.make_kol()
	f.set_state(kol, "Negotiating")
	f.make_proposal(kol.name)  # a draft is not enough
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.ValidationError, match="accepted KOL Proposal"):
		apply_workflow(frappe.get_doc("KOL", kol.name), "Activate")
	assert frappe.db.get_value("KOL", kol.name, "workflow_state") == "Negotiating"


def test_external_kol_becomes_active_once_a_proposal_is_accepted():
	kol = f.make_kol()
	f.set_state(kol, "Negotiating")
	f.accept_proposal(f.make_proposal(kol.name))
	frappe.set_user(f.OPERATOR_A)
	assert apply_workflow(frappe.get_doc("KOL", kol.name), "Activate").workflow_state == "Active"


def test_internal_kol_needs_a_recorded_cultivation_outcome_to_become_active():
	kol = f.make_kol(intake_path=lifecycle.INTERNAL)
	f.set_state(kol, "Cultivating")
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.ValidationError, match="cultivation outcome"):
		apply_workflow(frappe.get_doc("KOL", kol.name), "Activate")
	doc = frappe.get_doc("KOL", kol.name)
	doc.cultivation_outcome = "Hosted two review sessions; guides now top of the forum"
	doc.save()
	assert apply_workflow(frappe.get_doc("KOL", kol.name), "Activate").workflow_state == "Active"


def test_state_cannot_be_changed_by_editing_the_field():
	kol = f.make_kol()
	frappe.set_user(f.OPERATOR_A)
	doc = frappe.get_doc("KOL", kol.name)
	doc.workflow_state = "Negotiating"  # skips Shortlisted and Contacting
	with pytest.raises(WorkflowPermissionError):
		doc.save()
	assert frappe.db.get_value("KOL", kol.name, "workflow_state") == "Identified"


def test_operator_cannot_move_another_operators_kol():
	kol = f.make_kol(operator=f.OPERATOR_B)
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.PermissionError):
		apply_workflow(frappe.get_doc("KOL", kol.name), "Shortlist")


def test_manager_cannot_approve_their_own_proposal():
	kol = f.make_kol()
	frappe.set_user(f.MANAGER)
	prop = f.make_proposal(kol.name)
	apply_workflow(prop, "Submit for Approval")
	with pytest.raises(frappe.ValidationError, match="Self approval"):
		apply_workflow(frappe.get_doc("KOL Proposal", prop.name), "Approve")
	frappe.set_user(f.MANAGER_2)
	assert apply_workflow(frappe.get_doc("KOL Proposal", prop.name), "Approve").workflow_state == "Approved"


def test_proposal_without_deliverables_cannot_go_for_approval_or_be_sent():
	kol = f.make_kol()
	prop = f.make_proposal(kol.name, with_terms=False)
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.ValidationError, match="at least one deliverable"):
		apply_workflow(frappe.get_doc("KOL Proposal", prop.name), "Submit for Approval")
	# deliverables removed after approval: the proposal goes back to Draft (a terms change)
	frappe.set_user("Administrator")
	prop = f.make_proposal(kol.name)
	f.set_state(prop, "Approved")
	prop.deliverables = []
	prop.save()
	assert frappe.db.get_value("KOL Proposal", prop.name, "workflow_state") == "Draft"
	# an approved proposal stored without deliverables (e.g. before terms were locked) still cannot be sent
	prop = f.make_proposal(kol.name)
	f.set_state(prop, "Approved")
	frappe.db.delete("KOL Deliverable", {"parenttype": "KOL Proposal", "parent": prop.name})
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.ValidationError, match="at least one deliverable"):
		apply_workflow(frappe.get_doc("KOL Proposal", prop.name), "Send")
	assert frappe.db.get_value("KOL Proposal", prop.name, "workflow_state") == "Approved"


def test_negotiation_round_rules():
	kol = f.make_kol()
	prop = f.make_proposal(kol.name)
	f.set_state(prop, "Sent")
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.ValidationError, match="counter-offer"):
		apply_workflow(frappe.get_doc("KOL Proposal", prop.name), "Record Counter-offer")
	doc = frappe.get_doc("KOL Proposal", prop.name)
	doc.append(
		"negotiation_rounds", {"party": "KOL", "offer": "Wants 8000 and a launch slot", "budget": 8000}
	)
	doc.save()
	doc = apply_workflow(frappe.get_doc("KOL Proposal", prop.name), "Record Counter-offer")
	assert doc.workflow_state == "Countered"
	with pytest.raises(frappe.ValidationError, match="revised offer"):
		apply_workflow(frappe.get_doc("KOL Proposal", prop.name), "Send Revised Offer")
	doc = frappe.get_doc("KOL Proposal", prop.name)
	doc.append("negotiation_rounds", {"party": "Us", "offer": "5000 plus launch slot", "budget": 5000})
	doc.save()
	doc = apply_workflow(frappe.get_doc("KOL Proposal", prop.name), "Send Revised Offer")
	assert doc.workflow_state == "Sent"
	assert [r.party for r in doc.negotiation_rounds] == ["KOL", "Us"]


def test_rejection_needs_a_reason_and_sets_the_outcome():
	kol = f.make_kol()
	prop = f.make_proposal(kol.name)
	f.set_state(prop, "Sent")
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.ValidationError, match="Outcome Reason"):
		apply_workflow(frappe.get_doc("KOL Proposal", prop.name), "Mark Rejected")
	doc = frappe.get_doc("KOL Proposal", prop.name)
	doc.outcome_reason = "Exclusive deal with a competitor"
	doc.save()
	doc = apply_workflow(frappe.get_doc("KOL Proposal", prop.name), "Mark Rejected")
	assert (doc.workflow_state, doc.outcome) == ("Rejected", "Rejected")
	assert doc.outcome_on


def test_the_synced_workflows_match_the_python_definitions():
	"""What install and migrate sync (kol_crm.setup.records) is what the definitions say, row by row."""
	for expected in build_workflow_records()["Workflow"]:
		wf = frappe.get_doc("Workflow", expected["name"])
		assert (wf.document_type, wf.workflow_state_field) == (
			expected["document_type"],
			expected["workflow_state_field"],
		)
		assert app_owned_rows(wf.states, STATE_OWNED_FIELDS) == app_owned_rows(
			expected["states"], STATE_OWNED_FIELDS
		)
		assert app_owned_rows(wf.transitions, TRANSITION_OWNED_FIELDS) == app_owned_rows(
			expected["transitions"], TRANSITION_OWNED_FIELDS
		)
	for doctype in ("Workflow State", "Workflow Action Master"):
		names = [d["name"] for d in build_workflow_records()[doctype]]
		assert sorted(frappe.get_all(doctype, {"name": ("in", names)}, pluck="name")) == sorted(names)


def test_installed_workflows_are_active_and_match_the_definitions():
	for definition in (lifecycle.DEFINITION, proposal_wf.DEFINITION):
		wf = frappe.get_doc("Workflow", definition.name)
		assert wf.is_active and wf.document_type == definition.document_type
		installed = {(t.state, t.action, t.next_state, t.allowed) for t in wf.transitions}
		expected = {(t.state, t.action, t.next_state, r) for t in definition.transitions for r in t.roles}
		assert installed == expected
