"""KOL Pipeline: how far KOLs get on each intake path, and how long they stay in each state.

"Reached" counts every KOL that is in a stage now or got past it: from its current state and
from the workflow's version history (a KOL that went back from Negotiating to Contacting, or
was declined while negotiating, still reached Negotiating). Days in a state are measured on
completed stays: from entering the state (the KOL's creation for the first one) to leaving it.

It reads the whole state history of the selected KOLs (about 250,000 versions for 100,000 KOLs,
1.5 s on a 2-core machine). For programmes of that size tick "Prepared Report" on the Report to
run it on a background worker (Frappe keeps that setting across migrations); the workspace's
funnel chart gives the instant view from current states.
"""

import json
import re
from collections import defaultdict

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from pypika.terms import CustomFunction

from kol_crm.kol_crm.report.utils import (
	BEYOND_ACTIVE,
	EXIT_STATE,
	FUNNEL,
	PATHS,
	kol_criteria,
	median,
	parse_filters,
	ratio,
	where,
)

SECONDS_PER_DAY = 86400
ToSeconds = CustomFunction("TO_SECONDS", ["value"])


def execute(filters=None):
	filters = parse_filters(filters)
	paths = [filters.intake_path] if filters.get("intake_path") in PATHS else list(PATHS)
	counts = state_counts(filters)
	history = state_history(filters)
	rows = pipeline_rows(counts, history, paths)
	return columns(), rows, None, funnel_chart(rows), summary(rows)


def columns() -> list[dict]:
	return [
		{"fieldname": "intake_path", "label": _("Intake Path"), "fieldtype": "Data", "width": 160},
		{"fieldname": "state", "label": _("State"), "fieldtype": "Data", "width": 130},
		{"fieldname": "current", "label": _("KOLs Now"), "fieldtype": "Int", "width": 100},
		{"fieldname": "reached", "label": _("Reached"), "fieldtype": "Int", "width": 100},
		{
			"fieldname": "conversion",
			"label": _("Conversion to Next (%)"),
			"fieldtype": "Percent",
			"width": 170,
		},
		{"fieldname": "from_start", "label": _("Of First Stage (%)"), "fieldtype": "Percent", "width": 150},
		{"fieldname": "median_days", "label": _("Median Days in State"), "fieldtype": "Float", "width": 160},
		{"fieldname": "stays", "label": _("Completed Stays"), "fieldtype": "Int", "width": 130},
	]


def state_counts(filters) -> dict[tuple[str, str], int]:
	"""Section 1: KOLs per intake path and current state (one grouped query)."""
	kol = frappe.qb.DocType("KOL")
	query = (
		frappe.qb.from_(kol)
		.select(kol.intake_path, kol.workflow_state, Count("*"))
		.groupby(kol.intake_path, kol.workflow_state)
	)
	return {(path, state): n for path, state, n in where(query, kol_criteria(kol, filters)).run()}


def state_history(filters) -> list[tuple]:
	"""Section 2: every recorded workflow state change of the filtered KOLs (one query).

	Rows: (kol, intake path, current state, KOL created, change made, version data), both times
	in seconds (TO_SECONDS), which the database driver converts much faster than datetimes.
	"""
	version = frappe.qb.DocType("Version")
	kol = frappe.qb.DocType("KOL")
	query = (
		frappe.qb.from_(version)
		.inner_join(kol)
		.on(kol.name == version.docname)
		.select(
			kol.name,
			kol.intake_path,
			kol.workflow_state,
			ToSeconds(kol.creation),
			ToSeconds(version.creation),
			version.data,
		)
		.where(version.ref_doctype == "KOL")
		.where(version.data.like('%"workflow_state"%'))
	)
	return where(query, kol_criteria(kol, filters)).run()


# ["workflow_state", "<old>", "<new>"] inside a Version's "changed" list
STATE_CHANGE = re.compile(
	r'\[\s*"workflow_state"\s*,\s*("(?:[^"\\]|\\.)*"|null)\s*,\s*("(?:[^"\\]|\\.)*"|null)\s*\]'
)


def _json_string(token: str) -> str | None:
	if token == "null":
		return None
	return json.loads(token) if "\\" in token else token[1:-1]


