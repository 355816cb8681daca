# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document

from kol_crm.discovery import observations


class KOLObservation(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		evidence: DF.SmallText
		kol: DF.Link
		kol_name: DF.Data | None
		link: DF.Data | None
		name: DF.Int | None
		observed_on: DF.Date
		observer: DF.Link | None
		rating: DF.Rating
		source: DF.Literal[
			"WeChat Moments", "Official Account", "Project", "Community", "Platform", "Event", "Other"
		]

	# end: auto-generated types
	def validate(self):
		observations.validate(self)
