# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document

from kol_crm.deals.terms import refuse_row_saved_alone


class KOLDeliverable(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		deliverable_type: DF.Literal[
			"Post",
			"Video",
			"Live Stream",
			"Review",
			"Guide",
			"Event Appearance",
			"Referral Campaign",
			"Community Hosting",
			"Other",
		]
		description: DF.Data
		due_date: DF.Date | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		platform: DF.Literal[
			"",
			"Douyin",
			"Xiaohongshu",
			"Bilibili",
			"Weibo",
			"WeChat Channels",
			"WeChat Official Account",
			"Zhihu",
			"Kuaishou",
			"YouTube",
			"TikTok",
			"Instagram",
			"X",
			"Facebook",
			"LinkedIn",
			"Twitch",
			"Reddit",
			"Discord",
			"Blog",
			"Podcast",
			"Other",
		]
		quantity: DF.Int
		status: DF.Literal["Pending", "Delivered", "Missed"]

	# end: auto-generated types
	def validate(self):
		refuse_row_saved_alone(self)

	def on_trash(self):
		refuse_row_saved_alone(self)
