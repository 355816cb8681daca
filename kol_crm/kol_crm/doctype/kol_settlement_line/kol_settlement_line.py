# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document

from kol_crm.deals.terms import refuse_row_saved_alone


class KOLSettlementLine(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amount: DF.Currency
		conversions: DF.Int
		description: DF.Data | None
		line_type: DF.Literal["Cash Benefit", "Revenue Share", "Brought Forward"]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		partnership: DF.Link | None
		revenue: DF.Currency
		revenue_share_percent: DF.Percent

	# end: auto-generated types
	def validate(self):
		# lines are computed with their statement (kol_crm.settlements.statements), never saved alone
		refuse_row_saved_alone(self)

	def on_trash(self):
		refuse_row_saved_alone(self)
