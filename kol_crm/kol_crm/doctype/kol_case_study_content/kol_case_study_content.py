# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document

from kol_crm.deals.terms import refuse_row_saved_alone


class KOLCaseStudyContent(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		engagement_rate: DF.Percent
		kol_content: DF.Link
		live_url: DF.Data | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		published_on: DF.Date | None
		title: DF.Data | None
		views: DF.Int

	# end: auto-generated types
	def validate(self):
		# rows are checked with their case study (kol_crm/casestudies/build.py), never saved alone
		refuse_row_saved_alone(self)

	def on_trash(self):
		refuse_row_saved_alone(self)
