"""The demo builder (kol_crm.demo) fills a site through the real workflows, once.

A build takes about a minute on two cores, so the module builds the demo once (``built``), inside
the open transaction and without committing; each test runs after a savepoint that is rolled
back when it ends (its own ``rollback`` fixture, in place of conftest's), and the end of the
module rolls the whole demo back.
"""

import frappe
import pytest
from frappe.utils import getdate, nowdate

from kol_crm import demo
from kol_crm.community import groups as community
from kol_crm.deals import wants
from kol_crm.intelligence import pacing
from kol_crm.platform.candidates import candidates
from kol_crm.workflows.kol_lifecycle import DEFINITION as LIFECYCLE
from kol_crm.workflows.kol_proposal import DEFINITION as PROPOSAL

PARTNERSHIP_STATUSES = {"Active", "Paused", "Completed", "Terminated"}


PORTAL_PASSWORD = "demo-Pass-2026"


def _clear_caches() -> None:
	frappe.clear_document_cache("KOL CRM Settings", "KOL CRM Settings")
	frappe.local.kol_crm_tiers = None
	frappe.local.outgoing_email_account = {}
	frappe.set_user("Administrator")
	frappe.local.message_log = []


@pytest.fixture(scope="module")
def built(site):
	from tests import ops_helpers

	frappe.db.rollback()
	_clear_caches()
	# the demo keeps programme categories a site already has (another test may have left some)
	ops_helpers.settings(program_categories=[])
	result = demo.build(password=PORTAL_PASSWORD)
	yield result
	frappe.db.rollback()
	_clear_caches()
	# nothing of the module was committed (a commit would leave the demo on the test site)
	assert demo.demo_kols() == []


@pytest.fixture(autouse=True)
def rollback(built):
	_clear_caches()
	frappe.db.savepoint("demo_test")
	yield
	frappe.db.rollback(save_point="demo_test")
	_clear_caches()


def _values(doctype: str, field: str, filters: dict) -> set:
	return set(frappe.get_all(doctype, filters=filters, pluck=field))


def test_demo_covers_every_path_state_and_status(built):
	result = built
	kols = demo.demo_kols()
	own = {"name": ("in", kols)}
	linked = {"kol": ("in", kols)}

	assert result["created"] is True
	assert result["kols"] == len(kols) >= 30
	assert _values("KOL", "intake_path", own) == {"External Intake", "Internal Cultivation"}
	assert _values("KOL", "workflow_state", own) == set(LIFECYCLE.state_names)
	assert _values("KOL Proposal", "workflow_state", linked) == set(PROPOSAL.state_names)
	assert _values("KOL Partnership", "status", linked) == PARTNERSHIP_STATUSES
	assert frappe.db.count("KOL Interaction", linked) == result["interactions"] > 0
	assert frappe.db.exists("KOL", {**own, "conflict_of_interest": 1})
	# the Chinese-named KOLs are written to in Chinese (the "(zh)" outreach templates)
	assert frappe.db.get_value("KOL", {**own, "kol_name": "周可可"}, "email_language") == "zh"
	assert frappe.db.get_value("KOL", {**own, "kol_name": "Olivia Chen"}, "email_language") is None
	# build() sends no email (demo.mail runs after the CLI's commit, with the local mail servers)
	assert not frappe.db.exists("Email Account", demo.mail.ACCOUNT)
	# content review: one piece published, one resubmitted after changes were requested (and the
	# published video the case study links)
	assert _values("KOL Content", "workflow_state", linked) == {"Published", "Submitted"}
	in_review = frappe.get_doc("KOL Content", {**linked, "workflow_state": "Submitted"})
	assert [(v.version, v.outcome) for v in in_review.versions] == [(1, "Changes Requested"), (2, None)]
	assert result["content"] == 3
	for email, _first, _last, role in demo.USERS:
		assert role in frappe.get_roles(email)

	# the platform's data came through the endpoint: codes, conversions that make the results, activity
	assert frappe.db.count("KOL Referral Code", linked) == result["referral_codes"] > 0
	assert frappe.db.exists("KOL Referral Code", {**linked, "status": "Revoked"})
	for p in frappe.get_all(
		"KOL Partnership",
		filters=linked,
		fields=["name", "result_new_users", "result_activated_users", "result_paid_conversions"],
	):
		attributed = frappe.db.count(
			"KOL Platform Event", {"partnership": p.name, "attribution": "Attributed"}
		)
		assert attributed == p.result_new_users + p.result_activated_users + p.result_paid_conversions
	assert (
		frappe.db.count(
			"KOL Platform Event", {"attribution": "Not Attributed", "event_id": ("like", "demo-%")}
		)
		>= 2
	)
	assert frappe.db.exists(
		"KOL Platform Event", {"event_id": ("like", "demo-late-%"), "attribution_note": ("like", "Late:%")}
	)
	assert frappe.db.count("KOL Partnership", {**linked, "result_new_users": (">", 0)}) > 0
	assert frappe.db.count("KOL", {**own, "on_platform_followers": (">", 0)}) > 0
	assert {c["platform_user_id"] for c in candidates()} >= {"UID-700101", "UID-700102", "UID-700103"}

	today = getdate(nowdate())
	follow_ups = frappe.get_all(
		"KOL", filters={**own, "next_follow_up_on": ("is", "set")}, pluck="next_follow_up_on"
	)
	assert any(d < today for d in follow_ups)
	assert any(d == today for d in follow_ups)
	assert any(d > today for d in follow_ups)


