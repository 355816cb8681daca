"""Issue 9, hole 7: four-eyes that holds.

- A proposal's terms are locked once it goes for approval: changing them in Pending Approval or
  Approved sends it back to Draft (it needs approval again); in Sent, Countered and the closed
  states they cannot change at all (offers are negotiation rounds).
- An offer above the approved budget goes out, or is accepted, only by a KOL Manager.
- A partnership comes from an accepted proposal of its KOL (a manager may create one without,
  recorded with who and why), and a non-manager never gives more than the accepted terms.

Checked through the Python API and over HTTP as the operator.
"""

import re

import frappe
import pytest
from frappe.model.workflow import WorkflowTransitionError, apply_workflow
from frappe.utils import add_days, nowdate

from kol_crm.kol_crm.doctype.kol_proposal.kol_proposal import make_partnership
from tests import factories as f
from tests import platform_helpers as ph
from tests.api import ApiSession


def _proposal(state: str, **kwargs):
	prop = f.make_proposal(f.make_kol().name, **kwargs)
	f.set_state(prop, state)
	return prop


def _stored(prop) -> tuple:
	doc = frappe.get_doc("KOL Proposal", prop.name)
	return (
		doc.workflow_state,
		doc.budget,
		[(b.benefit_type, b.amount, b.revenue_share_percent) for b in doc.benefits],
		[(d.description, d.quantity) for d in doc.deliverables],
	)


def _drop_last_benefit(doc):
	doc.set("benefits", doc.benefits[:-1])


def _other_kol(doc):
	doc.kol = f.make_kol().name


TERM_CHANGES = {
	"budget": lambda d: d.set("budget", 100000),
	"cash amount": lambda d: d.benefits[0].set("amount", 99000),
	"revenue share": lambda d: d.benefits[1].set("revenue_share_percent", 30),
	"benefit added": lambda d: d.append("benefits", {"benefit_type": "Product", "amount": 500}),
	"benefit removed": _drop_last_benefit,
	"benefit description": lambda d: d.benefits[2].set("description", "Home page banner for a year"),
	"deliverable quantity": lambda d: d.deliverables[0].set("quantity", 1),
	"deliverable added": lambda d: d.append(
		"deliverables", {"deliverable_type": "Post", "description": "Extra post", "quantity": 1}
	),
	"currency": lambda d: d.set("currency", "USD"),
	"valid until": lambda d: d.set("valid_until", add_days(nowdate(), 365)),
	"purpose": lambda d: d.set("purpose", "Conversion"),
	"kol": _other_kol,
}


# ---------------------------------------------------------------- proposal terms


@pytest.mark.parametrize("change", list(TERM_CHANGES))
@pytest.mark.parametrize("state", ["Pending Approval", "Approved"])
def test_hole7_changing_terms_after_submission_returns_the_proposal_to_draft(state, change):
	prop = _proposal(state)
	frappe.set_user(f.OPERATOR_A)
	doc = frappe.get_doc("KOL Proposal", prop.name)
	TERM_CHANGES[change](doc)
	doc.save()
	assert doc.workflow_state == "Draft"
	assert frappe.db.get_value("KOL Proposal", prop.name, "workflow_state") == "Draft"
	comments = frappe.get_all(
		"Comment",
		filters={"reference_doctype": "KOL Proposal", "reference_name": prop.name, "comment_type": "Info"},
		pluck="content",
	)
	assert len(comments) == 1
	assert f"while it was {state}" in comments[0] and "needs approval again" in comments[0]
	# the way out of Draft is approval again
	with pytest.raises(WorkflowTransitionError, match="Not a valid Workflow Action"):
		apply_workflow(frappe.get_doc("KOL Proposal", prop.name), "Send")
	doc = apply_workflow(frappe.get_doc("KOL Proposal", prop.name), "Submit for Approval")
	assert doc.workflow_state == "Pending Approval"


