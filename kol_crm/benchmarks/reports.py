"""Step 2 for the reports: each report's ``execute`` beside the hand-written SQL for the same answer.

For KOL Pipeline the "optimal SQL" is three hand-written queries on the KOL State Change log
(KOLs per current state; each KOL's furthest logged stage, counted; the median and number of
completed stays, with the ``LAG`` and ``MEDIAN`` window functions) and the same few-row
reduction in Python (``pipeline_rows``).
"""

import frappe
from frappe.utils import add_days, nowdate

from kol_crm.kol_crm.report.kol_pipeline.kol_pipeline import pipeline_rows, stage_index
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
		f"when k.intake_path = '{path}' and {state_column} = '{state}' then {stage_index(path, state)}"
		for path in PATHS
		for state in (*FUNNEL[path], *BEYOND_ACTIVE)
	)
	return f"coalesce(case {whens} end, -1)"


def sql_pipeline(user):
	cond, params = own(user)
	counts = frappe.db.sql(
		f"select k.intake_path, k.workflow_state, count(*) from `tabKOL` k where {cond} group by 1, 2",
		params,
	)
	furthest = frappe.db.sql(
		"select path, current, furthest, count(*) from ("
		"select k.intake_path as path, k.workflow_state as current, "
		f"max(greatest({_stage_sql('s.from_state')}, {_stage_sql('s.to_state')})) as furthest "
		"from `tabKOL State Change` s inner join `tabKOL` k on k.name = s.kol "
		f"where {cond} group by s.kol, k.intake_path, k.workflow_state"
		") t where furthest >= 0 group by 1, 2, 3",
		params,
	)
	stays = frappe.db.sql(
		"select distinct path, state, median(seconds) over (partition by path, state), "
		"count(*) over (partition by path, state) from ("
		"select k.intake_path as path, s.from_state as state, to_seconds(s.changed_on) - coalesce("
		"lag(to_seconds(s.changed_on)) over (partition by s.kol order by s.changed_on, s.name), "
		"to_seconds(k.creation)) as seconds "
		"from `tabKOL State Change` s inner join `tabKOL` k on k.name = s.kol "
		f"where s.from_state is not null and {cond}) t",
		params,
	)
	return pipeline_rows(
		{(p, s): n for p, s, n in counts},
		furthest,
		{(p, s): (float(m), n) for p, s, m, n in stays},
		[EXTERNAL, INTERNAL],
	)


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
