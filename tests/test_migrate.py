"""Migrate keeps what an administrator configured on the records kol_crm ships (issue 9, item 11).

``bench migrate`` runs Frappe's fixture sync and then kol_crm's ``after_migrate``; the tests call
both, as migrate does, inside the test's transaction.
"""

import os

import frappe
import pytest
from frappe.utils.fixtures import sync_fixtures

import kol_crm
from kol_crm.setup import install
from kol_crm.workflows import ROLES, all_definitions
from tests import factories as f

RULE = "KOL Operator Round Robin"
SHIPPED_DOCTYPES = ("Role", "Assignment Rule", "Workflow", "Workflow State", "Workflow Action Master")
FRAPPE_STATES = ("Approved", "Rejected", "Pending")  # created by Frappe on every site


@pytest.fixture
def clean_cache():
	yield
	frappe.db.rollback()
	# documents, workflows and rules cached while the records were changed outlive the rollback
	frappe.clear_cache()


def migrate() -> None:
	sync_fixtures("kol_crm")
	install.after_migrate()


def transitions(workflow) -> set[tuple]:
	return {
		(t.state, t.action, t.next_state, t.allowed, int(t.allow_self_approval), t.condition or None)
		for t in workflow.transitions
	}


def defined_transitions(definition) -> set[tuple]:
	return {
		(t.state, t.action, t.next_state, role, int(t.allow_self_approval), t.condition)
		for t in definition.transitions
		for role in t.roles
	}


def states(workflow) -> list[tuple]:
	return [
		(s.state, str(s.doc_status), s.allow_edit, s.update_field or None, s.update_value or None)
		for s in workflow.states
	]


def defined_states(definition) -> list[tuple]:
	return [
		(state, "0", role, *definition.update_fields.get(state, (None, None)))
		for state, _style in definition.states
		for role in (
			("KOL Manager",) if state in definition.closed_states else ("KOL Operator", "KOL Manager")
		)
	]


def test_hole11_migrate_keeps_administrator_choices(clean_cache):
	lifecycle, proposal, *_others = all_definitions()
	# an administrator configures the shipped records
	rule = frappe.get_doc("Assignment Rule", RULE)
	rule.update(
		{
			"disabled": 0,
			"priority": 7,
			"description": "Qualify it within a day.",
			"assign_condition": 'workflow_state == "Identified" and not operator',
		}
	)
	rule.set("users", [{"user": f.OPERATOR_A}])
	rule.save()
	manager = frappe.get_doc("Role", "KOL Manager")
	manager.update({"two_factor_auth": 1, "home_page": "/app/kol"})
	manager.save()
	analyst = frappe.get_doc("Role", "KOL Analyst")
	analyst.desk_access = 0
	analyst.save()
	workflow = frappe.get_doc("Workflow", lifecycle.name)
	workflow.send_email_alert = 1
	workflow.states[0].message = "Check the profile before shortlisting."
	# ...and deletes what the app owns: a transition, a Workflow State, a Workflow Action Master
	workflow.set("transitions", [t for t in workflow.transitions if t.action != "Offboard"])
	workflow.save()
	proposal_workflow = frappe.get_doc("Workflow", proposal.name)
	proposal_workflow.update({"is_active": 0, "override_status": 1})
	proposal_workflow.save()
	identified = frappe.get_doc("Workflow State", "Identified")
	identified.update({"style": "Danger", "icon": "flag"})
	identified.save()
	frappe.db.delete("Workflow State", {"name": "Withdrawn"})
	frappe.db.delete("Workflow Action Master", {"name": "Withdraw"})
	template = frappe.get_doc("Email Template", "KOL Follow-up")
	template.subject = "Checking in, {{ kol_name }}"
	template.save()

	migrate()
	restored_at = frappe.db.get_value("Workflow", lifecycle.name, "modified")
	migrate()

	rule = frappe.get_doc("Assignment Rule", RULE)
	assert (rule.disabled, rule.priority, rule.description, rule.assign_condition, rule.document_type) == (
		0,
		7,
		"Qualify it within a day.",
		'workflow_state == "Identified" and not operator',
		"KOL",
	)
	assert [u.user for u in rule.users] == [f.OPERATOR_A]
	assert frappe.db.get_value("Role", "KOL Manager", ["two_factor_auth", "home_page"]) == (1, "/app/kol")
	assert frappe.db.get_value("Role", "KOL Analyst", "desk_access") == 0
	workflow = frappe.get_doc("Workflow", lifecycle.name)
	assert (workflow.send_email_alert, workflow.is_active) == (1, 1)
	assert workflow.states[0].message == "Check the profile before shortlisting."
	assert transitions(workflow) == defined_transitions(lifecycle)  # Offboard is back
	assert states(workflow) == defined_states(lifecycle)
	assert workflow.modified == restored_at  # the second migrate found nothing to restore
	proposal_workflow = frappe.get_doc("Workflow", proposal.name)
	assert (proposal_workflow.is_active, proposal_workflow.override_status) == (0, 1)
	assert transitions(proposal_workflow) == defined_transitions(proposal)
	assert frappe.db.get_value("Workflow State", "Identified", ["style", "icon"]) == ("Danger", "flag")
	assert frappe.db.get_value("Workflow State", "Withdrawn", "style") == "Danger"
	assert frappe.db.exists("Workflow Action Master", "Withdraw") == "Withdraw"
	assert frappe.db.get_value("Email Template", "KOL Follow-up", "subject") == "Checking in, {{ kol_name }}"