def test_hole7_approved_1k_offer_raised_to_100k_cannot_go_out_without_a_second_approval():
	prop = _proposal("Approved", budget=1000, benefits=[{"benefit_type": "Cash", "amount": 1000}])
	frappe.set_user(f.OPERATOR_A)
	doc = frappe.get_doc("KOL Proposal", prop.name)
	doc.budget = 100000
	doc.benefits[0].amount = 100000
	doc.workflow_state = "Sent"  # change and send in one save
	doc.save()
	assert _stored(prop) == ("Draft", 100000, [("Cash", 100000, 0)], [("Review video", 2)])
	with pytest.raises(WorkflowTransitionError, match="Not a valid Workflow Action"):
		apply_workflow(frappe.get_doc("KOL Proposal", prop.name), "Send")
	apply_workflow(frappe.get_doc("KOL Proposal", prop.name), "Submit for Approval")
	with pytest.raises(WorkflowTransitionError, match="Not a valid Workflow Action"):
		apply_workflow(frappe.get_doc("KOL Proposal", prop.name), "Approve")  # operators don't approve
	frappe.set_user(f.MANAGER)
	assert apply_workflow(frappe.get_doc("KOL Proposal", prop.name), "Approve").workflow_state == "Approved"


@pytest.mark.parametrize("state", ["Pending Approval", "Approved"])
def test_saving_without_changing_the_terms_keeps_the_approval(state):
	prop = _proposal(state)
	frappe.set_user(f.OPERATOR_A)
	doc = frappe.get_doc("KOL Proposal", prop.name)
	# same values typed differently, rows in another order, and fields that are not terms
	doc.budget = "5000"
	doc.benefits[0].amount = "3000.0"
	doc.set("benefits", list(reversed(doc.benefits)))
	doc.title = "Renamed campaign"
	doc.outcome_reason = "A note"
	doc.deliverables[0].status = "Delivered"
	doc.append("negotiation_rounds", {"party": "Us", "offer": "Initial offer", "budget": 5000})
	doc.save()
	assert frappe.db.get_value("KOL Proposal", prop.name, ["workflow_state", "title"]) == (
		state,
		"Renamed campaign",
	)


@pytest.mark.parametrize("change", ["budget", "cash amount", "benefit added", "deliverable quantity", "kol"])
@pytest.mark.parametrize("state", ["Sent", "Countered", "Accepted", "Rejected", "Withdrawn"])
def test_hole7_terms_of_a_sent_or_closed_proposal_cannot_change(state, change):
	prop = _proposal(state)
	before = _stored(prop)
	frappe.set_user(f.OPERATOR_A if state in ("Sent", "Countered") else f.MANAGER)
	doc = frappe.get_doc("KOL Proposal", prop.name)
	TERM_CHANGES[change](doc)
	with pytest.raises(frappe.ValidationError, match=f"This proposal is {state}; its terms can no longer"):
		doc.save()
	assert _stored(prop) == before


def test_sent_proposal_still_takes_negotiation_rounds():
	prop = _proposal("Sent")
	frappe.set_user(f.OPERATOR_A)
	doc = frappe.get_doc("KOL Proposal", prop.name)
	doc.append("negotiation_rounds", {"party": "KOL", "offer": "Wants 9000", "budget": 9000})
	doc.save()
	assert [(r.party, r.budget) for r in frappe.get_doc("KOL Proposal", prop.name).negotiation_rounds] == [
		("KOL", 9000)
	]


def _countered(our_offer: float):
	prop = _proposal("Sent")
	prop.append("negotiation_rounds", {"party": "KOL", "offer": "Wants 9000", "budget": 9000})
	prop.save()
	f.set_state(prop, "Countered")
	prop.append("negotiation_rounds", {"party": "Us", "offer": f"We offer {our_offer}", "budget": our_offer})
	prop.save()
	return prop


def test_hole7_revised_offer_above_the_approved_budget_needs_a_manager():
	prop = _countered(8000)  # approved budget 5000
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(
		frappe.ValidationError, match=r"latest offer \(8,000.00\) is above the approved budget \(5,000.00\)"
	):
		apply_workflow(frappe.get_doc("KOL Proposal", prop.name), "Send Revised Offer")
	assert frappe.db.get_value("KOL Proposal", prop.name, "workflow_state") == "Countered"
	frappe.set_user(f.MANAGER)
	assert apply_workflow(frappe.get_doc("KOL Proposal", prop.name), "Send Revised Offer").workflow_state == (
		"Sent"
	)


def test_revised_offer_within_the_approved_budget_goes_out_as_before():
	prop = _countered(5000)
	frappe.set_user(f.OPERATOR_A)
	assert apply_workflow(frappe.get_doc("KOL Proposal", prop.name), "Send Revised Offer").workflow_state == (
		"Sent"
	)


