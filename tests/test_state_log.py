"""KOL State Change (issue 11): every change of a KOL's workflow state is logged, whatever path
made it; the log of older KOLs is backfilled from their Version history; and KOL Pipeline,
which now reads the log, answers as the Version-parsing derivation it replaced did."""

import json
import random
from datetime import datetime, timedelta

import frappe
import pytest
from frappe.model.workflow import apply_workflow

from kol_crm.kol_crm.report.kol_pipeline import kol_pipeline
from kol_crm.kol_crm.report.utils import EXIT_STATE, FUNNEL, PATHS, median, ratio
from kol_crm.outreach import bulk
from kol_crm.workflows import state_log
from kol_crm.workflows.kol_lifecycle import EXTERNAL, INTERNAL, TRANSITIONS
from tests import factories as f

DOCTYPE = "KOL State Change"
START = datetime(2026, 2, 2, 9, 0, 0)
DAY = timedelta(days=1)


def log_of(kol: str) -> list[tuple]:
	return [
		tuple(row)
		for row in frappe.get_all(
			DOCTYPE,
			filters={"kol": kol},
			fields=["from_state", "to_state", "changed_by"],
			order_by="changed_on, name",
			as_list=True,
		)
	]


# ------------------------------------------------------------------ written on every path


def test_a_new_kol_logs_its_first_state_at_its_creation():
	frappe.set_user(f.OPERATOR_A)
	external = f.make_kol()
	internal = f.make_kol(intake_path=INTERNAL)
	frappe.set_user("Administrator")
	assert log_of(external.name) == [(None, "Identified", f.OPERATOR_A)]
	assert log_of(internal.name) == [(None, "Spotted", f.OPERATOR_A)]
	changed_on = frappe.db.get_value(DOCTYPE, {"kol": external.name}, "changed_on")
	assert changed_on == frappe.db.get_value("KOL", external.name, "creation")


def test_a_workflow_action_logs_the_change_and_a_save_without_one_logs_nothing():
	frappe.set_user(f.OPERATOR_A)
	kol = f.make_kol()
	kol = apply_workflow(frappe.get_doc("KOL", kol.name), "Shortlist")
	kol.reload()
	kol.fit_notes = "no state change in this save"
	kol.save()
	frappe.set_user("Administrator")
	assert log_of(kol.name) == [
		(None, "Identified", f.OPERATOR_A),
		("Identified", "Shortlisted", f.OPERATOR_A),
	]
	row = frappe.get_all(DOCTYPE, filters={"kol": kol.name, "from_state": "Identified"}, fields=["*"])[0]
	assert row.changed_on >= frappe.db.get_value("KOL", kol.name, "creation")


def test_a_bulk_transition_logs_each_kol():
	frappe.set_user(f.OPERATOR_A)
	kols = [f.make_kol(), f.make_kol()]
	result = bulk.apply_transition([k.name for k in kols], "Shortlist")
	frappe.set_user("Administrator")
	assert (len(result[bulk.DONE]), result[bulk.FAILED]) == (2, [])
	for kol in kols:
		assert log_of(kol.name)[-1] == ("Identified", "Shortlisted", f.OPERATOR_A)


def test_a_plain_save_that_moves_the_state_is_logged_as_an_api_put_would_be():
	kol = f.make_kol()
	frappe.set_user(f.MANAGER)
	doc = frappe.get_doc("KOL", kol.name)
	doc.workflow_state = "Shortlisted"  # what PUT /api/resource/KOL/<name> does
	doc.save()
	doc.workflow_state = "Declined"
	doc.save()
	frappe.set_user("Administrator")
	assert log_of(kol.name)[1:] == [
		("Identified", "Shortlisted", f.MANAGER),
		("Shortlisted", "Declined", f.MANAGER),
	]


