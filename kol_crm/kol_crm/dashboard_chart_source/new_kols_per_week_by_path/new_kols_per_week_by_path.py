"""Dashboard chart: new KOLs per week over the last twelve weeks, one series per intake path.

One grouped query; not cached, so each user sees their own KOLs' figures.
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Count

from kol_crm.kol_crm.report.utils import (
	PATHS,
	chart_source,
	own_kol_criteria,
	week_labels,
	week_start,
	weeks_back,
	where,
)


@chart_source("KOL")
def get(filters: frappe._dict) -> dict:
	weeks = weeks_back()
	kol = frappe.qb.DocType("KOL")
	week = week_start(kol.creation)
	query = (
		frappe.qb.from_(kol)
		.select(kol.intake_path, week, Count("*"))
		.where(kol.creation >= weeks[0])
		.groupby(kol.intake_path, week)
	)
	counts = {(path, str(w)): n for path, w, n in where(query, own_kol_criteria(kol)).run()}
	return {
		"labels": week_labels(weeks),
		"datasets": [
			{"name": _(path), "values": [counts.get((path, str(w)), 0) for w in weeks]} for path in PATHS
		],
	}