def test_hole7_accepting_an_offer_above_the_approved_budget_needs_a_manager():
	# the KOL's counter-offer of 9000 against an approved 5000
	prop = _proposal("Sent")
	prop.append("negotiation_rounds", {"party": "KOL", "offer": "Wants 9000", "budget": 9000})
	prop.save()
	f.set_state(prop, "Countered")
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.ValidationError, match="above the approved budget"):
		apply_workflow(frappe.get_doc("KOL Proposal", prop.name), "Mark Accepted")
	# nor by recording a bigger offer of ours while Sent and marking it accepted
	sent = _proposal("Sent")
	doc = frappe.get_doc("KOL Proposal", sent.name)
	doc.append("negotiation_rounds", {"party": "Us", "offer": "We offer 100000", "budget": 100000})
	doc.save()
	with pytest.raises(frappe.ValidationError, match=r"latest offer \(100,000.00\)"):
		apply_workflow(frappe.get_doc("KOL Proposal", sent.name), "Mark Accepted")
	assert frappe.db.get_value("KOL Proposal", sent.name, "workflow_state") == "Sent"
	frappe.set_user(f.MANAGER)
	assert apply_workflow(frappe.get_doc("KOL Proposal", prop.name), "Mark Accepted").workflow_state == (
		"Accepted"
	)


# ---------------------------------------------------------------- partnerships


def _partnership_doc(kol: str, **kwargs):
	return frappe.get_doc(
		{
			"doctype": "KOL Partnership",
			"kol": kol,
			"purpose": "Acquisition",
			"start_date": nowdate(),
			**kwargs,
		}
	)


def test_hole7_operator_cannot_create_a_partnership_without_a_proposal():
	kol = f.make_kol()
	frappe.set_user(f.OPERATOR_A)
	doc = _partnership_doc(
		kol.name, no_proposal_reason="I say so", benefits=[{"benefit_type": "Cash", "amount": 100000}]
	)
	with pytest.raises(frappe.PermissionError, match="Only a KOL Manager can create a partnership without"):
		doc.insert()
	assert frappe.db.count("KOL Partnership", {"kol": kol.name}) == 0


def test_hole7_manager_creates_a_partnership_without_a_proposal_and_it_is_recorded():
	kol = f.make_kol()
	frappe.set_user(f.MANAGER)
	with pytest.raises(frappe.ValidationError, match="Reason Without Proposal"):
		_partnership_doc(kol.name).insert()
	doc = _partnership_doc(
		kol.name,
		no_proposal_reason="  Renewal of last year's contract  ",
		created_without_proposal=0,
		created_without_proposal_by=f.OPERATOR_B,
	).insert()
	stored = frappe.db.get_value(
		"KOL Partnership",
		doc.name,
		["created_without_proposal", "created_without_proposal_by", "no_proposal_reason"],
	)
	assert stored == (1, f.MANAGER, "Renewal of last year's contract")
	# the record of how it was made stays as stored, whoever edits the partnership later
	frappe.set_user(f.OPERATOR_A)
	doc = frappe.get_doc("KOL Partnership", doc.name)
	doc.update({"created_without_proposal": 0, "created_without_proposal_by": None, "no_proposal_reason": ""})
	doc.target_new_users = 12
	doc.save()
	assert frappe.db.get_value(
		"KOL Partnership",
		doc.name,
		["created_without_proposal", "created_without_proposal_by", "no_proposal_reason", "target_new_users"],
	) == (1, f.MANAGER, "Renewal of last year's contract", 12)


def test_hole7_mapped_partnership_is_not_marked_as_without_proposal():
	prop = _proposal("Accepted")
	frappe.set_user(f.OPERATOR_A)
	doc = make_partnership(prop.name)
	doc.created_without_proposal = 1
	doc.no_proposal_reason = "spoofed"
	doc.insert()
	assert frappe.db.get_value(
		"KOL Partnership", doc.name, ["proposal", "created_without_proposal", "no_proposal_reason"]
	) == (prop.name, 0, None)


@pytest.mark.parametrize("state", ["Draft", "Pending Approval", "Approved", "Sent", "Countered", "Rejected"])
def test_partnership_needs_an_accepted_proposal_for_manager_and_operator(state):
	prop = _proposal(state)
	for user in (f.OPERATOR_A, f.MANAGER):
		frappe.set_user(user)
		with pytest.raises(frappe.ValidationError, match=f"is {state}; only an accepted proposal"):
			_partnership_doc(prop.kol, proposal=prop.name).insert()


