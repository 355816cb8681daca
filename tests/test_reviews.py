"""Inactivity review: opened after N days without platform activity, Dormant M days later.

The daily job runs directly under a frozen clock, so the timing is tested to the day.
"""

import frappe
from frappe.utils import add_days, getdate

from kol_crm.intelligence import reviews
from tests import factories as f
from tests import ops_helpers as h

LAST_ACTIVE = "2026-10-01"
REVIEW_DAY = "2026-11-30"  # 60 days later
DORMANT_DAY = "2026-12-14"  # 14 days after the review opened


def _active_kol(**kwargs):
	h.tiers()
	kol = f.make_kol(last_active_on_platform=LAST_ACTIVE, **kwargs)
	f.set_state(kol, "Active")
	return kol


def test_review_opens_on_the_nth_day_without_activity_exactly_once():
	kol = _active_kol()
	with h.frozen(add_days(REVIEW_DAY, -1)):
		assert kol.name not in reviews.run_inactivity_review()["opened"]
	with h.frozen(REVIEW_DAY):
		assert kol.name in reviews.run_inactivity_review()["opened"]
		assert kol.name not in reviews.run_inactivity_review()["opened"]
	kol.reload()
	assert getdate(kol.inactivity_review_on) == getdate(REVIEW_DAY)
	todos = h.todos(kol.name, "Open")
	assert len(todos) == 1
	assert todos[0].allocated_to == f.OPERATOR_A
	assert "Mark Dormant" in todos[0].description
	assert getdate(todos[0].date) == getdate(DORMANT_DAY)
	assert any("Inactivity review opened" in c for c in h.comments(kol.name))


def test_no_decision_within_m_days_moves_to_dormant_and_suspends_privileges():
	kol = _active_kol()
	with h.frozen(REVIEW_DAY):
		reviews.run_inactivity_review()
	with h.frozen(add_days(DORMANT_DAY, -1)):
		assert kol.name not in reviews.run_inactivity_review()["dormant"]
	assert frappe.db.get_value("KOL", kol.name, "workflow_state") == "Active"
	with h.frozen(DORMANT_DAY):
		assert kol.name in reviews.run_inactivity_review()["dormant"]
	kol.reload()
	assert kol.workflow_state == "Dormant"
	assert kol.privilege_status == "Suspended"
	assert not kol.inactivity_review_on
	assert all(t.status == "Closed" for t in h.todos(kol.name))
	log = h.comments(kol.name)
	assert any("moved to Dormant" in c for c in log)
	assert any("Privileges suspended" in c for c in log)
	# the state change went through the workflow (Frappe's workflow comment)
	assert frappe.db.exists(
		"Comment", {"reference_name": kol.name, "comment_type": "Workflow", "content": "Dormant"}
	)


def test_keep_active_closes_the_review_and_restarts_the_clock():
	kol = _active_kol()
	with h.frozen(REVIEW_DAY):
		reviews.run_inactivity_review()
	with h.frozen(add_days(REVIEW_DAY, 3)):
		frappe.set_user(f.OPERATOR_A)
		doc = frappe.get_doc("KOL", kol.name)
		doc.update({"inactivity_review_decision": "Keep Active", "inactivity_review_note": "Writing a book"})
		doc.save()
		frappe.set_user("Administrator")
	with h.frozen(DORMANT_DAY):
		assert kol.name not in reviews.run_inactivity_review()["dormant"]
	kol.reload()
	assert kol.workflow_state == "Active" and not kol.inactivity_review_on
	assert any("kept Active" in c for c in h.comments(kol.name))
	# a new review only 60 days after the decision
	with h.frozen(add_days(REVIEW_DAY, 62)):
		assert kol.name not in reviews.run_inactivity_review()["opened"]
	with h.frozen(add_days(REVIEW_DAY, 63)):
		assert kol.name in reviews.run_inactivity_review()["opened"]


def test_new_platform_activity_closes_the_review():
	kol = _active_kol()
	with h.frozen(REVIEW_DAY):
		reviews.run_inactivity_review()
		doc = frappe.get_doc("KOL", kol.name)
		doc.last_active_on_platform = add_days(REVIEW_DAY, -1)
		doc.save()
	assert not doc.inactivity_review_on
	assert any("new activity" in c for c in h.comments(kol.name))