def test_running_the_builder_again_does_not_duplicate_and_reset_rebuilds(built):
	first = dict(built)
	second = demo.build(password=PORTAL_PASSWORD)
	marked = demo.demo_kols()[0]
	frappe.db.set_value("KOL", marked, "fit_notes", "edited before the reset")
	# an email of the demo's (demo.mail sends them): Frappe would only unlink it from the KOL
	email = frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Email",
			"sent_or_received": "Received",
			"subject": "demo reply",
			"sender": frappe.db.get_value("KOL", marked, "email"),
			"reference_doctype": "KOL",
			"reference_name": marked,
		}
	).insert(ignore_permissions=True)
	third = demo.build(reset=True, password=PORTAL_PASSWORD)
	assert not frappe.db.exists("Communication", email.name)

	assert (first.pop("created"), second.pop("created"), third.pop("created")) == (True, False, True)
	assert second == first
	assert frappe.db.count("User", {"name": ("in", [u[0] for u in demo.USERS])}) == len(demo.USERS)
	# reset deleted the demo records (the edit is gone) and built the same programme again
	assert third == first
	assert frappe.db.count("KOL", {"fit_notes": "edited before the reset"}) == 0


def test_demo_fills_both_boards_and_every_calendar():
	from frappe.utils import add_days

	from kol_crm import calendars
	from kol_crm.setup import boards

	kols = set(demo.demo_kols())
	for board in (boards.EXTERNAL_BOARD, boards.INTERNAL_BOARD, boards.PROPOSAL_BOARD):
		doc = frappe.get_doc("Kanban Board", board)
		filters = [[f[1], f[2], f[3]] for f in frappe.parse_json(doc.filters or "[]")]
		states = frappe.get_all(doc.reference_doctype, filters=filters, pluck=doc.field_name)
		# cards in at least three of the board's columns
		assert len(set(states) & {c.column_name for c in doc.columns}) >= 3, board

	today = getdate(nowdate())
	start, end = str(add_days(today, -45)), str(add_days(today, 45))
	for method in (
		calendars.get_follow_up_events,
		calendars.get_occasion_events,
		calendars.get_partnership_events,
	):
		events = method(start, end)
		names = {e["name"] for e in events if e["doctype"] == "KOL"} | {
			frappe.db.get_value(e["doctype"], e["name"], "kol") for e in events if e["doctype"] != "KOL"
		}
		assert names & kols, method.__name__