def test_hole7_partnership_proposal_cannot_be_swapped_or_removed():
	kol = f.make_kol()
	first, second = f.make_proposal(kol.name), f.make_proposal(kol.name)
	f.accept_proposal(first)
	f.accept_proposal(second)
	frappe.set_user(f.OPERATOR_A)
	partnership = make_partnership(first.name).insert()
	for value in (second.name, None):
		doc = frappe.get_doc("KOL Partnership", partnership.name)
		doc.proposal = value
		with pytest.raises(frappe.ValidationError, match="cannot be changed"):
			doc.save()
	assert frappe.db.get_value("KOL Partnership", partnership.name, "proposal") == first.name


def _raise_cash(d):
	d.benefits[0].amount = 3001


BENEFIT_CHANGES = {
	# accepted: Cash 3000, Revenue Share 10 %, Traffic Exposure
	"cash above": (_raise_cash, "Cash: 3,001.00 in total, above the accepted 3,000.00"),
	"second cash row": (
		lambda d: d.append("benefits", {"benefit_type": "Cash", "amount": 1}),
		"Cash: 2 rows, the accepted terms have 1",
	),
	"revenue share above": (
		lambda d: d.benefits[1].set("revenue_share_percent", 10.5),
		"Revenue Share: 10.5% revenue share in total, above the accepted 10%",
	),
	"benefit type not accepted": (
		lambda d: d.append("benefits", {"benefit_type": "Product", "amount": 1}),
		"Product is not among the accepted benefits",
	),
	"currency": (lambda d: d.set("currency", "USD"), "Currency USD is not the accepted terms' currency"),
}


@pytest.mark.parametrize("change", list(BENEFIT_CHANGES))
def test_hole7_operator_partnership_benefits_cannot_exceed_the_accepted_terms(change):
	prop = _proposal("Accepted", currency="CNY")
	mutate, message = BENEFIT_CHANGES[change]
	frappe.set_user(f.OPERATOR_A)
	doc = make_partnership(prop.name)
	mutate(doc)
	with pytest.raises(frappe.ValidationError, match=re.escape(message)):
		doc.insert()
	assert frappe.db.count("KOL Partnership", {"proposal": prop.name}) == 0
	# a manager may agree to more
	frappe.set_user(f.MANAGER)
	doc = make_partnership(prop.name)
	mutate(doc)
	doc.insert()
	assert frappe.db.get_value("KOL Partnership", {"proposal": prop.name}) == doc.name


@pytest.mark.parametrize("change", list(BENEFIT_CHANGES))
def test_hole7_operator_cannot_raise_an_existing_partnerships_benefits(change):
	prop = _proposal("Accepted", currency="CNY")
	mutate, message = BENEFIT_CHANGES[change]
	frappe.set_user(f.OPERATOR_A)
	partnership = make_partnership(prop.name).insert()
	before = [(b.benefit_type, b.amount, b.revenue_share_percent) for b in partnership.benefits]
	doc = frappe.get_doc("KOL Partnership", partnership.name)
	mutate(doc)
	with pytest.raises(frappe.ValidationError, match=re.escape(message)):
		doc.save()
	stored = frappe.get_doc("KOL Partnership", partnership.name)
	assert [(b.benefit_type, b.amount, b.revenue_share_percent) for b in stored.benefits] == before
	assert stored.currency == "CNY"


def test_hole7_operator_may_give_less_and_keeps_what_a_manager_agreed():
	prop = _proposal("Accepted")
	frappe.set_user(f.OPERATOR_A)
	partnership = make_partnership(prop.name)
	partnership.benefits[0].amount = 2500
	partnership.set("benefits", partnership.benefits[:2])  # no traffic exposure
	partnership.insert()
	# a manager raises the cash above the proposal
	frappe.set_user(f.MANAGER)
	doc = frappe.get_doc("KOL Partnership", partnership.name)
	doc.benefits[0].amount = 4000
	doc.save()
	# results arrive from the platform (revenue share due follows); the operator may lower the benefits
	frappe.set_user("Administrator")
	ph.record_conversions(partnership.name, paid=[10000])
	frappe.set_user(f.OPERATOR_A)
	doc = frappe.get_doc("KOL Partnership", partnership.name)
	doc.save()
	assert (doc.result_revenue, doc.revenue_share_due) == (10000, 1000)
	doc.benefits[0].amount = 3500
	doc.save()
	# what was given up is the manager's to give back
	doc.benefits[0].amount = 4000
	with pytest.raises(
		frappe.ValidationError, match=re.escape("Cash: 4,000.00 in total, above the accepted 3,500.00")
	):
		doc.save()
	assert frappe.db.get_value("KOL Benefit", doc.benefits[0].name, "amount") == 3500


