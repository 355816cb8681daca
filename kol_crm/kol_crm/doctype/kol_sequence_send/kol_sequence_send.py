# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class KOLSequenceSend(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		communication: DF.Link | None
		enrollment: DF.Link
		kol: DF.Link
		operator: DF.Link | None
		sent_on: DF.Datetime | None
		sequence: DF.Link | None
		step: DF.Int
	# end: auto-generated types
	pass


def on_doctype_update():
	"""One send per enrolment and step: the guard that makes scheduled sends exactly-once."""
	frappe.db.add_unique(
		"KOL Sequence Send", ["enrollment", "step"], constraint_name="unique_enrollment_step"
	)
	frappe.db.add_index("KOL Sequence Send", ["operator", "sent_on"])
