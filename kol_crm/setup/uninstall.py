"""Uninstall: what kol_crm made outside its own module goes with it.

``bench --site SITE uninstall-app kol_crm`` deletes the app's module: its DocTypes (the tables are
dropped) and the records that link the Module Def (reports, workspace, web form, number cards,
charts, chart sources). It leaves everything else, so before this hook an uninstalled site kept:

- the records kol_crm ships in Frappe's own DocTypes: workflows, Workflow States and Workflow
  Action Masters, Email Templates, Kanban Boards, the round-robin Assignment Rules, the roles,
  the "KOL Portal" user the portal's writes are stamped with;
- every record of another DocType that points at one of the app's DocTypes: the KOLs' Versions,
  Comments, Communications, ToDos, Files (and the files on disk), shares, follows, tags, User
  Permissions, Custom Fields, Property Setters, Notifications, Prepared Reports...;
- the values of KOL CRM Settings (a Single: Frappe deletes its DocType but not its values, which a
  reinstall would have found again), and the encrypted values of its documents (``__Auth``).

``before_uninstall`` removes them while the app's DocTypes still exist (they say what points at
them); ``after_uninstall`` removes the roles no user holds. Kept on purpose:

- the roles some user holds, so that the users keep them if the app is installed again (they
  give nothing while the app is not there);
- Frappe's own Workflow States and Actions (Pending, Approved, Rejected; Approve, Reject,
  Review) and any state or action another workflow uses;
- the logs of what happened (``KEPT_LOGS``: sent emails, errors, activity, Deleted Documents);
- a reference to an app DocType in a setting of another record (an Email Account's or IMAP
  folder's "append to", a User Type's "apply user permission on") is emptied, not the record
  deleted;
- the naming series counters (``tabSeries``): counters, not records.
"""

import os

import frappe
from frappe.query_builder import DocType

from kol_crm.permissions import PORTAL, ROLES
from kol_crm.portal.actor import remove_actor
from kol_crm.setup.boards import remove_boards
from kol_crm.setup.email_templates import remove_email_templates
from kol_crm.workflows import all_definitions, build_workflow_records

MODULE = "KOL CRM"
APP_ROLES = (*ROLES, PORTAL)
# Frappe creates these on every site (frappe/utils/install.py): shared with other apps' workflows
FRAPPE_WORKFLOW_STATES = ("Pending", "Approved", "Rejected")
FRAPPE_WORKFLOW_ACTIONS = ("Approve", "Reject", "Review")
# logs of what happened, kept as they are (a Deleted Document is what the uninstall itself writes)
KEPT_LOGS = frozenset(
	(
		"Activity Log",
		"Access Log",
		"Deleted Document",
		"Email Queue",
		"Energy Point Log",
		"Error Log",
		"Integration Request",
		"Submission Queue",
	)
)
# a setting of a record the administrator made: emptied, the record kept
CLEARED_FIELDS = frozenset(
	(
		("Email Account", "append_to"),
		("IMAP Folder", "append_to"),
		("User Type", "apply_user_permission_on"),
	)
)
# a DocType's own definition (deleted with the DocType)
DOCTYPE_PARTS = frozenset(("DocType", "DocField", "DocPerm", "DocType Action", "DocType State"))
CHUNK = 1000


def before_uninstall() -> None:
	doctypes = app_doctypes()
	reports = frappe.get_all("Report", filters={"module": MODULE}, pluck="name")
	remove_email_templates()
	remove_boards()
	for wf in all_definitions():
		frappe.delete_doc_if_exists("Workflow", wf.name, force=True)
	# the round-robin rules for new KOLs (shipped one and its per-category copies)
	for rule in frappe.get_all(
		"Assignment Rule", {"name": ("like", "KOL Operator Round Robin%")}, pluck="name"
	):
		frappe.delete_doc("Assignment Rule", rule, force=True, ignore_permissions=True)
	remove_workflow_records()
	remove_prepared_reports(reports)
	remove_records_pointing_at(doctypes)
	remove_actor()  # after the Versions and Comments it stamped on the app's records
	frappe.cache.hdel("workflow", "KOL")
	frappe.cache.hdel("workflow", "KOL Proposal")
	frappe.cache.hdel("workflow", "KOL Content")
	frappe.cache.hdel("workflow", "KOL Case Study")


def after_uninstall() -> None:
	remove_unheld_roles()
	frappe.db.commit()  # Frappe has committed the uninstall before this hook runs
	frappe.clear_cache()


def app_doctypes() -> list[str]:
	"""The app's DocTypes, child tables and the Single included."""
	return frappe.get_all("DocType", filters={"module": MODULE}, pluck="name")


