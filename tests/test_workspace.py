"""The KOL CRM workspace renders for every role: its number cards and charts load, with figures
limited to what the user may see."""

import json

import frappe
import pytest
from frappe.desk.doctype.dashboard_chart.dashboard_chart import get as get_chart
from frappe.desk.doctype.number_card.number_card import get_result
from frappe.utils import add_days, nowdate

from tests import factories as f

ROLE_USERS = (f.MANAGER, f.OPERATOR_A, f.ANALYST)
CARDS = (
	"Active KOLs",
	"KOLs in Intake",
	"KOL Follow-ups Due",
	"KOL Proposals Awaiting Approval",
	"Active KOL Partnerships",
)
CHARTS = ("KOL Pipeline Funnel", "New KOLs per Week by Path", "KOL Interactions per Week")


def workspace():
	return frappe.get_doc("Workspace", "KOL CRM")


def card_filters(card) -> list:
	"""The filters the number card widget sends (dynamic filters evaluated as the browser would)."""
	filters = json.loads(card.filters_json or "[]")
	for doctype, field, op, expression in json.loads(card.dynamic_filters_json or "[]"):
		assert expression == "frappe.datetime.get_today()", expression
		filters.append([doctype, field, op, nowdate()])
	return filters


def card_number(name: str, user: str) -> float:
	card = frappe.get_doc("Number Card", name)
	frappe.set_user(user)
	try:
		assert frappe.has_permission("Number Card", "read", card), (name, user)
		return get_result(card.as_dict(), card_filters(card))
	finally:
		frappe.set_user("Administrator")


def chart_data(name: str, user: str) -> dict:
	"""What the chart widget calls: the source's method for custom charts, else dashboard_chart.get."""
	chart = frappe.get_doc("Dashboard Chart", name)
	frappe.set_user(user)
	try:
		assert frappe.has_permission("Dashboard Chart", "read", chart), (name, user)
		if chart.chart_type == "Custom":
			module = frappe.scrub(chart.source)
			method = frappe.get_attr(f"kol_crm.kol_crm.dashboard_chart_source.{module}.{module}.get")
			return method(chart_name=name, filters=chart.filters_json, refresh=1)
		return get_chart(chart_name=name, refresh=1)
	finally:
		frappe.set_user("Administrator")


def test_workspace_holds_the_cards_charts_shortcuts_and_reports():
	ws = workspace()
	assert {c.number_card_name for c in ws.number_cards} == set(CARDS)
	assert {c.chart_name for c in ws.charts} == set(CHARTS)
	content = json.loads(ws.content)
	assert {b["data"]["number_card_name"] for b in content if b["type"] == "number_card"} == set(CARDS)
	assert {b["data"]["chart_name"] for b in content if b["type"] == "chart"} == set(CHARTS)
	shortcuts = {s.label for s in ws.shortcuts}
	assert {b["data"]["shortcut_name"] for b in content if b["type"] == "shortcut"} == shortcuts
	reports = {link.link_to for link in ws.links if link.link_type == "Report"}
	assert len(reports) == 12 and all(frappe.db.exists("Report", r) for r in reports)


@pytest.mark.parametrize("user", ROLE_USERS)
def test_workspace_page_builds_for_each_role(user):
	from frappe.desk.desktop import get_desktop_page

	frappe.set_user(user)
	page = get_desktop_page(json.dumps({"name": "KOL CRM", "title": "KOL CRM", "public": 1}))
	assert page, user
	assert {c.chart_name for c in page["charts"]["items"]} == set(CHARTS)
	assert {c.number_card_name for c in page["number_cards"]["items"]} == set(CARDS)


@pytest.mark.parametrize("user", ROLE_USERS)
def test_number_cards_and_charts_load_for_each_role(user):
	for name in CARDS:
		assert card_number(name, user) >= 0
	for name in CHARTS:
		data = chart_data(name, user)
		assert data["labels"] and data["datasets"], name
		for dataset in data["datasets"]:
			assert len(dataset["values"]) == len(data["labels"])


