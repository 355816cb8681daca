"""The KOL CRM reports, checked number by number on a small programme built through the framework.

Every report is filtered on the test's own category tree, so other records on the site don't
count. Each test checks the manager's figures, then an operator's (only their own KOLs).
"""

import json
from datetime import datetime, timedelta

import frappe
import pytest
from frappe.utils import add_days, getdate, nowdate

from kol_crm.kol_crm.report.inactive_kols import inactive_kols
from kol_crm.kol_crm.report.kol_deliverables import kol_deliverables
from kol_crm.kol_crm.report.kol_follow_up_due import kol_follow_up_due
from kol_crm.kol_crm.report.kol_internal_candidates import kol_internal_candidates
from kol_crm.kol_crm.report.kol_operator_activity import kol_operator_activity
from kol_crm.kol_crm.report.kol_partnership_performance import kol_partnership_performance
from kol_crm.kol_crm.report.kol_pipeline import kol_pipeline
from kol_crm.kol_crm.report.kol_proposal_outcomes import kol_proposal_outcomes
from kol_crm.kol_crm.report.kol_tier_pyramid import kol_tier_pyramid
from kol_crm.workflows import state_log
from tests import factories as f
from tests import platform_helpers as ph

REPORTS = (
	kol_pipeline,
	kol_tier_pyramid,
	kol_follow_up_due,
	kol_partnership_performance,
	kol_proposal_outcomes,
	kol_operator_activity,
	inactive_kols,
	kol_deliverables,
	kol_internal_candidates,
)
PERSONAL = {"email", "phone", "wechat", "address"}
START = datetime(2026, 1, 5, 9, 0, 0)


def today():
	return getdate(nowdate())


def _tier(name: str, rank: int) -> str:
	doc = frappe.get_doc({"doctype": "KOL Tier", "tier_name": name, "rank": rank})
	doc.flags.ignore_mandatory = True
	doc.insert()
	return doc.name


def _version(kol: str, on: datetime, old: str, new: str) -> None:
	"""A workflow state change of ``kol`` at ``on``, as the KOL's save logs it (KOL State Change)."""
	state_log.record(kol, old, new, on)


def _kol(path, category, tier, followers, state, operator, created_days_ago=0):
	kol = f.make_kol(
		intake_path=path,
		category=category,
		operator=operator,
		platform_accounts=[{"platform": "Bilibili", "handle": "@" + f.unique(), "followers": followers}],
	)
	f.set_state(kol, state)
	# the tier is normally assigned from the score; set-up pins it straight in the database
	frappe.db.set_value("KOL", kol.name, {"tier": tier, "creation": START}, update_modified=False)
	return kol.name


def _interaction(kol: str, kind: str, days_ago: int, operator: str, summary: str):
	return frappe.get_doc(
		{
			"doctype": "KOL Interaction",
			"kol": kol,
			"interaction_type": kind,
			"direction": "Outbound",
			"interaction_on": datetime.combine(add_days(today(), -days_ago), datetime.min.time())
			+ timedelta(hours=10),
			"operator": operator,
			"summary": summary,
		}
	).insert()


@pytest.fixture
def programme():
	"""Five KOLs in one category tree (two niches), two tiers, two operators."""
	token = f.unique("rt")
	domain = frappe.get_doc(
		{"doctype": "KOL Category", "category_name": f"Domain {token}", "is_group": 1}
	).insert()
	niche1, niche2 = (
		frappe.get_doc(
			{
				"doctype": "KOL Category",
				"category_name": f"Niche {n} {token}",
				"parent_kol_category": domain.name,
			}
		)
		.insert()
		.name
		for n in (1, 2)
	)
	t1, t2 = _tier(f"Gold {token}", 1), _tier(f"Silver {token}", 2)
	ext, inn = "External Intake", "Internal Cultivation"
	k = {
		"k1": _kol(ext, niche1, t1, 1000, "Active", f.OPERATOR_A),
		"k2": _kol(ext, niche1, t2, 2000, "Negotiating", f.OPERATOR_B),
		"k3": _kol(ext, niche2, t2, 3000, "Declined", f.OPERATOR_A),
		"k4": _kol(inn, niche2, t1, 4000, "Cultivating", f.OPERATOR_B),
		"k5": _kol(inn, niche1, t1, 500, "Active", f.OPERATOR_A),
	}
	return frappe._dict(domain=domain.name, niche1=niche1, niche2=niche2, t1=t1, t2=t2, **k)


