"""A child row opened on its own is checked against its stored parent record.

``frappe.client.get``, ``/api/resource/<child>/<name>`` and ``/api/v2/document/<child>/<name>``
load a child row by name and check ``frappe.permissions.has_child_permission``, which asks
``has_permission(parenttype, doc=child.parent_doc)``. A row loaded on its own has no
``parent_doc`` (the attribute exists and is None), so Frappe 15 checks only the parent DocType:
anyone who may read some KOL read every KOL's platform accounts, occasions, and every
proposal's terms, by row name. For the child tables of kol_crm's guarded records we check the
parent **record**, taken from the stored row (a PUT that moves a row to another parent is judged
by where the row is, not where it would go).
"""

from types import SimpleNamespace

import frappe
import frappe.permissions
from frappe.model.base_document import BaseDocument

from kol_crm.permissions import guarded_doctypes

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
	if isinstance(child_doc, BaseDocument) and not child_doc.parent_doc and is_guarded_child(child_doctype):
		child_doc = stored_row(child_doctype, child_doc)
	return _original(child_doctype, ptype, child_doc, user, raise_exception, parent_doctype, debug=debug)


def is_guarded_child(doctype: str) -> bool:
	return doctype in guarded_doctypes()


def stored_row(doctype: str, doc: BaseDocument):
	"""The row's parent as stored (or as given, for a row not saved yet), without a parent_doc."""
	stored = (
		frappe.db.get_value(doctype, doc.name, ["parent", "parenttype", "parentfield"], as_dict=True)
		if doc.name
		else None
	)
	source = stored or doc
	return SimpleNamespace(
		name=doc.name, parent=source.parent, parenttype=source.parenttype, parentfield=source.parentfield
	)


def apply() -> None:
	if getattr(frappe.permissions.has_child_permission, "_kol_crm_fixed", False):
		return
	has_child_permission._kol_crm_fixed = True
	frappe.permissions.has_child_permission = has_child_permission