def test_hole7_operator_cannot_raise_benefits_of_a_partnership_made_without_a_proposal():
	kol = f.make_kol()
	frappe.set_user(f.MANAGER)
	partnership = _partnership_doc(
		kol.name, no_proposal_reason="Renewal", benefits=[{"benefit_type": "Cash", "amount": 2000}]
	).insert()
	frappe.set_user(f.OPERATOR_A)
	doc = frappe.get_doc("KOL Partnership", partnership.name)
	doc.benefits[0].amount = 2001
	with pytest.raises(frappe.ValidationError, match=re.escape("above the accepted 2,000.00")):
		doc.save()
	assert frappe.db.get_value("KOL Benefit", doc.benefits[0].name, "amount") == 2000


# ---------------------------------------------------------------- over HTTP


@pytest.fixture
def committed_proposals():
	"""An Approved, a Countered and an Accepted proposal of operator A's KOL, committed for HTTP."""
	frappe.set_user("Administrator")
	kol = f.make_kol(operator=f.OPERATOR_A)
	props = {}
	for state in ("Approved", "Countered", "Accepted"):
		props[state] = f.make_proposal(kol.name, currency="CNY")
		f.set_state(props[state], state)
	props["Countered"].append("negotiation_rounds", {"party": "KOL", "offer": "Wants 9000", "budget": 9000})
	props["Countered"].append("negotiation_rounds", {"party": "Us", "offer": "8000 it is", "budget": 8000})
	props["Countered"].save()
	frappe.db.commit()
	yield kol, props
	frappe.db.rollback()
	frappe.set_user("Administrator")
	for name in frappe.get_all("KOL Partnership", {"kol": kol.name}, pluck="name"):
		frappe.delete_doc("KOL Partnership", name, force=True)
	for prop in props.values():
		frappe.delete_doc("KOL Proposal", prop.name, force=True)
	frappe.db.delete(
		"Comment",
		{"reference_doctype": "KOL Proposal", "reference_name": ("in", [p.name for p in props.values()])},
	)
	frappe.delete_doc("KOL", kol.name, force=True)
	frappe.db.commit()


def _put(session, doctype: str, name: str, values: dict):
	return session.request("PUT", f"/api/resource/{doctype}/{name}", json=values)


def _apply(session, doc: dict, action: str):
	return session.post(
		"/api/method/frappe.model.workflow.apply_workflow",
		data={"doc": frappe.as_json(doc), "action": action},
	)


def test_hole7_http_put_budget_on_approved_proposal_returns_it_to_draft(committed_proposals):
	_kol, props = committed_proposals
	name = props["Approved"].name
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	response = _put(session, "KOL Proposal", name, {"budget": 100000})
	assert response.status_code == 200, response.get_data(as_text=True)
	assert (session.json(response)["data"]["workflow_state"], session.json(response)["data"]["budget"]) == (
		"Draft",
		100000,
	)
	assert "needs approval again" in response.get_data(as_text=True)  # the message shown to the user
	response = _apply(session, session.json(response)["data"], "Send")
	assert response.status_code == 417, response.get_data(as_text=True)
	assert "Not a valid Workflow Action" in response.get_data(as_text=True)
	frappe.db.rollback()
	assert frappe.db.get_value("KOL Proposal", name, ["workflow_state", "budget"]) == ("Draft", 100000)


def test_hole7_http_apply_workflow_with_modified_terms_sends_the_approved_terms(committed_proposals):
	_kol, props = committed_proposals
	name = props["Approved"].name
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	doc = frappe.get_doc("KOL Proposal", name).as_dict()
	doc["budget"] = 100000
	doc["benefits"][0]["amount"] = 100000
	response = _apply(session, doc, "Send")
	assert response.status_code == 200, response.get_data(as_text=True)
	sent = session.json(response)["message"]
	assert (sent["workflow_state"], sent["budget"], sent["benefits"][0]["amount"]) == ("Sent", 5000, 3000)
	frappe.db.rollback()
	assert frappe.db.get_value("KOL Proposal", name, ["workflow_state", "budget"]) == ("Sent", 5000)
	assert frappe.db.get_value("KOL Benefit", doc["benefits"][0]["name"], "amount") == 3000