def run(report, filters, user=None):
	frappe.set_user(user or f.MANAGER)
	try:
		columns, rows, *_rest = report.execute(filters)
	finally:
		frappe.set_user("Administrator")
	return columns, rows


def by(rows, *keys):
	return {tuple(row.get(k) for k in keys) if len(keys) > 1 else row.get(keys[0]): row for row in rows}


# ------------------------------------------------------------------ KOL Pipeline


def test_pipeline_counts_conversion_and_median_days_per_path(programme):
	p = programme
	day = timedelta(days=1)
	for offset, old, new in ((2, "Identified", "Shortlisted"), (5, "Shortlisted", "Contacting")):
		_version(p.k1, START + offset * day, old, new)
	_version(p.k1, START + 6 * day, "Contacting", "Negotiating")
	_version(p.k1, START + 10 * day, "Negotiating", "Active")
	_version(p.k2, START + 4 * day, "Identified", "Shortlisted")
	_version(p.k2, START + 8 * day, "Shortlisted", "Contacting")
	_version(p.k2, START + 9 * day, "Contacting", "Negotiating")
	_version(p.k2, START + 12 * day, "Negotiating", "Contacting")
	_version(p.k2, START + 13 * day, "Contacting", "Negotiating")
	_version(p.k3, START + 1 * day, "Identified", "Shortlisted")
	_version(p.k3, START + 3 * day, "Shortlisted", "Declined")

	_cols, rows = run(kol_pipeline, {"category": p.domain})
	rows = by(rows, "intake_path", "state")
	ext = {
		s: rows[("External Intake", s)]
		for s in ("Identified", "Shortlisted", "Contacting", "Negotiating", "Active")
	}
	assert [r["reached"] for r in ext.values()] == [3, 3, 2, 2, 1]
	assert [r["current"] for r in ext.values()] == [0, 0, 0, 1, 1]
	assert [r["conversion"] for r in ext.values()] == [100.0, 66.7, 100.0, 50.0, None]
	assert [r["from_start"] for r in ext.values()] == [100.0, 100.0, 66.7, 66.7, 33.3]
	assert [r["median_days"] for r in ext.values()] == [2.0, 3.0, 1.0, 3.5, None]
	assert [r["stays"] for r in ext.values()] == [3, 3, 3, 2, 0]
	assert rows[("External Intake", "Declined")]["current"] == 1

	inn = {s: rows[("Internal Cultivation", s)] for s in ("Spotted", "Evaluating", "Cultivating", "Active")}
	assert [r["reached"] for r in inn.values()] == [2, 2, 2, 1]
	assert [r["conversion"] for r in inn.values()] == [100.0, 100.0, 50.0, None]
	assert all(r["median_days"] is None for r in inn.values())

	# operator A owns k1, k3 and k5 only
	_cols, rows = run(kol_pipeline, {"category": p.domain}, f.OPERATOR_A)
	rows = by(rows, "intake_path", "state")
	states = ("Identified", "Shortlisted", "Contacting", "Negotiating", "Active")
	assert [rows[("External Intake", s)]["reached"] for s in states] == [2, 2, 1, 1, 1]
	assert rows[("External Intake", "Negotiating")]["current"] == 0
	assert [rows[("External Intake", s)]["median_days"] for s in states] == [1.5, 2.5, 1.0, 4.0, None]
	assert [rows[("Internal Cultivation", s)]["reached"] for s in ("Spotted", "Active")] == [1, 1]

	# one path only, and the funnel chart follows the rows
	_columns, rows, _msg, chart, _summary = kol_pipeline.execute(
		{"category": p.domain, "intake_path": "Internal Cultivation"}
	)
	assert {r["intake_path"] for r in rows} == {"Internal Cultivation"}
	assert chart["data"]["datasets"][0]["values"] == [2, 2, 2, 1]


# ------------------------------------------------------------------ KOL Tier Pyramid


