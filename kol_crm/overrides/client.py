"""``frappe.client.get_count`` for kol_crm's DocTypes (hooks ``override_whitelisted_methods``).

Frappe 15's own ``get_count`` checks no permission at all (``frappe.db.count``): any user could
count another operator's KOLs, or KOLs whose phone starts with some digits. Here kol_crm's
DocTypes count through ``frappe.get_list``, so row rules apply and the query guard
(``kol_crm/overrides/db_query.py``) refuses SQL strings and protected fields in the filters.
Other DocTypes keep Frappe's behaviour.
"""

import frappe
from frappe import _
from frappe.client import get_count as frappe_get_count

from kol_crm.overrides.db_query import is_guarded, refuse


@frappe.whitelist()
def get_count(
	doctype: str, filters: str | dict | list | None = None, debug: bool = False, cache: bool = False
) -> int:
	if not is_guarded(doctype):
		return frappe_get_count(doctype, filters=filters, debug=debug, cache=cache)
	try:
		parsed = frappe.parse_json(filters) if filters else None
	except ValueError:
		parsed = filters
	if isinstance(parsed, str):
		refuse(_("Filters on {0} must be conditions on fields, not SQL.").format(_(doctype)))
	rows = frappe.get_list(doctype, filters=parsed, fields=["count(*) as count"])
	return rows[0].count if rows else 0
