"""Deliverables to results (issue 12): due and missed deliverables remind the owner, once, and
the KOL Deliverables report shows where each stands, to the users who may see the KOL."""

import frappe
import pytest

from kol_crm.intelligence import deliverables
from kol_crm.kol_crm.doctype.kol_proposal.kol_proposal import make_partnership
from kol_crm.kol_crm.report.kol_deliverables import kol_deliverables
from tests import factories as f
from tests import ops_helpers as h

TODAY = "2027-03-10"


def partnership_with(*rows, status="Active", operator=f.OPERATOR_A):
	"""A partnership of a new KOL with deliverables (type, due date, status)."""
	kol = f.make_kol(operator=operator)
	proposal = f.make_proposal(kol.name)
	f.accept_proposal(proposal)
	partnership = make_partnership(proposal.name)
	partnership.start_date, partnership.end_date = "2027-01-01", "2027-12-31"
	partnership.set(
		"deliverables",
		[
			{
				"deliverable_type": kind,
				"description": f"{kind} {i}",
				"quantity": 1,
				"due_date": due,
				"status": st,
			}
			for i, (kind, due, st) in enumerate(rows)
		],
	)
	partnership.insert()
	if status != "Active":
		frappe.db.set_value("KOL Partnership", partnership.name, "status", status)
	return kol, partnership


def reminders_of(kol: str) -> list[tuple]:
	return sorted(
		frappe.get_all(
			"KOL Reminder",
			filters={"kol": kol, "reminder_type": ("like", "Deliverable%")},
			fields=["reminder_type", "due_on", "allocated_to"],
			as_list=True,
		)
	)


def test_due_within_the_lead_days_and_missed_the_day_after_each_remind_once():
	h.settings(deliverable_lead_days=3)
	kol, p = partnership_with(
		("Video", "2027-03-13", "Pending"),  # due in 3 days: at the limit, reminded
		("Post", "2027-03-14", "Pending"),  # due in 4 days: not yet
		("Review", "2027-03-09", "Pending"),  # due yesterday, still pending: missed
		("Guide", "2027-03-01", "Delivered"),  # delivered: nothing
		("Live Stream", "2027-03-10", "Missed"),  # already decided: nothing
	)
	with h.frozen(TODAY):
		result = deliverables.run_deliverable_reminders()
		again = deliverables.run_deliverable_reminders()
	rows = {r.description: r.name for r in p.deliverables}
	assert sorted(result["due"]) == [rows["Video 0"]]
	assert sorted(result["missed"]) == [rows["Review 2"]]
	assert again == {"due": [], "missed": []}
	assert reminders_of(kol.name) == [
		("Deliverable Due", frappe.utils.getdate("2027-03-13"), f.OPERATOR_A),
		("Deliverable Missed", frappe.utils.getdate("2027-03-10"), f.OPERATOR_A),
	]
	todo = frappe.get_all(
		"ToDo", filters={"reference_type": "KOL", "reference_name": kol.name}, pluck="description"
	)
	assert any("Review (Review 2)" in t and "mark it Delivered or Missed" in t for t in todo)

	# a day later the Post is within 3 days too
	with h.frozen("2027-03-11"):
		assert deliverables.run_deliverable_reminders()["due"] == [rows["Post 1"]]


def test_only_active_partnerships_are_followed():
	kol, _p = partnership_with(("Video", "2027-03-09", "Pending"), status="Paused")
	with h.frozen(TODAY):
		assert deliverables.run_deliverable_reminders() == {"due": [], "missed": []}
	assert reminders_of(kol.name) == []


def report(filters=None, user="Administrator"):
	frappe.set_user(user)
	try:
		with h.frozen(TODAY):
			return kol_deliverables.execute(filters or {})
	finally:
		frappe.set_user("Administrator")


def test_the_report_shows_where_each_deliverable_stands_per_user():
	_kol_a, p_a = partnership_with(
		("Video", "2027-03-13", "Pending"),
		("Review", "2027-03-07", "Pending"),
		("Guide", "2027-03-01", "Delivered"),
		("Post", "2027-03-02", "Missed"),
	)
	_kol_b, p_b = partnership_with(("Video", "2027-03-05", "Pending"), operator=f.OPERATOR_B)

	_columns, rows, _m, _c, summary = report()
	mine = [(r["partnership"], r["description"], r["standing"], r["days_overdue"]) for r in rows]
	assert [m for m in mine if m[0] == p_a.name] == [
		(p_a.name, "Guide 2", "Delivered", None),
		(p_a.name, "Post 3", "Missed", None),
		(p_a.name, "Review 1", "Overdue", 3),
		(p_a.name, "Video 0", "Due", None),
	]
	assert (p_b.name, "Video 0", "Overdue", 5) in mine
	assert {s["label"]: s["value"] for s in summary}["Overdue"] >= 2

	# operator A sees A's partnership only; filters narrow by status and due date
	_c, rows, *_ = report(user=f.OPERATOR_A)
	names = {r["partnership"] for r in rows}
	assert p_a.name in names and p_b.name not in names
	_c, rows, *_ = report({"status": "Pending", "from_date": "2027-03-06", "to_date": "2027-03-13"})
	assert [(r["description"], r["standing"]) for r in rows if r["partnership"] == p_a.name] == [
		("Review 1", "Overdue"),
		("Video 0", "Due"),
	]
	assert p_b.name not in {r["partnership"] for r in rows}


def test_the_lead_days_must_not_be_negative():
	with pytest.raises(frappe.ValidationError, match="Deliverable Reminder Days must not be negative"):
		h.settings(deliverable_lead_days=-1)


def test_a_deliverable_due_today_is_due_not_missed():
	kol, _p = partnership_with(("Video", TODAY, "Pending"))
	result = deliverables.run_deliverable_reminders(TODAY)
	assert (len(result["due"]), result["missed"]) == (1, [])
	assert reminders_of(kol.name) == [(deliverables.DUE, frappe.utils.getdate(TODAY), f.OPERATOR_A)]
