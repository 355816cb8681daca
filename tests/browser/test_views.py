"""The desk views of issue 15 in a real browser: a Kanban card dragged to the next state (and a
refused move snapping back with the workflow's reason), the three calendars with events in them,
and two KOLs merged from the KOL form."""

import frappe
from frappe.utils import add_days, getdate, nowdate

try:
	from playwright.sync_api import Error as PlaywrightError
except ImportError:  # the browser tests are skipped then (conftest.py)
	PlaywrightError = Exception

from kol_crm.intelligence.reminders import create_reminder
from kol_crm.kol_crm.doctype.kol_proposal.kol_proposal import make_partnership
from kol_crm.setup import boards
from tests import factories as f
from tests.browser.test_desk import login, state_of, wait_until


def settled_box(page, locator) -> dict:
	"""The element's box once the board has stopped re-rendering (it renders from its cache, then
	again with fresh data: an element found in between is replaced)."""
	page.wait_for_load_state("networkidle")
	for _attempt in range(5):
		try:
			locator.scroll_into_view_if_needed(timeout=5_000)
			box = locator.bounding_box(timeout=5_000)
			if box:
				return box
		except PlaywrightError:
			pass
		page.wait_for_timeout(500)
	raise AssertionError(f"{locator} never settled on the page")


def drag(page, source, target) -> None:
	"""Drag with the mouse: Frappe's Kanban uses Sortable's fallback (mouse events), not HTML5 DnD."""
	box = settled_box(page, source)
	page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
	page.mouse.down()
	target_box = target.bounding_box()
	x, y = target_box["x"] + target_box["width"] / 2, target_box["y"] + 20
	page.mouse.move(box["x"] + box["width"] / 2 + 5, box["y"] + box["height"] / 2 + 5, steps=3)
	page.mouse.move(x, y, steps=15)
	page.wait_for_timeout(200)
	page.mouse.move(x, y + 5, steps=3)
	page.mouse.up()


def column(page, state: str):
	return page.locator(f".kanban-column[data-column-value='{state}']")


def card(page, name: str):
	return page.locator(f".kanban-card-wrapper[data-name='{name}']")


def test_kanban_card_moves_through_the_workflow_and_a_refused_move_snaps_back(
	base_url, new_page, shot, committed_records
):
	token = frappe.generate_hash(length=6)
	kol = f.make_kol(kol_name=f"Board {token}", operator=f.OPERATOR_A)
	frappe.db.commit()
	committed_records.append(("KOL", kol.name))

	page = new_page()
	login(page, base_url, f.OPERATOR_A)
	# the newest card comes first in its column (the board lists by last modified)
	page.goto(f"{base_url}/app/kol/view/kanban/{boards.EXTERNAL_BOARD}")
	column(page, "Identified").locator(f".kanban-card-wrapper[data-name='{kol.name}']").wait_for()
	shot(page, "20-kanban-before")

	drag(page, card(page, kol.name), column(page, "Shortlisted").locator(".kanban-cards"))
	wait_until(lambda: state_of(kol.name) == "Shortlisted")
	column(page, "Shortlisted").locator(f".kanban-card-wrapper[data-name='{kol.name}']").wait_for()
	shot(page, "21-kanban-shortlisted")

	# Shortlisted -> Negotiating is no workflow action: refused with the reason, the card goes back
	drag(page, card(page, kol.name), column(page, "Negotiating").locator(".kanban-cards"))
	message = page.locator(".modal.show .msgprint")
	message.wait_for()
	assert "No workflow action you may take moves" in message.inner_text()
	shot(page, "22-kanban-refused")
	page.keyboard.press("Escape")
	column(page, "Shortlisted").locator(f".kanban-card-wrapper[data-name='{kol.name}']").wait_for()
	assert column(page, "Negotiating").locator(f".kanban-card-wrapper[data-name='{kol.name}']").count() == 0
	assert state_of(kol.name) == "Shortlisted"


def calendar_events(page, name: str) -> list[dict]:
	"""The events FullCalendar holds for record ``name``: title, start, exclusive end, editable."""
	return page.evaluate(
		"""(name) => cur_list.calendar.$cal.fullCalendar('clientEvents')
			.filter((e) => e.name === name)
			.map((e) => ({title: e.title, start: e.start.format('YYYY-MM-DD'),
				end: e.end ? e.end.format('YYYY-MM-DD') : null, editable: e.editable}))""",
		name,
	)


