"""The 36 demo creators and the reference data their KOL profiles are drawn from."""

from typing import NamedTuple

from kol_crm.demo.common import EXT, EXTERNAL, INT, INTERNAL


class Creator(NamedTuple):
	name: str
	display_name: str
	path: str
	state: str  # the KOL Lifecycle state the demo leaves the KOL in
	category: str
	platform: str
	handle: str
	followers: int
	purpose: str = "Acquisition"
	tier: str | None = None
	program: str = "Paid"


# fmt: off
CREATORS = (  # name, display name, intake path, state; category, platform, handle, followers, ...
	Creator("陈墨", "墨哥玩手游", EXT, "Active",
		"Mobile Strategy", "Bilibili", "mogeplays", 860_000, tier="Core"),
	Creator("Ava Thompson", "Ava's Skin Lab", EXT, "Active",
		"Skincare", "YouTube", "avasskinlab", 1_240_000, "Conversion", "Core"),
	Creator("王小鱼", "小鱼化妆间", EXT, "Active",
		"Makeup Tutorials", "Xiaohongshu", "xiaoyu_makeup", 320_000, "Conversion", "Rising"),
	Creator("Marcus Lee", "Marcus on AI", EXT, "Active",
		"AI Tools", "YouTube", "marcusonai", 2_100_000, tier="Flagship"),
	Creator("林夕", "林夕去远方", EXT, "Active",
		"Travel", "Douyin", "linxi_travels", 540_000, "Activation", "Rising"),
	Creator("Chloe Zhang", "Chloe Cooks", EXT, "Active",
		"Food and Cooking", "TikTok", "chloecooks", 780_000, "Conversion", "Core"),
	Creator("Sofia Martins", "Sofia Unboxed", EXT, "Dormant",
		"Consumer Gadgets", "TikTok", "sofiaunboxed", 410_000, tier="Rising"),
	Creator("赵一鸣", "一鸣电竞", EXT, "Offboarded",
		"Esports", "Douyin", "yiming_esports", 950_000, "Activation", "Core"),
	Creator("Daniel Kim", "DK Plays", EXT, "Negotiating",
		"Console and PC", "Twitch", "dkplays", 380_000),
	Creator("苏晴", "苏晴的护肤笔记", EXT, "Negotiating",
		"Skincare", "Xiaohongshu", "suqing_skin", 210_000, "Conversion"),
	Creator("Ethan Brooks", "Ethan Builds", EXT, "Negotiating",
		"Developer Tools", "X", "ethanbuilds", 96_000, "Activation"),
	Creator("周可可", "可可的周末厨房", EXT, "Contacting",
		"Food and Cooking", "Douyin", "keke_kitchen", 150_000),
	Creator("Olivia Chen", "Olivia Ships AI", EXT, "Contacting",
		"AI Tools", "LinkedIn", "oliviashipsai", 64_000, "Conversion"),
	Creator("韩磊", "磊哥策略", EXT, "Contacting",
		"Mobile Strategy", "Kuaishou", "leige_strategy", 430_000),
	Creator("Noah Patel", "Noah's Smart Home", EXT, "Shortlisted",
		"Consumer Gadgets", "YouTube", "noahsmarthome", 275_000),
	Creator("许诺", "诺诺彩妆", EXT, "Shortlisted",
		"Makeup Tutorials", "Weibo", "nuonuo_beauty", 190_000, "Conversion"),
	Creator("Grace Wu", "Grace Wanders", EXT, "Identified",
		"Travel", "Instagram", "gracewanders", 120_000, "Activation"),
	Creator("马骁", "骁哥带你上分", EXT, "Identified",
		"Esports", "Bilibili", "maxiao_rank", 670_000),
	Creator("Liam O'Connor", "Liam Tests AI", EXT, "Declined",
		"AI Tools", "YouTube", "liamtestsai", 520_000),
	Creator("杨柳", "杨柳成分党", EXT, "Declined",
		"Skincare", "Xiaohongshu", "yangliu_ingredients", 340_000, "Conversion"),
	Creator("阿杰", "阿杰攻略组", INT, "Active",
		"Mobile Strategy", "Bilibili", "ajie_guides", 48_000, "Activation", "Core", "Unpaid"),
	Creator("Hannah Schmidt", "hannah.codes", INT, "Active",
		"Developer Tools", "Discord", "hannahcodes", 12_000, "Activation", "Rising", "Unpaid"),
	Creator("小鹿", "小鹿爱护肤", INT, "Active",
		"Skincare", "Xiaohongshu", "xiaolu_skincare", 8_600, "Activation", "Seed", "Unpaid"),
	Creator("Kevin Zhao", "KZ Console Tips", INT, "Active",
		"Console and PC", "Reddit", "kzconsoletips", 21_000, tier="Seed"),
	Creator("老白", "老白聊AI", INT, "Dormant",
		"AI Tools", "Zhihu", "laobai_ai", 35_000, "Activation", "Seed", "Unpaid"),
	Creator("Mia Rossi", "Mia Roams", INT, "Offboarded",
		"Travel", "Instagram", "miaroams", 27_000, "Activation", "Seed", "Unpaid"),
	Creator("豆豆", "豆豆的便当", INT, "Cultivating",
		"Food and Cooking", "Xiaohongshu", "doudou_bento", 5_400, "Activation", program="Unpaid"),
	Creator("Ryan Huang", "Ryan Reviews Gear", INT, "Cultivating",
		"Consumer Gadgets", "YouTube", "ryanreviewsgear", 9_800),
	Creator("晴天", "晴天的妆容日记", INT, "Cultivating",
		"Makeup Tutorials", "Weibo", "qingtian_makeup", 7_200, "Activation", program="Unpaid"),
	Creator("Lucas Fernandes", "Lucas Casts", INT, "Evaluating",
		"Esports", "Twitch", "lucascasts", 15_500, "Activation", program="Unpaid"),
	Creator("木子", "木子写代码", INT, "Evaluating",
		"Developer Tools", "Zhihu", "muzi_codes", 18_000, "Activation", program="Unpaid"),
	Creator("Emma Nakamura", "Emma's Glow Notes", INT, "Spotted",
		"Skincare", "Instagram", "emmaglownotes", 4_300, "Activation", program="Unpaid"),
	Creator("大熊", "大熊手游日记", INT, "Spotted",
		"Mobile Strategy", "Douyin", "daxiong_mobile", 2_900, "Activation", program="Unpaid"),
	Creator("Isabella Moore", "Bella Builds Bots", INT, "Spotted",
		"AI Tools", "X", "bellabuildsbots", 6_100, "Activation", program="Unpaid"),
	Creator("Zoe Li", "Zoe Eats the World", INT, "Dropped",
		"Travel", "TikTok", "zoeeatsworld", 11_000, "Activation", program="Unpaid"),
	Creator("阿飞", "阿飞电竞圈", INT, "Dropped",
		"Esports", "Bilibili", "afei_esports", 23_000, "Activation", program="Unpaid"),
)
# fmt: on

