# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document

from kol_crm.intelligence import rules


class KOLRule(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		default_severity: DF.Literal["Minor", "Major", "Severe"]
		description: DF.Text
		disabled: DF.Check
		rule_title: DF.Data
		text_changed_on: DF.Datetime | None
	# end: auto-generated types

	def validate(self):
		rules.set_text_changed_on(self)

	def on_update(self):
		rules.announce_change(self)