def test_demo_has_rules_acknowledged_a_violation_with_its_penalty_and_pacing_rows():
	from kol_crm.demo.users import KOL_PORTAL
	from kol_crm.intelligence import pacing, rules

	kols = demo.demo_kols()
	enabled = frappe.get_all("KOL Rule", filters={"disabled": 0}, pluck="name")
	assert {"No false claims", "Disclose paid content", "No poaching of users"} <= set(enabled)
	onboarded = frappe.get_all(
		"KOL", filters={"name": ("in", kols), "workflow_state": ("in", ("Active", "Dormant", "Offboarded"))}
	)
	# the portal demo KOL acknowledged an earlier version of the rules: the portal asks again
	portal_kol = frappe.db.get_value("KOL", {"portal_user": KOL_PORTAL}, "name")
	assert portal_kol in {k.name for k in onboarded}
	assert all(rules.has_acknowledged(k.name) for k in onboarded if k.name != portal_kol)
	assert not rules.has_acknowledged(portal_kol)
	assert frappe.db.exists("KOL Rule Acknowledgement", {"kol": portal_kol})
	methods = set(frappe.get_all("KOL Rule Acknowledgement", filters={"kol": ("in", kols)}, pluck="method"))
	assert rules.SIGNED_LINK in methods
	violations = frappe.get_all(
		"KOL Violation", filters={"kol": ("in", kols)}, fields=["kol", "penalty"], order_by="creation"
	)
	assert [v.penalty for v in violations] == ["Warning", "Suspend Privileges"]
	assert frappe.db.get_value("KOL", violations[1].kol, "privilege_status") == "Suspended"
	rows = pacing.pacing_rows()
	assert {r["category"] for r in rows} >= {"Gaming", "Beauty", "Tech", "Lifestyle"}
	assert all(r["audience"] > 0 for r in rows)
	assert any(r["internal_left"] > 0 for r in rows)


def test_demo_has_observations_and_a_camp_with_the_kols_found_there():
	kols = demo.demo_kols()
	observations = frappe.get_all(
		"KOL Observation", filters={"kol": ("in", kols)}, fields=["source", "evidence", "observer"]
	)
	assert len(observations) == 3
	assert {o.source for o in observations} == {"Project", "Official Account", "WeChat Moments"}
	assert all(o.evidence and o.observer for o in observations)
	camp = frappe.get_doc("KOL Event", {"event_name": "AI Builders Camp"})
	assert camp.event_type == "Camp" and "Next time" in camp.review_notes
	assert getdate(camp.ends_on) > getdate(camp.starts_on)
	assert sorted(row.role for row in camp.participants) == ["Found Here", "Participant", "Speaker"]
	found = next(row.kol for row in camp.participants if row.role == "Found Here")
	comments = frappe.get_all(
		"Comment", filters={"reference_doctype": "KOL", "reference_name": found}, pluck="content"
	)
	assert any("Found at event AI Builders Camp" in c for c in comments)
	assert demo.counts()["observations"] == 3 and demo.counts()["events"] == 1


def test_demo_has_community_groups_per_kol_type_and_audience_overlaps_in_pacing():
	kols = {name: frappe.db.get_value("KOL", name, "kol_name") for name in demo.demo_kols()}
	groups = {
		g.name: g
		for g in frappe.get_all("KOL Community Group", fields=["name", "category", "channel", "program_type"])
	}
	counts = community.member_counts(list(groups))
	assert groups["Beauty Creators Circle"].channel == "Knowledge Planet"
	assert counts["Beauty Creators Circle"] == 3
	assert groups["Community Hosts Lounge"].program_type == "Unpaid"
	assert counts["Esports Casters"] == 0
	left = frappe.get_all(
		"KOL Community Membership",
		filters={"kol": ("in", list(kols)), "status": "Left"},
		fields=["kol", "left_reason", "left_on"],
	)
	assert [(kols[row.kol], row.left_reason) for row in left] == [("赵一鸣", "Offboarded")]
	assert demo.counts()["community_memberships"] == 13 and demo.counts()["audience_overlaps"] == 3
	beauty = next(r for r in pacing.pacing_rows() if r["category"] == "Beauty")
	assert beauty["shared_followers"] >= 42_000 and beauty["unique_reach"] < beauty["kol_followers"]
	candidate = frappe.get_doc("KOL", next(name for name, title in kols.items() if title == "苏晴"))
	hint = pacing.overlap_hint(candidate)
	other = frappe.db.get_value("KOL", hint["kol"], "total_followers")
	assert kols[hint["kol"]] == "王小鱼" and hint["source"] == "Measured"
	assert hint["coefficient"] == pytest.approx(90_000 / min(candidate.total_followers, other))
	assert hint["coefficient"] > 0.3  # above the default threshold