def test_hole7_http_put_terms_on_a_countered_proposal_and_over_budget_revision(committed_proposals):
	_kol, props = committed_proposals
	name = props["Countered"].name
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	response = _put(session, "KOL Proposal", name, {"budget": 8000})
	assert response.status_code == 417, response.get_data(as_text=True)
	assert "This proposal is Countered; its terms can no longer be changed" in response.get_data(as_text=True)
	response = _apply(session, frappe.get_doc("KOL Proposal", name).as_dict(), "Send Revised Offer")
	assert response.status_code == 417, response.get_data(as_text=True)
	assert "is above the approved budget" in response.get_data(as_text=True)
	frappe.db.rollback()
	assert frappe.db.get_value("KOL Proposal", name, ["workflow_state", "budget"]) == ("Countered", 5000)


def test_hole7_http_partnership_without_proposal(committed_proposals):
	kol, _props = committed_proposals
	values = {
		"kol": kol.name,
		"purpose": "Acquisition",
		"start_date": nowdate(),
		"no_proposal_reason": "Renewal",
		"benefits": [{"benefit_type": "Cash", "amount": 100000}],
	}
	operator = ApiSession(f.OPERATOR_A, f.PASSWORD)
	response = operator.post("/api/resource/KOL Partnership", json=values)
	assert response.status_code == 403, response.get_data(as_text=True)
	assert "Only a KOL Manager can create a partnership without" in response.get_data(as_text=True)
	frappe.db.rollback()
	assert frappe.db.count("KOL Partnership", {"kol": kol.name}) == 0
	manager = ApiSession(f.MANAGER, f.PASSWORD)
	response = manager.post("/api/resource/KOL Partnership", json=values)
	assert response.status_code == 200, response.get_data(as_text=True)
	data = manager.json(response)["data"]
	assert (data["created_without_proposal"], data["created_without_proposal_by"], data.get("proposal")) == (
		1,
		f.MANAGER,
		None,
	)
	frappe.db.rollback()
	assert frappe.db.get_value(
		"KOL Partnership", data["name"], ["created_without_proposal", "created_without_proposal_by"]
	) == (1, f.MANAGER)


def test_hole7_http_partnership_benefit_above_accepted_terms(committed_proposals):
	kol, props = committed_proposals
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	response = session.post(
		"/api/method/kol_crm.kol_crm.doctype.kol_proposal.kol_proposal.make_partnership",
		data={"source_name": props["Accepted"].name},
	)
	assert response.status_code == 200, response.get_data(as_text=True)
	mapped = session.json(response)["message"]
	mapped["benefits"][0]["amount"] = 100000
	response = session.post("/api/resource/KOL Partnership", json=mapped)
	assert response.status_code == 417, response.get_data(as_text=True)
	assert "Cash: 100,000.00 in total, above the accepted 3,000.00" in response.get_data(as_text=True)
	frappe.db.rollback()
	assert frappe.db.count("KOL Partnership", {"kol": kol.name}) == 0
	# within the terms it goes through, then a later raise is refused too
	mapped["benefits"][0]["amount"] = 3000
	response = session.post("/api/resource/KOL Partnership", json=mapped)
	assert response.status_code == 200, response.get_data(as_text=True)
	saved = session.json(response)["data"]
	saved["benefits"][0]["amount"] = 100000
	response = _put(session, "KOL Partnership", saved["name"], {"benefits": saved["benefits"]})
	assert response.status_code == 417, response.get_data(as_text=True)
	frappe.db.rollback()
	assert frappe.db.get_value("KOL Benefit", saved["benefits"][0]["name"], "amount") == 3000


