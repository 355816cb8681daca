"""Close a field-level read permission leak in Frappe v15's list queries.

``DatabaseQuery.apply_fieldlevel_read_permissions`` (frappe 15.44) removes forbidden
fields from ``self.fields`` while enumerating that same list, so the field right after each
removed one is never checked: an analyst asking ``fields=["email", "phone"]`` gets the phone
number. kol_crm keeps personal data on permlevel 1 and relies on this check on every list
path (desk, REST, reports, export), so it re-runs the check until nothing more is removed.
On a Frappe without the bug the first pass removes everything and the wrapper is a no-op.
"""

from frappe.model.db_query import DatabaseQuery

_original = DatabaseQuery.apply_fieldlevel_read_permissions


def apply_fieldlevel_read_permissions(self: DatabaseQuery) -> None:
	if self.as_list:
		# as_list blanks fields in place instead of removing them: no skipping happens
		return _original(self)
	while True:
		before = list(self.fields)
		_original(self)
		if self.fields == before:
			return


def apply() -> None:
	if getattr(DatabaseQuery.apply_fieldlevel_read_permissions, "_kol_crm_fixed", False):
		return
	apply_fieldlevel_read_permissions._kol_crm_fixed = True
	DatabaseQuery.apply_fieldlevel_read_permissions = apply_fieldlevel_read_permissions
