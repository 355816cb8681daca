# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document

from kol_crm.intelligence import overlap


class KOLAudienceOverlap(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		kol: DF.Link
		kol_name: DF.Data | None
		measured_on: DF.Date
		name: DF.Int | None
		note: DF.SmallText | None
		other_kol: DF.Link
		other_kol_name: DF.Data | None
		shared_followers: DF.Int
		source: DF.Literal["Platform Analytics", "Audience Survey", "Our Platform", "Other"]

	# end: auto-generated types
	def validate(self):
		overlap.validate_record(self)
