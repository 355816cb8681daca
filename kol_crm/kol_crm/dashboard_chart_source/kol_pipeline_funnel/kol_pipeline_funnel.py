"""Dashboard chart: the KOL pipeline funnel, KOLs at or beyond each stage of both intake paths.

Counted from current states only (one grouped query), so it stays instant at any size; the
KOL Pipeline report adds what the version history knows. Not cached: each user sees their
own KOLs' figures.
"""

import frappe
from frappe import _

from kol_crm.kol_crm.report.kol_pipeline.kol_pipeline import pipeline_rows, state_counts
from kol_crm.kol_crm.report.utils import FUNNEL, PATHS, parse_filters


@frappe.whitelist()
def get(
	chart_name: str | None = None,
	chart: str | dict | None = None,
	no_cache: str | int | None = None,
	filters: str | dict | list | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	timespan: str | None = None,
	time_interval: str | None = None,
	heatmap_year: str | int | None = None,
	refresh: str | int | None = None,
) -> dict:
	frappe.has_permission("KOL", "read", throw=True)
	filters = parse_filters(filters if isinstance(filters, dict) else None)
	rows = pipeline_rows(state_counts(filters), [], list(PATHS))
	labels, values = [], []
	for path in PATHS:
		for row in (r for r in rows if r["intake_path"] == path and r.get("reached") is not None):
			label = _(row["state"])
			if row["state"] == FUNNEL[path][-1]:
				label = _("{0} ({1})").format(label, _(path))
			labels.append(label)
			values.append(row["reached"])
	return {"labels": labels, "datasets": [{"name": _("KOLs"), "values": values}]}
