"""Judge a Locust run from its CSV files: print requests/s, p50/p95/p99 and failures per request,
and fail (exit 1) when any request failed, any answer was a 5xx, or a p95 is over its budget
(tests/load/endpoints.py). Standard library only: scripts/load.sh runs it with Locust's venv.

	python -m tests.load.summary /tmp/kol-load/run     # reads run_stats.csv, run_failures.csv,
	                                                   # run_status.json (when there)

KOL_LOAD_P95_FACTOR multiplies every budget (default 1), for a machine known to be slower or
shared with other work; the table shows the budgets applied.
"""

import csv
import json
import os
import sys

from tests.load.endpoints import budget

AGGREGATED = "Aggregated"


def read_csv(path: str) -> list[dict]:
	if not os.path.exists(path):
		return []
	with open(path, newline="") as f:
		return list(csv.DictReader(f))


def read_run(prefix: str) -> tuple[list[dict], list[dict], dict]:
	"""Locust's ``_stats.csv`` and ``_failures.csv`` and the locustfile's ``_status.json``."""
	status_path = f"{prefix}_status.json"
	statuses = {}
	if os.path.exists(status_path):
		with open(status_path) as f:
			statuses = json.load(f)
	return read_csv(f"{prefix}_stats.csv"), read_csv(f"{prefix}_failures.csv"), statuses


def number(value) -> float | None:
	try:
		return float(value)
	except (TypeError, ValueError):
		return None  # "N/A": no request of that name


def judge(
	stats: list[dict], failures: list[dict], statuses: dict | None = None, budget_of=budget
) -> list[str]:
	"""What is wrong with the run (empty: it passed)."""
	problems = []
	rows = [r for r in stats if r.get("Name") != AGGREGATED]
	if not rows or not sum(number(r.get("Request Count")) or 0 for r in rows):
		problems.append("no request was made")
	for row in stats:
		name, count = row["Name"], int(number(row.get("Request Count")) or 0)
		failed = int(number(row.get("Failure Count")) or 0)
		if failed and name != AGGREGATED:
			problems.append(f"{name}: {failed} of {count} requests failed")
		p95 = number(row.get("95%"))
		if count and p95 is not None and p95 > budget_of(name):
			problems.append(f"{name}: p95 {p95:.0f} ms is over its budget of {budget_of(name)} ms")
	server_errors: dict[str, int] = {}
	for failure in failures:
		if "HTTP 5xx" in failure.get("Error", ""):
			name = failure.get("Name", "")
			server_errors[name] = server_errors.get(name, 0) + int(number(failure.get("Occurrences")) or 0)
	for name, codes in (statuses or {}).items():
		counted = sum(n for code, n in codes.items() if code.isdigit() and int(code) >= 500)
		server_errors[name] = max(server_errors.get(name, 0), counted)
	problems += [f"{name}: {n} answers were 5xx" for name, n in sorted(server_errors.items()) if n]
	return problems


def table(stats: list[dict], budget_of=budget) -> str:
	"""One line per request name, the aggregate last."""
	head = f"{'request':<36} {'count':>6} {'fail':>5} {'req/s':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'budget':>7}"
	lines = [head, "-" * len(head)]
	rows = sorted((r for r in stats if r["Name"] != AGGREGATED), key=lambda r: r["Name"])
	rows += [r for r in stats if r["Name"] == AGGREGATED]
	for r in rows:

		def ms(key, r=r):
			value = number(r.get(key))
			return "-" if value is None else f"{value:.0f}"

		rate = number(r.get("Requests/s")) or 0
		lines.append(
			f"{r['Name'][:36]:<36} {r['Request Count']:>6} {r['Failure Count']:>5} {rate:>6.1f} "
			f"{ms('50%'):>6} {ms('95%'):>6} {ms('99%'):>6} {budget_of(r['Name']):>7}"
		)
	lines.append("(times in ms; budget: the p95 a run may not exceed, tests/load/endpoints.py)")
	return "\n".join(lines)


def scaled_budget(factor: float):
	"""The budgets times ``factor`` (KOL_LOAD_P95_FACTOR: a machine known to be slower or shared)."""
	return lambda name: round(budget(name) * factor)


def main(prefix: str, factor: float = 1.0) -> int:
	budget_of = scaled_budget(factor)
	stats, failures, statuses = read_run(prefix)
	print(table(stats, budget_of))
	for failure in failures:
		print(f"  failed: {failure['Name']} x{failure['Occurrences']}: {failure['Error'][:200]}")
	problems = judge(stats, failures, statuses, budget_of)
	if problems:
		print("LOAD TEST FAILED:")
		for problem in problems:
			print(f"  - {problem}")
		return 1
	scaled = f" (budgets x {factor:g})" if factor != 1 else ""
	print(f"load test passed: no failed request, no 5xx, every p95 within its budget{scaled}")
	return 0


if __name__ == "__main__":
	sys.exit(main(sys.argv[1], float(os.environ.get("KOL_LOAD_P95_FACTOR") or 1)))