def test_hole7_http_term_rows_cannot_be_changed_on_their_own(committed_proposals):
	"""PUT on a KOL Benefit row saves the row, then its proposal, which then finds nothing changed."""
	_kol, props = committed_proposals
	approved = frappe.get_doc("KOL Proposal", props["Approved"].name)
	countered = frappe.get_doc("KOL Proposal", props["Countered"].name)
	operator = ApiSession(f.OPERATOR_A, f.PASSWORD)
	for doctype, name, values in (
		("KOL Benefit", approved.benefits[0].name, {"amount": 100000}),
		("KOL Deliverable", approved.deliverables[0].name, {"quantity": 0}),
		("KOL Negotiation Round", countered.negotiation_rounds[1].name, {"budget": 1}),
	):
		response = _put(operator, doctype, name, values)
		assert response.status_code == 403, response.get_data(as_text=True)
		assert "rows are changed through their KOL Proposal" in response.get_data(as_text=True)
	manager = ApiSession(f.MANAGER, f.PASSWORD)
	response = manager.request(
		"DELETE", f"/api/resource/KOL Negotiation Round/{countered.negotiation_rounds[0].name}"
	)
	assert response.status_code == 403, response.get_data(as_text=True)
	frappe.db.rollback()
	assert _stored(props["Approved"]) == (
		"Approved",
		5000,
		[("Cash", 3000, 0), ("Revenue Share", 0, 10), ("Traffic Exposure", 0, 0)],
		[("Review video", 2)],
	)
	rounds = frappe.get_doc("KOL Proposal", countered.name).negotiation_rounds
	assert [(r.party, r.budget) for r in rounds] == [("KOL", 9000), ("Us", 8000)]
	# through the proposal, as before
	frappe.set_user(f.OPERATOR_A)
	doc = frappe.get_doc("KOL Proposal", approved.name)
	doc.benefits[0].amount = 3500
	doc.save()
	assert doc.workflow_state == "Draft"


def test_hole7_partnership_benefit_rows_cannot_be_changed_on_their_own():
	prop = _proposal("Accepted")
	frappe.set_user(f.OPERATOR_A)
	partnership = make_partnership(prop.name).insert()
	row = frappe.get_doc("KOL Benefit", partnership.benefits[0].name)
	row.amount = 100000
	with pytest.raises(frappe.PermissionError, match="rows are changed through their KOL Partnership"):
		row.save()
	assert frappe.db.get_value("KOL Benefit", row.name, "amount") == 3000


def test_hole7_manager_cannot_approve_terms_they_changed_themselves():
	"""Frappe's self-approval check looks at who created the proposal, not who wrote its terms."""
	kol = f.make_kol()
	frappe.set_user(f.OPERATOR_A)
	prop = f.make_proposal(kol.name)
	assert prop.terms_changed_by == f.OPERATOR_A
	apply_workflow(prop, "Submit for Approval")
	frappe.set_user(f.MANAGER)
	doc = frappe.get_doc("KOL Proposal", prop.name)
	doc.budget = 100000
	doc.save()
	assert (doc.workflow_state, doc.terms_changed_by) == ("Draft", f.MANAGER)
	apply_workflow(frappe.get_doc("KOL Proposal", prop.name), "Submit for Approval")
	with pytest.raises(frappe.ValidationError, match="another KOL Manager must approve them"):
		apply_workflow(frappe.get_doc("KOL Proposal", prop.name), "Approve")
	assert frappe.db.get_value("KOL Proposal", prop.name, "workflow_state") == "Pending Approval"
	# a save that changes no terms keeps who wrote them, whatever the client sends
	frappe.set_user(f.OPERATOR_A)
	doc = frappe.get_doc("KOL Proposal", prop.name)
	doc.terms_changed_by = f.OPERATOR_A
	doc.title = "Renamed"
	doc.save()
	assert frappe.db.get_value("KOL Proposal", prop.name, ["workflow_state", "terms_changed_by"]) == (
		"Pending Approval",
		f.MANAGER,
	)
	frappe.set_user(f.MANAGER_2)
	assert apply_workflow(frappe.get_doc("KOL Proposal", prop.name), "Approve").workflow_state == "Approved"


def test_refused_benefit_type_is_echoed_escaped():
	prop = _proposal("Accepted")
	frappe.set_user(f.OPERATOR_A)
	doc = make_partnership(prop.name)
	doc.append("benefits", {"benefit_type": "<img src=x onerror=alert(1)>", "amount": 1})
	with pytest.raises(frappe.ValidationError) as refused:
		doc.insert()
	assert "&lt;img src=x onerror=alert(1)&gt; is not among the accepted benefits" in str(refused.value)
	assert "<img" not in str(refused.value)
