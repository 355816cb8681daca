"""Rescoring every KOL in chunks with a checkpoint: the same scores as one document at a time,
a stale or duplicate job does nothing, a killed worker's chunk is done again, a stalled run
resumes, and the settings form keeps the job's state."""

import frappe
import pytest
from frappe.utils import add_days, add_to_date, get_datetime, now_datetime, nowdate

from kol_crm.benchmarks.rescore import rescore_one
from kol_crm.intelligence import recompute
from tests import factories as f
from tests import ops_helpers as h

COMPARED = ("tier", "tier_reason", *recompute.SCORE_FIELDS)


@pytest.fixture
def chunk_of_4(monkeypatch):
	monkeypatch.setitem(frappe.conf, "kol_recompute_chunk_size", 4)


def _programme() -> tuple[list[str], dict]:
	"""Eleven varied KOLs and three tiers; then settings that move scores, and some tiers."""
	tiers = h.tiers()
	cats = h.category_tree()
	h.settings(program_categories=[{"category": cats["Skincare"]}])
	names = []
	for i in range(11):
		kwargs = {
			"intake_path": "Internal Cultivation" if i % 3 == 0 else "External Intake",
			"intake_purpose": ("Acquisition", "Activation", "Conversion")[i % 3],
			"category": cats[("Skincare", "Makeup", "domain")[i % 3]],
			"fit_rating": (i % 5) / 5 or None,
			"content_quality_rating": ((i + 2) % 5) / 5 or None,
			"follower_quality": ("High", "Medium", "Low", None)[i % 4],
			"platform_accounts": [
				{
					"platform": "Bilibili",
					"handle": f"@{f.unique()}",
					"followers": 500 * (i + 1) ** 3,
					"engagement_rate": 1 + i * 0.7,
					"last_active_on": add_days(nowdate(), -9 * i),
				}
			],
		}
		if i % 2:
			kwargs.update(
				platform_account_id=f"u{i}",
				on_platform_posts=4 * i,
				last_active_on_platform=add_days(nowdate(), -20 * i),
			)
		names.append(f.make_kol(**kwargs).name)
	h.settings(reach_full_followers=50_000, weight_fit=40, internal_weight_activity=5)
	return sorted(names), tiers


def _stored(names: list[str]) -> dict[str, dict]:
	rows = frappe.get_all("KOL", filters={"name": ("in", names)}, fields=["name", *COMPARED])
	return {row.pop("name"): dict(row) for row in rows}


def _privileges(names: list[str]) -> list[tuple]:
	rows = frappe.get_all(
		"KOL Privilege",
		filters={"parent": ("in", names), "parenttype": "KOL"},
		fields=["parent", "idx", "privilege_type", "privilege", "tier", "status"],
		order_by="parent, idx",
		as_list=True,
	)
	return [tuple(row) for row in rows]


def _tier_change_rows(names: list[str]) -> list[tuple]:
	fields = ["kol", "kol_name", "from_tier", "to_tier", "overall_score", "pinned", "reason", "changed_by"]
	rows = frappe.get_all("KOL Tier Change", filters={"kol": ("in", names)}, fields=fields, as_list=True)
	return sorted((tuple(row) for row in rows), key=lambda row: tuple(str(v) for v in row))


def _tier_changes(names: list[str]) -> int:
	return frappe.db.count("KOL Tier Change", {"kol": ("in", names)})


def test_chunks_give_the_same_scores_and_tiers_as_one_document_at_a_time(chunk_of_4):
	names, _tiers = _programme()
	before = _stored(names)
	changes_before = _tier_changes(names)
	frappe.db.savepoint("paths")

	result = recompute.recompute_all(commit=False)
	by_chunks = _stored(names)
	privileges_by_chunks = _privileges(names)
	tier_changes_by_chunks = _tier_changes(names) - changes_before
	change_rows_by_chunks = _tier_change_rows(names)
	comments_by_chunks = sorted(c for n in names for c in h.comments(n) if c.startswith("Tier changed"))

	frappe.db.rollback(save_point="paths")
	frappe.clear_document_cache("KOL CRM Settings", "KOL CRM Settings")
	frappe.local.kol_crm_tiers = None
	assert _stored(names) == before
	changed = sum(rescore_one(name) for name in names)
	one_by_one = _stored(names)

	assert by_chunks == one_by_one
	assert privileges_by_chunks == _privileges(names)
	assert change_rows_by_chunks == _tier_change_rows(names)
	assert len(privileges_by_chunks) >= len(names)  # each tier carries privileges
	assert comments_by_chunks == sorted(
		c for n in names for c in h.comments(n) if c.startswith("Tier changed")
	)
	# the settings moved scores of every KOL, and tiers of some: the comparison is not empty
	moved = [n for n in names if before[n]["score_overall"] != one_by_one[n]["score_overall"]]
	assert len(moved) == len(names)
	tier_moves = [n for n in names if before[n]["tier"] != one_by_one[n]["tier"]]
	assert 0 < len(tier_moves) < len(names)
	assert tier_changes_by_chunks == len(tier_moves) == _tier_changes(names) - changes_before
	assert result["changed"] >= changed == len(names)
	assert result["failed"] == 0


