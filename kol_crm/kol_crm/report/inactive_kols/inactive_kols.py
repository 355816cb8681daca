"""Inactive KOLs: Active KOLs by days since their last activity on our platform.

A KOL with influence elsewhere but no activity here is reviewed and may leave the programme.
Shows Active KOLs inactive for at least "Inactive for (days)" (default 30), never-active ones
first, then the longest inactive. The period selects KOLs by when they were added.
"""

from collections import Counter

import frappe
from frappe import _
from frappe.utils import add_days

from kol_crm.kol_crm.report.utils import (
	column,
	int_filter,
	kol_columns,
	kol_criteria,
	kol_fields,
	parse_filters,
	today,
	where,
)

DEFAULT_MIN_DAYS = 30
BUCKETS = (
	(365, "Over a year"),
	(180, "181-365 days"),
	(90, "91-180 days"),
	(30, "31-90 days"),
	(0, "0-30 days"),
)
NEVER = "Never active"


def execute(filters=None):
	filters = parse_filters(filters)
	min_days = int_filter(filters, "min_days", DEFAULT_MIN_DAYS)
	rows = inactive_rows(inactive_kols(filters, min_days), today())
	return columns(), rows, None, chart(rows), summary(rows)


def columns() -> list[dict]:
	return [
		*kol_columns(),
		column("last_active_on_platform", _("Last Active on Platform"), "Date", 160),
		column("days_inactive", _("Days Inactive"), "Int", 110),
		column("bucket", _("Inactive For"), "Data", 120),
	]


FIELDS = ("kol", "kol_name", "tier", "category", "operator", "last_active_on_platform")


def inactive_kols(filters, min_days: int) -> list[tuple]:
	"""Active KOLs last active at least ``min_days`` ago or never, longest inactive first (one query)."""
	kol = frappe.qb.DocType("KOL")
	query = (
		frappe.qb.from_(kol)
		.select(*kol_fields(kol), kol.last_active_on_platform)
		.orderby(kol.last_active_on_platform)
		.orderby(kol.name)
	)
	criteria = kol_criteria(kol, filters)
	criteria.append(kol.workflow_state == "Active")
	criteria.append(
		kol.last_active_on_platform.isnull() | (kol.last_active_on_platform <= add_days(today(), -min_days))
	)
	return where(query, criteria).run()


def bucket(days: int | None) -> str:
	if days is None:
		return NEVER
	return next(label for threshold, label in BUCKETS if days > threshold or threshold == 0)


def inactive_rows(kols: list[tuple], on_date) -> list[dict]:
	labels = {label: _(label) for label in (NEVER, *(label for _days, label in BUCKETS))}
	rows = []
	for values in kols:
		row = dict(zip(FIELDS, values, strict=True))
		last = row["last_active_on_platform"]
		row["days_inactive"] = (on_date - last).days if last else None
		row["bucket"] = labels[bucket(row["days_inactive"])]
		rows.append(row)
	return rows


def chart(rows: list[dict]) -> dict:
	counts = Counter(row["bucket"] for row in rows)
	labels = [_(NEVER)] + [_(label) for _days, label in BUCKETS]
	return {
		"data": {
			"labels": labels,
			"datasets": [{"name": _("KOLs"), "values": [counts.get(label, 0) for label in labels]}],
		},
		"type": "bar",
	}


def summary(rows: list[dict]) -> list[dict]:
	return [
		{"label": _("Inactive Active KOLs"), "value": len(rows), "datatype": "Int", "indicator": "Orange"},
		{
			"label": _("Never Active on Platform"),
			"value": sum(1 for row in rows if row["days_inactive"] is None),
			"datatype": "Int",
		},
	]