def test_offboarded_revokes_privileges():
	kol = _active_kol()
	frappe.set_user(f.MANAGER)
	from frappe.model.workflow import apply_workflow

	doc = apply_workflow(frappe.get_doc("KOL", kol.name), "Offboard")
	assert doc.privilege_status == "Revoked"
	assert {p.status for p in doc.privileges} == {"Revoked"}


def test_one_failing_kol_does_not_stop_the_daily_review():
	good = _active_kol()
	bad = f.make_kol(last_active_on_platform=LAST_ACTIVE)
	f.set_state(bad, "Active")
	frappe.db.set_value("KOL", bad.name, "email", "not-an-address")  # its save now fails validation
	with h.frozen(REVIEW_DAY):
		opened = reviews.run_inactivity_review()["opened"]
	assert good.name in opened and bad.name not in opened
	assert frappe.db.exists("Error Log", {"method": f"Inactivity review failed for {bad.name}"})
	assert not frappe.db.get_value("KOL", bad.name, "inactivity_review_on")


def test_a_kol_without_activity_data_is_never_reviewed_the_owner_is_asked_for_data():
	"""No activity on our platform recorded: the review can't judge the KOL, so it never opens a
	review or moves it to Dormant, however long it has been Active; the owner is asked once."""
	h.tiers()
	kol = f.make_kol()
	f.set_state(kol, "Active")
	frappe.db.set_value("KOL", kol.name, "creation", "2025-01-01 10:00:00", update_modified=False)
	with h.frozen(REVIEW_DAY):
		result = reviews.run_inactivity_review()
		assert kol.name not in result["opened"]
		assert result["asked_for_data"].count(kol.name) == 1
		# asked once while the reminder is open
		assert kol.name not in reviews.run_inactivity_review()["asked_for_data"]
	with h.frozen(add_days(DORMANT_DAY, 400)):
		result = reviews.run_inactivity_review()
		assert kol.name not in result["opened"] + result["dormant"]
	kol.reload()
	assert (kol.workflow_state, kol.inactivity_review_on) == ("Active", None)
	todos = h.todos(kol.name, "Open")
	assert len(todos) == 1
	assert "no activity on our platform is recorded" in todos[0].description
	assert todos[0].allocated_to == f.OPERATOR_A
	assert frappe.db.get_value("KOL Reminder", {"todo": todos[0].name}, "reminder_type") == "Activity Data"

	# once activity is recorded the clock starts from it
	frappe.db.set_value("KOL", kol.name, "last_active_on_platform", LAST_ACTIVE)
	with h.frozen(add_days(REVIEW_DAY, -1)):
		assert kol.name not in reviews.run_inactivity_review()["opened"]
	with h.frozen(REVIEW_DAY):
		assert kol.name in reviews.run_inactivity_review()["opened"]


def test_a_review_open_on_a_kol_without_activity_data_never_moves_it_to_dormant():
	kol = _active_kol()
	with h.frozen(REVIEW_DAY):
		assert kol.name in reviews.run_inactivity_review()["opened"]
	# the activity date was wiped after the review opened (data corrected by hand)
	frappe.db.set_value("KOL", kol.name, "last_active_on_platform", None)
	with h.frozen(DORMANT_DAY):
		assert kol.name not in reviews.run_inactivity_review()["dormant"]
	assert frappe.db.get_value("KOL", kol.name, "workflow_state") == "Active"


def test_new_activity_closes_the_review_only_when_it_is_within_the_inactivity_days():
	kol = _active_kol()
	with h.frozen(REVIEW_DAY):
		reviews.run_inactivity_review()
	with h.frozen(DORMANT_DAY):  # 2026-12-14
		doc = frappe.get_doc("KOL", kol.name)
		doc.last_active_on_platform = add_days(DORMANT_DAY, -60)  # 60 days ago: inactive still
		doc.save()
		assert getdate(doc.inactivity_review_on) == getdate(REVIEW_DAY)
		doc = frappe.get_doc("KOL", kol.name)
		doc.last_active_on_platform = add_days(DORMANT_DAY, -59)  # 59 days ago: active again
		doc.save()
		assert not doc.inactivity_review_on
		assert getdate(doc.inactivity_review_closed_on) == getdate(DORMANT_DAY)
