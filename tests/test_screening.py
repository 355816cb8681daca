"""Conflict screening against our business, and the manager's override to activate."""

import frappe
import pytest
from frappe.model.workflow import apply_workflow

from kol_crm.workflows import kol_lifecycle as lifecycle
from tests import factories as f
from tests import ops_helpers as h


@pytest.fixture
def business():
	cats = h.category_tree()
	h.settings(
		program_categories=[
			{"category": cats["Skincare"], "our_business": 1, "audience_size": 1000},
			{"category": cats["domain"], "audience_size": 5000},
		],
		our_products="GlowSerum\nDewDrop Cream",
		competitor_keywords="RivalSkin\n竞品美妆",
	)
	return cats


def test_same_niche_is_a_conflict_same_domain_other_niche_is_not(business):
	same = f.make_kol(category=business["Skincare"])
	assert same.conflict_of_interest and same.conflict_flagged_by_screening
	assert "our own business niche" in same.conflict_reason
	neighbour = f.make_kol(category=business["Makeup"])
	assert not neighbour.conflict_of_interest
	assert neighbour.score_fit == 100  # inside the programme's domain: a good fit


@pytest.mark.parametrize(
	"declared,expected",
	[
		("Runs a shop selling GlowSerum dupes", "our product GlowSerum"),
		("Brand ambassador for rivalskin", "competitor keyword RivalSkin"),
		("在淘宝开了竞品美妆店", "competitor keyword 竞品美妆"),
	],
)
def test_declared_business_is_screened(business, declared, expected):
	kol = f.make_kol(category=business["Makeup"], declared_business=declared)
	assert kol.conflict_of_interest
	assert expected in kol.conflict_reason


def test_words_inside_other_words_do_not_match(business):
	kol = f.make_kol(declared_business="Writes about AfterglowSerums history")
	assert not kol.conflict_of_interest


def test_screening_flag_lifts_when_the_match_goes_but_a_manual_flag_stays(business):
	kol = f.make_kol(declared_business="Sells GlowSerum")
	kol.declared_business = "Travel vlogs"
	kol.save()
	assert not kol.conflict_of_interest and not kol.conflict_reason
	manual = f.make_kol(conflict_of_interest=1, conflict_reason="Works for a competitor's agency")
	manual.save()
	assert manual.conflict_of_interest and not manual.conflict_flagged_by_screening


def _negotiating(**kwargs):
	kol = f.make_kol(**kwargs)
	f.set_state(kol, "Negotiating")
	f.accept_proposal(f.make_proposal(kol.name))
	return frappe.get_doc("KOL", kol.name)


def test_a_flagged_kol_needs_a_manager_override_with_reason_to_become_active(business):
	kol = _negotiating(declared_business="Sells GlowSerum")
	frappe.set_user(f.MANAGER)
	with pytest.raises(frappe.ValidationError, match="conflict of interest"):
		apply_workflow(frappe.get_doc("KOL", kol.name), "Activate")
	assert lifecycle.refusal_reasons(kol, "Negotiating", "Active")

	frappe.set_user(f.OPERATOR_A)
	doc = frappe.get_doc("KOL", kol.name)
	doc.update({"conflict_override": 1, "conflict_override_reason": "Different price band"})
	with pytest.raises(frappe.PermissionError):
		doc.save()

	frappe.set_user(f.MANAGER)
	doc = frappe.get_doc("KOL", kol.name)
	doc.conflict_override = 1
	with pytest.raises(frappe.ValidationError, match="Override Reason"):
		doc.save()
	doc = frappe.get_doc("KOL", kol.name)
	doc.update(
		{"conflict_override": 1, "conflict_override_reason": "Different price band; approved by marketing"}
	)
	doc.save()
	assert doc.conflict_override_by == f.MANAGER

	frappe.set_user(f.OPERATOR_A)
	doc = apply_workflow(frappe.get_doc("KOL", kol.name), "Activate")
	assert doc.workflow_state == "Active"


def test_an_operator_sees_whether_a_kol_is_a_conflict_and_why(business):
	kol = f.make_kol(declared_business="Sells GlowSerum")
	frappe.set_user(f.OPERATOR_A)
	doc = frappe.get_doc("KOL", kol.name)
	doc.check_permission("read")
	assert doc.conflict_of_interest and "GlowSerum" in doc.conflict_reason
