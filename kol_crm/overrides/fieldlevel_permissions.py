"""Keep permlevel-protected fields of kol_crm's DocTypes out of reach of list queries.

Frappe 15's ``DatabaseQuery`` lets a user read a field they have no permission level for in
two ways, both closed here for the "KOL CRM" module's DocTypes (KOL keeps personal data on
permlevel 1 and relies on this on every list path: desk, REST, report view, export):

1. ``apply_fieldlevel_read_permissions`` removes forbidden fields from ``self.fields`` while
   enumerating that same list, so the field right after each removed one is never checked: an
   analyst asking ``fields=["email", "phone"]`` got the phone number. We re-run the check until
   nothing more is removed (on a Frappe without the bug the first pass is already complete).
2. Filters, sorting and grouping are not checked at all, so ``filters={"phone": ["like",
   "+86 130%"]}`` narrows a phone number down digit by digit. We refuse them.
"""

import re

import frappe
from frappe import _
from frappe.model import get_permitted_fields
from frappe.model.db_query import DatabaseQuery
from frappe.utils.data import get_filter

MODULE = "KOL CRM"
_original = DatabaseQuery.apply_fieldlevel_read_permissions


def apply_fieldlevel_read_permissions(self: DatabaseQuery) -> None:
	if not self.flags.ignore_permissions:
		refuse_protected_filters(self)
	if self.as_list:
		# as_list blanks fields in place instead of removing them: no skipping happens
		return _original(self)
	while True:
		before = list(self.fields)
		_original(self)
		if self.fields == before:
			return


def protected_fields(doctype: str, parenttype: str | None = None) -> set[str]:
	"""Fields of ``doctype`` above the permission levels the session user has."""
	meta = frappe.get_meta(doctype)
	if meta.module != MODULE:
		return set()
	leveled = {df.fieldname for df in meta.fields if df.permlevel}
	if not leveled:
		return set()
	permitted = set(get_permitted_fields(doctype, parenttype=parenttype, ignore_virtual=True))
	return leveled - permitted


def refuse_protected_filters(query: DatabaseQuery) -> None:
	protected = protected_fields(query.doctype)
	if not protected:
		return
	for f in [*(query.filters or []), *(query.or_filters or [])]:
		if isinstance(f, str):
			continue
		condition = get_filter(query.doctype, f)
		if condition.doctype == query.doctype and condition.fieldname in protected:
			_refuse(query.doctype, condition.fieldname)
	for clause in (query.order_by, query.group_by):
		for fieldname in protected:
			if clause and re.search(rf"\b{re.escape(fieldname)}\b", str(clause)):
				_refuse(query.doctype, fieldname)


def _refuse(doctype: str, fieldname: str) -> None:
	label = _(frappe.get_meta(doctype).get_label(fieldname))
	frappe.throw(
		_("You are not permitted to filter or sort {0} by {1}.").format(_(doctype), frappe.bold(label)),
		frappe.PermissionError,
		title=_("Not permitted"),
	)


def apply() -> None:
	if getattr(DatabaseQuery.apply_fieldlevel_read_permissions, "_kol_crm_fixed", False):
		return
	apply_fieldlevel_read_permissions._kol_crm_fixed = True
	DatabaseQuery.apply_fieldlevel_read_permissions = apply_fieldlevel_read_permissions
