# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class KOLReminder(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		allocated_to: DF.Link | None
		due_on: DF.Date
		kol: DF.Link
		kol_name: DF.Data | None
		reference_row: DF.Data | None
		reminder_type: DF.Literal[
			"Follow-up",
			"Occasion",
			"Inactivity Review",
			"No Reply",
			"Activity Data",
			"Deliverable Due",
			"Deliverable Missed",
		]
		todo: DF.Link | None
	# end: auto-generated types
	pass
