"""Deliverables and benefits, shared by KOL Proposal and KOL Partnership."""

import frappe
from frappe import _
from frappe.utils import flt

from kol_crm.kol_crm import validation as v


def validate_benefits(doc) -> None:
	for row in doc.get("benefits") or []:
		label = v.row_label(row)
		if row.benefit_type == "Cash" and flt(row.amount) <= 0:
			v.invalid(_("{0}a Cash benefit needs an Amount greater than 0.").format(label))
		if row.benefit_type == "Revenue Share":
			if not 0 < flt(row.revenue_share_percent) <= 100:
				v.invalid(
					_("{0}a Revenue Share benefit needs a Revenue Share (%) between 0 and 100.").format(label)
				)
		elif row.revenue_share_percent:
			row.revenue_share_percent = 0
		if flt(row.amount) < 0:
			v.invalid(_("{0}Amount cannot be negative.").format(label))


def validate_deliverables(doc) -> None:
	for row in doc.get("deliverables") or []:
		if (row.quantity or 0) < 1:
			v.invalid(_("{0}Quantity must be at least 1.").format(v.row_label(row)))


def revenue_share_percent(doc) -> float:
	return sum(
		flt(r.revenue_share_percent) for r in doc.get("benefits") or [] if r.benefit_type == "Revenue Share"
	)


def benefits_value(doc) -> float:
	"""Money value of the benefits (cash and valued products); revenue share is paid on results."""
	return sum(flt(r.amount) for r in doc.get("benefits") or [])
