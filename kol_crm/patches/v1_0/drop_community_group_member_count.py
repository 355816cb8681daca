"""KOL Community Group's Active Members is counted from its memberships now (a virtual field):
the column that stored the count is dropped. It held a copy of what the memberships say, so
nothing is lost, and a stale copy can't be read through a list or a query any more."""

import frappe

DOCTYPE = "KOL Community Group"
COLUMN = "member_count"


def execute():
	if frappe.db.has_column(DOCTYPE, COLUMN):
		frappe.db.sql_ddl(f"alter table `tab{DOCTYPE}` drop column `{COLUMN}`")  # constants, no input
		frappe.cache.hdel("table_columns", f"tab{DOCTYPE}")
