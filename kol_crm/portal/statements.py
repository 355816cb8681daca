"""The KOL's settlement statements on the portal: their own, once approved, with the PDF link.

The PDF is Frappe's (``frappe.utils.print_format.download_pdf``), which lets the portal login
read a statement only through ``permissions.has_statement_website_permission``: its own KOL's
approved or paid statements, decided on the stored record.
"""

from urllib.parse import urlencode

import frappe

from kol_crm import permissions
from kol_crm.portal import views

DOCTYPE = "KOL Settlement Statement"
PRINT_FORMAT = "KOL Settlement Statement"
STATEMENT_FIELDS = [
	"name",
	"period_start",
	"period_end",
	"currency",
	"workflow_state",
	"total_due",
	"paid_amount",
	"balance",
	"payment_date",
]


def pdf_url(name: str, language: str | None = None) -> str:
	return "/api/method/frappe.utils.print_format.download_pdf?" + urlencode(
		{"doctype": DOCTYPE, "name": name, "format": PRINT_FORMAT, "language": language or frappe.local.lang}
	)


def statements(user: str | None = None) -> list[dict]:
	filters = permissions.portal_filters(DOCTYPE, user)
	if filters is None:
		views.not_permitted()
	rows = frappe.get_all(DOCTYPE, filters=filters, fields=STATEMENT_FIELDS, order_by="period_start desc")
	for row in rows:
		row.pdf_url = pdf_url(row.name)
	return rows
