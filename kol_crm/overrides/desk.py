"""Small desk endpoints of Frappe 15 that act on a record without checking the record.

- ``frappe.desk.like.toggle_like`` writes ``_liked_by`` and a Like comment on any record, read
  permission or not;
- ``frappe.desk.search.get_link_title`` returns the title of any record by name;
- ``frappe.core.api.file.get_attached_images`` lists the files attached to any records;
- ``frappe.templates.includes.comments.comments.add_comment`` (website comments) comments on
  any record for any logged-in user;
- ``frappe.desk.form.assign_to.remove`` / ``remove_multiple`` / ``close`` take
  ``ignore_permissions`` from the client.

For kol_crm's guarded DocTypes (a KOL, what hangs off it, imports) these overrides check the
record the way every other path does; for other DocTypes they are Frappe's own functions.
"""

import frappe
from frappe import _
from frappe.core.api import file as file_api
from frappe.desk import like, search
from frappe.desk.form import assign_to as assignments
from frappe.templates.includes.comments import comments as website_comments

from kol_crm.permissions import guarded_doctypes


def guarded(doctype: str | None) -> bool:
	return bool(doctype) and doctype in guarded_doctypes()


def check_record(doctype: str, name: str, ptype: str = "read") -> None:
	if not frappe.db.exists(doctype, name) or not frappe.has_permission(doctype, ptype, name):
		frappe.throw(_("Not permitted"), frappe.PermissionError)


@frappe.whitelist()
def toggle_like(doctype: str, name: str, add: str | bool = False) -> None:
	if guarded(doctype):
		check_record(doctype, name)
	like.toggle_like(doctype, name, add)


@frappe.whitelist(allow_guest=True)
def add_comment(
	comment: str,
	comment_email: str,
	comment_by: str,
	reference_doctype: str,
	reference_name: str,
	route: str | None = None,
) -> object:
	if guarded(reference_doctype):
		check_record(reference_doctype, reference_name)
	return website_comments.add_comment(
		comment, comment_email, comment_by, reference_doctype, reference_name, route
	)


@frappe.whitelist()
def get_link_title(doctype: str, docname: str) -> str | None:
	if guarded(doctype) and not (
		frappe.db.exists(doctype, docname) and frappe.has_permission(doctype, "read", docname)
	):
		return docname
	return search.get_link_title(doctype, docname)


@frappe.whitelist()
def get_attached_images(doctype: str, names: list[str] | str) -> frappe._dict:
	if guarded(doctype):
		names = frappe.parse_json(names) if isinstance(names, str) else names
		names = [
			n for n in names if frappe.db.exists(doctype, n) and frappe.has_permission(doctype, "read", n)
		]
	return file_api.get_attached_images(doctype, names)


@frappe.whitelist()
def remove(doctype: str, name: str, assign_to: str, ignore_permissions: bool = False) -> list:
	return assignments.remove(
		doctype, name, assign_to, ignore_permissions=trusted(doctype, ignore_permissions)
	)


@frappe.whitelist()
def remove_multiple(doctype: str, names: str, ignore_permissions: bool = False) -> None:
	return assignments.remove_multiple(
		doctype, names, ignore_permissions=trusted(doctype, ignore_permissions)
	)


@frappe.whitelist()
def close(doctype: str, name: str, assign_to: str, ignore_permissions: bool = False) -> list:
	return assignments.close(
		doctype, name, assign_to, ignore_permissions=trusted(doctype, ignore_permissions)
	)


def trusted(doctype: str, ignore_permissions) -> bool:
	"""A client's ``ignore_permissions`` is never honoured on kol_crm's guarded records."""
	return bool(frappe.utils.cint(ignore_permissions)) and not guarded(doctype)
