"""Give KOLs that existed before scoring their scores, tier, privileges and explanation."""

import frappe

from kol_crm.intelligence import recompute

INLINE_LIMIT = 2000  # larger programmes are rescored by a background job instead of blocking migrate


def execute():
	if frappe.db.count("KOL") <= INLINE_LIMIT:
		recompute.recompute_all(commit=False)
	else:
		recompute.enqueue_recompute()
