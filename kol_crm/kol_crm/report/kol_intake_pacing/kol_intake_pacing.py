# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

"""KOL supply against audience per programme category, whether intake should speed up, and the
internal candidates left there (internal first: external intake once that pool is exhausted);
the followers of the Active KOLs, the followers they share and the estimated unique reach
(kol_crm.intelligence.overlap: audience overlap, so that KOLs don't drain the same user pool)."""

import frappe
from frappe import _

from kol_crm.intelligence import pacing


def execute(filters: dict | None = None):
	filters = frappe._dict(frappe.parse_json(filters) if isinstance(filters, str) else (filters or {}))
	rows = pacing.pacing_rows(program_type=filters.get("program_type") or None)
	data = [{**row, "advice": _(row["advice"]), "advice_key": row["advice"]} for row in rows]
	message = None
	if not rows:
		message = _("Add programme categories with their audience in KOL CRM Settings to see intake pacing.")
	elif exhausted := [row["category"] for row in rows if row["internal_exhausted"]]:
		message = _("Internal pool exhausted in: {0}. External intake is next there.").format(
			", ".join(frappe.bold(c) for c in exhausted)
		)
	chart = {
		"data": {
			"labels": [row["category"] for row in rows],
			"datasets": [
				{"name": _("Active per 1,000"), "values": [round(row["ratio"] or 0, 2) for row in rows]},
				{
					"name": _("With intake per 1,000"),
					"values": [round(row["projected_ratio"] or 0, 2) for row in rows],
				},
			],
		},
		"type": "bar",
	}
	summary = [
		{
			"label": _("Speed up"),
			"value": sum(r["advice"] == pacing.SPEED_UP for r in rows),
			"indicator": "Blue",
		},
		{
			"label": _("Slow down"),
			"value": sum(r["advice"] == pacing.SLOW_DOWN for r in rows),
			"indicator": "Orange",
		},
		{
			"label": _("On pace"),
			"value": sum(r["advice"] == pacing.ON_PACE for r in rows),
			"indicator": "Green",
		},
		{
			"label": _("Internal pool exhausted"),
			"value": sum(r["internal_exhausted"] for r in rows),
			"indicator": "Red",
		},
	]
	return columns(), data, message, chart, summary


def columns() -> list[dict]:
	return [
		{
			"fieldname": "category",
			"label": _("Category"),
			"fieldtype": "Link",
			"options": "KOL Category",
			"width": 180,
		},
		{"fieldname": "active", "label": _("Active KOLs"), "fieldtype": "Int", "width": 110},
		{"fieldname": "intake", "label": _("KOLs in Intake"), "fieldtype": "Int", "width": 120},
		{"fieldname": "audience", "label": _("Audience"), "fieldtype": "Int", "width": 110},
		{
			"fieldname": "ratio",
			"label": _("Active per 1,000"),
			"fieldtype": "Float",
			"precision": 2,
			"width": 130,
		},
		{
			"fieldname": "projected_ratio",
			"label": _("With Intake per 1,000"),
			"fieldtype": "Float",
			"precision": 2,
			"width": 160,
		},
		{
			"fieldname": "target_min",
			"label": _("Target Minimum"),
			"fieldtype": "Float",
			"precision": 2,
			"width": 120,
		},
		{
			"fieldname": "target_max",
			"label": _("Target Maximum"),
			"fieldtype": "Float",
			"precision": 2,
			"width": 120,
		},
		{"fieldname": "advice", "label": _("Advice"), "fieldtype": "Data", "width": 120},
		{
			"fieldname": "internal_left",
			"label": _("Internal Candidates Left"),
			"fieldtype": "Int",
			"width": 170,
		},
		{"fieldname": "internal_pool", "label": _("Internal Pool"), "fieldtype": "Data", "width": 300},
		{
			"fieldname": "kol_followers",
			"label": _("Followers of Active KOLs"),
			"fieldtype": "Int",
			"width": 170,
		},
		{
			"fieldname": "shared_followers",
			"label": _("Shared Followers (Est.)"),
			"fieldtype": "Int",
			"width": 160,
		},
		{"fieldname": "unique_reach", "label": _("Unique Reach (Est.)"), "fieldtype": "Int", "width": 150},
		{
			"fieldname": "overlap_percent",
			"label": _("Audience Overlap %"),
			"fieldtype": "Percent",
			"precision": 1,
			"width": 140,
		},
	]
