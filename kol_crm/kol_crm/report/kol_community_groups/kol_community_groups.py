# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

"""KOL Community Groups: every group per KOL type with its channel, owner, active members and free
places (a group's count is a team figure, shown to every desk role), and the members among the
KOLs the user may see (an operator: their own KOLs)."""

import frappe
from frappe import _

from kol_crm.community import groups
from kol_crm.kol_crm.report.utils import column, parse_filters


def execute(filters: dict | None = None):
	rows = groups.group_rows(parse_filters(filters))
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
		column("name", _("Community Group"), "Link", 200, "KOL Community Group"),
		column("category", _("KOL Category"), "Link", 150, "KOL Category"),
		column("program_type", _("Programme Type"), width=110),
		column("channel_label", _("Channel"), width=130),
		column("group_owner", _("Owner Operator"), "Link", 170, "User"),
		column("member_count", _("Active Members"), "Int", 120),
		column("capacity", _("Capacity"), "Int", 90),
		column("free_places", _("Free Places"), "Int", 100),
		column("visible_members", _("Members You See"), "Int", 130),
		column("enabled", _("Enabled"), width=80),
	]
