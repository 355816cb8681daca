"""Overrides of Frappe's whitelisted client methods (hooks ``override_whitelisted_methods``)."""

import frappe
from frappe.client import get_count as frappe_get_count


@frappe.whitelist()
def get_count(doctype: str, filters=None, debug: bool = False, cache: bool = False) -> int:
	"""``frappe.client.get_count`` checks no permission in Frappe 15: any user could count, say,
	another operator's KOLs, or KOLs whose phone starts with some digits. For kol_crm's DocTypes
	count through ``frappe.get_list``, which applies row and field permissions; other DocTypes
	keep Frappe's behaviour."""
	if frappe.get_meta(doctype).module != "KOL CRM":
		return frappe_get_count(doctype, filters=filters, debug=debug, cache=cache)
	rows = frappe.get_list(
		doctype, filters=frappe.parse_json(filters) if filters else None, fields=["count(*) as count"]
	)
	return rows[0].count if rows else 0
