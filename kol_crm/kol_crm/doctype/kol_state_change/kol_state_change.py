# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class KOLStateChange(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		changed_by: DF.Link | None
		changed_on: DF.Datetime
		from_state: DF.Data | None
		intake_path: DF.Data | None
		kol: DF.Link
		name: DF.Int | None
		stay_seconds: DF.Int
		to_state: DF.Data
	# end: auto-generated types
	pass


def on_doctype_update():
	"""The indexes KOL Pipeline and the log's writer read through: a KOL's changes in order; the
	completed stays per path and state, sorted by length (counted and their median found in the
	index alone); the steps back and exits (covering: KOL, path and the state left)."""
	frappe.db.add_index("KOL State Change", ["kol", "changed_on"])
	frappe.db.add_index("KOL State Change", ["intake_path", "from_state", "stay_seconds"])
	frappe.db.add_index("KOL State Change", ["to_state", "from_state", "kol", "intake_path"])
