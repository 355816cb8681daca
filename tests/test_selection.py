"""Fit comes first (issue 12): a KOL whose known Fit score is below the minimum can't be
shortlisted, cultivated or activated without a KOL Manager's Fit Override with a reason."""

import frappe
import pytest
from frappe.model.workflow import apply_workflow

from tests import factories as f
from tests import ops_helpers as h


def low_fit_kol(rating: float = 0.4, **kwargs):
	"""No category and one fit rating: the Fit score is the rating (0.4 = 2 stars = 40.0)."""
	kol = f.make_kol(fit_rating=rating, **kwargs)
	assert (kol.score_fit, "fit" in (kol.score_unknown_components or "")) == (rating * 100, False)
	return kol


def shortlist(name: str, user: str = f.OPERATOR_A):
	frappe.set_user(user)
	try:
		return apply_workflow(frappe.get_doc("KOL", name), "Shortlist")
	finally:
		frappe.set_user("Administrator")


@pytest.mark.parametrize(
	"minimum,allowed",
	[(39.9, True), (40, True), (40.1, False)],  # the Fit score is 40.0: at the limit and either side
)
def test_the_gate_is_at_the_minimum_fit_score(minimum, allowed):
	h.settings(minimum_fit_score=minimum)
	kol = low_fit_kol()
	if allowed:
		assert shortlist(kol.name).workflow_state == "Shortlisted"
	else:
		with pytest.raises(frappe.ValidationError, match=r"Fit score of 40\.0, below the minimum of 40\.1"):
			shortlist(kol.name)
		assert frappe.db.get_value("KOL", kol.name, "workflow_state") == "Identified"


def test_zero_turns_the_gate_off_and_an_unknown_fit_is_not_gated():
	h.settings(minimum_fit_score=0)
	assert shortlist(low_fit_kol(0.2).name).workflow_state == "Shortlisted"
	h.settings(minimum_fit_score=100)
	unknown = f.make_kol()
	assert "fit" in unknown.score_unknown_components
	assert shortlist(unknown.name).workflow_state == "Shortlisted"


def test_cultivation_and_activation_are_gated_too():
	h.settings(minimum_fit_score=50)
	kol = low_fit_kol(intake_path="Internal Cultivation")
	f.set_state(kol, "Evaluating")
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.ValidationError, match="below the minimum of 50"):
		apply_workflow(frappe.get_doc("KOL", kol.name), "Start Cultivation")
	frappe.set_user("Administrator")
	f.set_state(kol, "Cultivating")
	frappe.db.set_value("KOL", kol.name, "cultivation_outcome", "Wrote three guides")
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.ValidationError, match="below the minimum of 50"):
		apply_workflow(frappe.get_doc("KOL", kol.name), "Activate")


def test_a_managers_override_with_a_reason_lets_it_through():
	h.settings(minimum_fit_score=50)
	kol = low_fit_kol()

	frappe.set_user(f.OPERATOR_A)
	doc = frappe.get_doc("KOL", kol.name)
	doc.update({"fit_override": 1, "fit_override_reason": "I like them"})
	with pytest.raises(frappe.PermissionError, match="Only a KOL Manager can record a Fit Override"):
		doc.save()

	frappe.set_user(f.MANAGER)
	doc = frappe.get_doc("KOL", kol.name)
	doc.fit_override = 1
	with pytest.raises(frappe.ValidationError, match="Fit Override Reason is required"):
		doc.save()
	doc = frappe.get_doc("KOL", kol.name)
	doc.update({"fit_override": 1, "fit_override_reason": "Niche expert our audience asked for"})
	doc.save()
	assert doc.fit_override_by == f.MANAGER

	assert shortlist(kol.name).workflow_state == "Shortlisted"


def test_the_minimum_must_be_a_score():
	with pytest.raises(frappe.ValidationError, match="Minimum Fit Score must be between 0 and 100"):
		h.settings(minimum_fit_score=101)