def test_tier_pyramid_counts_and_reach_per_tier_and_category(programme):
	p = programme
	_cols, rows = run(kol_tier_pyramid, {"category": p.domain})
	assert [(r["tier"], r.get("category"), r["kols"], r["reach"], r["indent"]) for r in rows] == [
		(p.t1, None, 3, 5500, 0),
		(p.t1, p.niche1, 2, 1500, 1),
		(p.t1, p.niche2, 1, 4000, 1),
		(p.t2, None, 1, 2000, 0),
		(p.t2, p.niche1, 1, 2000, 1),
	]
	_cols, rows = run(kol_tier_pyramid, {"category": p.domain, "include_closed": 1})
	assert by([r for r in rows if r["indent"] == 0], "tier")[p.t2]["kols"] == 2

	_cols, rows = run(kol_tier_pyramid, {"category": p.domain}, f.OPERATOR_A)
	assert [(r["tier"], r.get("category"), r["kols"], r["reach"]) for r in rows] == [
		(p.t1, None, 2, 1500),
		(p.t1, p.niche1, 2, 1500),
	]
	_cols, rows = run(kol_tier_pyramid, {"category": p.niche2, "tier": p.t1})
	assert [(r["kols"], r["reach"]) for r in rows] == [(1, 4000), (1, 4000)]


# ------------------------------------------------------------------ KOL Follow-up Due


def test_follow_up_due_lists_today_and_overdue_with_last_interaction(programme):
	p = programme
	_interaction(p.k1, "Call", 5, f.OPERATOR_A, "First call")
	_interaction(p.k1, "Email", 4, f.OPERATOR_A, "Follow-up email")
	for kol, due in ((p.k1, -3), (p.k2, 0), (p.k3, -1), (p.k4, 2)):
		frappe.db.set_value("KOL", kol, "next_follow_up_on", add_days(today(), due), update_modified=False)

	_cols, rows = run(kol_follow_up_due, {"category": p.domain})
	assert [(r["kol"], r["days_overdue"], r["operator"], r["last_interaction_type"]) for r in rows] == [
		(p.k1, 3, f.OPERATOR_A, "Email"),
		(p.k2, 0, f.OPERATOR_B, None),
	]
	assert rows[0]["last_interaction_on"] is not None

	_cols, rows = run(kol_follow_up_due, {"category": p.domain}, f.OPERATOR_A)
	assert [r["kol"] for r in rows] == [p.k1]
	_cols, rows = run(kol_follow_up_due, {"category": p.domain}, f.OPERATOR_B)
	assert [r["kol"] for r in rows] == [p.k2]
	_cols, rows = run(kol_follow_up_due, {"category": p.domain, "from_date": add_days(today(), -1)})
	assert [r["kol"] for r in rows] == [p.k2]


# ------------------------------------------------------------------ KOL Partnership Performance


def _partnership(
	kol,
	benefits,
	result_new_users=0,
	result_activated_users=0,
	result_paid_conversions=0,
	result_revenue=0,
	**values,
):
	"""A partnership and its results, as conversions the platform sent through its referral code."""
	name = (
		frappe.get_doc(
			{
				"doctype": "KOL Partnership",
				"kol": kol,
				"purpose": "Acquisition",
				"status": "Active",
				"start_date": "2026-01-01",
				"end_date": "2026-06-30",
				"benefits": benefits,
				"no_proposal_reason": "Report fixture",
				**values,
			}
		)
		.insert()
		.name
	)
	paid = (
		[result_revenue / result_paid_conversions] * result_paid_conversions
		if result_paid_conversions
		else []
	)
	if result_new_users or result_activated_users or paid:
		ph.record_conversions(
			name, result_new_users, result_activated_users, paid, occurred_at="2026-03-01T10:00:00"
		)
	return name


def _cash_products_and_share(kol, **results):
	"""A partnership spending 4,000 (cash 3,000 and products worth 1,000) plus 10 % revenue share."""
	return _partnership(
		kol,
		[
			{"benefit_type": "Cash", "amount": 3000},
			{"benefit_type": "Product", "amount": 1000, "description": "Devices"},
			{"benefit_type": "Revenue Share", "revenue_share_percent": 10},
		],
		**results,
	)


