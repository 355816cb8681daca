"""Dashboard chart: the KOL pipeline funnel, KOLs at or beyond each stage of both intake paths.

Counted from current states only (one grouped query), so it stays instant at any size; the
KOL Pipeline report adds what the KOLs' state log knows. Not cached: each user sees their
own KOLs' figures.
"""

import frappe
from frappe import _

from kol_crm.kol_crm.report.kol_pipeline.kol_pipeline import pipeline_rows, state_counts
from kol_crm.kol_crm.report.utils import FUNNEL, PATHS, chart_source, parse_filters


@chart_source("KOL")
def get(filters: frappe._dict) -> dict:
	rows = pipeline_rows(state_counts(filters), [], {}, list(PATHS))
	labels, values = [], []
	for path in PATHS:
		for row in (r for r in rows if r["intake_path"] == path and r.get("reached") is not None):
			label = _(row["state"])
			if row["state"] == FUNNEL[path][-1]:
				label = _("{0} ({1})").format(label, _(path))
			labels.append(label)
			values.append(row["reached"])
	return {"labels": labels, "datasets": [{"name": _("KOLs"), "values": values}]}