def test_each_calendar_shows_the_users_events(base_url, new_page, shot, committed_records):
	token = frappe.generate_hash(length=6)
	today = getdate(nowdate())
	# days well inside the current month view, whatever today is
	first = today.replace(day=10)
	kol = f.make_kol(
		kol_name=f"Calendar {token}",
		operator=f.OPERATOR_A,
		occasions=[{"occasion_date": first.replace(year=1990), "occasion": "Birthday", "repeats_yearly": 1}],
	)
	frappe.db.set_value("KOL", kol.name, "next_follow_up_on", first.replace(day=12))
	todo = create_reminder(
		frappe.get_doc("KOL", kol.name).as_dict(), "Follow-up", first.replace(day=14), "Call"
	)
	reminder = frappe.db.get_value("KOL Reminder", {"todo": todo})
	proposal = f.make_proposal(kol.name)
	f.accept_proposal(proposal)
	partnership = make_partnership(proposal.name)
	partnership.start_date, partnership.end_date = first, first.replace(day=20)
	partnership.deliverables[0].due_date = first.replace(day=16)
	partnership.insert()
	frappe.db.commit()
	committed_records.extend(
		[("KOL", kol.name), ("KOL Proposal", proposal.name), ("KOL Partnership", partnership.name)]
	)
	committed_records.extend([("KOL Reminder", reminder), ("ToDo", todo)])

	page = new_page()
	login(page, base_url, f.OPERATOR_A)
	checks = {
		"kol": (kol.name, {(f"Birthday: {kol.kol_name}", str(first), str(add_days(first, 1)))}),
		"kol-partnership": (
			partnership.name,
			{
				(f"Partnership: {kol.kol_name}", str(first), str(first.replace(day=21))),
				(f"Video due: {kol.kol_name}", str(first.replace(day=16)), str(first.replace(day=17))),
			},
		),
	}
	for route, (name, expected) in checks.items():
		page.goto(f"{base_url}/app/{route}/view/calendar/default")
		page.wait_for_selector(".fc-event")
		wait_until(lambda name=name: calendar_events(page, name))
		events = calendar_events(page, name)
		assert {(e["title"], e["start"], e["end"]) for e in events} == expected, route
		assert {e["editable"] for e in events} == {False}, route
		shot(page, f"23-calendar-{route}")

	page.goto(f"{base_url}/app/kol-reminder/view/calendar/default")
	page.wait_for_selector(".fc-event")
	wait_until(lambda: calendar_events(page, kol.name))
	assert {(e["title"], e["start"]) for e in calendar_events(page, kol.name)} == {
		(f"Follow up: {kol.kol_name}", str(first.replace(day=12)))
	}
	assert {(e["title"], e["start"]) for e in calendar_events(page, reminder)} == {
		(f"Follow-up: {kol.kol_name}", str(first.replace(day=14)))
	}
	shot(page, "24-calendar-follow-ups")

	# operator B sees none of A's events
	page_b = new_page()
	login(page_b, base_url, f.OPERATOR_B)
	page_b.goto(f"{base_url}/app/kol-partnership/view/calendar/default")
	page_b.wait_for_selector(".fc-view-container")
	page_b.wait_for_timeout(1500)
	assert calendar_events(page_b, partnership.name) == []


def test_manager_merges_a_duplicate_from_the_kol_form(base_url, new_page, shot, committed_records):
	token = frappe.generate_hash(length=6)
	keep = f.make_kol(kol_name=f"Twin {token}", strengths="Long reviews")
	dup = f.make_kol(kol_name=f"Twin {token}", strengths="Live streams")
	proposal = f.make_proposal(dup.name)
	frappe.db.commit()
	committed_records.extend([("KOL", keep.name), ("KOL", dup.name), ("KOL Proposal", proposal.name)])

	page = new_page()
	login(page, base_url, f.MANAGER)
	page.goto(f"{base_url}/app/kol/{keep.name}")
	link = page.locator(f".kol-merge-candidate[data-name='{dup.name}']")
	link.wait_for()
	shot(page, "25-merge-possible-duplicate")
	link.click()
	dialog = page.locator(".modal.show:has(.modal-title:has-text('Merge'))")
	dialog.wait_for()
	assert "1 × KOL Proposal" in dialog.inner_text()
	dialog.locator("select[data-fieldname='strengths']").select_option("source")
	shot(page, "26-merge-dialog")
	dialog.locator(".btn-primary:has-text('Merge')").click()
	wait_until(lambda: state_of(dup.name) is None)  # the web server deleted it
	shot(page, "27-merged")

	frappe.db.rollback()
	assert frappe.db.get_value("KOL Proposal", proposal.name, "kol") == keep.name
	assert frappe.db.get_value("KOL", keep.name, "strengths") == "Live streams"