def test_partnership_performance_spend_cost_per_result_and_revenue_share(programme):
	p = programme
	p1 = _cash_products_and_share(
		p.k1,
		target_new_users=100,
		result_new_users=80,
		target_activated_users=50,
		result_activated_users=40,
		target_paid_conversions=10,
		result_paid_conversions=8,
		result_revenue=2000,
	)
	p2 = _partnership(p.k2, [{"benefit_type": "Cash", "amount": 1000}], target_new_users=50)
	p3 = _partnership(p.k1, [{"benefit_type": "Cash", "amount": 500}], result_new_users=20)

	_cols, rows = run(kol_partnership_performance, {"category": p.domain})
	rows = by(rows, "partnership")
	assert set(rows) == {p1, p2, p3}
	one = rows[p1]
	assert (one["spend"], one["revenue_share_due"], one["new_users_achieved"]) == (4000, 200, 80.0)
	assert (one["cost_per_new_user"], one["cost_per_activation"], one["cost_per_conversion"]) == (
		50,
		100,
		500,
	)
	assert (rows[p2]["spend"], rows[p2]["cost_per_new_user"], rows[p2]["new_users_achieved"]) == (
		1000,
		None,
		0.0,
	)

	_cols, rows = run(kol_partnership_performance, {"category": p.domain, "group_by": "KOL"})
	rows = by(rows, "kol")
	assert (rows[p.k1]["partnerships"], rows[p.k1]["spend"], rows[p.k1]["result_new_users"]) == (2, 4500, 100)
	assert rows[p.k1]["cost_per_new_user"] == 45.0

	_cols, rows = run(kol_partnership_performance, {"category": p.domain}, f.OPERATOR_A)
	assert {r["partnership"] for r in rows} == {p1, p3}
	_cols, rows = run(kol_partnership_performance, {"category": p.domain, "from_date": "2026-07-01"})
	assert rows == []


def test_partnership_performance_cost_roi_and_chart_per_role(programme):
	p = programme
	# operator A's: cost 3,000 + 1,000 of products + 10 % of 2,000 = 4,200 against 2,000
	p1 = _cash_products_and_share(p.k1, result_new_users=80, result_paid_conversions=8, result_revenue=2000)
	# operator A's: (2,500 - 1,000) / 1,000 = 150 % (over the revenue it would read 60 %)
	p5 = _partnership(
		p.k5, [{"benefit_type": "Cash", "amount": 1000}], result_paid_conversions=5, result_revenue=2500
	)
	# operator B's, unvalued benefits: no cost, so no ROI and no bar
	p2 = _partnership(p.k2, [{"benefit_type": "Endorsement"}], result_paid_conversions=1, result_revenue=300)

	frappe.set_user(f.MANAGER)
	columns, rows, _message, chart, summary = kol_partnership_performance.execute({"category": p.domain})
	frappe.set_user("Administrator")
	labels = {c["fieldname"]: c["label"] for c in columns}
	assert (labels["cost"], labels["result_revenue"], labels["roi"], labels["cost_per_paid_conversion"]) == (
		"Cost",
		"Revenue",
		"ROI (%)",
		"Cost per Paid Conversion",
	)
	rows = by(rows, "partnership")
	assert (rows[p1]["spend"], rows[p1]["revenue_share_due"], rows[p1]["cost"]) == (4000, 200, 4200)
	assert (rows[p1]["roi"], rows[p1]["cost_per_paid_conversion"], rows[p1]["cost_per_conversion"]) == (
		-52.4,
		525,
		500,
	)
	assert (rows[p5]["cost"], rows[p5]["roi"], rows[p5]["cost_per_paid_conversion"]) == (1000, 150.0, 200)
	assert (rows[p2]["cost"], rows[p2]["result_revenue"], rows[p2]["roi"]) == (0, 300, None)
	assert chart["type"] == "bar"
	assert chart["data"]["labels"] == [p5, p1]
	assert chart["data"]["datasets"][0]["values"] == [150.0, -52.4]
	figures = {s["label"]: s["value"] for s in summary}
	# (4,800 - 5,200) / 5,200
	assert (figures["Cost"], figures["Revenue"], figures["ROI (%)"]) == (5200, 4800, -7.7)

	# grouped by KOL: the ROI of the sums, a bar per KOL
	_columns, rows, _message, chart, _summary = kol_partnership_performance.execute(
		{"category": p.domain, "group_by": "KOL"}
	)
	rows = by(rows, "kol")
	assert (rows[p.k1]["cost"], rows[p.k1]["roi"], rows[p.k2]["roi"]) == (4200, -52.4, None)
	assert chart["data"]["datasets"][0]["values"] == [150.0, -52.4]

	# operator A: their own KOLs' partnerships only, in the chart too
	frappe.set_user(f.OPERATOR_A)
	_columns, rows, _message, chart, summary = kol_partnership_performance.execute({"category": p.domain})
	frappe.set_user("Administrator")
	assert {r["partnership"] for r in rows} == {p1, p5}
	assert chart["data"]["labels"] == [p5, p1]
	assert {s["label"]: s["value"] for s in summary}["Cost"] == 5200

	# an analyst: the same figures, no personal field (also test_analyst_gets_the_managers_figures...)
	_columns, analyst_rows = run(kol_partnership_performance, {"category": p.domain}, f.ANALYST)
	assert by(analyst_rows, "partnership")[p1]["roi"] == -52.4

	# no partnership with a cost: no chart
	_columns, rows, _message, chart, _summary = kol_partnership_performance.execute({"category": p.niche2})
	assert chart is None