CONFLICTS = {
	"马骁": "Sells a paid rank-boosting service for the same games we promote: same niche, direct competitor.",
	"杨柳": "Launched her own serum line, sold in the same shops and price band as our skincare partners.",
	"阿飞": "Admin of a rival esports community app and asks members to move there.",
}

FIT_NOTES = {
	"Emma Nakamura": "Posts rarely, but every routine is careful and well sourced: quality first, activity can grow.",
	"大熊": "Only a few guides so far, all accurate and well structured.",
	"Zoe Li": "Very active but mostly low-effort reposts; quality did not improve during evaluation.",
	"Marcus Lee": "Audience of product managers and founders: exactly who our AI assistant is for.",
	"Noah Patel": "Broad gadget audience; check how many followers actually use smart-home apps.",
}

CULTIVATION_OUTCOMES = (
	"Finished the six-week creator camp; guides now average 4.8 stars and 12k reads.",
	"Weekly community threads doubled replies in their section within a month.",
	"Their tutorial format became a template other contributors reuse.",
)

STRENGTHS = {
	"Gaming": (
		"Writes the most-cited tier lists in the community",
		"Calm, clear live commentary",
		"Runs a 2,000-member guild",
	),
	"Beauty": (
		"Ingredient-level reviews trusted by a sensitive-skin audience",
		"Fast, clean tutorial editing",
		"Former cosmetics counter trainer",
	),
	"Tech": (
		"Explains complex tools in five-minute videos",
		"Maintains a popular open-source project",
		"Wrote a book on prompt engineering",
	),
	"Lifestyle": (
		"Strong photography and storytelling",
		"Recipe posts regularly go viral",
		"Loyal audience of young families",
	),
}

PREFERENCES = (
	"Prefers long-term deals over one-off posts.",
	"Wants creative freedom: no scripted talking points.",
	"Only promotes products they have used for a month.",
	"Asks for early access to new features.",
	"Prefers WeChat over email; replies in the evening.",
	"Cares about being credited as an expert (badge, guest status).",
)
PERSONALITIES = (
	"Direct and data-driven.",
	"Warm, chatty, answers fast.",
	"Perfectionist about editing.",
	"Shy off camera, energetic on stream.",
	"Busy; goes through an agent.",
)
OCCASIONS = (
	("Birthday", 1, "Send a card and a small gift."),
	("Channel anniversary", 1, "Congratulate publicly and feature a highlight."),
	("Baby due", 0, "Send a congratulations gift; expect a quieter month."),
	("Moving to a new city", 0, "Ask whether local events are now possible."),
)
CITIES_CN = ("Shanghai", "Chengdu", "Hangzhou", "Shenzhen", "Beijing", "Guangzhou", "Wuhan")
CITIES_EN = ("Austin, TX", "London", "Toronto", "Berlin", "Sydney", "Singapore", "Lisbon")
SOURCES = {
	EXTERNAL: ("Outreach", "Referral", "Agent", "Event", "Self-nomination"),
	INTERNAL: ("Community", "Event"),
}
PROFILE_URLS = {
	"Bilibili": "https://space.bilibili.com/{}",
	"YouTube": "https://www.youtube.com/@{}",
	"TikTok": "https://www.tiktok.com/@{}",
	"Instagram": "https://www.instagram.com/{}",
	"X": "https://x.com/{}",
	"Twitch": "https://www.twitch.tv/{}",
}
SECOND_PLATFORM = {
	"Bilibili": "Douyin",
	"Douyin": "Weibo",
	"Xiaohongshu": "Weibo",
	"Weibo": "Xiaohongshu",
	"Kuaishou": "Douyin",
	"Zhihu": "WeChat Official Account",
	"YouTube": "Instagram",
	"TikTok": "Instagram",
	"Instagram": "TikTok",
	"X": "YouTube",
	"LinkedIn": "X",
	"Twitch": "YouTube",
	"Reddit": "Discord",
	"Discord": "X",
}