def test_a_refused_transition_logs_nothing():
	kol = f.make_kol(intake_path=INTERNAL)
	frappe.set_user(f.OPERATOR_A)
	for action in ("Evaluate", "Start Cultivation"):
		apply_workflow(frappe.get_doc("KOL", kol.name), action)
	# Activate needs the cultivation outcome first
	with pytest.raises(frappe.ValidationError, match="cultivation outcome"):
		apply_workflow(frappe.get_doc("KOL", kol.name), "Activate")
	frappe.set_user("Administrator")
	assert [row[1] for row in log_of(kol.name)] == ["Spotted", "Evaluating", "Cultivating"]


def test_a_deleted_kol_takes_its_log_with_it():
	kol = f.make_kol()
	assert frappe.db.count(DOCTYPE, {"kol": kol.name}) == 1
	frappe.delete_doc("KOL", kol.name, force=True)
	assert frappe.db.count(DOCTYPE, {"kol": kol.name}) == 0


def test_a_merge_hands_the_duplicates_log_to_the_kept_kol():
	from kol_crm.intake import merge

	kept, duplicate = f.make_kol(), f.make_kol()
	apply_workflow(frappe.get_doc("KOL", duplicate.name), "Shortlist")
	frappe.set_user(f.MANAGER)
	merge.merge_kols(duplicate.name, kept.name)
	frappe.set_user("Administrator")
	assert frappe.db.count(DOCTYPE, {"kol": duplicate.name}) == 0
	assert sorted((row[0] or "", row[1]) for row in log_of(kept.name)) == [
		("", "Identified"),
		("", "Identified"),
		("Identified", "Shortlisted"),
	]


def test_nobody_creates_or_edits_a_log_row_by_hand():
	kol = f.make_kol()
	name = frappe.db.get_value(DOCTYPE, {"kol": kol.name})
	for user in (f.MANAGER, f.OPERATOR_A, f.ANALYST):
		assert not frappe.has_permission(DOCTYPE, "create", user=user)
		assert not frappe.has_permission(DOCTYPE, "write", doc=name, user=user)
		assert not frappe.has_permission(DOCTYPE, "delete", doc=name, user=user)
	assert frappe.has_permission(DOCTYPE, "read", doc=name, user=f.OPERATOR_A)  # A's own KOL
	assert not frappe.has_permission(DOCTYPE, "read", doc=name, user=f.OPERATOR_B)
	assert frappe.has_permission(DOCTYPE, "read", doc=name, user=f.ANALYST)


# ------------------------------------------------------------------ backfill from Versions


def version(kol: str, on: datetime, old: str | None, new: str, changed=None) -> None:
	changes = changed or [["workflow_state", old, new]]
	doc = frappe.get_doc(
		{
			"doctype": "Version",
			"ref_doctype": "KOL",
			"docname": kol,
			"data": json.dumps({"changed": changes, "added": [], "removed": []}),
		}
	).insert(ignore_permissions=True)
	frappe.db.set_value("Version", doc.name, "creation", on, update_modified=False)


def old_kol(path: str = EXTERNAL, operator: str = f.OPERATOR_A) -> str:
	"""A KOL from before the log: created at START, no log rows."""
	kol = f.make_kol(intake_path=path, operator=operator, acknowledge_rules=False).name
	frappe.db.set_value("KOL", kol, "creation", START, update_modified=False)
	frappe.db.delete(DOCTYPE, {"kol": kol})
	return kol


def test_state_change_reads_a_versions_workflow_state_however_it_is_written():
	assert state_log.state_change('{"changed": [["workflow_state", "Identified", "Shortlisted"]]}') == (
		"Identified",
		"Shortlisted",
	)
	assert state_log.state_change('{"changed": [["tier", "a", "b"]]}') is None
	spaced = '{"changed": [\n  [\n   "workflow_state",\n   "Contacting",\n   "Negotiating"\n  ]\n ]}'
	assert state_log.state_change(spaced) == ("Contacting", "Negotiating")
	assert state_log.state_change('{"changed": [["workflow_state", null, "Spotted"]]}') == (None, "Spotted")


