"""Desk calendars (issue 15): each get_events returns the events in range the user may see."""

import datetime

import frappe
import pytest

from kol_crm import calendars
from kol_crm.intelligence.reminders import create_reminder
from kol_crm.permissions import personal_fields
from tests import factories as f

START, END = "2030-12-20 00:00:00", "2031-01-10 00:00:00"
EVENT_KEYS = {"doctype", "name", "title", "start", "end", "allDay", "convertToUserTz", "calendar_editable"}


def mine(events: list[dict], *names: str) -> list[tuple]:
	return [(e["doctype"], e["name"], e["title"], e["start"], e["end"]) for e in events if e["name"] in names]


def test_occasion_dates_cross_the_year_boundary():
	start, end = datetime.date(2030, 12, 20), datetime.date(2031, 1, 10)
	d = datetime.date
	assert calendars.occasion_dates(d(1990, 12, 31), True, start, end) == [d(2030, 12, 31)]
	assert calendars.occasion_dates(d(1990, 1, 1), True, start, end) == [d(2031, 1, 1)]
	assert calendars.occasion_dates(d(1990, 12, 20), True, start, end) == [d(2030, 12, 20)]
	assert calendars.occasion_dates(d(1990, 1, 10), True, start, end) == [d(2031, 1, 10)]
	assert calendars.occasion_dates(d(1990, 12, 19), True, start, end) == []
	assert calendars.occasion_dates(d(1990, 1, 11), True, start, end) == []
	assert calendars.occasion_dates(d(2031, 1, 5), False, start, end) == [d(2031, 1, 5)]
	assert calendars.occasion_dates(d(2029, 12, 31), False, start, end) == []
	# a yearly occasion starts in its own year
	assert calendars.occasion_dates(d(2031, 1, 2), True, d(2030, 1, 1), d(2032, 12, 31)) == [
		d(2031, 1, 2),
		d(2032, 1, 2),
	]
	# 29 February falls on 28 February in other years
	assert calendars.occasion_dates(d(2000, 2, 29), True, d(2030, 1, 1), d(2032, 12, 31)) == [
		d(2030, 2, 28),
		d(2031, 2, 28),
		d(2032, 2, 29),
	]
	# over several years a yearly occasion appears once a year
	assert len(calendars.occasion_dates(d(1990, 6, 1), True, d(2020, 1, 1), d(2024, 12, 31))) == 5


def test_calendar_range_ending_before_it_starts_is_refused():
	with pytest.raises(frappe.ValidationError, match="ends before it starts"):
		calendars.get_occasion_events(END, START)


@pytest.fixture
def kols():
	a = f.make_kol(operator=f.OPERATOR_A, kol_name=f"Cal A {f.unique()}")
	b = f.make_kol(operator=f.OPERATOR_B, kol_name=f"Cal B {f.unique()}")
	return a, b


def add_occasions(kol, rows):
	for occasion, day, yearly in rows:
		frappe.get_doc(
			{
				"doctype": "KOL Occasion",
				"parenttype": "KOL",
				"parentfield": "occasions",
				"parent": kol.name,
				"occasion": occasion,
				"occasion_date": day,
				"repeats_yearly": yearly,
			}
		).db_insert()


def test_occasion_calendar_per_role(kols):
	a, b = kols
	add_occasions(
		a,
		[
			("Birthday", "1990-12-31", 1),
			("Channel anniversary", "2020-01-10", 1),
			("Range start", "1995-12-20", 1),
			("Before", "1995-12-19", 1),
			("After", "1995-01-11", 1),
			("Launch", "2031-01-05", 0),
			("Old launch", "2029-12-31", 0),
		],
	)
	add_occasions(b, [("Birthday", "1988-01-01", 1)])
	expected_a = [
		("KOL", a.name, f"Range start: {a.kol_name}", "2030-12-20", "2030-12-20"),
		("KOL", a.name, f"Birthday: {a.kol_name}", "2030-12-31", "2030-12-31"),
		("KOL", a.name, f"Launch: {a.kol_name}", "2031-01-05", "2031-01-05"),
		("KOL", a.name, f"Channel anniversary: {a.kol_name}", "2031-01-10", "2031-01-10"),
	]
	expected_b = [("KOL", b.name, f"Birthday: {b.kol_name}", "2031-01-01", "2031-01-01")]

	frappe.set_user(f.MANAGER)
	events = calendars.get_occasion_events(START, END)
	assert mine(events, a.name) == expected_a
	assert mine(events, b.name) == expected_b

	frappe.set_user(f.OPERATOR_A)
	events = calendars.get_occasion_events(START, END)
	assert mine(events, a.name, b.name) == expected_a

	frappe.set_user(f.ANALYST)
	events = calendars.get_occasion_events(START, END)
	assert sorted(mine(events, a.name, b.name), key=lambda e: (e[3], e[1])) == sorted(
		expected_a + expected_b, key=lambda e: (e[3], e[1])
	)
	assert {key for event in events for key in event} == EVENT_KEYS
	assert not EVENT_KEYS & set(personal_fields())


