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
from kol_crm.kol_crm.report.utils import kol_criteria, parse_filters, per, ratio, where

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
	cols = []
	if not by_kol:
		cols.append(
			{
				"fieldname": "partnership",
				"label": _("Partnership"),
				"fieldtype": "Link",
				"options": "KOL Partnership",
				"width": 170,
			}
		)
	cols += [
		{"fieldname": "kol", "label": _("KOL"), "fieldtype": "Link", "options": "KOL", "width": 110},
		{"fieldname": "kol_name", "label": _("KOL Name"), "fieldtype": "Data", "width": 160},
	]
	if by_kol:
		cols.append(
			{"fieldname": "partnerships", "label": _("Partnerships"), "fieldtype": "Int", "width": 110}
		)
	else:
		cols += [
			{"fieldname": "purpose", "label": _("Purpose"), "fieldtype": "Data", "width": 100},
			{"fieldname": "status", "label": _("Status"), "fieldtype": "Data", "width": 100},
			{"fieldname": "start_date", "label": _("Start Date"), "fieldtype": "Date", "width": 100},
			{"fieldname": "end_date", "label": _("End Date"), "fieldtype": "Date", "width": 100},
		]
	cols += [
		{"fieldname": "target_new_users", "label": _("Target New Users"), "fieldtype": "Int", "width": 130},
		{"fieldname": "result_new_users", "label": _("New Users"), "fieldtype": "Int", "width": 100},
		{
			"fieldname": "target_activated_users",
			"label": _("Target Activations"),
			"fieldtype": "Int",
			"width": 130,
		},
		{"fieldname": "result_activated_users", "label": _("Activations"), "fieldtype": "Int", "width": 100},
		{
			"fieldname": "target_paid_conversions",
			"label": _("Target Conversions"),
			"fieldtype": "Int",
			"width": 130,
		},
		{"fieldname": "result_paid_conversions", "label": _("Conversions"), "fieldtype": "Int", "width": 100},
		{"fieldname": "target_revenue", "label": _("Target Revenue"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "result_revenue", "label": _("Revenue"), "fieldtype": "Currency", "width": 120},
		{
			"fieldname": "new_users_achieved",
			"label": _("New Users vs Target (%)"),
			"fieldtype": "Percent",
			"width": 150,
		},
		{"fieldname": "spend", "label": _("Spend"), "fieldtype": "Currency", "width": 110},
		{
			"fieldname": "cost_per_new_user",
			"label": _("Spend per New User"),
			"fieldtype": "Currency",
			"width": 140,
		},
		{
			"fieldname": "cost_per_activation",
			"label": _("Spend per Activation"),
			"fieldtype": "Currency",
			"width": 140,
		},
		{
			"fieldname": "cost_per_conversion",
			"label": _("Spend per Conversion"),
			"fieldtype": "Currency",
			"width": 140,
		},
		{
			"fieldname": "revenue_share_due",
			"label": _("Revenue Share Due"),
			"fieldtype": "Currency",
			"width": 140,
		},
		{"fieldname": "cost", "label": _("Cost"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "roi", "label": _("ROI (%)"), "fieldtype": "Percent", "width": 100},
		{
			"fieldname": "cost_per_paid_conversion",
			"label": _("Cost per Paid Conversion"),
			"fieldtype": "Currency",
			"width": 170,
		},
	]
	return cols


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
	translated = {}  # Select values shown in the user's language (the filters keep the stored values)
	for row in rows:
		for field in SUMMED:
			row[field] = row.get(field) or 0
		for field in ("status", "purpose"):
			if value := row.get(field):
				if value not in translated:
					translated[value] = _(value)
				row[field] = translated[value]
		add_ratios(row)
	return rows


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