def test_backfill_writes_each_older_kols_log_once():
	moved, still = old_kol(), old_kol(INTERNAL)
	version(moved, START + 2 * DAY, "Identified", "Shortlisted")
	version(moved, START + DAY, "x", "y", changed=[["tier", "a", "b"]])  # no state change
	version(moved, START + 5 * DAY, "Shortlisted", "Contacting")
	frappe.db.set_value("KOL", moved, "workflow_state", "Contacting", update_modified=False)
	logged = f.make_kol().name  # written live: left as it is

	assert state_log.backfill(batch=1, kols=[moved, still, logged]) == 4
	rows = frappe.get_all(
		DOCTYPE,
		filters={"kol": moved},
		fields=["from_state", "to_state", "changed_on"],
		order_by="changed_on",
		as_list=True,
	)
	assert [tuple(r) for r in rows] == [
		(None, "Identified", START),
		("Identified", "Shortlisted", START + 2 * DAY),
		("Shortlisted", "Contacting", START + 5 * DAY),
	]
	assert log_of(still) == [(None, "Spotted", "Administrator")]
	assert len(log_of(logged)) == 1
	# a second run adds nothing
	assert state_log.backfill(kols=[moved, still, logged]) == 0
	assert frappe.db.count(DOCTYPE, {"kol": ("in", [moved, still, logged])}) == 5
	# the names came from the DocType's sequence: the next row the app writes follows them
	last = max(frappe.get_all(DOCTYPE, filters={"kol": ("in", [moved, still])}, pluck="name"))
	assert int(frappe.db.get_value(DOCTYPE, {"kol": f.make_kol().name})) > int(last)


# ------------------------------------------------------------------ the report from the log


def old_pipeline(category: str, user: str | None = None) -> list[dict]:
	"""KOL Pipeline as it was derived before the log: every KOL's Versions, parsed and replayed
	in Python (the reference the report must still agree with)."""
	frappe.set_user(user or f.MANAGER)
	try:
		_cols, current_rows, *_ = kol_pipeline.execute({"category": category})
		kols = frappe.get_list(
			"KOL",
			filters={"category": category},
			fields=["name", "intake_path", "workflow_state", "creation"],
		)
	finally:
		frappe.set_user("Administrator")
	states = frappe.get_all("Workflow State", pluck="name")
	index_of = {path: {state: kol_pipeline.stage_index(path, state) for state in states} for path in PATHS}
	reached = {path: [0] * len(FUNNEL[path]) for path in PATHS}
	stays: dict[tuple, list[float]] = {}
	for kol in kols:
		current = index_of[kol.intake_path].get(kol.workflow_state)
		furthest = current if current is not None else -1
		entered = kol.creation
		versions = frappe.get_all(
			"Version",
			filters={"ref_doctype": "KOL", "docname": kol.name},
			fields=["creation", "data"],
			order_by="creation",
		)
		for v in versions:
			change = state_log.state_change(v.data)
			if not change:
				continue
			old, new = change
			stays.setdefault((kol.intake_path, old), []).append(
				int((v.creation - entered).total_seconds()) / 86400
			)
			entered = v.creation
			for state in (old, new):
				index = index_of[kol.intake_path].get(state)
				if index is not None and state != EXIT_STATE[kol.intake_path] and index > furthest:
					furthest = index
		for i in range(furthest + 1):
			reached[kol.intake_path][i] += 1
	rows = []
	for row in current_rows:
		path, state = row["intake_path"], row["state"]
		expected = {
			"intake_path": path,
			"state": state,
			"current": row["current"],
			"median_days": median(stays.get((path, state), [])),
			"stays": len(stays.get((path, state), [])),
		}
		if "reached" in row:
			i = FUNNEL[path].index(state)
			nxt = reached[path][i + 1] if i + 1 < len(FUNNEL[path]) else None
			expected.update(
				reached=reached[path][i],
				conversion=ratio(nxt, reached[path][i]) if nxt is not None else None,
				from_start=ratio(reached[path][i], reached[path][0]),
			)
		rows.append(expected)
	return rows