def test_follow_up_calendar_per_role(kols):
	a, b = kols
	frappe.db.set_value("KOL", a.name, "next_follow_up_on", "2030-12-24")
	frappe.db.set_value("KOL", b.name, "next_follow_up_on", "2031-01-10")
	a_doc, b_doc = frappe.get_doc("KOL", a.name).as_dict(), frappe.get_doc("KOL", b.name).as_dict()
	create_reminder(a_doc, "Occasion", "2031-01-02", "Birthday soon")
	closed = create_reminder(a_doc, "No Reply", "2031-01-03", "No reply")
	frappe.db.set_value("ToDo", closed, "status", "Closed")
	create_reminder(b_doc, "Follow-up", "2030-12-20", "Call")
	create_reminder(b_doc, "Follow-up", "2031-01-11", "Outside the range")
	reminder = {
		(row.kol, str(row.due_on)): row.name
		for row in frappe.get_all("KOL Reminder", filters={"kol": ("in", [a.name, b.name])}, fields=["*"])
	}
	expected_a = [
		(
			"KOL Reminder",
			reminder[(a.name, "2031-01-02")],
			f"Occasion: {a.kol_name}",
			"2031-01-02",
			"2031-01-02",
		),
		("KOL", a.name, f"Follow up: {a.kol_name}", "2030-12-24", "2030-12-24"),
	]
	expected_b = [
		(
			"KOL Reminder",
			reminder[(b.name, "2030-12-20")],
			f"Follow-up: {b.kol_name}",
			"2030-12-20",
			"2030-12-20",
		),
		("KOL", b.name, f"Follow up: {b.kol_name}", "2031-01-10", "2031-01-10"),
	]
	names = [a.name, b.name, *reminder.values()]

	frappe.set_user(f.MANAGER)
	events = calendars.get_follow_up_events(START, END)
	assert sorted(mine(events, *names)) == sorted(expected_a + expected_b)

	frappe.set_user(f.OPERATOR_A)
	assert sorted(mine(calendars.get_follow_up_events(START, END), *names)) == sorted(expected_a)

	frappe.set_user(f.ANALYST)
	events = calendars.get_follow_up_events(START, END)
	assert sorted(mine(events, *names)) == sorted(expected_a + expected_b)
	assert {key for event in events for key in event} == EVENT_KEYS


def make_partnership(kol, start, end, deliverables):
	return frappe.get_doc(
		{
			"doctype": "KOL Partnership",
			"kol": kol.name,
			"purpose": "Activation",
			"no_proposal_reason": "Renewal",
			"start_date": start,
			"end_date": end,
			"deliverables": [
				{"deliverable_type": kind, "description": kind, "quantity": 1, "due_date": due}
				for kind, due in deliverables
			],
		}
	).insert()


def test_partnership_calendar_per_role(kols):
	a, b = kols
	pa = make_partnership(a, "2030-06-01", "2030-12-20", [("Video", "2030-12-20"), ("Post", "2030-12-19")])
	pb = make_partnership(b, "2031-01-10", "2031-06-30", [("Guide", "2031-01-10"), ("Review", "2031-01-11")])
	outside = make_partnership(a, "2031-01-11", "2031-02-01", [])
	expected_a = [
		("KOL Partnership", pa.name, f"Partnership: {a.kol_name}", "2030-06-01", "2030-12-20"),
		("KOL Partnership", pa.name, f"Video due: {a.kol_name}", "2030-12-20", "2030-12-20"),
	]
	expected_b = [
		("KOL Partnership", pb.name, f"Partnership: {b.kol_name}", "2031-01-10", "2031-06-30"),
		("KOL Partnership", pb.name, f"Guide due: {b.kol_name}", "2031-01-10", "2031-01-10"),
	]
	names = (pa.name, pb.name, outside.name)

	frappe.set_user(f.MANAGER)
	assert sorted(mine(calendars.get_partnership_events(START, END), *names)) == sorted(
		expected_a + expected_b
	)

	frappe.set_user(f.OPERATOR_A)
	assert sorted(mine(calendars.get_partnership_events(START, END), *names)) == sorted(expected_a)

	frappe.set_user(f.ANALYST)
	events = calendars.get_partnership_events(START, END)
	assert sorted(mine(events, *names)) == sorted(expected_a + expected_b)
	assert {key for event in events for key in event} == EVENT_KEYS


def test_workspace_links_the_boards_and_calendars():
	import re
	from pathlib import Path

	ws = frappe.get_doc("Workspace", "KOL CRM")
	boards = {s.label: (s.link_to, s.kanban_board) for s in ws.shortcuts if s.doc_view == "Kanban"}
	assert boards == {
		"External Intake Board": ("KOL", "KOL External Intake"),
		"Internal Cultivation Board": ("KOL", "KOL Internal Cultivation"),
		"Proposal Board": ("KOL Proposal", "KOL Proposal Approval"),
	}
	for link_to, board in boards.values():
		assert frappe.db.get_value("Kanban Board", board, "reference_doctype") == link_to
	cals = {s.label: s.link_to for s in ws.shortcuts if s.doc_view == "Calendar"}
	assert cals == {
		"Follow-up Calendar": "KOL Reminder",
		"Occasion Calendar": "KOL",
		"Partnership Calendar": "KOL Partnership",
	}
	methods = {}
	for doctype in cals.values():
		folder = Path(frappe.get_module_path("KOL CRM")) / "doctype" / frappe.scrub(doctype)
		script = (folder / f"{frappe.scrub(doctype)}_calendar.js").read_text(encoding="utf-8")
		methods[doctype] = re.search(r'get_events_method: "([\w.]+)"', script).group(1)
	assert methods == {
		"KOL Reminder": "kol_crm.calendars.get_follow_up_events",
		"KOL": "kol_crm.calendars.get_occasion_events",
		"KOL Partnership": "kol_crm.calendars.get_partnership_events",
	}
	for method in methods.values():
		assert frappe.get_attr(method) in frappe.whitelisted
