"""A child row opened on its own is checked against its stored parent record.

``frappe.client.get``, ``/api/resource/<child>/<name>``, ``/api/v2/document/<child>/<name>``,
uploads, bulk updates and deletes check a child row with ``frappe.permissions.has_child_permission``,
which asks ``has_permission(parenttype, doc=child.parent_doc)``. A row loaded on its own, or given
by name, has no ``parent_doc`` (the attribute is None), so Frappe 15 checks only the parent DocType:
anyone who may read some KOL read every KOL's platform accounts, occasions, and every
proposal's terms, by row name. For the child tables of kol_crm's guarded records we check the
parent **record**, taken from the stored row (a PUT that moves a row to another parent is judged
by where the row is, not where it would go). A KOL Event's participant row also follows the KOL
it names (``permissions.may_see_participant``): the event is shared, the row is the KOL's.
"""

from types import SimpleNamespace

import frappe
import frappe.permissions
from frappe import _
from frappe.model.base_document import BaseDocument
from frappe.permissions import push_perm_check_log

from kol_crm.permissions import KOL_ROW_CHILDREN, guarded_doctypes, may_see_participant

_original = frappe.permissions.has_child_permission


def has_child_permission(
	child_doctype,
	ptype="read",
	child_doc=None,
	user=None,
	raise_exception=True,
	parent_doctype=None,
	*,
	debug=False,
):
	if child_doc is None or not is_guarded_child(child_doctype):
		return _original(child_doctype, ptype, child_doc, user, raise_exception, parent_doctype, debug=debug)
	if isinstance(child_doc, str):
		child_doc = stored_row(child_doctype, frappe._dict(name=child_doc))
	elif not isinstance(child_doc, BaseDocument) or not child_doc.parent_doc:
		child_doc = stored_row(child_doctype, child_doc) or child_doc
	# the parent is checked quietly: Frappe's refusal would name the parent record, which the
	# user asked nothing about (and may not know)
	logs = frappe.flags.get("has_permission_check_logs")
	mark = len(logs) if logs is not None else 0
	allowed = child_doc is not None and _original(
		child_doctype, ptype, child_doc, user, False, parent_doctype, debug=debug
	)
	if allowed and child_doctype in KOL_ROW_CHILDREN:
		allowed = may_see_participant(row_kol(child_doctype, child_doc), user)
	if logs is not None:
		del logs[mark:]
	if not allowed:
		push_perm_check_log(_("You are not permitted to access this {0} row.").format(_(child_doctype)))
	return bool(allowed)


def is_guarded_child(doctype: str) -> bool:
	return doctype in guarded_doctypes()


def row_kol(doctype: str, doc) -> str | None:
	"""The KOL a participant row names, as stored (as given for a row not saved yet)."""
	name = doc.get("name") if hasattr(doc, "get") else getattr(doc, "name", None)
	if name and (stored := frappe.db.get_value(doctype, name, "kol")):
		return stored
	return doc.get("kol") if hasattr(doc, "get") else getattr(doc, "kol", None)


def stored_row(doctype: str, doc) -> SimpleNamespace | None:
	"""The row's parent as stored (or as given, for a row not saved yet), as an object without a
	``parent_doc`` (Frappe then loads the parent record by name). None for a name that isn't stored."""
	name = doc.get("name")
	stored = (
		frappe.db.get_value(doctype, name, ["parent", "parenttype", "parentfield"], as_dict=True)
		if name
		else None
	)
	if stored is None and (not isinstance(doc, BaseDocument) or not doc.get("parent")):
		return None
	source = stored or doc
	return SimpleNamespace(
		name=name,
		parent=source.get("parent"),
		parenttype=source.get("parenttype"),
		parentfield=source.get("parentfield"),
	)


def apply() -> None:
	if getattr(frappe.permissions.has_child_permission, "_kol_crm_fixed", False):
		return
	has_child_permission._kol_crm_fixed = True
	frappe.permissions.has_child_permission = has_child_permission
