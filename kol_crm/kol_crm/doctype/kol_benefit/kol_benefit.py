# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document

from kol_crm.deals.terms import refuse_row_saved_alone


class KOLBenefit(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amount: DF.Currency
		benefit_type: DF.Literal[
			"Cash",
			"Revenue Share",
			"Personal Brand",
			"Platform Support",
			"Traffic Exposure",
			"Endorsement",
			"Product",
		]
		description: DF.Data | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		revenue_share_percent: DF.Percent

	# end: auto-generated types
	def validate(self):
		refuse_row_saved_alone(self)

	def on_trash(self):
		refuse_row_saved_alone(self)
