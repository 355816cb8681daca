"""KOL Partnership Performance: KPI targets against results, spend, cost and ROI.

Spend is what the partnership's benefits are worth: cash plus valued benefits (the Amount of
each KOL Benefit); the Spend per ... columns divide it by each result. Revenue share is paid on
results and shown apart as Revenue Share Due. Cost is spend + revenue share due, and ROI (%) is
(attributed revenue - cost) / cost x 100 (``kol_crm.deals.roi``), charted per partnership or,
grouped, per KOL. The period selects partnerships running at some point in it. "Group By: KOL"
adds up each KOL's partnerships (ROI of the sums, not an average of ROIs).
"""

from collections import defaultdict

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce

from kol_crm.deals.roi import benefits_amount_query, roi_figures
from kol_crm.kol_crm.report.utils import (
	column,
	kol_criteria,
	parse_filters,
	per,
	ratio,
	translate_values,
	where,
)

KPIS = (
	("new_users", "target_new_users", "result_new_users"),
	("activated_users", "target_activated_users", "result_activated_users"),
	("paid_conversions", "target_paid_conversions", "result_paid_conversions"),
	("revenue", "target_revenue", "result_revenue"),
)
SUMMED = (
	"target_new_users",
	"result_new_users",
	"target_activated_users",
	"result_activated_users",
	"target_paid_conversions",
	"result_paid_conversions",
	"target_revenue",
	"result_revenue",
	"spend",
	"revenue_share_due",
	"cost",
)


def execute(filters=None):
	filters = parse_filters(filters)
	by_kol = filters.get("group_by") == "KOL"
	rows = partnership_rows(partnerships(filters))
	if by_kol:
		rows = kol_rows(rows)
	return columns(by_kol), rows, None, chart(rows, by_kol), summary(rows)


def columns(by_kol: bool = False) -> list[dict]:
	if by_kol:
		naming = [
			column("kol", _("KOL"), "Link", 110, "KOL"),
			column("kol_name", _("KOL Name"), "Data", 160),
			column("partnerships", _("Partnerships"), "Int", 110),
		]
	else:
		naming = [
			column("partnership", _("Partnership"), "Link", 170, "KOL Partnership"),
			column("kol", _("KOL"), "Link", 110, "KOL"),
			column("kol_name", _("KOL Name"), "Data", 160),
			column("purpose", _("Purpose"), "Data", 100),
			column("status", _("Status"), "Data", 100),
			column("start_date", _("Start Date"), "Date", 100),
			column("end_date", _("End Date"), "Date", 100),
		]
	return [
		*naming,
		column("target_new_users", _("Target New Users"), "Int", 130),
		column("result_new_users", _("New Users"), "Int", 100),
		column("target_activated_users", _("Target Activations"), "Int", 130),
		column("result_activated_users", _("Activations"), "Int", 100),
		column("target_paid_conversions", _("Target Conversions"), "Int", 130),
		column("result_paid_conversions", _("Conversions"), "Int", 100),
		column("target_revenue", _("Target Revenue"), "Currency", 120),
		column("result_revenue", _("Revenue"), "Currency", 120),
		column("new_users_achieved", _("New Users vs Target (%)"), "Percent", 150),
		column("spend", _("Spend"), "Currency", 110),
		column("cost_per_new_user", _("Spend per New User"), "Currency", 140),
		column("cost_per_activation", _("Spend per Activation"), "Currency", 140),
		column("cost_per_conversion", _("Spend per Conversion"), "Currency", 140),
		column("revenue_share_due", _("Revenue Share Due"), "Currency", 140),
		column("cost", _("Cost"), "Currency", 120),
		column("roi", _("ROI (%)"), "Percent", 100),
		column("cost_per_paid_conversion", _("Cost per Paid Conversion"), "Currency", 170),
	]


