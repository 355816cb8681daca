"""Writing the generated rows fast (multi-row INSERTs), against ``frappe.db.bulk_insert``, and clearing them."""

import time

import frappe

from kol_crm.benchmarks.data import INTERACTION_BASE, PREFIX, Program

BATCH = 2000  # rows per INSERT statement
BENCH_TABLES = (
	"KOL Interaction",
	"KOL State Change",
	"KOL Benefit",
	"KOL Deliverable",
	"KOL Negotiation Round",
	"KOL Platform Account",
	"KOL Partnership",
	"KOL Proposal",
	"KOL",
)


def only_benchmark_data() -> bool:
	like = f"{PREFIX}%"
	return frappe.db.count("KOL") == frappe.db.count("KOL", {"name": ("like", like)}) and frappe.db.count(
		"KOL Interaction"
	) == frappe.db.count("KOL Interaction", {"kol": ("like", like)})


def clear_previous(commit: bool = True) -> None:
	"""Remove the rows of an earlier benchmark run (recognised by the KOLB- prefix)."""
	like = f"{PREFIX}%"
	if commit and only_benchmark_data():
		# a dedicated benchmark site: empty the tables outright (TRUNCATE commits, so never in a test)
		for doctype in BENCH_TABLES:
			frappe.db.truncate(doctype)
		frappe.db.sql("delete from `tabVersion` where ref_doctype = 'KOL' and docname like %s", like)
		return
	frappe.db.sql("delete from `tabKOL Interaction` where kol like %s", like)
	frappe.db.sql("delete from `tabKOL State Change` where kol like %s", like)
	frappe.db.sql("delete from `tabVersion` where ref_doctype = 'KOL' and docname like %s", like)
	for parenttype in ("KOL Proposal", "KOL Partnership"):
		for child in ("KOL Benefit", "KOL Deliverable", "KOL Negotiation Round"):
			frappe.db.sql(
				f"delete c from `tab{child}` c inner join `tab{parenttype}` p on p.name = c.parent "
				"where c.parenttype = %s and p.kol like %s",
				(parenttype, like),
			)
	frappe.db.sql("delete from `tabKOL Partnership` where kol like %s", like)
	frappe.db.sql("delete from `tabKOL Proposal` where kol like %s", like)
	frappe.db.sql("delete from `tabKOL` where name like %s", like)


def fast_insert(doctype: str, columns: list[str], rows: list[tuple], commit: bool = True) -> None:
	"""Multi-row parameterised INSERT, ``BATCH`` rows per statement (the generator's fast path)."""
	head = "insert into `tab{}` ({}) values ".format(doctype, ", ".join(f"`{c}`" for c in columns))
	one = "(" + ", ".join(["%s"] * len(columns)) + ")"
	for start in range(0, len(rows), BATCH):
		chunk = rows[start : start + BATCH]
		frappe.db.sql(head + ", ".join([one] * len(chunk)), [v for row in chunk for v in row])
		if commit:
			frappe.db.commit()


def load(program: Program, commit: bool = True) -> dict:
	timings = {}
	for doctype, (columns, rows) in program.tables.items():
		start = time.perf_counter()
		fast_insert(doctype, columns, rows, commit)
		timings[doctype] = {"rows": len(rows), "seconds": round(time.perf_counter() - start, 2)}
	return timings


def compare_with_bulk_insert(program: Program, sample: int, commit: bool = True) -> dict:
	"""Insert the same interaction rows (renumbered) with the fast path and with frappe.db.bulk_insert."""
	columns, rows = program.tables["KOL Interaction"]
	rows = rows[:sample]
	if not rows:
		return {}
	result = {"rows": len(rows)}
	for label, offset in (("fast_path", 2 * INTERACTION_BASE), ("bulk_insert", 3 * INTERACTION_BASE)):
		renumbered = [(offset + i, *row[1:]) for i, row in enumerate(rows)]
		start = time.perf_counter()
		if label == "fast_path":
			fast_insert("KOL Interaction", columns, renumbered, commit)
		else:
			frappe.db.bulk_insert("KOL Interaction", columns, renumbered)
			if commit:
				frappe.db.commit()
		seconds = time.perf_counter() - start
		result[label] = round(len(rows) / seconds)
		frappe.db.sql(
			"delete from `tabKOL Interaction` where name >= %s and name < %s", (offset, offset + len(rows))
		)
		if commit:
			frappe.db.commit()
	result["fast_path_vs_bulk_insert"] = round(result["fast_path"] / result["bulk_insert"], 2)
	return result
