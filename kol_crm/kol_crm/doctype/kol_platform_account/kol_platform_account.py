# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class KOLPlatformAccount(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		engagement_rate: DF.Percent
		followers: DF.Int
		handle: DF.Data
		last_active_on: DF.Date | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		platform: DF.Literal[
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
		profile_url: DF.Data | None
	# end: auto-generated types
	pass
