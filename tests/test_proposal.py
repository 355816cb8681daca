"""Proposals: negotiation history kept, closed terms locked, mapped to a partnership."""

import frappe
import pytest
from frappe.model.workflow import apply_workflow

from kol_crm.kol_crm.doctype.kol_proposal.kol_proposal import make_partnership
from tests import factories as f
from tests import platform_helpers as ph
from tests.api import ApiSession


def test_accepted_proposal_maps_to_a_partnership_with_its_terms():
	kol = f.make_kol()
	prop = f.make_proposal(kol.name, valid_from="2026-11-01", valid_until="2027-01-31")
	f.accept_proposal(prop)
	frappe.set_user(f.OPERATOR_A)
	partnership = make_partnership(prop.name)
	assert partnership.doctype == "KOL Partnership"
	assert (partnership.kol, partnership.proposal, partnership.purpose) == (
		kol.name,
		prop.name,
		"Acquisition",
	)
	assert (str(partnership.start_date), str(partnership.end_date)) == ("2026-11-01", "2027-01-31")
	assert [d.description for d in partnership.deliverables] == ["Review video"]
	assert [b.benefit_type for b in partnership.benefits] == ["Cash", "Revenue Share", "Traffic Exposure"]
	partnership.result_revenue = 20000  # typed results are not taken: conversions make them
	partnership.insert()
	assert partnership.status == "Active"
	assert (partnership.result_revenue, partnership.revenue_share_due) == (0, 0)
	ph.record_conversions(partnership.name, paid=[20000])
	partnership.reload()
	assert partnership.revenue_share_due == 2000  # 10 % revenue share
	# the proposal keeps its own rows
	assert len(frappe.get_doc("KOL Proposal", prop.name).deliverables) == 1


def test_only_accepted_proposals_map_and_only_once():
	kol = f.make_kol()
	prop = f.make_proposal(kol.name)
	with pytest.raises(frappe.ValidationError, match="Only an accepted proposal"):
		make_partnership(prop.name)
	f.accept_proposal(prop)
	make_partnership(prop.name).insert()
	with pytest.raises(frappe.ValidationError, match="already has partnership"):
		make_partnership(prop.name)


def test_operator_cannot_map_another_operators_proposal():
	kol = f.make_kol(operator=f.OPERATOR_B)
	prop = f.make_proposal(kol.name)
	f.accept_proposal(prop)
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.PermissionError):
		make_partnership(prop.name)


def test_negotiation_rounds_cannot_be_rewritten():
	kol = f.make_kol()
	prop = f.make_proposal(kol.name)
	prop.append("negotiation_rounds", {"party": "KOL", "offer": "Wants 10000", "budget": 10000})
	prop.save()
	doc = frappe.get_doc("KOL Proposal", prop.name)
	doc.negotiation_rounds[0].offer = "Wants 5000"
	with pytest.raises(frappe.ValidationError, match="cannot be changed or removed"):
		doc.save()
	doc = frappe.get_doc("KOL Proposal", prop.name)
	doc.negotiation_rounds = []
	with pytest.raises(frappe.ValidationError, match="cannot be changed or removed"):
		doc.save()
	assert frappe.get_doc("KOL Proposal", prop.name).negotiation_rounds[0].offer == "Wants 10000"
	# saving unchanged (values typed as strings) is fine
	doc = frappe.get_doc("KOL Proposal", prop.name)
	doc.negotiation_rounds[0].budget = "10000"
	doc.save()


def test_closed_proposal_terms_are_locked():
	kol = f.make_kol()
	prop = f.make_proposal(kol.name)
	f.accept_proposal(prop)
	doc = frappe.get_doc("KOL Proposal", prop.name)
	doc.budget = 1
	with pytest.raises(frappe.ValidationError, match="can no longer be changed"):
		doc.save()


def test_finished_partnership_cannot_be_reopened():
	kol = f.make_kol()
	p = frappe.get_doc(
		{
			"doctype": "KOL Partnership",
			"kol": kol.name,
			"purpose": "Conversion",
			"no_proposal_reason": "Renewal",
		}
	).insert()
	p.status = "Completed"
	p.save()
	p.status = "Active"
	with pytest.raises(frappe.ValidationError, match="cannot be set to"):
		p.save()


def test_partnership_needs_an_accepted_proposal_of_the_same_kol():
	kol, other = f.make_kol(), f.make_kol()
	prop = f.make_proposal(other.name)
	f.accept_proposal(prop)
	with pytest.raises(frappe.ValidationError, match="belongs to another KOL"):
		frappe.get_doc(
			{"doctype": "KOL Partnership", "kol": kol.name, "purpose": "Conversion", "proposal": prop.name}
		).insert()


@pytest.fixture
def committed_accepted_proposal():
	frappe.set_user("Administrator")
	kol = f.make_kol(operator=f.OPERATOR_A)
	prop = f.make_proposal(kol.name)
	f.accept_proposal(prop)
	frappe.db.commit()
	yield prop
	frappe.set_user("Administrator")
	for name in frappe.get_all("KOL Partnership", {"kol": kol.name}, pluck="name"):
		frappe.delete_doc("KOL Partnership", name, force=True)
	frappe.delete_doc("KOL Proposal", prop.name, force=True)
	frappe.delete_doc("KOL", kol.name, force=True)
	frappe.db.commit()


def test_create_partnership_action_over_http(committed_accepted_proposal):
	"""The form's "Create Partnership" button: the mapped method, then a save, as the operator."""
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	response = session.post(
		"/api/method/kol_crm.kol_crm.doctype.kol_proposal.kol_proposal.make_partnership",
		data={"source_name": committed_accepted_proposal.name},
	)
	assert response.status_code == 200, response.get_data(as_text=True)
	mapped = session.json(response)["message"]
	assert mapped["proposal"] == committed_accepted_proposal.name
	response = session.post("/api/resource/KOL Partnership", json=mapped)
	assert response.status_code == 200, response.get_data(as_text=True)
	assert session.json(response)["data"]["kol"] == committed_accepted_proposal.kol
	# an analyst cannot
	analyst = ApiSession(f.ANALYST, f.PASSWORD)
	response = analyst.post(
		"/api/method/kol_crm.kol_crm.doctype.kol_proposal.kol_proposal.make_partnership",
		data={"source_name": committed_accepted_proposal.name},
	)
	assert response.status_code == 403


def test_workflow_action_over_http(committed_accepted_proposal):
	"""Operators drive the lifecycle through the desk's workflow action endpoint."""
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	kol = frappe.get_doc("KOL", committed_accepted_proposal.kol)
	response = session.post(
		"/api/method/frappe.model.workflow.apply_workflow",
		data={"doc": frappe.as_json(kol.as_dict()), "action": "Shortlist"},
	)
	assert response.status_code == 200, response.get_data(as_text=True)
	assert session.json(response)["message"]["workflow_state"] == "Shortlisted"
	analyst = ApiSession(f.ANALYST, f.PASSWORD)
	response = analyst.post(
		"/api/method/frappe.model.workflow.apply_workflow",
		data={"doc": frappe.as_json(kol.as_dict()), "action": "Start Outreach"},
	)
	assert response.status_code in (403, 417)
	frappe.db.rollback()
	assert frappe.db.get_value("KOL", kol.name, "workflow_state") == "Shortlisted"
