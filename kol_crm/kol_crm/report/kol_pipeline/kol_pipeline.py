"""KOL Pipeline: how far KOLs get on each intake path, and how long they stay in each state.

"Reached" counts every KOL that is in a stage now or got past it: from its current state and
from its state log (KOL State Change, written on every change of a KOL's workflow state: a KOL
that went back from Negotiating to Contacting, or was declined while negotiating, still reached
Negotiating). Days in a state are measured on completed stays: from entering the state (the
KOL's creation for the first one) to leaving it.

It reads the log, never the Version history, in a few aggregated queries that return a few
rows each: KOLs per path and current state (the KOL index); the KOLs whose log shows a stage
beyond their current one (only the steps back and exits, by the log's (to state, from state)
index); and
the number and median length of the completed stays per path and state (each change records
how long the KOL was in the state it left; for a whole programme both come from the log's
(intake path, from state, stay) index). For KOLs that filters or an operator's row rule select,
the KOLs and their log rows come in one query instead. Live, at 100,000 KOLs and 347,000 log
rows on a loaded 2-core machine: 0.7 to 1.0 s for a manager (no KOL row read), 0.6 to 1.1 s for
an operator (the row rule's scan of the KOL table); no prepared report needed
(``kol_crm.benchmarks``, docs/benchmarks.md).

The log is complete when every state change goes through a KOL save (the controller writes it);
a state written straight into the database (``frappe.db.set_value``) is counted as the KOL's
current state but leaves no stay.
"""

import statistics

import frappe
from frappe import _
from frappe.query_builder import Case, Criterion
from frappe.query_builder.functions import Count, Max

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
from kol_crm.workflows.kol_lifecycle import TRANSITIONS

SECONDS_PER_DAY = 86400
STATE_LOG = "KOL State Change"


def execute(filters=None):
	filters = parse_filters(filters)
	paths = [filters.intake_path] if filters.get("intake_path") in PATHS else list(PATHS)
	criteria = kol_criteria(frappe.qb.DocType("KOL"), filters)
	if criteria:  # some KOLs (filters, an operator's row rule): them and their log, in one query
		counts, furthest, stays = filtered_sections(criteria)
	else:  # the whole programme: from the KOL's and the log's indexes
		counts, furthest, stays = state_counts(filters), furthest_stages(), completed_stays()
	rows = pipeline_rows(counts, furthest, stays, paths)
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


def stage_index(path: str, state: str | None) -> int | None:
	funnel = FUNNEL[path]
	if state in funnel:
		return funnel.index(state)
	if state in BEYOND_ACTIVE:
		return len(funnel) - 1
	if state == EXIT_STATE[path]:
		return 0  # everyone on the path reached its first stage
	return None


def history_stage(path: str, state: str | None) -> int | None:
	"""The stage a state in a KOL's log shows it reached; its path's exit state (Declined,
	Dropped) shows none (every KOL on the path reached the first stage anyway)."""
	return None if state == EXIT_STATE.get(path) else stage_index(path, state)


def logged_stage(path_column, state_column):
	"""SQL: ``history_stage`` of a logged state (NULL for none)."""
	case = Case()
	for path in PATHS:
		for state in (*FUNNEL[path], *BEYOND_ACTIVE):
			case = case.when((path_column == path) & (state_column == state), stage_index(path, state))
	return case


def steps_back() -> list[tuple[str, str]]:
	"""The changes (from, to) that leave a stage beyond the first behind: a step back
	(Negotiating to Contacting) or leaving the path (Declined, Dropped) from a later stage."""
	pairs = set()
	for transition in TRANSITIONS:
		for path in PATHS:
			if transition.condition and f'"{path}"' not in transition.condition:
				continue
			left, entered = (history_stage(path, s) for s in (transition.state, transition.next_state))
			if left and left > (entered if entered is not None else -1):
				pairs.add((transition.state, transition.next_state))
	return sorted(pairs)


def furthest_stages(criteria: list | None = None) -> list[tuple]:
	"""Section 2: the KOLs whose log shows a stage beyond their current state, per path, current
	state and furthest stage: rows (path, current state, furthest stage, KOLs).

	A KOL moving forward is in its furthest stage: only a step back (Negotiating to Contacting)
	or leaving the path (Declined) from a later stage leaves one behind, in the ``from_state``
	of that change. So only those changes are read (the log's (to_state, from_state) index),
	the furthest per KOL, joined to the KOL for its current state and the filters."""
	log = frappe.qb.DocType(STATE_LOG)
	kol = frappe.qb.DocType("KOL")
	back = Criterion.any(
		[(log.to_state == entered) & (log.from_state == left) for left, entered in steps_back()]
	)
	per_kol = (
		frappe.qb.from_(log)
		.select(log.kol, Max(logged_stage(log.intake_path, log.from_state)).as_("furthest"))
		.where(back)
		.groupby(log.kol)
	)
	query = (
		frappe.qb.from_(per_kol)
		.inner_join(kol)
		.on(kol.name == per_kol.kol)
		.select(kol.intake_path, kol.workflow_state, per_kol.furthest, Count("*"))
		.groupby(kol.intake_path, kol.workflow_state, per_kol.furthest)
	)
	return where(query, criteria or []).run()