def random_history(rng: random.Random, path: str) -> list[tuple[str, str]]:
	"""A walk through the KOL Lifecycle's transitions on ``path`` (going back included)."""
	state, steps = FUNNEL[path][0], []
	for _i in range(rng.randint(0, 7)):
		moves = [
			t.next_state
			for t in TRANSITIONS
			if t.state == state and (not t.condition or f'"{path}"' in t.condition)
		]
		if not moves:
			break
		nxt = rng.choice(moves)
		steps.append((state, nxt))
		state = nxt
	return steps


def test_the_report_from_the_log_answers_as_the_version_history_did():
	category = frappe.get_doc({"doctype": "KOL Category", "category_name": f"Log {f.unique()}"}).insert()
	rng = random.Random(11)
	names = []
	for i in range(24):
		path = EXTERNAL if i % 3 else INTERNAL
		kol = old_kol(path, f.OPERATOR_A if i % 2 else f.OPERATOR_B)
		frappe.db.set_value("KOL", kol, "category", category.name, update_modified=False)
		when, state = START, FUNNEL[path][0]
		for old, new in random_history(rng, path):
			when += timedelta(seconds=rng.randint(600, 40 * 86400))
			version(kol, when, old, new)
			state = new
		frappe.db.set_value("KOL", kol, "workflow_state", state, update_modified=False)
		names.append(kol)
	assert state_log.backfill(kols=names) >= 24

	for user in (f.MANAGER, f.OPERATOR_A):
		frappe.set_user(user)
		try:
			_cols, rows, *_ = kol_pipeline.execute({"category": category.name})
		finally:
			frappe.set_user("Administrator")
		expected = old_pipeline(category.name, user)
		assert rows == expected, user
		assert sum(r["stays"] for r in rows) > 10  # the sample has stays to compare


def test_a_kol_that_went_back_still_reached_the_furthest_stage_and_stays_are_counted_to_the_second():
	category = frappe.get_doc({"doctype": "KOL Category", "category_name": f"Back {f.unique()}"}).insert()
	kol = old_kol()
	frappe.db.set_value(
		"KOL", kol, {"category": category.name, "workflow_state": "Contacting"}, update_modified=False
	)
	state_log.backfill(kols=[kol])  # its first state, Identified, at START
	for on, old, new in (
		(START + DAY, "Identified", "Shortlisted"),  # 1 day in Identified
		(START + 2 * DAY - timedelta(seconds=1), "Shortlisted", "Contacting"),  # 1 s short of a day
		(START + 4 * DAY, "Contacting", "Negotiating"),  # 2 days + 1 s
		(START + 4 * DAY, "Negotiating", "Contacting"),  # the same second: 0 days
	):
		state_log.record(kol, old, new, on)

	_cols, rows, *_ = kol_pipeline.execute({"category": category.name, "intake_path": EXTERNAL})
	rows = {r["state"]: r for r in rows}
	assert [rows[s]["reached"] for s in FUNNEL[EXTERNAL]] == [1, 1, 1, 1, 0]
	assert rows["Contacting"]["current"] == 1 and rows["Negotiating"]["current"] == 0
	assert rows["Identified"]["median_days"] == 1.0
	assert rows["Shortlisted"]["median_days"] == 1.0  # 86,399 s rounds to 1.0
	assert rows["Contacting"]["median_days"] == 2.0  # 172,801 s
	assert (rows["Negotiating"]["median_days"], rows["Negotiating"]["stays"]) == (0.0, 1)
	# Contacting's second stay is still open: only completed stays count
	assert rows["Contacting"]["stays"] == 1

	# an even number of stays: the mean of the middle two
	state_log.record(kol, "Contacting", "Negotiating", START + 9 * DAY)  # 5 days in Contacting
	_cols, rows, *_ = kol_pipeline.execute({"category": category.name, "intake_path": EXTERNAL})
	rows = {r["state"]: r for r in rows}
	assert (rows["Contacting"]["median_days"], rows["Contacting"]["stays"]) == (3.5, 2)
