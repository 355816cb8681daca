"""Step 2 for the list views: ``frappe.get_list`` of KOL with common filters beside the same SQL."""

import frappe
from frappe.utils import nowdate

from kol_crm.benchmarks.masters import TIERS
from kol_crm.benchmarks.reports import own
from kol_crm.workflows.kol_lifecycle import EXTERNAL

LIST_FIELDS = [
	"name",
	"kol_name",
	"workflow_state",
	"tier",
	"category",
	"total_followers",
	"next_follow_up_on",
]
TODAY = object()  # stands for the date the list is loaded on
LISTS = (
	# name, filters {field: (operator, value)}, order by
	(
		"get_list KOL: Active, External, by modified",
		{"workflow_state": ("=", "Active"), "intake_path": ("=", EXTERNAL)},
		"modified desc",
	),
	(
		"get_list KOL: follow-ups due, by date",
		{"next_follow_up_on": ("<=", TODAY)},
		"next_follow_up_on asc",
	),
	(
		"get_list KOL: tier + category, by modified",
		{"tier": ("=", TIERS[1][0]), "category": ("=", "Bench Niche 1.1")},
		"modified desc",
	),
)


def resolve(filters: dict) -> dict:
	return {field: (op, nowdate() if value is TODAY else value) for field, (op, value) in filters.items()}


def framework_list(filters: dict, order_by: str):
	"""The timed call: the first page of the list view, as the session's user sees it."""

	def call(user):
		return frappe.get_list(
			"KOL", filters=resolve(filters), fields=LIST_FIELDS, order_by=order_by, limit_page_length=20
		)

	return call


def sql_list(filters: dict, order_by: str):
	"""The same page in hand-written SQL, with the operator's own-KOL condition when ``user`` is given."""

	def call(user):
		cond, params = own(user, "`tabKOL`")
		values = resolve(filters)
		where = " and ".join(f"{field} {op} %({field})s" for field, (op, _value) in values.items())
		params.update({field: value for field, (_op, value) in values.items()})
		return frappe.db.sql(
			f"select {', '.join(LIST_FIELDS)} from `tabKOL` where {where} and {cond} "
			f"order by {order_by} limit 20",
			params,
		)

	return call


LIST_CASES = tuple((name, framework_list(f, order), sql_list(f, order)) for name, f, order in LISTS)