def test_a_new_site_gets_the_shipped_records(clean_cache):
	definitions = all_definitions()
	ours = {
		"Workflow State": [s for d in definitions for s, _style in d.states if s not in FRAPPE_STATES],
		"Workflow Action Master": sorted({t.action for d in definitions for t in d.transitions}),
	}
	for definition in definitions:
		frappe.delete_doc("Workflow", definition.name, force=True)
	for doctype, names in ours.items():
		frappe.db.delete(doctype, {"name": ("in", names)})
	frappe.delete_doc("Assignment Rule", RULE, force=True)
	frappe.db.delete("Role", {"name": ("in", ROLES)})
	# Frappe makes the roles a DocType's permissions name (desk access, no home page) before after_install
	frappe.get_doc({"doctype": "Role", "role_name": "KOL Analyst", "desk_access": 1}).insert()

	# as install_app runs them
	install.after_install()
	sync_fixtures("kol_crm")

	for role in ROLES:
		assert frappe.db.get_value(
			"Role", role, ["desk_access", "home_page", "two_factor_auth", "disabled"], as_dict=True
		) == {"desk_access": 1, "home_page": "/app/kol-crm", "two_factor_auth": 0, "disabled": 0}
	rule = frappe.get_doc("Assignment Rule", RULE)
	assert (rule.document_type, rule.rule, rule.disabled, rule.priority, rule.users) == (
		"KOL",
		"Round Robin",
		1,
		0,
		[],
	)
	assert rule.assign_condition == 'workflow_state in ("Identified", "Spotted") and not operator'
	assert rule.description == "New KOL to own: qualify it and plan the first follow-up."
	assert [d.day for d in rule.assignment_days] == [
		"Monday",
		"Tuesday",
		"Wednesday",
		"Thursday",
		"Friday",
		"Saturday",
		"Sunday",
	]
	for definition in definitions:
		workflow = frappe.get_doc("Workflow", definition.name)
		assert (
			workflow.document_type,
			workflow.workflow_state_field,
			workflow.is_active,
			workflow.send_email_alert,
			workflow.override_status,
		) == (definition.document_type, "workflow_state", 1, 0, 0)
		assert states(workflow) == defined_states(definition)
		assert transitions(workflow) == defined_transitions(definition)
		for state, style in definition.states:
			if state not in FRAPPE_STATES:
				assert frappe.db.get_value("Workflow State", state, "style") == style, state
	actions = frappe.get_all(
		"Workflow Action Master", {"name": ("in", ours["Workflow Action Master"])}, pluck="name"
	)
	assert sorted(actions) == ours["Workflow Action Master"]


def test_the_shipped_records_are_not_fixtures():
	"""Frappe's fixture sync overwrites whole documents: none of these may come back as a fixture."""
	declared = {
		entry["dt"] if isinstance(entry, dict) else entry
		for entry in frappe.get_hooks("fixtures", app_name="kol_crm")
	}
	assert declared & set(SHIPPED_DOCTYPES) == set()
	folder = os.path.join(os.path.dirname(kol_crm.__file__), "fixtures")
	files = os.listdir(folder) if os.path.isdir(folder) else []
	for filename in files:
		if filename.endswith(".json"):
			docs = frappe.parse_json(open(os.path.join(folder, filename)).read())
			assert {d.get("doctype") for d in docs} & set(SHIPPED_DOCTYPES) == set(), filename