def test_partnership_performance_shows_status_and_purpose_in_the_users_language(programme):
	name = _partnership(programme.k1, [{"benefit_type": "Cash", "amount": 100}])
	frappe.local.lang = "zh"
	try:
		_columns, rows = run(kol_partnership_performance, {"category": programme.domain, "status": "Active"})
	finally:
		frappe.local.lang = "en"
	row = by(rows, "partnership")[name]
	assert (row["status"], row["purpose"]) == ("活跃", "拉新")


# ------------------------------------------------------------------ KOL Proposal Outcomes


def _proposal(kol, purpose, state, rounds=0, reason=None):
	doc = f.make_proposal(
		kol,
		purpose=purpose,
		negotiation_rounds=[
			{"round_date": nowdate(), "party": "KOL" if i % 2 == 0 else "Us", "offer": f"Offer {i}"}
			for i in range(rounds)
		],
	)
	f.set_state(doc, state)
	if state in ("Accepted", "Rejected", "Withdrawn"):
		frappe.db.set_value(
			"KOL Proposal", doc.name, {"outcome": state, "outcome_reason": reason}, update_modified=False
		)
	return doc.name


def test_proposal_outcomes_win_rate_rounds_and_rejection_reasons(programme):
	p = programme
	_proposal(p.k1, "Acquisition", "Accepted", rounds=2)
	_proposal(p.k1, "Acquisition", "Rejected", rounds=1, reason="Budget too low")
	_proposal(p.k2, "Activation", "Rejected", rounds=3, reason="Budget too low ")
	_proposal(p.k4, "Conversion", "Sent")
	_proposal(p.k5, "Activation", "Withdrawn", reason="We changed plans")

	_cols, rows = run(kol_proposal_outcomes, {"category": p.domain})
	rows = by(rows, "dimension", "value")
	fields = ("proposals", "open", "accepted", "rejected", "withdrawn", "win_rate", "median_rounds")

	def figures(dimension, value):
		return tuple(rows[(dimension, value)][k] for k in fields)

	assert figures("Overall", "") == (5, 1, 1, 2, 1, 25.0, 1.5)
	assert figures("Purpose", "Acquisition") == (2, 0, 1, 1, 0, 50.0, 1.5)
	assert figures("Purpose", "Activation") == (2, 0, 0, 1, 1, 0.0, 1.5)
	assert figures("Purpose", "Conversion") == (1, 1, 0, 0, 0, None, None)
	assert figures("Tier", p.t1) == (4, 1, 1, 1, 1, 33.3, 1.0)
	assert figures("Tier", p.t2) == (1, 0, 0, 1, 0, 0.0, 3.0)
	assert figures("Operator", f.OPERATOR_A) == (3, 0, 1, 1, 1, 33.3, 1.0)
	assert figures("Operator", f.OPERATOR_B) == (2, 1, 0, 1, 0, 0.0, 3.0)
	assert rows[("Rejection Reason", "Budget too low")]["rejected"] == 2

	_cols, rows = run(kol_proposal_outcomes, {"category": p.domain}, f.OPERATOR_A)
	rows = by(rows, "dimension", "value")
	assert figures("Overall", "")[:5] == (3, 0, 1, 1, 1)
	assert ("Operator", f.OPERATOR_B) not in rows
	assert rows[("Rejection Reason", "Budget too low")]["rejected"] == 1


