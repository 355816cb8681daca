"""Shared helper for the daily jobs: one bad KOL is logged and skipped, never stops the run."""

from collections.abc import Callable, Iterable

import frappe


def for_each(items: Iterable, fn: Callable, title: str) -> list:
	"""Call ``fn(item)`` inside a savepoint per item; failures are rolled back and logged."""
	done = []
	for item in items:
		frappe.db.savepoint("kol_job_item")
		try:
			fn(item)
		except Exception:
			frappe.db.rollback(save_point="kol_job_item")
			frappe.log_error(title=title.format(item.get("name") if isinstance(item, dict) else item))
			continue
		frappe.db.release_savepoint("kol_job_item")
		done.append(item)
	return done
