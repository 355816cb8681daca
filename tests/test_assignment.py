"""New KOLs go round robin to operators through the shipped Assignment Rule."""

import frappe
import pytest
from frappe.cache_manager import clear_doctype_map

from tests import factories as f

RULE = "KOL Operator Round Robin"


@pytest.fixture
def rule():
	doc = frappe.get_doc("Assignment Rule", RULE)
	doc.disabled = 0
	doc.set("users", [{"user": f.OPERATOR_A}, {"user": f.OPERATOR_B}])
	doc.save()
	yield doc
	frappe.db.rollback()
	clear_doctype_map("Assignment Rule", "KOL")
	frappe.clear_document_cache("Assignment Rule", RULE)


def test_the_rule_ships_as_an_editable_fixture():
	doc = frappe.get_doc("Assignment Rule", RULE)
	assert (doc.document_type, doc.rule) == ("KOL", "Round Robin")


def test_new_kols_without_an_operator_go_round_robin(rule):
	frappe.set_user(f.MANAGER)
	first = f.make_kol(operator=None)
	second = f.make_kol(operator=None)
	owners = [frappe.db.get_value("KOL", k.name, "operator") for k in (first, second)]
	assert sorted(owners) == sorted([f.OPERATOR_A, f.OPERATOR_B])
	frappe.set_user(owners[0])
	assert frappe.has_permission("KOL", "write", first.name)


def test_round_robin_within_category(rule):
	from kol_crm.intake import assignment
	from tests import ops_helpers as h

	cats = h.category_tree()
	h.settings(program_categories=[{"category": cats["domain"], "audience_size": 1000}])
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.PermissionError):
		assignment.make_category_rules()
	frappe.set_user(f.MANAGER)
	[name] = assignment.make_category_rules()
	category_rule = frappe.get_doc("Assignment Rule", name)
	assert cats["Skincare"] in category_rule.assign_condition  # sub-categories included
	assert category_rule.priority > rule.priority
	frappe.set_user("Administrator")  # Assignment Rule itself is a System Manager record
	category_rule.set("users", [{"user": f.MANAGER_2}, {"user": f.OPERATOR_B}])
	category_rule.save()
	frappe.set_user(f.MANAGER)
	clear_doctype_map("Assignment Rule", "KOL")

	owners = [
		frappe.db.get_value("KOL", f.make_kol(operator=None, category=cats["Skincare"]).name, "operator")
		for _i in range(3)
	]
	assert owners == [f.MANAGER_2, f.OPERATOR_B, f.MANAGER_2]  # the category's own rotation
	outside = f.make_kol(operator=None)
	assert frappe.db.get_value("KOL", outside.name, "operator") in (f.OPERATOR_A, f.OPERATOR_B)
	assert assignment.make_category_rules() == [name]  # idempotent
	assert frappe.get_doc("Assignment Rule", name).users[0].user == f.MANAGER_2  # edits kept
