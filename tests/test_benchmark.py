"""The benchmark (kol_crm.benchmarks) end to end at a tiny size, inside the test's transaction."""

import frappe
from frappe.utils import getdate, nowdate

from kol_crm import benchmarks
from kol_crm.benchmarks import import_speed
from kol_crm.benchmarks.lists import LIST_CASES, LIST_FIELDS
from kol_crm.kol_crm.report.kol_tier_pyramid import kol_tier_pyramid


def test_benchmark_generates_a_programme_and_times_every_report_and_list():
	result = benchmarks.run(
		kols=200, operators=2, repeat=1, compare_rows=100, commit=False, quiet=True, output=None
	)
	size = result["size"]
	assert size == {"kols": 200, "interactions": 2000, "proposals": 100, "partnerships": 20}
	tables = result["generator"]["tables"]
	assert tables["KOL"]["rows"] == 200
	assert tables["KOL Interaction"]["rows"] == 2000
	assert tables["KOL Proposal"]["rows"] == 100
	assert tables["KOL Partnership"]["rows"] <= 20
	assert frappe.db.count("KOL", {"name": ("like", benchmarks.PREFIX + "%")}) == 200
	assert frappe.db.count("KOL Interaction", {"kol": ("like", benchmarks.PREFIX + "%")}) == 2000
	assert result["bulk_insert_comparison"]["rows"] == 100
	assert result["generator"]["rows_per_second_insert"] > 0

	names = {case[0] for case in benchmarks.CASES}
	assert {(t["name"], t["as"]) for t in result["timings"]} == {
		(name, role) for name in names for role in ("manager", "operator")
	}
	for timing in result["timings"]:
		assert timing["median_ms"] > 0 and timing["optimal_sql_ms"] > 0 and timing["ratio"]

	# each list and its hand-written SQL give the same first page, for both roles
	for user in ("bench.manager@kol-bench.example", "bench.operator0@kol-bench.example"):
		restricted = user if "operator" in user else None
		for name, call, optimal in LIST_CASES:
			frappe.set_user(user)
			app = [tuple(row[f] for f in LIST_FIELDS) for row in call(restricted)]
			frappe.set_user("Administrator")
			sql = [tuple(row) for row in optimal(restricted)]
			assert app, name
			if "follow-ups due" in name:  # many KOLs share a date: compare the dates in order
				due = LIST_FIELDS.index("next_follow_up_on")
				assert [r[due] for r in app] == [r[due] for r in sql], name
				assert all(r[due] and r[due] <= getdate(nowdate()) for r in app), name
			else:
				assert sorted(app) == sorted(sql), name
	frappe.set_user("Administrator")

	# the generated programme is a real one: the reports see it, an operator only their share
	assert "System Manager" not in frappe.get_roles("bench.operator0@kol-bench.example")
	frappe.set_user("bench.manager@kol-bench.example")
	all_rows = kol_tier_pyramid.execute({"include_closed": 1, "category": "Bench Domain 1"})[1]
	frappe.set_user("bench.operator0@kol-bench.example")
	own_rows = kol_tier_pyramid.execute({"include_closed": 1, "category": "Bench Domain 1"})[1]
	frappe.set_user("Administrator")
	total = sum(r["kols"] for r in all_rows if r["indent"] == 0)
	own = sum(r["kols"] for r in own_rows if r["indent"] == 0)
	in_domain = frappe.db.count(
		"KOL", {"name": ("like", benchmarks.PREFIX + "%"), "category": ("like", "Bench Niche 1.%")}
	)
	assert total >= in_domain > own > 0


def test_import_speed_times_both_paths_and_rolls_everything_back(capsys):
	kols_before = frappe.db.count("KOL")
	frappe.flags.mute_emails = False

	result = import_speed.run(rows=30, per_doc_rows=10)

	assert set(result) == {
		"per_doc_insert_rows",
		"per_doc_insert_rows_per_s",
		"candidate_import_rows",
		"candidate_import_rows_per_s",
		"speed_up",
	}
	assert (result["per_doc_insert_rows"], result["candidate_import_rows"]) == (10, 30)
	assert result["per_doc_insert_rows_per_s"] > 0 and result["candidate_import_rows_per_s"] > 0
	assert result["speed_up"] > 0
	assert frappe.db.count("KOL") == kols_before
	assert frappe.db.count("KOL", {"email": ("like", "%@bench.example")}) == 0
	assert frappe.flags.mute_emails is False  # muted only while it runs
	printed = capsys.readouterr().out
	assert "candidate import (bulk)" in printed and f"speed-up: {result['speed_up']}x" in printed


