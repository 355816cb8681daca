"""``frappe.desk.listview.get_group_by_count`` (the list sidebar's group-by counts) with row rules.

For "Assigned To", Frappe 15 counts ToDos over ``frappe.qb.get_query(doctype, filters)``, which
applies no permission and checks filters only for existence: an operator saw how many of other
operators' KOLs each user holds, and an analyst could count KOLs by a personal field. For
kol_crm's DocTypes the records are taken through ``frappe.get_list`` instead (row rules and the
query guard apply); everything else is Frappe's own function.
"""

import frappe
from frappe.desk import listview
from frappe.query_builder import Order
from frappe.query_builder.functions import Count

from kol_crm.overrides.db_query import is_guarded


@frappe.whitelist()
def get_group_by_count(doctype: str, current_filters: str, field: str) -> list[dict]:
	if not is_guarded(doctype) or field != "assigned_to":
		return listview.get_group_by_count(doctype, current_filters, field)
	names = frappe.get_list(
		doctype, filters=frappe.parse_json(current_filters), pluck="name", limit_page_length=0
	)
	if not names:
		return []
	todo = frappe.qb.DocType("ToDo")
	user = frappe.qb.DocType("User")
	count = Count("*").as_("count")
	return (
		frappe.qb.from_(todo)
		.from_(user)
		.select(todo.allocated_to.as_("name"), count)
		.where(
			(todo.status != "Cancelled")
			& (todo.allocated_to == user.name)
			& (user.user_type == "System User")
			& (todo.reference_type == doctype)
			& (todo.reference_name.isin(names))
		)
		.groupby(todo.allocated_to)
		.orderby(count, order=Order.desc)
		.limit(50)
		.run(as_dict=True)
	)
