"""Step 2 for the reports: each report's ``execute`` beside the hand-written SQL for the same answer.

For KOL Pipeline the "optimal SQL" is hand-written SQL on the KOL State Change log: KOLs per
current state; the furthest stage of the KOLs that stepped back or left their path; the stays
counted per path and state from the log's index, then the middle one or two read from it
(an operator's KOLs and their log rows in one query) and the same few-row reduction in Python
(``pipeline_rows``). A ``MEDIAN``/``LAG`` window-function version was slower.
"""

import statistics

import frappe
from frappe.utils import add_days, nowdate

from kol_crm.kol_crm.report.kol_pipeline.kol_pipeline import pipeline_rows, stage_index, steps_back
from kol_crm.kol_crm.report.utils import BEYOND_ACTIVE, FUNNEL, PATHS
from kol_crm.permissions import assign_pattern
from kol_crm.workflows.kol_lifecycle import EXTERNAL, INTERNAL


def report(module: str):
	return frappe.get_attr(f"kol_crm.kol_crm.report.{module}.{module}.execute")


def framework(module: str, filters: dict | None = None):
	"""The timed call of a report: its ``execute`` as the desk runs it, for the session's user."""
	return lambda user: report(module)(dict(filters or {}))


def own(user: str | None, alias: str = "k") -> tuple[str, dict]:
	"""The operator's own-KOL condition for the hand-written SQL (same rule as kol_crm.permissions)."""
	if not user:
		return "1=1", {}
	return f"({alias}.operator = %(user)s or {alias}._assign like %(pattern)s)", {
		"user": user,
		"pattern": assign_pattern(user),
	}


def _stage_sql(state_column: str) -> str:
	"""The stage a logged state shows on the KOL's path, as a CASE over the app's constants."""
	whens = " ".join(
		f"when s.intake_path = '{path}' and {state_column} = '{state}' then {stage_index(path, state)}"
		for path in PATHS
		for state in (*FUNNEL[path], *BEYOND_ACTIVE)
	)
	return f"case {whens} end"


def _operator_sections(cond: str, params: dict) -> tuple[dict, list, dict]:
	"""An operator's KOLs, furthest stages and stays: their KOLs and log rows in one query."""
	back = set(steps_back())
	kols, lengths, furthest = {}, {}, {}
	for name, path, current, logged_path, left, entered, seconds in frappe.db.sql(
		"select k.name, k.intake_path, k.workflow_state, s.intake_path, s.from_state, s.to_state, "
		"s.stay_seconds from `tabKOL` k left join `tabKOL State Change` s "
		f"on s.kol = k.name and s.from_state is not null where {cond}",
		params,
	):
		kols[name] = (path, current)
		if not left:
			continue
		lengths.setdefault((logged_path, left), []).append(seconds)
		if (left, entered) in back:
			stage = stage_index(logged_path, left)
			known = furthest.setdefault(name, [path, current, stage])
			known[2] = max(known[2], stage)
	counts, counted = {}, {}
	for key in kols.values():
		counts[key] = counts.get(key, 0) + 1
	for key in map(tuple, furthest.values()):
		counted[key] = counted.get(key, 0) + 1
	medians = {key: (statistics.median(v), len(v)) for key, v in lengths.items()}
	return counts, [(*key, n) for key, n in counted.items()], medians


def _medians() -> dict:
	"""Median and number of completed stays per path and state, from the log's index."""
	medians = {}
	for path, state, total in frappe.db.sql(
		"select intake_path, from_state, count(*) from `tabKOL State Change` "
		"where from_state is not null group by 1, 2"
	):
		middle = frappe.db.sql(
			"select stay_seconds from `tabKOL State Change` where intake_path = %s and from_state = %s "
			f"order by stay_seconds limit {2 - total % 2} offset {(total - 1) // 2}",
			(path, state),
			pluck=True,
		)
		medians[(path, state)] = (sum(middle) / len(middle), total)
	return medians


def sql_pipeline(user):
	if user:
		cond, params = own(user)
		counts, furthest, medians = _operator_sections(cond, params)
		return pipeline_rows(counts, furthest, medians, [EXTERNAL, INTERNAL])
	counts = frappe.db.sql("select k.intake_path, k.workflow_state, count(*) from `tabKOL` k group by 1, 2")
	back = " or ".join(
		f"(s.from_state = '{left}' and s.to_state = '{entered}')" for left, entered in steps_back()
	)
	furthest = frappe.db.sql(
		"select k.intake_path, k.workflow_state, t.furthest, count(*) from ("
		f"select s.kol, max({_stage_sql('s.from_state')}) as furthest from `tabKOL State Change` s "
		f"where {back} group by s.kol"
		") t inner join `tabKOL` k on k.name = t.kol group by 1, 2, 3"
	)
	return pipeline_rows({(p, s): n for p, s, n in counts}, furthest, _medians(), [EXTERNAL, INTERNAL])


