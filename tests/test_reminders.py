"""Follow-ups, occasions and outreach without reply; daily jobs run under a frozen clock."""

import frappe
import pytest
from frappe.utils import getdate

from kol_crm.intelligence import reminders
from tests import factories as f
from tests import ops_helpers as h


def _reminder_todos(kol: str, kind: str) -> list:
	names = frappe.get_all("KOL Reminder", filters={"kol": kol, "reminder_type": kind}, pluck="todo")
	return frappe.get_all(
		"ToDo", filters={"name": ("in", names)}, fields=["allocated_to", "date", "description"]
	)


def test_every_kol_in_intake_has_a_next_follow_up_date():
	with h.frozen("2026-12-01"):
		kol = f.make_kol()
	assert getdate(kol.next_follow_up_on) == getdate("2026-12-08")
	frappe.db.set_value("KOL", kol.name, "next_follow_up_on", None)
	with h.frozen("2026-12-02"):
		reminders.run_follow_ups()
	assert getdate(frappe.db.get_value("KOL", kol.name, "next_follow_up_on")) == getdate("2026-12-09")


def test_overdue_follow_up_makes_one_todo_per_kol_and_date():
	with h.frozen("2026-12-01"):
		kol = f.make_kol()  # follow up on 2026-12-08
	with h.frozen("2026-12-08"):
		reminders.run_follow_ups()
	assert _reminder_todos(kol.name, "Follow-up") == []
	for day in ("2026-12-09", "2026-12-09", "2026-12-10"):
		with h.frozen(day):
			reminders.run_follow_ups()
	todos = _reminder_todos(kol.name, "Follow-up")
	assert len(todos) == 1
	assert todos[0].allocated_to == f.OPERATOR_A and getdate(todos[0].date) == getdate("2026-12-08")
	frappe.db.set_value("KOL", kol.name, "next_follow_up_on", "2026-12-15")
	with h.frozen("2026-12-16"):
		reminders.run_follow_ups()
	assert len(_reminder_todos(kol.name, "Follow-up")) == 2


def test_kols_out_of_intake_get_no_follow_up_reminders():
	kol = f.make_kol()
	f.set_state(kol, "Declined")
	frappe.db.set_value("KOL", kol.name, "next_follow_up_on", "2026-11-01")
	reminders.run_follow_ups()
	assert _reminder_todos(kol.name, "Follow-up") == []


def _interaction(kol, direction="Outbound", kind="Email", when="2026-11-20 10:00:00"):
	return frappe.get_doc(
		{
			"doctype": "KOL Interaction",
			"kol": kol,
			"interaction_type": kind,
			"direction": direction,
			"interaction_on": when,
			"summary": f"{direction} {kind}",
		}
	).insert()


def test_outreach_without_reply_suggests_another_channel_or_an_agent():
	kol = f.make_kol()
	f.set_state(kol, "Contacting")
	_interaction(kol.name, when="2026-11-10 10:00:00")
	_interaction(kol.name, when="2026-11-14 10:00:00")
	kol.reload()
	assert kol.outreach_attempts_without_reply == 2 and not kol.outreach_suggestion
	_interaction(kol.name, kind="DM", when="2026-11-18 10:00:00")
	kol.reload()
	assert kol.outreach_attempts_without_reply == 3
	assert "No reply after 3 attempts" in kol.outreach_suggestion
	assert "WeChat" in kol.outreach_suggestion  # an untried channel
	assert "agent or broker" in kol.outreach_suggestion
	frappe.db.set_value("KOL", kol.name, {"agent_name": "Lin Wei", "agent_company": "Starlight MCN"})
	with h.frozen("2026-11-25"):
		reminders.run_follow_ups()
		reminders.run_follow_ups()
	kol.reload()
	assert "go through the agent Lin Wei (Starlight MCN)" in kol.outreach_suggestion
	todos = _reminder_todos(kol.name, "No Reply")
	assert len(todos) == 1 and "Lin Wei" in todos[0].description
	with h.frozen("2026-11-27"):
		_interaction(kol.name, direction="Inbound", when="2026-11-26 10:00:00")
	kol.reload()
	assert kol.outreach_attempts_without_reply == 0 and not kol.outreach_suggestion


def test_occasion_reminders_come_lead_days_ahead_with_preferences_once():
	kol = f.make_kol(
		preferences="Loves oolong tea; no alcohol",
		wants_personal_brand=1,
		occasions=[
			{"occasion": "Birthday", "occasion_date": "1994-12-10", "repeats_yearly": 1},
			{"occasion": "Baby due", "occasion_date": "2026-12-20", "note": "Send a gift"},
		],
	)
	with h.frozen("2026-12-02"):
		assert reminders.run_occasion_reminders() == 0
	with h.frozen("2026-12-03"):
		assert reminders.run_occasion_reminders() == 1
		assert reminders.run_occasion_reminders() == 0
	with h.frozen("2026-12-10"):
		assert reminders.run_occasion_reminders() == 0
	with h.frozen("2026-12-13"):
		assert reminders.run_occasion_reminders() == 1
	todos = sorted(_reminder_todos(kol.name, "Occasion"), key=lambda t: t.date)
	assert [getdate(t.date) for t in todos] == [getdate("2026-12-10"), getdate("2026-12-20")]
	assert "Loves oolong tea" in todos[0].description and "personal brand" in todos[0].description
	assert "Send a gift" in todos[1].description
	assert all(t.allocated_to == f.OPERATOR_A for t in todos)
	with h.frozen("2027-12-03"):
		assert reminders.run_occasion_reminders() == 1  # next year's birthday


def test_lead_days_come_from_settings():
	h.settings(occasion_lead_days=1)
	f.make_kol(occasions=[{"occasion": "Anniversary", "occasion_date": "2026-12-10"}])
	with h.frozen("2026-12-08"):
		assert reminders.run_occasion_reminders() == 0
	with h.frozen("2026-12-09"):
		assert reminders.run_occasion_reminders() == 1


def test_leap_day_birthdays_are_reminded_in_common_years():
	assert reminders.next_occurrence("2000-02-29", True, getdate("2027-02-20")) == getdate("2027-02-28")


def test_a_yearly_occasion_falls_today_until_its_day_has_passed():
	assert reminders.next_occurrence("1994-12-10", True, getdate("2026-12-09")) == getdate("2026-12-10")
	assert reminders.next_occurrence("1994-12-10", True, getdate("2026-12-10")) == getdate("2026-12-10")
	assert reminders.next_occurrence("1994-12-10", True, getdate("2026-12-11")) == getdate("2027-12-10")
	assert reminders.next_occurrence("2026-12-10", False, getdate("2026-12-11")) == getdate("2026-12-10")
	assert reminders.next_occurrence(None, True, getdate("2026-12-11")) is None


def test_an_occasion_added_on_its_day_is_reminded_that_day():
	with h.frozen("2026-12-10"):
		f.make_kol(occasions=[{"occasion": "Birthday", "occasion_date": "1994-12-10", "repeats_yearly": 1}])
		assert reminders.run_occasion_reminders() == 1


@pytest.mark.parametrize(
	"kind,priority",
	[("Inactivity Review", "High"), ("No Reply", "High"), ("Follow-up", "Medium"), ("Occasion", "Medium")],
)
def test_reminders_that_need_a_decision_are_high_priority(kind, priority):
	kol = f.make_kol()
	todo = reminders.create_reminder(kol.as_dict(), kind, "2026-12-10", "Check")
	assert frappe.db.get_value("ToDo", todo, "priority") == priority