def partnerships(filters) -> list[dict]:
	"""The filtered partnerships with their spend: one query, benefits summed in a sub-query."""
	partnership = frappe.qb.DocType("KOL Partnership")
	kol = frappe.qb.DocType("KOL")
	spend = benefits_amount_query()
	query = (
		frappe.qb.from_(partnership)
		.inner_join(kol)
		.on(kol.name == partnership.kol)
		.left_join(spend)
		.on(spend.parent == partnership.name)
		.select(
			partnership.name.as_("partnership"),
			partnership.kol,
			kol.kol_name,
			partnership.purpose,
			partnership.status,
			partnership.start_date,
			partnership.end_date,
			*(partnership[field] for _kpi, target, result in KPIS for field in (target, result)),
			partnership.revenue_share_due,
			Coalesce(spend.spend, 0).as_("spend"),
		)
		.orderby(partnership.start_date)
		.orderby(partnership.name)
	)
	criteria = kol_criteria(kol, filters, period_field=None)
	if filters.get("from_date"):
		criteria.append(partnership.end_date.isnull() | (partnership.end_date >= filters.from_date))
	if filters.get("to_date"):
		criteria.append(partnership.start_date <= filters.to_date)
	if filters.get("status"):
		criteria.append(partnership.status == filters.status)
	if filters.get("purpose"):
		criteria.append(partnership.purpose == filters.purpose)
	return where(query, criteria).run(as_dict=True)


def add_ratios(row: dict) -> dict:
	row["new_users_achieved"] = ratio(row["result_new_users"] or 0, row["target_new_users"] or 0)
	row["cost_per_new_user"] = per(row["spend"], row["result_new_users"] or 0)
	row["cost_per_activation"] = per(row["spend"], row["result_activated_users"] or 0)
	row["cost_per_conversion"] = per(row["spend"], row["result_paid_conversions"] or 0)
	figures = roi_figures(
		row["spend"],
		row["revenue_share_due"],
		row["result_revenue"],
		row["result_paid_conversions"] or 0,
		row["result_new_users"] or 0,
	)
	row["cost"], row["roi"] = figures["cost"], figures["roi"]
	row["cost_per_paid_conversion"] = figures["cost_per_paid_conversion"]
	return row


def partnership_rows(rows: list[dict]) -> list[dict]:
	for row in rows:
		for field in SUMMED:
			row[field] = row.get(field) or 0
		add_ratios(row)
	return translate_values(rows, ("status", "purpose"))


def kol_rows(rows: list[dict]) -> list[dict]:
	by_kol = {}
	for row in rows:
		total = by_kol.setdefault(
			row["kol"],
			{"kol": row["kol"], "kol_name": row["kol_name"], "partnerships": 0, **dict.fromkeys(SUMMED, 0)},
		)
		total["partnerships"] += 1
		for field in SUMMED:
			total[field] += row[field]
	return [add_ratios(row) for row in by_kol.values()]


def summary(rows: list[dict]) -> list[dict]:
	totals = defaultdict(float)
	for row in rows:
		for field in SUMMED:
			totals[field] += row[field]
	return [
		{"label": _("Spend"), "value": totals["spend"], "datatype": "Currency"},
		{"label": _("New Users"), "value": int(totals["result_new_users"]), "datatype": "Int"},
		{
			"label": _("Spend per New User"),
			"value": per(totals["spend"], totals["result_new_users"]) or 0,
			"datatype": "Currency",
		},
		{"label": _("Revenue Share Due"), "value": totals["revenue_share_due"], "datatype": "Currency"},
		{"label": _("Cost"), "value": totals["cost"], "datatype": "Currency"},
		{"label": _("Revenue"), "value": totals["result_revenue"], "datatype": "Currency"},
		{
			"label": _("ROI (%)"),
			"value": roi_figures(totals["spend"], totals["revenue_share_due"], totals["result_revenue"])[
				"roi"
			],
			"datatype": "Percent",
			"indicator": "Green" if (totals["result_revenue"] >= totals["cost"]) else "Red",
		},
	]


# a bar per partnership (or KOL) with a cost: the ones with the most cost when there are more
CHART_BARS = 30


def chart(rows: list[dict], by_kol: bool = False) -> dict | None:
	"""ROI (%) per partnership, or per KOL when grouped; rows without a cost have no ROI."""
	priced = sorted((r for r in rows if r["roi"] is not None), key=lambda r: -r["cost"])[:CHART_BARS]
	if not priced:
		return None
	priced.sort(key=lambda r: -r["roi"])
	return {
		"data": {
			"labels": [r["kol_name"] or r["kol"] if by_kol else r["partnership"] for r in priced],
			"datasets": [{"name": _("ROI (%)"), "values": [r["roi"] for r in priced]}],
		},
		"type": "bar",
		"colors": ["#5e64ff"],
		"fieldtype": "Percent",
	}
