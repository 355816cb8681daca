"""The optional ERPNext integration: an approved statement becomes a Purchase Invoice for the
KOL's Supplier. kol_crm works without ERPNext: nothing here imports it, and without it the
button is hidden (the form reads ``frappe.boot.versions``) and the method says why it can't."""

import frappe
from frappe import _

from kol_crm import permissions
from kol_crm.workflows import kol_settlement as workflow


def erpnext_installed() -> bool:
	return "erpnext" in frappe.get_installed_apps()


@frappe.whitelist()
def make_purchase_invoice(statement: str) -> str:
	"""A draft Purchase Invoice of the approved statement, for the Supplier named as the KOL."""
	if not permissions.may_manage_statements():
		frappe.throw(
			_("Only a KOL Manager makes a Purchase Invoice from a statement."),
			frappe.PermissionError,
			title=_("Not permitted"),
		)
	if not erpnext_installed():
		frappe.throw(
			_(
				"ERPNext is not installed on this site: a statement can't become a Purchase Invoice. Pay the KOL and mark the statement paid with the payment's reference."
			),
			title=_("ERPNext not installed"),
		)
	doc = frappe.get_doc("KOL Settlement Statement", statement)
	doc.check_permission("write")
	if doc.workflow_state not in (workflow.APPROVED, workflow.PAID):
		frappe.throw(_("Only an approved statement becomes a Purchase Invoice."), title=_("Not approved"))
	if doc.purchase_invoice:
		frappe.throw(
			_("Statement {0} already has Purchase Invoice {1}.").format(doc.name, doc.purchase_invoice)
		)
	supplier = frappe.db.get_value("Supplier", {"supplier_name": doc.kol_name}, "name")
	if not supplier:
		frappe.throw(
			_("Create a Supplier named {0} for this KOL first.").format(frappe.bold(doc.kol_name)),
			title=_("No Supplier"),
		)
	invoice = frappe.get_doc(
		{
			"doctype": "Purchase Invoice",
			"supplier": supplier,
			"currency": doc.currency,
			"bill_no": doc.name,
			"items": [
				{
					"item_name": _(line.line_type),
					"description": " ".join(
						filter(None, [_(line.line_type), line.partnership, line.description])
					),
					"qty": 1,
					"rate": line.amount,
				}
				for line in doc.lines
			],
		}
	).insert()
	frappe.db.set_value("KOL Settlement Statement", doc.name, "purchase_invoice", invoice.name)
	return invoice.name
