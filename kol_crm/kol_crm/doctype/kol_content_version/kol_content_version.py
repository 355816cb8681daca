# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document

from kol_crm.deals.terms import refuse_row_saved_alone


class KOLContentVersion(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		attachment: DF.Attach | None
		body: DF.LongText | None
		link: DF.Data | None
		outcome: DF.Literal["", "Changes Requested", "Approved"]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		reviewed_by: DF.Link | None
		reviewed_on: DF.Datetime | None
		reviewer_comment: DF.SmallText | None
		submitted_by: DF.Link | None
		submitted_on: DF.Datetime | None
		submitted_via: DF.Literal["", "Portal", "Desk"]
		title: DF.Data | None
		version: DF.Int

	# end: auto-generated types
	def validate(self):
		# versions are kept as submitted: written only by their KOL Content's save (kol_crm/content)
		refuse_row_saved_alone(self)

	def on_trash(self):
		refuse_row_saved_alone(self)