def test_the_rescoring_benchmark_times_both_paths_on_the_same_kols_and_leaves_the_data():
	from kol_crm.benchmarks import rescore
	from tests import factories as f
	from tests import ops_helpers as h

	h.tiers()
	kols = [
		f.make_kol(
			platform_accounts=[
				{
					"platform": "Bilibili",
					"handle": f"@{f.unique()}",
					"followers": 10 ** (i + 2),
					"engagement_rate": 2,
				}
			]
		).name
		for i in range(4)
	]
	h.settings(reach_full_followers=1000)  # every stored score is stale now
	result = rescore.run(sample=10_000, quiet=True)
	changed, unchanged = result["cases"]["first"], result["cases"]["unchanged"]
	assert result["sample"] == result["open_kols"] >= 4
	assert changed["changed_chunks"] == changed["changed_one_by_one"] >= 4
	assert unchanged["changed_chunks"] == unchanged["changed_one_by_one"] == 0
	weights = result["cases"]["weights"]  # Reach Full at Followers doubled: every reach score moves
	assert weights["changed_chunks"] == weights["changed_one_by_one"] == result["sample"]
	assert changed["one_by_one_s"] > 0 and changed["chunks_s"] > 0
	# the figures of 100 of 1,000 KOLs rescored in 2 s one by one and 0.5 s in chunks
	assert rescore.figures(100, 1000, 2.0, 0.5, 10, 10) == {
		"kols": 100,
		"changed_one_by_one": 10,
		"changed_chunks": 10,
		"one_by_one_s": 2.0,
		"chunks_s": 0.5,
		"one_by_one_kols_per_s": 50,
		"chunks_kols_per_s": 200,
		"ratio": 4.0,
		"all_open_one_by_one_s": 20,
		"all_open_chunks_s": 5,
	}
	assert "x; every open KOL" in rescore.line("changed", changed)
	# it rolls back everything, its own writes and (here) the test's KOLs: nothing is left changed
	assert frappe.db.count("KOL", {"name": ("in", kols)}) == 0


def test_a_timing_more_than_20_percent_slower_than_the_previous_run_is_a_regression():
	from kol_crm.benchmarks import history

	previous = [
		{"name": "KOL Pipeline", "as": "manager", "median_ms": 100.0},
		{"name": "KOL Pipeline", "as": "operator", "median_ms": 100.0},
		{"name": "KOL Tier Pyramid", "as": "manager", "median_ms": 100.0},
		{"name": "Gone", "as": "manager", "median_ms": 5.0},
	]
	now = [
		{"name": "KOL Pipeline", "as": "manager", "median_ms": 120.0},  # at the limit: not flagged
		{"name": "KOL Pipeline", "as": "operator", "median_ms": 120.1},  # just over
		{"name": "KOL Tier Pyramid", "as": "manager", "median_ms": 50.0},  # twice as fast
		{"name": "New", "as": "manager", "median_ms": 9.0},  # no previous figure
	]
	rows = history.compare(now, previous)
	assert [(r["name"], r["as"], r["change"], r["regression"]) for r in rows] == [
		("KOL Pipeline", "manager", 0.2, False),
		("KOL Pipeline", "operator", 0.201, True),
		("KOL Tier Pyramid", "manager", -0.5, False),
	]
	table = history.comparison_table(rows, "/x/kol_benchmark_1.json")
	assert "1 regression(s) of 3 timings" in table
	assert table.count("REGRESSION") == 1


def test_the_previous_run_is_the_newest_of_the_same_size(tmp_path):
	import json

	from kol_crm.benchmarks import history

	small, large = {"kols": 200}, {"kols": 100_000}
	for stamp, size in (("20261201_000000", small), ("20261202_000000", large), ("20261203_000000", small)):
		(tmp_path / f"kol_benchmark_{stamp}.json").write_text(
			json.dumps({"size": size, "timings": [{"name": "x", "as": "manager", "median_ms": 1}]})
		)
	(tmp_path / "kol_benchmark_20261204_000000.json").write_text("{not json")
	current = tmp_path / "kol_benchmark_20261205_000000.json"
	current.write_text(
		json.dumps({"size": small, "timings": [{"name": "x", "as": "manager", "median_ms": 1}]})
	)
	assert history.previous_run(str(tmp_path), small, exclude=str(current))["path"].endswith(
		"20261203_000000.json"
	)
	assert history.previous_run(str(tmp_path), large)["path"].endswith("20261202_000000.json")
	assert history.previous_run(str(tmp_path), {"kols": 5}) is None
