"""Tiers from the overall score, manager pins, privileges that follow the tier, history."""

import frappe
import pytest
from frappe.model.workflow import apply_workflow

from tests import factories as f
from tests import ops_helpers as h


def test_tier_follows_the_overall_score_and_explains_itself():
	tiers = h.tiers()
	kol = f.make_kol()  # overall 51.6
	assert kol.tier == tiers["Silver"]
	assert "51.6" in kol.tier_reason and tiers["Silver"] in kol.tier_reason
	assert f"Next tier: {tiers['Gold']} from 70" in kol.tier_reason
	kol.platform_accounts[0].followers = 9_000_000
	kol.platform_accounts[0].engagement_rate = 12
	kol.save()
	assert kol.tier == tiers["Gold"]
	assert "top tier" in kol.tier_reason


def test_tier_changes_are_logged_with_history():
	tiers = h.tiers()
	kol = f.make_kol()
	kol.platform_accounts[0].followers = 9_000_000
	kol.platform_accounts[0].engagement_rate = 12
	kol.save()
	changes = frappe.get_all(
		"KOL Tier Change", filters={"kol": kol.name}, fields=["from_tier", "to_tier"], order_by="creation"
	)
	assert [(c.from_tier, c.to_tier) for c in changes] == [
		(None, tiers["Silver"]),
		(tiers["Silver"], tiers["Gold"]),
	]
	assert any(f"to {tiers['Gold']}" in c for c in h.comments(kol.name))


def test_privileges_follow_the_tier():
	tiers = h.tiers()
	kol = f.make_kol()
	assert [(p.privilege_type, p.privilege, p.status) for p in kol.privileges] == [
		("Product", "Product kits", "Active"),
		("Operational Support", "Operational Support for Silver", "Active"),
	]
	kol.platform_accounts[0].followers = 9_000_000
	kol.platform_accounts[0].engagement_rate = 12
	kol.save()
	assert {p.privilege for p in kol.privileges} == {
		"Campaign fee",
		"Direct line",
		"Traffic Exposure for Gold",
	}
	assert {p.tier for p in kol.privileges} == {tiers["Gold"]}


def test_editing_a_tier_updates_its_kols_privileges():
	tiers = h.tiers()
	kol = f.make_kol()
	tier = frappe.get_doc("KOL Tier", tiers["Silver"])
	tier.append("benefits", {"benefit_type": "Traffic Exposure", "benefit": "Weekly feature"})
	tier.save()
	kol.reload()
	assert "Weekly feature" in {p.privilege for p in kol.privileges}


def test_only_a_manager_pins_and_a_pin_needs_a_reason():
	tiers = h.tiers()
	kol = f.make_kol()
	frappe.set_user(f.OPERATOR_A)
	doc = frappe.get_doc("KOL", kol.name)
	doc.update({"tier_pinned": 1, "tier": tiers["Gold"], "tier_pin_reason": "Strategic"})
	with pytest.raises(frappe.PermissionError):
		doc.save()
	frappe.set_user(f.MANAGER)
	doc = frappe.get_doc("KOL", kol.name)
	doc.update({"tier_pinned": 1, "tier": tiers["Gold"], "tier_pin_reason": " "})
	with pytest.raises(frappe.ValidationError, match="Pin Reason"):
		doc.save()
	doc = frappe.get_doc("KOL", kol.name)
	doc.update(
		{"tier_pinned": 1, "tier": tiers["Gold"], "tier_pin_reason": "Launch partner for the Q1 campaign"}
	)
	doc.save()
	assert doc.tier == tiers["Gold"]
	assert "pinned by a KOL Manager" in doc.tier_reason
	change = frappe.get_all("KOL Tier Change", filters={"kol": kol.name, "pinned": 1}, fields=["reason"])
	assert change[0].reason == "Launch partner for the Q1 campaign"
	# a pinned tier survives a lower score
	doc.platform_accounts[0].followers = 10
	doc.save()
	assert doc.tier == tiers["Gold"]
	# an operator can still edit a pinned KOL's other fields, but not unpin it
	frappe.set_user(f.OPERATOR_A)
	doc = frappe.get_doc("KOL", kol.name)
	doc.strengths = "Great at live streams"
	doc.save()
	doc.tier_pinned = 0
	with pytest.raises(frappe.PermissionError):
		doc.save()


def test_an_operator_sees_why_the_kol_is_in_its_tier():
	h.tiers()
	kol = f.make_kol()
	frappe.set_user(f.OPERATOR_A)
	doc = frappe.get_doc("KOL", kol.name)
	doc.check_permission("read")
	assert doc.tier_reason and doc.score_explanation
	assert doc.meta.get_field("tier_reason").permlevel == 0
	assert doc.meta.get_field("score_explanation").permlevel == 0


def test_tier_thresholds_must_be_ordered_by_rank():
	tiers = h.tiers()
	tier = frappe.get_doc("KOL Tier", tiers["Silver"])
	tier.min_score = 80  # above Gold's 70
	with pytest.raises(frappe.ValidationError, match="out of order"):
		tier.save()


def test_dormant_suspends_reactivate_restores_offboard_revokes_with_timeline():
	h.tiers()
	kol = f.make_kol()
	f.set_state(kol, "Active")
	frappe.set_user(f.MANAGER)
	kol = apply_workflow(frappe.get_doc("KOL", kol.name), "Mark Dormant")
	assert kol.privilege_status == "Suspended"
	assert {p.status for p in kol.privileges} == {"Suspended"}
	kol = apply_workflow(frappe.get_doc("KOL", kol.name), "Reactivate")
	assert kol.privilege_status == "Active"
	kol = apply_workflow(frappe.get_doc("KOL", kol.name), "Offboard")
	assert kol.privilege_status == "Revoked"
	assert {p.status for p in kol.privileges} == {"Revoked"}
	log = h.comments(kol.name)
	assert any("Privileges suspended" in c for c in log)
	assert any("Privileges revoked" in c for c in log)


def test_a_manager_can_delete_a_kol_with_tier_history():
	h.tiers()
	kol = f.make_kol()
	assert frappe.db.exists("KOL Tier Change", {"kol": kol.name})
	frappe.set_user(f.MANAGER)
	frappe.delete_doc("KOL", kol.name)
	assert not frappe.db.exists("KOL", kol.name)
	assert not frappe.db.exists("KOL Tier Change", {"kol": kol.name})


def test_the_kol_form_connects_tier_history_violations_and_reminders():
	from frappe.desk.notifications import get_open_count

	h.tiers()
	kol = f.make_kol()
	counts = get_open_count("KOL", kol.name)
	items = {i["doctype"]: i["count"] for i in counts["count"]["external_links_found"]}
	assert items["KOL Tier Change"] == 1
	assert {"KOL Violation", "KOL Reminder", "KOL Proposal"} <= set(items)
