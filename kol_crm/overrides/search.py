"""Link search (``frappe.desk.search.search_widget`` / ``search_link``) with validated arguments.

Frappe 15 (checked on 15.44) trusts the client with three of search_widget's arguments:

- ``filter_fields`` is wrapped in backticks without escaping, so any desk user can put a
  subquery in it and read any table (for example the Administrator's session id from
  ``tabSessions``): an account takeover, on every DocType, no special role needed.
- ``ignore_user_permissions=1`` turns into ``ignore_permissions=True`` for anyone with read or
  select on the DocType, which also drops every ``permission_query_conditions`` row rule: an
  operator could search every operator's KOLs.
- ``page_length`` is unbounded.

These overrides check the arguments against the DocType's meta and the user's permissions and
then call Frappe's own function, so behaviour is otherwise exactly core's:
``filter_fields`` and ``searchfield`` must be fields of the DocType the user may read,
``reference_doctype`` must be a DocType, ``ignore_user_permissions`` is honoured only as Frappe
means it (a Link field of ``reference_doctype`` pointing at ``doctype`` with "Ignore User
Permissions" set) and never on a DocType with a row rule, and ``page_length`` is capped.
Frappe versions that escape ``filter_fields`` themselves still benefit from the rest.
"""

import json

import frappe
from frappe import _
from frappe.desk import search
from frappe.model import default_fields, get_permitted_fields, optional_fields

MAX_PAGE_LENGTH = 100
STANDARD = frozenset((*default_fields, *optional_fields))


@frappe.whitelist()
def search_link(
	doctype: str,
	txt: str,
	query: str | None = None,
	filters: str | dict | list | None = None,
	page_length: int = 10,
	searchfield: str | None = None,
	reference_doctype: str | None = None,
	ignore_user_permissions: bool = False,
) -> list:
	results = search_widget(
		doctype,
		(txt or "").strip(),
		query,
		searchfield=searchfield,
		page_length=page_length,
		filters=filters,
		reference_doctype=reference_doctype,
		ignore_user_permissions=ignore_user_permissions,
	)
	return search.build_for_autosuggest(results, doctype=doctype)


@frappe.whitelist()
def search_widget(
	doctype: str,
	txt: str,
	query: str | None = None,
	searchfield: str | None = None,
	start: int = 0,
	page_length: int = 10,
	filters: str | dict | list | None = None,
	filter_fields: str | list | None = None,
	as_dict: bool = False,
	reference_doctype: str | None = None,
	ignore_user_permissions: bool = False,
) -> list:
	if not frappe.db.exists("DocType", doctype):
		frappe.throw(_("DocType {0} not found").format(doctype), frappe.DoesNotExistError)
	if reference_doctype and not frappe.db.exists("DocType", reference_doctype):
		frappe.throw(_("DocType {0} not found").format(reference_doctype), frappe.DoesNotExistError)
	fields = parse_filter_fields(filter_fields)
	check_fields(doctype, [*fields, *([searchfield] if searchfield else [])])
	return search.search_widget(
		doctype,
		txt,
		query,
		searchfield=searchfield,
		start=max(frappe.utils.cint(start), 0),
		page_length=page_length_within_limit(page_length),
		filters=filters,
		filter_fields=json.dumps(fields) if fields else None,
		as_dict=as_dict,
		reference_doctype=reference_doctype,
		ignore_user_permissions=may_ignore_user_permissions(
			doctype, reference_doctype, ignore_user_permissions
		),
	)


def parse_filter_fields(filter_fields) -> list[str]:
	if not filter_fields:
		return []
	if isinstance(filter_fields, str):
		try:
			filter_fields = json.loads(filter_fields)
		except ValueError:
			filter_fields = [filter_fields]
	if not isinstance(filter_fields, list) or not all(isinstance(f, str) for f in filter_fields):
		frappe.throw(_("filter_fields must be a list of field names."), frappe.ValidationError)
	return [f.strip() for f in filter_fields]


def check_fields(doctype: str, fieldnames: list[str]) -> None:
	"""Each name is a field of ``doctype`` (or a standard column) that the user may read."""
	if not fieldnames:
		return
	meta = frappe.get_meta(doctype)
	permitted = set(get_permitted_fields(doctype, ignore_virtual=True)) | STANDARD
	for fieldname in fieldnames:
		if fieldname not in STANDARD and not meta.has_field(fieldname):
			frappe.throw(
				_("{0} is not a field of {1}.").format(
					frappe.bold(frappe.utils.escape_html(fieldname)), _(doctype)
				),
				frappe.PermissionError,
			)
		if fieldname not in permitted and not meta.istable:
			frappe.throw(
				_("You are not permitted to search {0} by {1}.").format(_(doctype), frappe.bold(fieldname)),
				frappe.PermissionError,
			)


def page_length_within_limit(page_length) -> int:
	length = frappe.utils.cint(page_length)
	return MAX_PAGE_LENGTH if length <= 0 or length > MAX_PAGE_LENGTH else length


def may_ignore_user_permissions(doctype: str, reference_doctype: str | None, requested) -> bool:
	"""As Frappe means it: a Link field that ignores user permissions, on a DocType without a row rule."""
	if not frappe.utils.cint(requested) or not reference_doctype:
		return False
	if frappe.get_hooks("permission_query_conditions", {}).get(doctype):
		return False
	return any(
		df.options == doctype and df.ignore_user_permissions
		for df in frappe.get_meta(reference_doctype).get_link_fields()
	)
