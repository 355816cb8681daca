# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document

from kol_crm.settlements import statements
from kol_crm.workflows import kol_settlement as workflow


class KOLSettlementStatement(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from kol_crm.kol_crm.doctype.kol_settlement_line.kol_settlement_line import KOLSettlementLine

		approved_by: DF.Link | None
		approved_on: DF.Datetime | None
		balance: DF.Currency
		brought_forward: DF.Currency
		cash_total: DF.Currency
		currency: DF.Link | None
		kol: DF.Link
		kol_name: DF.Data | None
		lines: DF.Table[KOLSettlementLine]
		naming_series: DF.Literal["KOL-STMT-.YYYY.-.#####"]
		paid_amount: DF.Currency
		payment_date: DF.Date | None
		payment_reference: DF.Data | None
		period_end: DF.Date | None
		period_start: DF.Date
		purchase_invoice: DF.Data | None
		revenue_share_total: DF.Currency
		submitted_by: DF.Link | None
		submitted_on: DF.Datetime | None
		total_due: DF.Currency
		workflow_state: DF.Link | None

	# end: auto-generated types
	def validate(self):
		statements.keep_system_fields(self)
		if statements.is_draft(self):
			statements.set_period(self)
			statements.set_currency(self)
			statements.check_sequence(self)
			statements.set_lines(self)
		workflow.validate_transition(self)
		statements.apply_transition(self)

	def on_trash(self):
		statements.check_delete(self)