def completed_stays() -> dict[tuple[str, str], tuple[float, int]]:
	"""Section 3: per path and state, the median length of the completed stays, in seconds, and
	their number. Each change records how long the KOL was in the state it left
	(``stay_seconds``, whole seconds).

	They come from the log's (intake path, from state, stay) index alone: the stays counted per
	group, then the middle one or two of each group read at their offset in it."""
	log = frappe.qb.DocType(STATE_LOG)
	completed = log.from_state.isnotnull()  # a KOL's first state ends no stay
	stays = {}
	for path, state, total in (
		frappe.qb.from_(log)
		.select(log.intake_path, log.from_state, Count("*"))
		.where(completed)
		.groupby(log.intake_path, log.from_state)
		.run()
	):
		# the middle one, or the middle two, walking the group's index entries to them
		middle = (
			frappe.qb.from_(log)
			.select(log.stay_seconds)
			.where((log.intake_path == path) & (log.from_state == state))
			.orderby(log.stay_seconds)
			.limit(2 - total % 2)
			.offset((total - 1) // 2)
			.run(pluck=True)
		)
		if middle:  # always, unless a row changed between the two queries
			stays[(path, state)] = (sum(middle) / len(middle), total)
	return stays


def filtered_sections(criteria: list) -> tuple[dict, list[tuple], dict]:
	"""The three sections for the KOLs the filters and row rule leave (an operator's, a
	category's): each KOL with its completed stays (a left join: a KOL without any still counts)
	in one query, so the KOL table is read once, reduced here as the queries above do."""
	log = frappe.qb.DocType(STATE_LOG)
	kol = frappe.qb.DocType("KOL")
	query = (
		frappe.qb.from_(kol)
		.left_join(log)
		.on((log.kol == kol.name) & log.from_state.isnotnull())
		.select(
			kol.name,
			kol.intake_path,
			kol.workflow_state,
			log.intake_path,
			log.from_state,
			log.to_state,
			log.stay_seconds,
		)
	)
	back = set(steps_back())
	kols: dict[str, tuple] = {}
	lengths: dict[tuple[str, str], list[int]] = {}
	furthest: dict[str, list] = {}
	for name, path, current, logged_path, left, entered, seconds in where(query, criteria).run():
		kols[name] = (path, current)
		if not left:
			continue
		lengths.setdefault((logged_path, left), []).append(seconds)
		if (left, entered) in back and (stage := history_stage(logged_path, left)) is not None:
			known = furthest.setdefault(name, [path, current, stage])
			known[2] = max(known[2], stage)
	counts: dict[tuple, int] = {}
	for key in kols.values():
		counts[key] = counts.get(key, 0) + 1
	counted: dict[tuple, int] = {}
	for key in map(tuple, furthest.values()):
		counted[key] = counted.get(key, 0) + 1
	stays = {key: (statistics.median(values), len(values)) for key, values in lengths.items()}
	return counts, [(*key, n) for key, n in counted.items()], stays


def pipeline_rows(counts: dict, furthest: list[tuple], stays: dict, paths: list[str]) -> list[dict]:
	"""Pure part of the report: rows from the three sections' results."""
	reached = {path: [0] * len(FUNNEL[path]) for path in PATHS}
	index_of = {path: {} for path in PATHS}
	for path in PATHS:
		for state in (*FUNNEL[path], *BEYOND_ACTIVE, EXIT_STATE[path]):
			index_of[path][state] = stage_index(path, state)
	for (path, state), n in counts.items():
		index = index_of.get(path, {}).get(state)
		for i in range(0, (index if index is not None else -1) + 1):
			reached[path][i] += n
	# the log shows some KOLs got further than their current state says
	for path, current, stage, n in furthest:
		if path not in reached or stage is None:
			continue
		start = index_of[path].get(current)
		for i in range((start if start is not None else -1) + 1, int(stage) + 1):
			reached[path][i] += n

	def days(path: str, state: str) -> float | None:
		if (path, state) not in stays:
			return None
		return median([stays[(path, state)][0] / SECONDS_PER_DAY])

	def stays_of(path: str, state: str) -> int:
		return stays.get((path, state), (None, 0))[1]

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
					"median_days": days(path, state),
					"stays": stays_of(path, state),
				}
			)
		for state in ("Dormant", "Offboarded", EXIT_STATE[path]):
			rows.append(
				{
					"intake_path": path,
					"state": state,
					"current": counts.get((path, state), 0),
					"median_days": days(path, state),
					"stays": stays_of(path, state),
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
