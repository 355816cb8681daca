"""Dashboard chart: interactions per week over the last twelve weeks.

One grouped query on the interaction date index; not cached, so each user sees the
interactions of their own KOLs only.
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Count

from kol_crm.kol_crm.report.utils import (
	chart_source,
	own_kol_criteria,
	week_labels,
	week_start,
	weeks_back,
	where,
)


@chart_source("KOL Interaction")
def get(filters: frappe._dict) -> dict:
	weeks = weeks_back()
	interaction = frappe.qb.DocType("KOL Interaction")
	kol = frappe.qb.DocType("KOL")
	week = week_start(interaction.interaction_on)
	query = (
		frappe.qb.from_(interaction)
		.select(week, Count("*"))
		.where(interaction.interaction_on >= weeks[0])
		.groupby(week)
	)
	access = own_kol_criteria(kol)
	if access:
		query = query.inner_join(kol).on(kol.name == interaction.kol)
	counts = {str(w): n for w, n in where(query, access).run()}
	return {
		"labels": week_labels(weeks),
		"datasets": [{"name": _("Interactions"), "values": [counts.get(str(w), 0) for w in weeks]}],
	}
