"""KOL Tier Pyramid: KOLs per tier and category, with their total reach (followers).

KOLs that left the programme (Declined, Dropped, Offboarded) are left out unless asked for.
"""

from collections import defaultdict

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Sum

from kol_crm.kol_crm.report.utils import CLOSED_STATES, kol_criteria, parse_filters, where


def execute(filters=None):
	filters = parse_filters(filters)
	rows = pyramid_rows(tier_category_counts(filters), tier_ranks())
	return columns(), rows, None, chart(rows), summary(rows)


def columns() -> list[dict]:
	return [
		{"fieldname": "tier", "label": _("Tier"), "fieldtype": "Link", "options": "KOL Tier", "width": 160},
		{"fieldname": "rank", "label": _("Rank"), "fieldtype": "Int", "width": 70},
		{
			"fieldname": "category",
			"label": _("Category"),
			"fieldtype": "Link",
			"options": "KOL Category",
			"width": 180,
		},
		{"fieldname": "kols", "label": _("KOLs"), "fieldtype": "Int", "width": 90},
		{"fieldname": "reach", "label": _("Total Reach"), "fieldtype": "Int", "width": 140},
		{"fieldname": "average_reach", "label": _("Average Reach"), "fieldtype": "Int", "width": 140},
	]


def tier_category_counts(filters) -> list[tuple]:
	"""(tier, category, KOLs, followers) for the filtered KOLs: one grouped query."""
	kol = frappe.qb.DocType("KOL")
	query = (
		frappe.qb.from_(kol)
		.select(kol.tier, kol.category, Count("*"), Sum(kol.total_followers))
		.groupby(kol.tier, kol.category)
	)
	criteria = kol_criteria(kol, filters)
	if not filters.get("include_closed"):
		criteria.append(kol.workflow_state.notin(CLOSED_STATES))
	return where(query, criteria).run()


def tier_ranks() -> dict[str, int]:
	return dict(frappe.get_all("KOL Tier", fields=["name", "rank"], as_list=True))


def pyramid_rows(counts: list[tuple], ranks: dict[str, int]) -> list[dict]:
	"""A total row per tier (highest rank first), its categories indented below it."""
	tiers = defaultdict(list)
	for tier, category, kols, reach in counts:
		tiers[tier].append((category, int(kols), int(reach or 0)))

	def order(tier):
		return (tier is None, ranks.get(tier, 10**6), tier or "")

	rows = []
	for tier in sorted(tiers, key=order):
		items = sorted(tiers[tier], key=lambda item: (item[0] is None, item[0] or ""))
		kols = sum(item[1] for item in items)
		reach = sum(item[2] for item in items)
		label = tier or _("(No Tier)")
		rows.append(
			{
				"tier": label,
				"rank": ranks.get(tier),
				"kols": kols,
				"reach": reach,
				"average_reach": round(reach / kols) if kols else 0,
				"indent": 0,
			}
		)
		for category, n, r in items:
			rows.append(
				{
					"tier": label,
					"category": category or _("(No Category)"),
					"kols": n,
					"reach": r,
					"average_reach": round(r / n) if n else 0,
					"indent": 1,
				}
			)
	return rows


def chart(rows: list[dict]) -> dict:
	tiers = [row for row in rows if row["indent"] == 0]
	return {
		"data": {
			"labels": [row["tier"] for row in tiers],
			"datasets": [{"name": _("KOLs"), "values": [row["kols"] for row in tiers]}],
		},
		"type": "bar",
	}


def summary(rows: list[dict]) -> list[dict]:
	tiers = [row for row in rows if row["indent"] == 0]
	return [
		{"label": _("KOLs"), "value": sum(row["kols"] for row in tiers), "datatype": "Int"},
		{"label": _("Total Reach"), "value": sum(row["reach"] for row in tiers), "datatype": "Int"},
	]
