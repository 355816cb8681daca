# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document

from kol_crm.platform import referral_codes


class KOLReferralCode(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		code: DF.Data
		kol: DF.Link | None
		kol_name: DF.Data | None
		partnership: DF.Link
		referral_link: DF.Data | None
		revoked_by: DF.Link | None
		revoked_on: DF.Datetime | None
		revoked_reason: DF.SmallText | None
		status: DF.Literal["Active", "Revoked"]

	# end: auto-generated types
	def validate(self):
		referral_codes.validate_code(self)