# ------------------------------------------------------------------ KOL Operator Activity


def test_operator_activity_interactions_per_week_by_type_and_kols_owned(programme):
	p = programme
	_interaction(p.k1, "Call", 5, f.OPERATOR_A, "Call")
	_interaction(p.k1, "Email", 4, f.OPERATOR_A, "Email")
	_interaction(p.k2, "Meeting", 1, f.OPERATOR_B, "Meeting")
	_interaction(p.k2, "Meeting", 60, f.OPERATOR_B, "Old meeting")

	def week(days_ago):
		d = add_days(today(), -days_ago)
		return add_days(d, -d.weekday())

	filters = {"category": p.domain, "from_date": add_days(today(), -14)}
	_cols, rows = run(kol_operator_activity, filters)
	totals = by([r for r in rows if r["indent"] == 0], "operator")
	assert (
		totals[f.OPERATOR_A]["total"],
		totals[f.OPERATOR_A]["call_count"],
		totals[f.OPERATOR_A]["email_count"],
	) == (
		2,
		1,
		1,
	)
	assert (totals[f.OPERATOR_A]["kols"], totals[f.OPERATOR_B]["kols"]) == (2, 2)
	assert (totals[f.OPERATOR_B]["total"], totals[f.OPERATOR_B]["meeting_count"]) == (1, 1)
	weeks = [(r["operator"], r["week"], r["total"]) for r in rows if r["indent"] == 1]
	expected_a = {}
	for days_ago in (5, 4):
		expected_a[week(days_ago)] = expected_a.get(week(days_ago), 0) + 1
	assert sorted((w, n) for op, w, n in weeks if op == f.OPERATOR_A) == sorted(expected_a.items())
	assert [(w, n) for op, w, n in weeks if op == f.OPERATOR_B] == [(week(1), 1)]

	_cols, rows = run(kol_operator_activity, {**filters, "from_date": add_days(today(), -90)})
	assert by([r for r in rows if r["indent"] == 0], "operator")[f.OPERATOR_B]["meeting_count"] == 2

	_cols, rows = run(kol_operator_activity, filters, f.OPERATOR_A)
	totals = by([r for r in rows if r["indent"] == 0], "operator")
	assert set(totals) == {f.OPERATOR_A}
	assert (totals[f.OPERATOR_A]["total"], totals[f.OPERATOR_A]["kols"]) == (2, 2)


# ------------------------------------------------------------------ Inactive KOLs


def test_inactive_kols_by_days_since_last_platform_activity(programme):
	p = programme
	frappe.db.set_value(
		"KOL", p.k1, "last_active_on_platform", add_days(today(), -100), update_modified=False
	)
	frappe.db.set_value(
		"KOL", p.k4, "last_active_on_platform", add_days(today(), -400), update_modified=False
	)

	_cols, rows = run(inactive_kols, {"category": p.domain})
	assert [(r["kol"], r["days_inactive"], r["bucket"]) for r in rows] == [
		(p.k5, None, "Never active"),
		(p.k1, 100, "91-180 days"),
	]
	_cols, rows = run(inactive_kols, {"category": p.domain, "min_days": 200})
	assert [r["kol"] for r in rows] == [p.k5]
	_cols, rows = run(inactive_kols, {"category": p.domain}, f.OPERATOR_B)
	assert rows == []
	frappe.db.set_value("KOL", p.k5, "operator", f.OPERATOR_B, update_modified=False)
	_cols, rows = run(inactive_kols, {"category": p.domain}, f.OPERATOR_B)
	assert [r["kol"] for r in rows] == [p.k5]