def test_cards_and_charts_count_only_the_operators_own_kols():
	before = {user: {n: card_number(n, user) for n in CARDS} for user in (f.MANAGER, f.OPERATOR_A)}
	funnel_before = {
		u: chart_data("KOL Pipeline Funnel", u)["datasets"][0]["values"] for u in (f.MANAGER, f.OPERATOR_A)
	}
	new_before = {u: chart_data("New KOLs per Week by Path", u) for u in (f.MANAGER, f.OPERATOR_A)}
	calls_before = {u: chart_data("KOL Interactions per Week", u) for u in (f.MANAGER, f.OPERATOR_A)}

	mine = f.make_kol(operator=f.OPERATOR_A)
	theirs = f.make_kol(operator=f.OPERATOR_B, intake_path="Internal Cultivation")
	active = f.make_kol(operator=f.OPERATOR_B)
	f.set_state(active, "Active")
	for kol in (mine, theirs):
		frappe.db.set_value(
			"KOL", kol.name, "next_follow_up_on", add_days(nowdate(), -1), update_modified=False
		)
	frappe.get_doc(
		{"doctype": "KOL Interaction", "kol": theirs.name, "interaction_type": "Call", "summary": "Hello"}
	).insert()
	proposal = f.make_proposal(active.name)
	f.set_state(proposal, "Pending Approval")

	def delta(user, name):
		return card_number(name, user) - before[user][name]

	assert delta(f.MANAGER, "KOLs in Intake") == 2
	assert delta(f.OPERATOR_A, "KOLs in Intake") == 1
	# "theirs" was contacted after its follow-up date (the interaction above): no longer due
	assert frappe.db.get_value("KOL", theirs.name, "next_follow_up_on") is None
	assert delta(f.MANAGER, "KOL Follow-ups Due") == 1
	assert delta(f.OPERATOR_A, "KOL Follow-ups Due") == 1
	assert delta(f.MANAGER, "Active KOLs") == 1
	assert delta(f.OPERATOR_A, "Active KOLs") == 0
	assert delta(f.MANAGER, "KOL Proposals Awaiting Approval") == 1
	assert delta(f.OPERATOR_A, "KOL Proposals Awaiting Approval") == 0

	def funnel_delta(user):
		after = chart_data("KOL Pipeline Funnel", user)["datasets"][0]["values"]
		return [a - b for a, b in zip(after, funnel_before[user], strict=True)]

	# stages: Identified, Shortlisted, Contacting, Negotiating, Active (ext), Spotted, Evaluating, Cultivating, Active (int)
	assert funnel_delta(f.MANAGER) == [2, 1, 1, 1, 1, 1, 0, 0, 0]
	assert funnel_delta(f.OPERATOR_A) == [1, 0, 0, 0, 0, 0, 0, 0, 0]

	def series_delta(before_data, user, chart):
		after = chart_data(chart, user)["datasets"]
		return [
			sum(a["values"]) - sum(b["values"])
			for a, b in zip(after, before_data[user]["datasets"], strict=True)
		]

	assert series_delta(new_before, f.MANAGER, "New KOLs per Week by Path") == [2, 1]
	assert series_delta(new_before, f.OPERATOR_A, "New KOLs per Week by Path") == [1, 0]
	assert series_delta(calls_before, f.MANAGER, "KOL Interactions per Week") == [1]
	assert series_delta(calls_before, f.OPERATOR_A, "KOL Interactions per Week") == [0]


def test_the_follow_ups_due_card_counts_only_kols_whose_follow_up_date_has_come():
	"""A KOL without a follow-up date is not due (Frappe reads ``<=`` on a date as
	``ifnull(date, '0001-01-01') <=``: the card says "is set" as well)."""
	before = card_number("KOL Follow-ups Due", f.MANAGER)
	dates = {"yesterday": -1, "today": 0, "tomorrow": 1, "none": None}
	for days in dates.values():
		kol = f.make_kol(operator=f.OPERATOR_A)
		due = add_days(nowdate(), days) if days is not None else None
		frappe.db.set_value("KOL", kol.name, "next_follow_up_on", due, update_modified=False)

	assert card_number("KOL Follow-ups Due", f.MANAGER) - before == 2  # yesterday and today


def test_every_workspace_block_points_at_a_row_the_desk_can_render():
	"""The desk finds a block's card, chart or shortcut by the row's label: a mismatch renders nothing."""
	import json

	ws = frappe.get_doc("Workspace", "KOL CRM")
	rows = {
		"number_card": ({r.label for r in ws.number_cards}, "number_card_name"),
		"chart": ({r.label for r in ws.charts}, "chart_name"),
		"shortcut": ({r.label for r in ws.shortcuts}, "shortcut_name"),
		"card": ({r.label for r in ws.links if r.type == "Card Break"}, "card_name"),
	}
	blocks = [b for b in json.loads(ws.content) if b["type"] in rows]
	assert len([b for b in blocks if b["type"] == "number_card"]) == 5
	for block in blocks:
		labels, key = rows[block["type"]]
		assert block["data"][key] in labels, block
