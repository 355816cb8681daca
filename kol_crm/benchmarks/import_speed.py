"""Benchmark: candidate import (kol_crm.intake.candidate_import) against one insert() per KOL.

	bench --site SITE execute kol_crm.benchmarks.import_speed.run --kwargs "{'rows': 10000}"

Both paths save each KOL with Document.insert() (full validation, duplicate check, every
after-save effect) on the same kind of rows; the import checks duplicates for a chunk of rows at
once instead of row by row. Everything is rolled back at the end. Prints a table and returns it
(JSON-able).
"""

import json
import random
import time

import frappe
from frappe.realtime import flush_realtime_log

from kol_crm.benchmarks.figures import import_speed_table
from kol_crm.intake import candidate_import
from kol_crm.intake.candidate_import import read_rows
from kol_crm.utils import jobs

HEADER = "kol_name,email,phone,category,intake_purpose,platform,handle,followers,engagement_rate,platform_2,handle_2,followers_2"


def make_csv(rows: int, tag: str) -> str:
	lines = [HEADER]
	phone_base = random.randint(10**10, 9 * 10**10)
	for i in range(rows):
		lines.append(
			f"Bench {tag} {i},b{i}.{tag}@bench.example,+86 {phone_base + i},,Acquisition,Douyin,b{i}_{tag},{1000 + i},3.5,"
			f"Bilibili,bb{i}_{tag},{i}"
		)
	return "\n".join(lines) + "\n"


def run(rows: int = 10_000, per_doc_rows: int = 500, output: str | None = None) -> dict:
	"""Time both paths (rolled back), print the table, write it to ``output`` as JSON if given."""
	muted, frappe.flags.mute_emails = frappe.flags.mute_emails, True
	try:
		per_doc = time_per_doc_insert(per_doc_rows)
		bulk = time_candidate_import(rows)
	finally:
		frappe.db.rollback()
		frappe.flags.mute_emails = muted
	result = {
		"per_doc_insert_rows": per_doc_rows,
		"per_doc_insert_rows_per_s": round(per_doc, 1),
		"candidate_import_rows": rows,
		"candidate_import_rows_per_s": round(bulk, 1),
		"speed_up": round(bulk / per_doc, 1),
	}
	print(import_speed_table(result))
	if output:
		with open(output, "w") as f:
			json.dump(result, f, indent=1)
	return result


def time_per_doc_insert(rows: int) -> float:
	"""Rows per second through one ``insert()`` per KOL."""
	tag = frappe.generate_hash(length=6)
	docs = read_rows(make_csv(rows, tag))
	start = time.perf_counter()
	for _number, data, _error in docs:
		frappe.get_doc(data).insert()
		_as_if_committed()  # each desk save is a request of its own
	return rows / (time.perf_counter() - start)


def _as_if_committed() -> None:
	"""Send the realtime events (doc_update, list_update) that saves queue until the commit, as a
	commit would: the benchmark rolls back instead, and Frappe scans the queued events on every new
	one, so a 10,000-row transaction would time that scan (quadratic) rather than the saves."""
	if getattr(frappe.local, "_realtime_log", None):
		flush_realtime_log()


class _ImportJob(candidate_import.ImportRun):
	"""The import as its background jobs run it (a commit after each chunk), rolled back at the end."""

	def chunk(self, state):
		result = super().chunk(state)
		_as_if_committed()
		return result


def time_candidate_import(rows: int) -> float:
	"""Rows per second through a KOL Candidate Import of a ``rows``-row file."""
	tag = frappe.generate_hash(length=6)
	file = frappe.get_doc(
		{"doctype": "File", "file_name": f"bench-{tag}.csv", "content": make_csv(rows, tag), "is_private": 1}
	).insert()
	doc = frappe.get_doc({"doctype": "KOL Candidate Import", "import_file": file.file_url}).insert()
	start = time.perf_counter()
	token = candidate_import.begin(doc, enqueue=False)
	jobs.run_to_end(_ImportJob(doc.name), token)
	elapsed = time.perf_counter() - start
	doc.reload()
	assert doc.created_count == rows, (doc.created_count, doc.failed_count)
	return rows / elapsed