def sql_tier_pyramid(user):
	cond, params = own(user)
	return frappe.db.sql(
		"select k.tier, k.category, count(*), sum(k.total_followers) from `tabKOL` k "
		f"where k.workflow_state not in ('Declined', 'Dropped', 'Offboarded') and {cond} group by 1, 2",
		params,
	)


def sql_follow_up_due(user):
	cond, params = own(user)
	params["today"] = nowdate()
	return frappe.db.sql(
		"select k.name, k.kol_name, k.workflow_state, k.tier, k.category, k.operator, k.next_follow_up_on, "
		"k.last_interaction_on, i.interaction_type from `tabKOL` k "
		"left join `tabKOL Interaction` i on i.kol = k.name and i.interaction_on = k.last_interaction_on "
		"where k.next_follow_up_on <= %(today)s and k.workflow_state not in ('Declined', 'Dropped', 'Offboarded') "
		f"and {cond} order by k.next_follow_up_on, k.name, i.name",
		params,
	)


def sql_partnership_performance(user):
	cond, params = own(user)
	return frappe.db.sql(
		"select p.name, p.kol, k.kol_name, p.purpose, p.status, p.start_date, p.end_date, "
		"p.target_new_users, p.result_new_users, p.target_activated_users, p.result_activated_users, "
		"p.target_paid_conversions, p.result_paid_conversions, p.target_revenue, p.result_revenue, "
		"p.revenue_share_due, coalesce(b.spend, 0) as spend, "
		"coalesce(b.spend, 0) / nullif(p.result_new_users, 0), "
		"coalesce(b.spend, 0) / nullif(p.result_activated_users, 0), "
		"coalesce(b.spend, 0) / nullif(p.result_paid_conversions, 0) "
		"from `tabKOL Partnership` p inner join `tabKOL` k on k.name = p.kol "
		"left join (select parent, sum(amount) as spend from `tabKOL Benefit` "
		"where parenttype = 'KOL Partnership' group by parent) b on b.parent = p.name "
		f"where {cond} order by p.start_date, p.name",
		params,
	)


def sql_proposal_outcomes(user):
	cond, params = own(user)
	by_group = frappe.db.sql(
		"select p.purpose, k.tier, k.operator, p.workflow_state, coalesce(r.rounds, 0), count(*) "
		"from `tabKOL Proposal` p inner join `tabKOL` k on k.name = p.kol "
		"left join (select parent, count(*) as rounds from `tabKOL Negotiation Round` "
		"where parenttype = 'KOL Proposal' group by parent) r on r.parent = p.name "
		f"where {cond} group by 1, 2, 3, 4, 5",
		params,
	)
	reasons = frappe.db.sql(
		"select trim(coalesce(p.outcome_reason, '')), count(*) from `tabKOL Proposal` p "
		f"inner join `tabKOL` k on k.name = p.kol where p.workflow_state = 'Rejected' and {cond} group by 1",
		params,
	)
	return by_group, reasons


def sql_operator_activity(user):
	cond, params = own(user)
	params["from"] = add_days(nowdate(), -84)
	join = "inner join `tabKOL` k on k.name = i.kol" if user else ""
	weekly = frappe.db.sql(
		"select i.operator, subdate(date(i.interaction_on), weekday(i.interaction_on)) as week, "
		f"i.interaction_type, count(*) from `tabKOL Interaction` i {join} "
		f"where i.interaction_on >= %(from)s and {cond if user else '1=1'} group by 1, 2, 3",
		params,
	)
	kols = frappe.db.sql(
		"select k.operator, count(*) from `tabKOL` k "
		f"where k.workflow_state not in ('Declined', 'Dropped', 'Offboarded') and {cond} group by 1",
		params,
	)
	return weekly, kols


def sql_inactive_kols(user):
	cond, params = own(user)
	params["before"] = add_days(nowdate(), -30)
	return frappe.db.sql(
		"select k.name, k.kol_name, k.tier, k.category, k.operator, k.last_active_on_platform, "
		"datediff(curdate(), k.last_active_on_platform) from `tabKOL` k "
		"where k.workflow_state = 'Active' and (k.last_active_on_platform is null "
		f"or k.last_active_on_platform <= %(before)s) and {cond} order by k.last_active_on_platform, k.name",
		params,
	)


REPORT_CASES = (
	# name, framework call, optimal SQL
	("KOL Pipeline", framework("kol_pipeline"), sql_pipeline),
	("KOL Tier Pyramid", framework("kol_tier_pyramid"), sql_tier_pyramid),
	("KOL Follow-up Due", framework("kol_follow_up_due"), sql_follow_up_due),
	("KOL Partnership Performance", framework("kol_partnership_performance"), sql_partnership_performance),
	("KOL Proposal Outcomes", framework("kol_proposal_outcomes"), sql_proposal_outcomes),
	("KOL Operator Activity", framework("kol_operator_activity"), sql_operator_activity),
	("Inactive KOLs", framework("inactive_kols", {"min_days": 30}), sql_inactive_kols),
)
