"""Step 1: replace the previous benchmark programme with a newly generated one, timing how it goes in."""

import random
import time

import frappe
from frappe.utils import getdate, now_datetime, nowdate

from kol_crm.benchmarks.data import (
	INTERACTION_COLS,
	KOL_COLS,
	STATE_CHANGE_COLS,
	VERSION_COLS,
	Program,
	interaction_rows,
	kol_rows,
)
from kol_crm.benchmarks.deals import (
	BENEFIT_COLS,
	PARTNERSHIP_COLS,
	PROPOSAL_COLS,
	ROUND_COLS,
	partnership_rows,
	proposal_rows,
)
from kol_crm.benchmarks.figures import comparison_line, generator_lines
from kol_crm.benchmarks.store import clear_previous, compare_with_bulk_insert, load


def generate(size: dict, masters: dict, seed: int = 42) -> Program:
	"""The rows of a programme of ``size``, from one seeded random generator (reproducible)."""
	rng = random.Random(seed)
	now = now_datetime().replace(microsecond=0)
	today = getdate(nowdate())
	kols, versions, changes, kol_info = kol_rows(size["kols"], masters, rng, now, today)
	interactions, last_by_kol = interaction_rows(
		size["interactions"], kol_info, masters["operators"], rng, now
	)
	kols = [(*row, last_by_kol.get(row[0])) for row in kols]
	proposals, benefits, rounds, accepted = proposal_rows(size["proposals"], kol_info, rng, now)
	kol_names = {k[0]: k[7] for k in kols}
	partnerships, more_benefits = partnership_rows(accepted[: size["partnerships"]], kol_names, rng)

	program = Program()
	program.add("KOL", KOL_COLS, kols)
	program.add("Version", VERSION_COLS, versions)
	program.add("KOL State Change", STATE_CHANGE_COLS, changes)
	program.add("KOL Interaction", INTERACTION_COLS, interactions)
	program.add("KOL Proposal", PROPOSAL_COLS, proposals)
	program.add("KOL Partnership", PARTNERSHIP_COLS, partnerships)
	program.add("KOL Benefit", BENEFIT_COLS, benefits + more_benefits)
	program.add("KOL Negotiation Round", ROUND_COLS, rounds)
	return program


def build_programme(size: dict, masters: dict, seed: int, compare_rows: int, commit: bool, say) -> tuple:
	"""Replace the previous benchmark rows with a new programme; its rows/s and the bulk_insert comparison."""
	clear_previous(commit)
	if commit:
		frappe.db.commit()
	start = time.perf_counter()
	program = generate(size, masters, seed)
	generated = time.perf_counter() - start
	tables = load(program, commit)
	total = time.perf_counter() - start
	inserted = sum(t["seconds"] for t in tables.values())
	generator = {
		"rows": program.rows,
		"generate_seconds": round(generated, 2),
		"insert_seconds": round(inserted, 2),
		"total_seconds": round(total, 2),
		"rows_per_second_insert": round(program.rows / inserted) if inserted else None,
		"rows_per_second_total": round(program.rows / total) if total else None,
		"tables": tables,
	}
	for line in generator_lines(generator):
		say(line)
	comparison = compare_with_bulk_insert(program, min(compare_rows, size["interactions"]), commit)
	if comparison:
		say(comparison_line(comparison))
	del program
	if commit:  # refresh the optimizer's statistics (ANALYZE TABLE commits, so not inside a test)
		frappe.db.sql(
			"analyze table `tabKOL`, `tabKOL Interaction`, `tabKOL Proposal`, `tabKOL Partnership`, "
			"`tabKOL State Change`"
		)
	return generator, comparison
