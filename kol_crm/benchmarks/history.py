"""Each benchmark run against the previous one: which timings got slower by more than 20 %."""

import glob
import json
import os

REGRESSION = 0.20  # slower by more than this fraction of the previous median is a regression
PATTERN = "kol_benchmark_*.json"


def previous_run(folder: str, size: dict, exclude: str | None = None) -> dict | None:
	"""The newest run saved in ``folder`` at the same ``size`` (None when there is none)."""
	for path in sorted(glob.glob(os.path.join(folder, PATTERN)), reverse=True):
		if exclude and os.path.abspath(path) == os.path.abspath(exclude):
			continue
		try:
			with open(path) as fh:
				run = json.load(fh)
		except (OSError, ValueError):
			continue
		if run.get("size") == size and run.get("timings"):
			run["path"] = path
			return run
	return None


def compare(timings: list[dict], previous: list[dict]) -> list[dict]:
	"""One row per timing both runs have: previous and current median, change, regression."""
	before = {(t["name"], t["as"]): t["median_ms"] for t in previous}
	rows = []
	for t in timings:
		old = before.get((t["name"], t["as"]))
		if not old:
			continue
		change = (t["median_ms"] - old) / old
		rows.append(
			{
				"name": t["name"],
				"as": t["as"],
				"previous_ms": old,
				"median_ms": t["median_ms"],
				"change": round(change, 3),
				"regression": change > REGRESSION,
			}
		)
	return rows


def comparison_table(rows: list[dict], previous_path: str) -> str:
	lines = [f"against the previous run ({os.path.basename(previous_path)}):"]
	lines.append(f"{'name':55} {'previous ms':>12} {'now ms':>10} {'change':>8}")
	for r in rows:
		flag = "  REGRESSION (> 20 % slower)" if r["regression"] else ""
		label = f"{r['name']} ({r['as']})"
		lines.append(
			f"{label:55} {r['previous_ms']:>12.1f} {r['median_ms']:>10.1f} {r['change'] * 100:>+7.1f}%{flag}"
		)
	regressions = sum(r["regression"] for r in rows)
	lines.append(f"{regressions} regression(s) of {len(rows)} timings")
	return "\n".join(lines)
