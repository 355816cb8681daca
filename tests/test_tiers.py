"""Tiers from the overall score, manager pins, privileges that follow the tier, history; and KOL
saves at the same moment (real connections) that change their privileges."""

import threading

import frappe
import pytest
from frappe.model.workflow import apply_workflow

from kol_crm.intelligence import tiers as tiers_module
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


def test_a_tier_change_rewrites_the_privilege_rows_in_place():
	"""Gold has three privileges, Silver two: the stored rows are updated, not deleted and inserted
	again (which took the gap locks two KOL saves deadlocked on); only the third row comes and goes."""
	tiers = h.tiers()
	kol = f.make_kol()
	silver_rows = [p.name for p in kol.privileges]
	assert len(silver_rows) == 2
	kol.platform_accounts[0].followers = 9_000_000
	kol.platform_accounts[0].engagement_rate = 12
	kol.save()
	assert kol.tier == tiers["Gold"]
	kol.reload()
	gold_rows = [p.name for p in kol.privileges]
	assert gold_rows[:2] == silver_rows and len(gold_rows) == 3
	assert [p.privilege for p in kol.privileges] == [
		"Campaign fee",
		"Direct line",
		"Traffic Exposure for Gold",
	]
	kol.update({"tier_pinned": 1, "tier": tiers["Silver"], "tier_pin_reason": "Back to Silver"})
	kol.save()
	kol.reload()
	assert [p.name for p in kol.privileges] == silver_rows
	assert [(p.privilege, p.tier, p.idx) for p in kol.privileges] == [
		("Product kits", tiers["Silver"], 1),
		("Operational Support for Silver", tiers["Silver"], 2),
	]
	assert frappe.db.count("KOL Privilege", {"parent": kol.name}) == 2


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


# ---------------------------------------------------------------- KOL saves at the same moment


@pytest.fixture
def committed_tier_kols():
	"""Two committed tiers (two privileges and one) and KOLs pinned to the first, side by side."""
	token = f.unique("")
	names = []
	for label, benefits in (("Wide", ["Fee", "Line"]), ("Narrow", ["Kits"])):
		tier = frappe.get_doc(
			{
				"doctype": "KOL Tier",
				"tier_name": f"{label} {token}",
				"rank": 90 + len(names),
				"min_score": 990 - len(names),  # no score reaches them: only pinned KOLs are in them
				"benefits": [{"benefit_type": "Privilege", "benefit": b} for b in benefits],
			}
		).insert()
		names.append(tier.name)
	kols = []
	for _i in range(SAVERS):
		kol = f.make_kol()
		kol.update({"tier_pinned": 1, "tier": names[0], "tier_pin_reason": "Concurrency test"})
		kol.save()
		kols.append(kol.name)
	frappe.db.commit()
	yield names, kols
	frappe.db.rollback()
	for kol in kols:
		frappe.delete_doc("KOL", kol, force=True)
	for name in names:
		frappe.delete_doc("KOL Tier", name, force=True)
	frappe.db.commit()


SAVERS, ROUNDS = 4, 15


def test_kols_of_the_same_tier_saved_at_the_same_moment_do_not_deadlock(committed_tier_kols):
	"""Each connection saves its own KOL, all at once, ROUNDS times, moving it between the two tiers
	(its privilege rows change every time). Before the rows were updated in place, a delete and
	re-insert of one KOL's rows waited for a gap lock the KOL stored beside it held, and MariaDB
	made one of the saves a deadlock's victim (seen within these rounds on most runs)."""
	tiers, kols = committed_tier_kols
	site, sites_path = frappe.local.site, frappe.local.sites_path
	barrier = threading.Barrier(len(kols))
	saved, failures = [], []

	def saver(kol: str):
		frappe.init(site=site, sites_path=sites_path)
		frappe.connect()
		frappe.flags.in_test = True
		frappe.set_user("Administrator")
		try:
			for i in range(ROUNDS):
				doc = frappe.get_doc("KOL", kol)
				doc.tier = tiers[(i + 1) % 2]
				barrier.wait(timeout=30)
				try:
					doc.save()
					frappe.db.commit()
					saved.append(kol)
				except Exception as e:
					frappe.db.rollback()
					failures.append(repr(e)[:200])
		finally:
			frappe.destroy()

	threads = [threading.Thread(target=saver, args=(kol,)) for kol in kols]
	for t in threads:
		t.start()
	for t in threads:
		t.join(timeout=120)
	assert failures == []
	assert len(saved) == SAVERS * ROUNDS
	frappe.db.rollback()  # read what the connections committed
	final = tiers[ROUNDS % 2]  # the tier of the last round
	expected = [(final, "Kits")] if final == tiers[1] else [(final, "Fee"), (final, "Line")]
	for kol in kols:
		rows = frappe.get_all("KOL Privilege", {"parent": kol}, ["tier", "privilege"], order_by="idx")
		assert [(r.tier, r.privilege) for r in rows] == expected


def test_the_tier_is_reached_at_its_minimum_score_not_below():
	gold, silver, bronze = (
		frappe._dict(name=n, rank=r, min_score=m) for n, r, m in (("G", 1, 70), ("S", 2, 40), ("B", 3, 0))
	)
	tiers = [gold, silver, bronze]
	assert tiers_module.tier_for_score(70, tiers) is gold
	assert tiers_module.tier_for_score(70.01, tiers) is gold
	assert tiers_module.tier_for_score(69.99, tiers) is silver
	assert tiers_module.tier_for_score(40, tiers) is silver
	assert tiers_module.tier_for_score(39.99, tiers) is bronze
	assert tiers_module.tier_for_score(0, tiers) is bronze
	assert tiers_module.tier_for_score(-1, tiers) is None


def test_the_next_tier_named_is_the_one_just_above():
	tiers = h.tiers()
	kol = frappe._dict(tier_pinned=0, score_overall=12.5, flags=frappe._dict())
	tiers_module.assign_tier(kol)
	assert kol.tier == tiers["Bronze"]
	assert f"Next tier: {tiers['Silver']} from 40" in kol.tier_reason


def test_tiers_with_the_same_minimum_score_give_the_better_rank():
	tiers = h.tiers()
	frappe.db.set_value("KOL Tier", tiers["Gold"], "min_score", 40)
	tiers_module.forget_tiers()
	assert [t.name for t in tiers_module.all_tiers()] == [tiers["Gold"], tiers["Silver"], tiers["Bronze"]]
	kol = frappe._dict(tier_pinned=0, score_overall=45, flags=frappe._dict())
	tiers_module.assign_tier(kol)
	assert kol.tier == tiers["Gold"]
