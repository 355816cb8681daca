# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from kol_crm.outreach import email as outreach


class KOLOutreachSequence(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from kol_crm.kol_crm.doctype.kol_outreach_sequence_step.kol_outreach_sequence_step import (
			KOLOutreachSequenceStep,
		)

		daily_send_cap: DF.Int
		description: DF.SmallText | None
		enabled: DF.Check
		sequence_name: DF.Data
		steps: DF.Table[KOLOutreachSequenceStep]

	# end: auto-generated types
	def validate(self):
		self.validate_steps()

	def validate_steps(self):
		if not self.steps:
			frappe.throw(_("Add at least one step."), title=_("Missing value"))
		for template in {row.email_template for row in self.steps if row.email_template}:
			outreach.check_template(outreach.get_template(template))
