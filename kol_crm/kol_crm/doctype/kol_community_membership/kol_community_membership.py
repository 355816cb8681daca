# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document

from kol_crm.community import groups


class KOLCommunityMembership(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		community_group: DF.Link
		joined_on: DF.Date
		kol: DF.Link
		kol_name: DF.Data | None
		left_on: DF.Date | None
		left_reason: DF.SmallText | None
		name: DF.Int | None
		status: DF.Literal["Active", "Left"]

	# end: auto-generated types
	def validate(self):
		groups.validate_membership(self)
