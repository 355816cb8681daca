# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document

from kol_crm.community import groups


class KOLCommunityGroup(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		capacity: DF.Int
		category: DF.Link | None
		channel: DF.Literal["WeChat Group", "Discord", "Knowledge Planet", "Telegram", "Slack", "Other"]
		description: DF.SmallText | None
		enabled: DF.Check
		group_name: DF.Data
		group_owner: DF.Link | None
		invite_link: DF.Data | None
		member_count: DF.Int
		program_type: DF.Literal["", "Paid", "Unpaid"]

	# end: auto-generated types
	@property
	def member_count(self) -> int:
		"""Active Members (a virtual field): counted from the memberships, never stored."""
		return 0 if self.is_new() else groups.active_count(self.name)

	def validate(self):
		groups.validate_group(self)

	def on_trash(self):
		groups.check_no_members(self)
