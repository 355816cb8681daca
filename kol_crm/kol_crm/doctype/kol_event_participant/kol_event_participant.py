# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class KOLEventParticipant(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		kol: DF.Link
		kol_name: DF.Data | None
		note: DF.SmallText | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		role: DF.Literal["Found Here", "Speaker", "Participant", "Organiser"]

	# end: auto-generated types

	pass