def links_to_doctypes(exclude: list[str]) -> list[tuple[str, str]]:
	"""(DocType, field) of every Link-to-DocType field of the other DocTypes that store rows."""
	fields = frappe.get_all(
		"DocField", filters={"fieldtype": "Link", "options": "DocType"}, fields=["parent", "fieldname"]
	) + frappe.get_all(
		"Custom Field",
		filters={"fieldtype": "Link", "options": "DocType"},
		fields=["dt as parent", "fieldname"],
	)
	found = []
	for row in fields:
		if row.parent in exclude or row.parent in DOCTYPE_PARTS or row.parent in KEPT_LOGS:
			continue
		if not frappe.db.exists("DocType", row.parent):
			continue
		meta = frappe.get_meta(row.parent)
		if meta.issingle or meta.is_virtual:
			continue
		found.append((row.parent, row.fieldname))
	return sorted(set(found))


def remove_records_pointing_at(doctypes: list[str]) -> None:
	"""Delete (or, for ``CLEARED_FIELDS``, empty) what points at the app's DocTypes."""
	if not doctypes:
		return
	links = links_to_doctypes(doctypes)
	# Files first: deleting one comments on its document, which is deleted next
	for doctype, field in sorted(links, key=lambda link: link[0] != "File"):
		if (doctype, field) in CLEARED_FIELDS:
			table = DocType(doctype)
			frappe.qb.update(table).set(table[field], None).where(table[field].isin(doctypes)).run()
		elif doctype == "File":
			remove_files({field: ("in", doctypes)})
		else:
			delete_rows(doctype, {field: ("in", doctypes)})
	frappe.db.delete("Custom DocPerm", {"parent": ("in", doctypes)})
	frappe.db.delete("Singles", {"doctype": ("in", doctypes)})  # KOL CRM Settings' values
	frappe.db.delete("__global_search", {"doctype": ("in", doctypes)})
	frappe.db.delete("__Auth", {"doctype": ("in", doctypes)})  # encrypted values of its documents
	frappe.db.delete("__UserSettings", {"doctype": ("in", doctypes)})
	frappe.db.delete("List View Settings", {"name": ("in", doctypes)})


def delete_rows(doctype: str, filters: dict) -> None:
	"""Delete the rows and their child rows, in chunks, without each row's hooks (they would look
	up the documents the rows point at, which are going too)."""
	children = [df.options for df in frappe.get_meta(doctype).get_table_fields()]
	if not children:
		frappe.db.delete(doctype, filters)
		return
	while names := frappe.get_all(doctype, filters=filters, pluck="name", limit=CHUNK, order_by="name"):
		for child in children:
			frappe.db.delete(child, {"parenttype": doctype, "parent": ("in", names)})
		frappe.db.delete(doctype, {"name": ("in", names)})


def remove_files(filters: dict) -> None:
	"""Delete the File records and their files on disk (unless another File shares the file)."""
	for name in frappe.get_all("File", filters=filters, pluck="name"):
		file = frappe.get_doc("File", name)
		shared = file.file_url and frappe.db.exists("File", {"file_url": file.file_url, "name": ("!=", name)})
		if file.content_hash and not shared:
			shared = frappe.db.exists("File", {"content_hash": file.content_hash, "name": ("!=", name)})
		if not file.is_folder and file.file_url and not shared:
			path = file.get_full_path()
			if os.path.exists(path):
				file.delete_file_data_content()
		frappe.db.delete("File", {"name": name})


def remove_prepared_reports(reports: list[str]) -> None:
	"""A prepared run of one of the app's reports (and its attached result) goes with the report."""
	for name in frappe.get_all("Prepared Report", filters={"report_name": ("in", reports)}, pluck="name"):
		remove_files({"attached_to_doctype": "Prepared Report", "attached_to_name": name})
		frappe.db.delete("Prepared Report", {"name": name})


def remove_workflow_records() -> None:
	"""The app's Workflow States and Actions that no remaining workflow uses (after its workflows
	are deleted); Frappe's own stay."""
	records = build_workflow_records()
	states = [r["name"] for r in records["Workflow State"] if r["name"] not in FRAPPE_WORKFLOW_STATES]
	actions = [
		r["name"] for r in records["Workflow Action Master"] if r["name"] not in FRAPPE_WORKFLOW_ACTIONS
	]
	used_states = set(frappe.get_all("Workflow Document State", pluck="state")) | set(
		frappe.get_all("Workflow Transition", pluck="state")
	)
	used_states |= set(frappe.get_all("Workflow Transition", pluck="next_state"))
	used_actions = set(frappe.get_all("Workflow Transition", pluck="action"))
	for state in states:
		if state not in used_states:
			frappe.delete_doc_if_exists("Workflow State", state, force=True)
	for action in actions:
		if action not in used_actions:
			frappe.delete_doc_if_exists("Workflow Action Master", action, force=True)


def remove_unheld_roles() -> None:
	"""The app's roles no user holds; a role a user holds stays, so that the user keeps it when the
	app is installed again."""
	for role in APP_ROLES:
		if not frappe.db.exists("Role", role):
			continue
		if frappe.db.exists("Has Role", {"role": role, "parenttype": "User"}):
			continue
		frappe.db.delete("Has Role", {"role": role})
		frappe.db.delete("Custom DocPerm", {"role": role})
		frappe.delete_doc("Role", role, force=True, ignore_permissions=True)
