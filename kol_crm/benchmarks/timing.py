"""Step 2: time every report and list as a manager and as an operator, beside its hand-written SQL."""

import statistics
import time

import frappe

from kol_crm.benchmarks.lists import LIST_CASES
from kol_crm.benchmarks.reports import REPORT_CASES

CASES = REPORT_CASES + LIST_CASES  # (name, framework call, optimal SQL), each taking the restricted user


def median_ms(fn, repeat: int) -> float:
	fn()  # warm-up (caches, meta)
	runs = []
	for _i in range(repeat):
		start = time.perf_counter()
		fn()
		runs.append((time.perf_counter() - start) * 1000)
	return round(statistics.median(runs), 1)


def time_cases(masters: dict, repeat: int) -> list[dict]:
	"""Median ms of each case, its optimal SQL's and their ratio, as a manager and as an operator."""
	results = []
	operator = masters["operators"][0]
	for role, user in (("manager", masters["manager"]), ("operator", operator)):
		restricted = user if role == "operator" else None
		for name, call, optimal in CASES:
			frappe.set_user(user)
			app_ms = median_ms(lambda call=call, restricted=restricted: call(restricted), repeat)
			frappe.set_user("Administrator")
			sql_ms = median_ms(lambda optimal=optimal, restricted=restricted: optimal(restricted), repeat)
			results.append(
				{
					"name": name,
					"as": role,
					"median_ms": app_ms,
					"optimal_sql_ms": sql_ms,
					"ratio": round(app_ms / sql_ms, 2) if sql_ms else None,
					"prepared_report": bool(frappe.db.get_value("Report", name, "prepared_report")),
				}
			)
	frappe.set_user("Administrator")
	return results
