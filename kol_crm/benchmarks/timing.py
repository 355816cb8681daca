"""Step 2: time every report and list as a manager and as an operator, beside its hand-written SQL.

The framework call and its SQL run in turns (call, SQL, call, SQL...), not one block after the
other: on a shared machine the load moves within seconds, and two blocks timed under different
loads give a ratio that says more about the machine than about the code.
"""

import statistics
import time
from collections.abc import Callable

import frappe

from kol_crm.benchmarks.lists import LIST_CASES
from kol_crm.benchmarks.reports import REPORT_CASES

CASES = REPORT_CASES + LIST_CASES  # (name, framework call, optimal SQL), each taking the restricted user


def elapsed_ms(fn: Callable) -> float:
	start = time.perf_counter()
	fn()
	return (time.perf_counter() - start) * 1000


def paired_medians(call: Callable, optimal: Callable, user: str, repeat: int) -> tuple[float, float]:
	"""Median ms of ``call`` and of ``optimal``, timed in turns as ``user``.

	The hand-written SQL reads the tables directly, whoever the session user is; switching users
	between the two would empty the user's cached roles and permissions before every call."""
	frappe.set_user(user)
	call()  # warm-up (caches, meta)
	optimal()
	app, sql = [], []
	for _i in range(repeat):
		app.append(elapsed_ms(call))
		sql.append(elapsed_ms(optimal))
	return round(statistics.median(app), 1), round(statistics.median(sql), 1)


def time_cases(masters: dict, repeat: int) -> list[dict]:
	"""Median ms of each case, its optimal SQL's and their ratio, as a manager and as an operator."""
	results = []
	operator = masters["operators"][0]
	for role, user in (("manager", masters["manager"]), ("operator", operator)):
		restricted = user if role == "operator" else None
		for name, call, optimal in CASES:
			app_ms, sql_ms = paired_medians(
				lambda call=call, restricted=restricted: call(restricted),
				lambda optimal=optimal, restricted=restricted: optimal(restricted),
				user,
				repeat,
			)
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
