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
FIRST_DAY = "2000-01-01"  # before any follow-up date
LISTS = (
	# name, filters [(field, operator, value)], order by
	(
		"get_list KOL: Active, External, by modified",
		[("workflow_state", "=", "Active"), ("intake_path", "=", EXTERNAL)],
		"modified desc",
	),
	(
		# the desk's Between filter: Frappe reads ``<=`` on a date as ``ifnull(date, '0001-01-01') <=``
		# (every KOL without a follow-up would come first), and "is set" as ``date != ''``, which
		# walks the index through those KOLs (0.8 s at 100,000 KOLs against 1 ms for Between)
		"get_list KOL: follow-ups due, by date",
		[("next_follow_up_on", "between", (FIRST_DAY, TODAY))],
		"next_follow_up_on asc",
	),
	(
		"get_list KOL: tier + category, by modified",
		[("tier", "=", TIERS[1][0]), ("category", "=", "Bench Niche 1.1")],
		"modified desc",
	),
)


def today_for(value):
	if isinstance(value, tuple):
		return [today_for(v) for v in value]
	return nowdate() if value is TODAY else value


def resolve(filters: list[tuple]) -> list[list]:
	return [[field, op, today_for(value)] for field, op, value in filters]


def sql_condition(field: str, op: str, value, params: dict) -> str:
	"""One filter as hand-written SQL, its values as parameters."""
	keys = [f"p{len(params) + i}" for i in range(2 if op == "between" else 1)]
	params.update(zip(keys, value if op == "between" else [value], strict=True))
	if op == "between":
		return f"{field} between %({keys[0]})s and %({keys[1]})s"
	return f"{field} {op} %({keys[0]})s"


def framework_list(filters: list[tuple], order_by: str):
	"""The timed call: the first page of the list view, as the session's user sees it."""

	def call(user):
		return frappe.get_list(
			"KOL", filters=resolve(filters), fields=LIST_FIELDS, order_by=order_by, limit_page_length=20
		)

	return call


def sql_list(filters: list[tuple], order_by: str):
	"""The same page in hand-written SQL, with the operator's own-KOL condition when ``user`` is given."""

	def call(user):
		cond, params = own(user, "`tabKOL`")
		where = " and ".join(sql_condition(field, op, value, params) for field, op, value in resolve(filters))
		return frappe.db.sql(
			f"select {', '.join(LIST_FIELDS)} from `tabKOL` where {where} and {cond} "
			f"order by {order_by} limit 20",
			params,
		)

	return call


LIST_CASES = tuple((name, framework_list(f, order), sql_list(f, order)) for name, f, order in LISTS)
