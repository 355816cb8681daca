# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document

from kol_crm.intelligence import violations


class KOLViolation(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		evidence: DF.SmallText
		kol: DF.Link
		kol_name: DF.Data | None
		naming_series: DF.Literal["KOL-VIO-.YYYY.-.#####"]
		offence_number: DF.Int
		partnership: DF.Link | None
		penalty: DF.Literal["", "Warning", "Suspend Privileges", "Revoke Privileges"]
		penalty_note: DF.SmallText | None
		rule: DF.Link
		severity: DF.Literal["Minor", "Major", "Severe"]
		suspended_until: DF.Date | None
		violation_date: DF.Date

	# end: auto-generated types
	def validate(self):
		if self.is_new():
			violations.set_penalty(self)

	def after_insert(self):
		violations.apply_penalty(self)
