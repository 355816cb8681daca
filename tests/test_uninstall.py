"""The uninstall hooks (kol_crm.setup.uninstall), on what they can be shown without uninstalling.

The whole uninstall, with a reinstall after it, runs on a throwaway site in
tests/scripts/test_data_safety.sh; here the pieces run inside the test's transaction (rolled
back), on one DocType of the app.
"""

import os

import frappe

from kol_crm.setup import uninstall
from tests import factories as f


def test_links_to_the_apps_doctypes_cover_frappes_records_and_skip_logs_and_the_app():
	doctypes = uninstall.app_doctypes()
	links = set(uninstall.links_to_doctypes(doctypes))
	for link in (
		("Version", "ref_doctype"),
		("Comment", "reference_doctype"),
		("Communication", "reference_doctype"),
		("Communication Link", "link_doctype"),
		("ToDo", "reference_type"),
		("File", "attached_to_doctype"),
		("DocShare", "share_doctype"),
		("User Permission", "allow"),
		("Custom Field", "dt"),
		("Property Setter", "doc_type"),
		("Workflow", "document_type"),
		("Kanban Board", "reference_doctype"),
	):
		assert link in links, link
	kept = {doctype for doctype, _field in links} & (uninstall.KEPT_LOGS | set(doctypes))
	assert kept == set()
	assert "KOL CRM Settings" in doctypes and "KOL Platform Account" in doctypes  # the Single, a child


def test_records_pointing_at_an_app_doctype_go_and_others_stay():
	# one small DocType of the app stands for all of them (its records and files are this test's)
	category = frappe.get_doc({"doctype": "KOL Category", "category_name": f.unique("cat")}).insert()
	category.add_comment("Comment", "goes with the app")
	kol_comment = f.make_kol().add_comment("Comment", "stays: another DocType's")
	user_comment = frappe.get_doc("User", f.OPERATOR_A).add_comment("Comment", "stays: a user's")
	frappe.get_doc(
		{
			"doctype": "ToDo",
			"description": "goes",
			"reference_type": "KOL Category",
			"reference_name": category.name,
		}
	).insert()
	attached = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{f.unique()}.txt",
			"attached_to_doctype": "KOL Category",
			"attached_to_name": category.name,
			"is_private": 1,
			"content": f"uninstall test {f.unique()}".encode(),
		}
	).insert(ignore_permissions=True)
	path = attached.get_full_path()
	assert os.path.exists(path)
	frappe.db.set_single_value("KOL CRM Settings", "inactivity_days", 45)

	uninstall.remove_records_pointing_at(["KOL Category", "KOL CRM Settings"])

	for doctype, field in (("Comment", "reference_doctype"), ("ToDo", "reference_type")):
		assert frappe.get_all(doctype, filters={field: "KOL Category"}, pluck="name") == [], doctype
	assert frappe.get_all("File", filters={"attached_to_doctype": "KOL Category"}, pluck="name") == []
	assert not os.path.exists(path)
	assert frappe.db.count("Singles", {"doctype": "KOL CRM Settings"}) == 0
	assert frappe.db.exists("Comment", kol_comment.name)
	assert frappe.db.exists("Comment", user_comment.name)
	# the category itself is Frappe's to drop with its table
	assert frappe.db.exists("KOL Category", category.name)


def test_a_role_a_user_holds_stays_and_the_others_go():
	frappe.db.delete("Has Role", {"role": "KOL Portal User", "parenttype": "User"})
	assert frappe.db.exists("Has Role", {"role": "KOL Manager", "parenttype": "User"})
	uninstall.remove_unheld_roles()
	assert not frappe.db.exists("Role", "KOL Portal User")
	assert [r for r in ("KOL Manager", "KOL Operator", "KOL Analyst") if frappe.db.exists("Role", r)] == [
		"KOL Manager",
		"KOL Operator",
		"KOL Analyst",
	]