def test_a_score_only_change_keeps_modified_and_a_tier_move_goes_through_the_controller(chunk_of_4):
	names, _tiers = _programme()
	before = _stored(names)
	modified = dict(
		frappe.get_all("KOL", filters={"name": ("in", names)}, fields=["name", "modified"], as_list=True)
	)
	recompute.recompute_all(commit=False)
	after = _stored(names)
	now_modified = dict(
		frappe.get_all("KOL", filters={"name": ("in", names)}, fields=["name", "modified"], as_list=True)
	)
	for name in names:
		if before[name]["tier"] == after[name]["tier"]:
			assert now_modified[name] == modified[name], name
		else:
			assert now_modified[name] > modified[name], name
			row = frappe.get_all(
				"KOL Tier Change",
				filters={"kol": name},
				fields=["to_tier"],
				order_by="creation desc",
				limit=1,
			)
			assert row[0].to_tier == after[name]["tier"]


def test_the_checkpoint_moves_one_chunk_at_a_time_and_a_stale_job_does_nothing(chunk_of_4):
	_programme()
	total = recompute.count_open_kols()
	run = recompute.start_run()
	first = recompute.open_kols("", 4)

	assert recompute.run_chunk(run, "", commit=False) is True
	state = recompute.read_state()
	assert (state.recompute_after, state.recompute_done, state.recompute_status) == (first[-1], 4, "Running")
	assert state.recompute_progress == f"4 of {total} KOLs"

	# the same job again (a duplicate delivery), or one of a replaced run: nothing happens
	assert recompute.run_chunk(run, "", commit=False) is False
	assert recompute.run_chunk("another-run", first[-1], commit=False) is False
	assert recompute.read_state().recompute_done == 4

	after = first[-1]
	while recompute.run_chunk(run, after, commit=False):
		after = recompute.read_state().recompute_after
	state = recompute.read_state()
	assert (state.recompute_status, state.recompute_done, state.recompute_total) == ("Finished", total, total)
	assert state.recompute_after == recompute.open_kols()[-1]
	assert get_datetime(
		frappe.db.get_single_value("KOL CRM Settings", "scores_recomputed_on", cache=False)
	) >= get_datetime(state.recompute_heartbeat)


def test_a_killed_chunk_leaves_nothing_and_is_done_again_without_doubling(chunk_of_4):
	names, _tiers = _programme()
	changes_before = _tier_changes(names)
	frappe.db.savepoint("full")
	recompute.recompute_all(commit=False)
	expected = _stored(names)
	expected_changes = _tier_changes(names) - changes_before
	frappe.db.rollback(save_point="full")
	frappe.local.kol_crm_tiers = None

	run = recompute.start_run()
	assert recompute.run_chunk(run, "", commit=False)
	checkpoint = recompute.read_state()
	# the worker dies in the middle of the second chunk: its transaction is rolled back
	frappe.db.savepoint("killed")
	recompute.rescore_chunk(recompute.open_kols(checkpoint.recompute_after, 2))
	frappe.db.rollback(save_point="killed")
	frappe.local.kol_crm_tiers = None
	assert recompute.read_state() == checkpoint

	after = checkpoint.recompute_after
	while recompute.run_chunk(run, after, commit=False):  # the resumed job, from the checkpoint
		after = recompute.read_state().recompute_after
	assert _stored(names) == expected
	assert _tier_changes(names) - changes_before == expected_changes


@pytest.mark.parametrize("minutes,resumed", [(9, False), (10, True), (11, True)])
def test_a_run_without_a_heartbeat_for_ten_minutes_is_resumed(minutes, resumed):
	run = recompute.start_run()
	recompute.write_state({"recompute_heartbeat": add_to_date(now_datetime(), minutes=-minutes)})
	assert recompute.resume_stalled() == (run if resumed else None)
	if resumed:  # its heartbeat is renewed: one resume per stall
		assert recompute.resume_stalled() is None


def test_a_finished_run_is_not_resumed():
	recompute.start_run()
	recompute.write_state(
		{"recompute_status": "Finished", "recompute_heartbeat": add_to_date(now_datetime(), hours=-5)}
	)
	assert recompute.resume_stalled() is None


def test_a_kol_that_fails_is_counted_and_logged_and_the_chunk_goes_on(chunk_of_4):
	names, _tiers = _programme()
	broken = names[5]
	# its stored tier was deleted behind its back: its tier history can't be written
	frappe.db.set_value("KOL", broken, "tier", "Ghost Tier", update_modified=False)
	before = _stored(names)

	result = recompute.recompute_all(commit=False)
	assert result["failed"] == 1
	assert recompute.read_state().recompute_failed == 1
	assert _stored([broken])[broken] == before[broken]
	others = [n for n in names if n != broken]
	assert all(_stored([n])[n]["score_overall"] != before[n]["score_overall"] for n in others)
	assert frappe.db.exists("Error Log", {"method": f"KOL score recompute failed for {broken}"})


def test_the_settings_form_keeps_the_jobs_checkpoint_and_still_saves(chunk_of_4):
	_programme()
	frappe.set_user(f.MANAGER)
	form = frappe.get_doc("KOL CRM Settings")  # opened before the run
	run = recompute.start_run()
	recompute.run_chunk(run, "", commit=False)
	state = recompute.read_state()
	form.follow_up_days = 9
	form.save()  # no TimestampMismatch: the job didn't touch modified
	assert recompute.read_state() == state
	assert frappe.db.get_single_value("KOL CRM Settings", "follow_up_days", cache=False) == 9


def test_the_chunk_size_comes_from_site_config(monkeypatch):
	monkeypatch.delitem(frappe.conf, "kol_recompute_chunk_size", raising=False)
	assert recompute.chunk_size() == 500
	monkeypatch.setitem(frappe.conf, "kol_recompute_chunk_size", 37)
	assert recompute.chunk_size() == 37
	monkeypatch.setitem(frappe.conf, "kol_recompute_chunk_size", 0)
	assert recompute.chunk_size() == 500
