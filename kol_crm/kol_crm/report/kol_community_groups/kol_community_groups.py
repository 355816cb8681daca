# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

"""KOL Community Groups: every group per KOL type with its channel, owner, active members and free
places (a group's count is a team figure, shown to every desk role), and the members among the
KOLs the user may see (an operator: their own KOLs)."""

import frappe
from frappe import _

from kol_crm.community import groups


def execute(filters: dict | None = None):
	filters = frappe._dict(frappe.parse_json(filters) if isinstance(filters, str) else (filters or {}))
	rows = groups.group_rows(filters)
	data = [
		{**row, "channel_label": _(row["channel"]), "enabled": _("Yes") if row["enabled"] else _("No")}
		for row in rows
	]
	message = None if rows else _("No community groups yet: create a KOL Community Group per KOL type.")
	summary = [
		{"label": _("Groups"), "value": len(rows), "indicator": "Blue"},
		{
			"label": _("Active Members"),
			"value": sum(r["member_count"] or 0 for r in rows),
			"indicator": "Green",
		},
		{
			"label": _("Full Groups"),
			"value": sum(1 for r in rows if r["capacity"] and r["free_places"] == 0),
			"indicator": "Orange",
		},
	]
	chart = {
		"data": {
			"labels": [r["name"] for r in rows],
			"datasets": [{"name": _("Active Members"), "values": [r["member_count"] or 0 for r in rows]}],
		},
		"type": "bar",
	}
	return columns(), data, message, chart, summary


def columns() -> list[dict]:
	return [
		{
			"fieldname": "name",
			"label": _("Community Group"),
			"fieldtype": "Link",
			"options": "KOL Community Group",
			"width": 200,
		},
		{
			"fieldname": "category",
			"label": _("KOL Category"),
			"fieldtype": "Link",
			"options": "KOL Category",
			"width": 150,
		},
		{"fieldname": "program_type", "label": _("Programme Type"), "fieldtype": "Data", "width": 110},
		{"fieldname": "channel_label", "label": _("Channel"), "fieldtype": "Data", "width": 130},
		{
			"fieldname": "group_owner",
			"label": _("Owner Operator"),
			"fieldtype": "Link",
			"options": "User",
			"width": 170,
		},
		{"fieldname": "member_count", "label": _("Active Members"), "fieldtype": "Int", "width": 120},
		{"fieldname": "capacity", "label": _("Capacity"), "fieldtype": "Int", "width": 90},
		{"fieldname": "free_places", "label": _("Free Places"), "fieldtype": "Int", "width": 100},
		{"fieldname": "visible_members", "label": _("Members You See"), "fieldtype": "Int", "width": 130},
		{"fieldname": "enabled", "label": _("Enabled"), "fieldtype": "Data", "width": 80},
	]
