# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document

from kol_crm.deals.terms import refuse_row_saved_alone


class KOLNegotiationRound(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		budget: DF.Currency
		channel: DF.Literal[
			"Email", "Call", "Meeting", "WeChat", "DM", "Community Event", "Gift", "Portal", "Other"
		]
		offer: DF.SmallText
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		party: DF.Literal["Us", "KOL"]
		round_date: DF.Date

	# end: auto-generated types
	def validate(self):
		refuse_row_saved_alone(self)

	def on_trash(self):
		refuse_row_saved_alone(self)
