"""New KOLs go to operators by Frappe Assignment Rules, round robin.

- "KOL Operator Round Robin" (shipped by ``kol_crm.setup.records``, disabled until a manager adds
  operators) takes every new KOL without an owning operator.
- Round robin within category: ``make_category_rules`` copies it once per programme category
  (KOL CRM Settings) with a higher priority and a condition on the category and its
  sub-categories. Each copy keeps its own rotation, and managers edit each copy's operators.
- Frappe assigns with a ToDo; the KOL's owning operator follows the first such assignment, so
  that lists, reports and reminders see the owner.
"""

import frappe
from frappe import _
from frappe.utils.nestedset import get_descendants_of

from kol_crm.permissions import is_manager
from kol_crm.utils.settings import get_settings
from kol_crm.workflows.kol_lifecycle import INITIAL_STATE

GENERIC_RULE = "KOL Operator Round Robin"


def set_operator_from_assignment_rule(todo) -> None:
	"""A KOL without an operator takes the user its Assignment Rule assigned it to (ToDo.after_insert)."""
	if todo.reference_type != "KOL" or not todo.assignment_rule or not todo.reference_name:
		return
	if frappe.db.get_value("KOL", todo.reference_name, "operator"):
		return
	frappe.db.set_value("KOL", todo.reference_name, "operator", todo.allocated_to, update_modified=False)


def category_rule_name(category: str) -> str:
	return f"{GENERIC_RULE}: {category}"


def category_condition(category: str) -> str:
	categories = sorted({category, *get_descendants_of("KOL Category", category, ignore_permissions=True)})
	states = tuple(sorted(INITIAL_STATE.values()))
	return f"workflow_state in {states!r} and not operator and category in {tuple(categories)!r}"


@frappe.whitelist()
def make_category_rules() -> list[str]:
	"""Create (or refresh the condition of) one round-robin rule per programme category."""
	if not is_manager():
		frappe.throw(_("Only a KOL Manager can set up assignment rules."), frappe.PermissionError)
	generic = frappe.get_doc("Assignment Rule", GENERIC_RULE)
	made = []
	for row in get_settings().program_categories:
		name = category_rule_name(row.category)
		if frappe.db.exists("Assignment Rule", name):
			rule = frappe.get_doc("Assignment Rule", name)
		else:
			rule = frappe.copy_doc(generic)
			rule.last_user = None
			rule.priority = (generic.priority or 0) + 1
			rule.description = _("New KOL in {0} to own: qualify it and plan the first follow-up.").format(
				row.category
			)
			rule.disabled = int(generic.disabled or not generic.users)
		rule.assign_condition = category_condition(row.category)
		# a manager sets up the rules; Assignment Rule itself is a System Manager record
		rule.flags.ignore_permissions = True
		if rule.is_new():
			rule.insert(set_name=name)
		else:
			rule.save()
		made.append(rule.name)
	return made
