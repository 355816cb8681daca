"""``frappe.client`` methods for kol_crm's DocTypes (hooks ``override_whitelisted_methods``).

``set_value``, ``delete`` and ``insert`` of a child row check the row's stored parent record
quietly first: Frappe's own refusal would come from loading the parent and name it.

``get_count``:

Frappe 15's own ``get_count`` checks no permission at all (``frappe.db.count``): any user could
count another operator's KOLs, or KOLs whose phone starts with some digits. Here kol_crm's
DocTypes count through ``frappe.get_list``, so row rules apply and the query guard
(``kol_crm/overrides/db_query.py``) refuses SQL strings and protected fields in the filters.
Other DocTypes keep Frappe's behaviour.
"""

from typing import Any

import frappe
from frappe import _, client
from frappe.client import get_count as frappe_get_count

from kol_crm.overrides.child_permissions import is_guarded_child
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


@frappe.whitelist(methods=["POST", "PUT"])
def set_value(doctype: str, name: str, fieldname: str | dict, value: Any = None) -> dict:
	check_child_row(doctype, name, "write")
	return client.set_value(doctype, name, fieldname, value)


@frappe.whitelist(methods=["POST", "PUT"])
def delete(doctype: str, name: str) -> None:
	check_child_row(doctype, name, "delete")
	return client.delete(doctype, name)


@frappe.whitelist(methods=["POST", "PUT"])
def insert(doc: str | dict | None = None) -> dict:
	values = frappe.parse_json(doc) if isinstance(doc, str) else (doc or {})
	if is_guarded_child(values.get("doctype")) and not (
		values.get("parenttype")
		and values.get("parent")
		and frappe.db.exists(values["parenttype"], values["parent"])
		and frappe.has_permission(values["parenttype"], "write", values["parent"], throw=False)
	):
		frappe.throw(_("Not permitted"), frappe.PermissionError)
	return client.insert(doc)


def check_child_row(doctype: str, name: str, ptype: str) -> None:
	if is_guarded_child(doctype) and not frappe.has_permission(doctype, ptype, name, throw=False):
		frappe.throw(_("Not permitted"), frappe.PermissionError)