# ------------------------------------------------------------------ every report


@pytest.mark.parametrize("report", REPORTS, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_analyst_gets_the_managers_figures_without_personal_fields(programme, report):
	filters = {"category": programme.domain}
	columns, manager_rows = run(report, filters)
	assert not PERSONAL & {c["fieldname"] for c in columns}
	_columns, analyst_rows = run(report, filters, f.ANALYST)
	assert analyst_rows == manager_rows
	for row in analyst_rows:
		assert not PERSONAL & set(row)


@pytest.mark.parametrize("report", REPORTS, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_report_runs_through_the_desk_api_for_each_role(programme, report):
	from frappe.desk.query_report import run as run_report

	title = {
		"kol_pipeline": "KOL Pipeline",
		"kol_tier_pyramid": "KOL Tier Pyramid",
		"kol_follow_up_due": "KOL Follow-up Due",
		"kol_partnership_performance": "KOL Partnership Performance",
		"kol_proposal_outcomes": "KOL Proposal Outcomes",
		"kol_operator_activity": "KOL Operator Activity",
		"inactive_kols": "Inactive KOLs",
		"kol_deliverables": "KOL Deliverables",
		"kol_internal_candidates": "KOL Internal Candidates",
	}[report.__name__.rsplit(".", 1)[-1]]
	for user in (f.MANAGER, f.OPERATOR_A, f.ANALYST):
		frappe.set_user(user)
		result = run_report(title, filters={"category": programme.domain}, ignore_prepared_report=True)
		assert "result" in result and "columns" in result
	frappe.set_user("Administrator")


def test_large_programmes_get_the_pipeline_as_a_prepared_report():
	from kol_crm.kol_crm.report.utils import use_prepared_reports

	frappe.db.set_value("Report", "KOL Pipeline", "prepared_report", 0)
	assert use_prepared_reports(threshold=10**9) is False
	assert not frappe.db.get_value("Report", "KOL Pipeline", "prepared_report")
	f.make_kol()
	assert use_prepared_reports(threshold=0) is True
	assert frappe.db.get_value("Report", "KOL Pipeline", "prepared_report") == 1


@pytest.mark.parametrize(
	"report",
	[
		"KOL Pipeline",
		"KOL Tier Pyramid",
		"KOL Follow-up Due",
		"KOL Partnership Performance",
		"KOL Proposal Outcomes",
		"KOL Operator Activity",
		"Inactive KOLs",
		"KOL Deliverables",
	],
)
def test_report_scripts_served_to_the_desk_carry_the_shared_filters(report):
	from frappe.desk.query_report import get_script

	script = get_script(report)["script"]
	assert "{% include" not in script
	assert "function kol_crm_report_filters" in script
	assert f'frappe.query_reports["{report}"]' in script


def test_follow_up_due_summary_counts_due_today_apart_from_overdue():
	rows = [{"days_overdue": d} for d in (0, 0, 1, 5)]
	assert [(s["label"], s["value"]) for s in kol_follow_up_due.summary(rows)] == [
		("Due Today", 2),
		("Overdue", 2),
	]


def test_inactive_kols_lists_a_kol_inactive_exactly_min_days_and_not_one_day_less(programme):
	p = programme
	frappe.db.set_value(
		"KOL", p.k1, "last_active_on_platform", add_days(today(), -100), update_modified=False
	)
	_cols, rows = run(inactive_kols, {"category": p.domain, "min_days": 100})
	assert p.k1 in [r["kol"] for r in rows]
	_cols, rows = run(inactive_kols, {"category": p.domain, "min_days": 101})
	assert p.k1 not in [r["kol"] for r in rows]


@pytest.mark.parametrize(
	"days,label",
	[
		(None, "Never active"),
		(0, "0-30 days"),
		(30, "0-30 days"),
		(31, "31-90 days"),
		(90, "31-90 days"),
		(91, "91-180 days"),
		(180, "91-180 days"),
		(181, "181-365 days"),
		(365, "181-365 days"),
		(366, "Over a year"),
	],
)
def test_inactive_buckets_at_their_limits(days, label):
	assert inactive_kols.bucket(days) == label