def state_change(data: str) -> tuple[str | None, str | None] | None:
	"""(old, new) workflow state of a Version's data, or None when the state didn't change."""
	match = STATE_CHANGE.search(data)
	if match:
		return _json_string(match.group(1)), _json_string(match.group(2))
	for change in json.loads(data).get("changed") or []:  # unusual formatting
		if change and change[0] == "workflow_state":
			return change[1], change[2]
	return None


def stage_index(path: str, state: str | None) -> int | None:
	funnel = FUNNEL[path]
	if state in funnel:
		return funnel.index(state)
	if state in BEYOND_ACTIVE:
		return len(funnel) - 1
	if state == EXIT_STATE[path]:
		return 0  # everyone on the path reached its first stage
	return None


def pipeline_rows(counts: dict, history: list[tuple], paths: list[str]) -> list[dict]:
	"""Pure part of the report: rows from the two sections' results."""
	reached = {path: [0] * len(FUNNEL[path]) for path in PATHS}
	index_of = {path: {} for path in PATHS}
	for path in PATHS:
		for state in (*FUNNEL[path], *BEYOND_ACTIVE, EXIT_STATE[path]):
			index_of[path][state] = stage_index(path, state)
	for (path, state), n in counts.items():
		index = index_of.get(path, {}).get(state)
		for i in range(0, (index if index is not None else -1) + 1):
			reached[path][i] += n

	per_kol = defaultdict(list)
	for kol, path, current, kol_created, changed_on, data in history:
		per_kol[(kol, path, current, kol_created)].append((changed_on, data))

	stays = defaultdict(list)
	for (_kol, path, current, kol_created), versions in per_kol.items():
		if path not in reached:
			continue
		indexes = index_of[path]
		current_index = indexes.get(current)
		start = current_index if current_index is not None else -1
		furthest = start
		entered_on = kol_created
		versions.sort()
		for changed_on, data in versions:
			change = state_change(data)
			if not change:
				continue
			old, new = change
			stays[(path, old)].append((changed_on - entered_on) / SECONDS_PER_DAY)
			entered_on = changed_on
			for state in (old, new):
				index = indexes.get(state)
				if index is not None and state != EXIT_STATE[path] and index > furthest:
					furthest = index
		for i in range(start + 1, furthest + 1):
			reached[path][i] += 1

	rows = []
	for path in paths:
		funnel = FUNNEL[path]
		first = reached[path][0]
		for i, state in enumerate(funnel):
			nxt = reached[path][i + 1] if i + 1 < len(funnel) else None
			rows.append(
				{
					"intake_path": path,
					"state": state,
					"current": counts.get((path, state), 0),
					"reached": reached[path][i],
					"conversion": ratio(nxt, reached[path][i]) if nxt is not None else None,
					"from_start": ratio(reached[path][i], first),
					"median_days": median(stays.get((path, state), [])),
					"stays": len(stays.get((path, state), [])),
				}
			)
		for state in ("Dormant", "Offboarded", EXIT_STATE[path]):
			rows.append(
				{
					"intake_path": path,
					"state": state,
					"current": counts.get((path, state), 0),
					"median_days": median(stays.get((path, state), [])),
					"stays": len(stays.get((path, state), [])),
				}
			)
	return rows


def funnel_chart(rows: list[dict]) -> dict:
	stages = [row for row in rows if row.get("reached") is not None]
	return {
		"data": {
			"labels": [_(row["state"]) for row in stages],
			"datasets": [{"name": _("Reached"), "values": [row["reached"] for row in stages]}],
		},
		"type": "bar",
		"colors": ["#5e64ff"],
	}


def summary(rows: list[dict]) -> list[dict]:
	out = []
	for path in PATHS:
		stages = [row for row in rows if row["intake_path"] == path and row.get("reached") is not None]
		if not stages:
			continue
		out.append(
			{
				"label": _("{0}: reached Active (%)").format(_(path)),
				"value": ratio(stages[-1]["reached"], stages[0]["reached"]) or 0,
				"datatype": "Percent",
				"indicator": "Green",
			}
		)
	return out
