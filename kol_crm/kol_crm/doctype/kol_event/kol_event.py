# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document

from kol_crm.discovery import events


class KOLEvent(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from kol_crm.kol_crm.doctype.kol_event_participant.kol_event_participant import (
			KOLEventParticipant,
		)

		category: DF.Link | None
		description: DF.SmallText | None
		ends_on: DF.Date | None
		event_name: DF.Data
		event_type: DF.Literal["Camp", "Live Session", "Meetup", "Challenge", "Other"]
		participants: DF.Table[KOLEventParticipant]
		review_notes: DF.TextEditor | None
		starts_on: DF.Date

	# end: auto-generated types
	def validate(self):
		events.validate(self)

	def on_update(self):
		events.record_found_here(self)

	def apply_fieldlevel_read_permissions(self):
		"""Every read path (REST, frappe.client.get, the desk form) sends only the participants of
		KOLs the user may read."""
		super().apply_fieldlevel_read_permissions()
		events.hide_participants(self)
