"""The benchmarks' figures as the tables they print."""


def generator_lines(generator: dict) -> list[str]:
	"""How fast the programme went in: overall, inserting, and per table."""
	lines = [
		f"generated {generator['rows']:,} rows in {generator['total_seconds']:.1f} s: "
		f"{generator['rows_per_second_total']:,} rows/s overall, "
		f"{generator['rows_per_second_insert']:,} rows/s inserting"
	]
	for doctype, t in generator["tables"].items():
		lines.append(f"  {doctype:<24} {t['rows']:>10,} rows  {t['seconds']:>7.1f} s")
	return lines


def comparison_line(comparison: dict) -> str:
	"""The generator's fast path against ``frappe.db.bulk_insert`` on the same rows."""
	return (
		f"same {comparison['rows']:,} KOL Interaction rows: fast path {comparison['fast_path']:,} rows/s, "
		f"frappe.db.bulk_insert {comparison['bulk_insert']:,} rows/s "
		f"(ratio {comparison['fast_path_vs_bulk_insert']})"
	)


def format_table(rows: list[dict]) -> str:
	"""Each report and list: median ms, the hand-written SQL's ms, their ratio and a note."""
	width = max(len(f"{r['name']} ({r['as']})") for r in rows)
	lines = [f"{'name':<{width}}  {'median ms':>10}  {'optimal SQL ms':>14}  {'ratio':>6}  note"]
	for r in rows:
		note = []
		if r["ratio"] and r["ratio"] > 1.5:
			note.append("> 1.5x")
		if r["median_ms"] >= 1000:
			note.append("prepared report" if r["prepared_report"] else "> 1 s")
		lines.append(
			f"{r['name'] + ' (' + r['as'] + ')':<{width}}  {r['median_ms']:>10.1f}  {r['optimal_sql_ms']:>14.1f}"
			f"  {r['ratio'] or 0:>6.2f}  {', '.join(note)}"
		)
	return "\n".join(lines)


def import_speed_table(result: dict) -> str:
	"""The candidate import against one ``insert()`` per KOL, in rows per second."""
	return "\n".join(
		[
			f"{'path':<34}{'rows':>8}{'rows/s':>10}",
			f"{'insert() one KOL at a time':<34}{result['per_doc_insert_rows']:>8}"
			f"{result['per_doc_insert_rows_per_s']:>10.0f}",
			f"{'candidate import (bulk)':<34}{result['candidate_import_rows']:>8}"
			f"{result['candidate_import_rows_per_s']:>10.0f}",
			f"speed-up: {result['speed_up']}x",
		]
	)
