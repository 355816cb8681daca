"""Benchmark: a synthetic KOL programme at scale, the reports and list APIs timed on it.

	bench --site kol-bench.localhost execute kol_crm.benchmarks.run
	bench --site kol-bench.localhost execute kol_crm.benchmarks.run --kwargs "{'kols': 20000, 'repeat': 3}"
	bench --site kol-bench.localhost execute kol_crm.benchmarks.run --kwargs "{'generate': False}"

1. Generates ``kols`` KOLs (default 100,000), ``interactions`` (default 10 per KOL),
   ``proposals`` (default one per two KOLs) and ``partnerships`` (one per ten KOLs) spread over
   both intake paths, every workflow state, four tiers, twelve categories, ``operators``
   operators and the last two years, with their child rows (benefits, negotiation rounds) and
   the workflow's version history. Rows go in with multi-row parameterised INSERTs (the fast
   path); it prints rows/second and compares that path with ``frappe.db.bulk_insert`` on the
   same rows.
2. Times each report (its ``execute``) and the main list APIs (``frappe.get_list`` of KOL with
   common filters), as a manager and as an operator, ``repeat`` times, and takes the median.
3. Runs beside each one the hand-written SQL for the same answer, in turns with it (so both see
   the same machine load), and prints name, median ms, optimal-SQL ms and their ratio. The table is also written as JSON (``output``, default the
   site's private files), and compared with the newest earlier run of the same size in that
   folder: a timing more than 20 % slower is flagged as a regression (``history``).

``generate=False`` times again on the programme the last run left (after a code change).
For KOL Pipeline the "optimal SQL" is the same two queries as raw SQL plus the same reduction in
Python: the medians need each KOL's sequence of states, and a pure-SQL version (string
extraction, LAG and MEDIAN window functions) took 5.7 s on 100,000 KOLs against 1.5 s.

Benchmark rows are recognisable (KOLs named ``KOLB-…``) and are replaced on every run; use a
dedicated site. Not a test: the test suite runs it at a tiny size only.

One module per step: ``masters`` (tiers, categories, users), ``data`` and ``deals`` (the rows),
``store`` (writing and clearing them), ``build`` (step 1), ``reports``, ``lists`` and ``timing``
(steps 2 and 3), ``figures`` (the printed tables); ``import_speed`` times the candidate import;
``load_site`` prepares a site for the Locust load test (scripts/load.sh) and checks its writes.
"""

import json
import os

import frappe
from frappe.utils import now_datetime

from kol_crm.benchmarks import history
from kol_crm.benchmarks.build import build_programme
from kol_crm.benchmarks.data import PREFIX
from kol_crm.benchmarks.figures import format_table
from kol_crm.benchmarks.masters import ensure_masters
from kol_crm.benchmarks.timing import CASES, time_cases

__all__ = ["CASES", "PREFIX", "run"]


def run(
	kols: int = 100_000,
	interactions: int | None = None,
	proposals: int | None = None,
	partnerships: int | None = None,
	operators: int = 20,
	repeat: int = 5,
	compare_rows: int = 50_000,
	output: str | None = None,
	seed: int = 42,
	commit: bool = True,
	quiet: bool = False,
	generate: bool = True,
) -> dict:
	"""Generate the programme, time reports and lists against hand-written SQL, print and save the table."""
	say = (lambda *a: None) if quiet else print
	size = {
		"kols": int(kols),
		"interactions": int(interactions if interactions is not None else kols * 10),
		"proposals": int(proposals if proposals is not None else kols // 2),
		"partnerships": int(partnerships if partnerships is not None else kols // 10),
	}
	say(f"kol_crm benchmark on {frappe.local.site}: {size}")
	masters = ensure_masters(operators)
	if commit:
		frappe.db.commit()
	if generate:
		generator, comparison = build_programme(size, masters, seed, compare_rows, commit, say)
	else:  # time again on the programme a previous run left
		generator, comparison = {}, {}
		say("timing the existing benchmark programme (generate=False)")

	timings = time_cases(masters, int(repeat))
	table = format_table(timings)
	say(table)
	result = {
		"site": frappe.local.site,
		"ran_on": str(now_datetime()),
		"size": size,
		"generator": generator,
		"bulk_insert_comparison": comparison,
		"timings": timings,
	}
	if commit:
		path = output or frappe.get_site_path(
			"private", "files", f"kol_benchmark_{now_datetime():%Y%m%d_%H%M%S}.json"
		)
		os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
		path = os.path.abspath(path)
		previous = history.previous_run(os.path.dirname(path), size, exclude=path)
		if previous:
			result["against_previous"] = {
				"path": previous["path"],
				"rows": history.compare(timings, previous["timings"]),
			}
			say(history.comparison_table(result["against_previous"]["rows"], previous["path"]))
		with open(path, "w") as f:
			json.dump(result, f, indent=1, default=str)
		say(f"written to {path}")
		result["output"] = path
	return result if quiet else None
