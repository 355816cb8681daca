"""Settlement statements of the demo: a KOL whose partnership earns a revenue share gets its
statement of the last month through the real workflow (submitted by its operator, approved by the
manager, paid in part with a wire reference), and the current month's draft, which brings the
unpaid rest forward (``kol_crm.settlements.statements``)."""

import frappe
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, flt, getdate, nowdate

from kol_crm.demo.users import MANAGER
from kol_crm.settlements import statements

DOCTYPE = "KOL Settlement Statement"
PAYMENT_REFERENCE = "DEMO-WIRE-0001"
PAID_SHARE = 0.8  # the demo's first statement is paid in part: the rest is brought forward


def settled_kol(kols: list[str], period_end) -> str | None:
	"""The first demo KOL (with an operator) whose partnership earns a revenue share by the period's end."""
	names = frappe.get_all(
		"KOL Partnership",
		filters={
			"kol": ("in", kols or [""]),
			"revenue_share_due": (">", 0),
			"start_date": ("<=", period_end),
			"status": ("!=", "Terminated"),
		},
		pluck="kol",
		order_by="name asc",
	)
	for kol in names:
		if frappe.db.get_value("KOL", kol, "operator"):
			return kol
	return None


def as_user(user: str, doc, action: str):
	previous = frappe.session.user
	frappe.set_user(user)
	try:
		return apply_workflow(frappe.get_doc(DOCTYPE, doc), action)
	finally:
		frappe.set_user(previous)


def add_statements(kols: list[str]) -> list[str]:
	start, end = statements.last_ended_period()
	kol = settled_kol(kols, end)
	if not kol:
		return []
	last, _created = statements.make_statement(kol, start)
	if not last:
		return []
	as_user(frappe.db.get_value("KOL", kol, "operator"), last, "Submit for Approval")
	as_user(MANAGER, last, "Approve")
	doc = frappe.get_doc(DOCTYPE, last)
	doc.payment_reference = PAYMENT_REFERENCE
	doc.payment_date = min(getdate(add_days(end, 2)), getdate(nowdate()))
	doc.paid_amount = flt(doc.total_due * PAID_SHARE, 2)
	doc.save()
	as_user(MANAGER, last, "Mark Paid")
	current, _created = statements.make_statement(kol, nowdate())
	return [last, *([current] if current else [])]