def test_demo_kol_logs_in_to_the_portal_with_something_to_do(built):
	from frappe.utils.password import check_password

	from kol_crm.demo.users import KOL_PORTAL
	from kol_crm.intelligence import rules
	from kol_crm.portal import views

	result = built
	assert result["portal_logins"] == 1
	kol = frappe.get_doc("KOL", {"portal_user": KOL_PORTAL})
	assert kol.name in demo.demo_kols()
	user = frappe.get_doc("User", KOL_PORTAL)
	assert (user.user_type, user.enabled, {r.role for r in user.roles}) == (
		"Website User",
		1,
		{"KOL Portal User"},
	)
	assert check_password(KOL_PORTAL, PORTAL_PASSWORD, delete_tracker_cache=False) == KOL_PORTAL
	assert not rules.has_acknowledged(kol.name)  # the rules changed since they acknowledged

	frappe.set_user(KOL_PORTAL)
	try:
		open_proposals = [p for p in views.proposals() if p.workflow_state == "Sent"]
		assert [p.title for p in open_proposals] == ["Autumn launch teaser"]
		assert views.proposal(open_proposals[0].name).can_answer is True
		in_review = [
			(c.workflow_state, len(c.versions))
			for p in views.partnerships()
			for d in views.partnership(p.name).deliverables
			for c in d.contents
			if c.workflow_state == "Submitted"
		]
		assert in_review == [("Submitted", 2)]
	finally:
		frappe.set_user("Administrator")


def test_demo_has_a_statement_paid_in_part_and_the_next_bringing_the_rest_forward(built):
	from frappe.utils import flt

	from kol_crm.demo.settlements import PAYMENT_REFERENCE
	from kol_crm.settlements import statements

	result = built
	linked = {"kol": ("in", demo.demo_kols())}
	assert result["statements"] == 2
	paid = frappe.get_doc("KOL Settlement Statement", {**linked, "workflow_state": "Paid"})
	start, end = statements.last_ended_period()
	assert (paid.period_start, paid.period_end) == (start, end)
	assert paid.payment_reference == PAYMENT_REFERENCE
	assert paid.submitted_by != paid.approved_by == "demo.manager@kol-crm.example"
	assert {line.line_type for line in paid.lines} >= {"Revenue Share"}
	assert paid.revenue_share_total > 0
	assert 0 < paid.balance == flt(paid.total_due - paid.paid_amount, 2)
	draft = frappe.get_doc("KOL Settlement Statement", {"kol": paid.kol, "workflow_state": "Draft"})
	assert draft.period_start > paid.period_end
	assert draft.brought_forward == paid.balance


def test_demo_has_a_published_case_study_and_a_proposal_that_misses_the_kols_wants():
	kols = demo.demo_kols()
	study = frappe.get_doc("KOL Case Study", {"kol": ("in", kols)})
	assert demo.counts()["case_studies"] == 1
	assert (study.workflow_state, study.published, study.kol_consented) == ("Published", 1, 1)
	assert frappe.db.get_value("KOL Partnership", study.partnership, "status") == "Completed"
	assert study.route.startswith("kol-case-studies/") and study.public_name == "Marcus on AI"
	assert [row.live_url.startswith("https://video.example/") for row in study.content] == [True]
	assert study.what_worked and study.lessons and study.cost > 0
	proposal = frappe.get_doc("KOL Proposal", {"kol": ("in", kols), "title": "Cash-only sponsorship draft"})
	assert proposal.workflow_state == "Draft"
	result = wants.proposal_comparison(proposal)
	assert result["mismatch"] and result["only_money"] and result["unmet"]
