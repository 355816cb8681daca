"""A believable sample KOL program for a new user to explore.

	bench --site SITE execute kol_crm.demo.setup
	bench --site SITE execute kol_crm.demo.setup --kwargs '{"reset": True}'

Builds a KOL Category tree, four KOL Tiers, demo users (a manager, two operators, an
analyst), 36 KOLs on both intake paths in every lifecycle state, proposals in every
approval state, partnerships made from accepted proposals and interactions over the last
90 days. Records move through the real workflows (``apply_workflow``), so every guard and
controller runs. A seeded random generator keeps runs reproducible.

Idempotent: when the demo KOLs (emails at ``KOL_EMAIL_DOMAIN``) exist, only the demo users
are refreshed (roles, password). ``reset=True`` deletes the demo records first and rebuilds.
"""

import itertools
import random
from datetime import datetime, time
from typing import NamedTuple

import frappe
from frappe.model.delete_doc import delete_dynamic_links
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, getdate, nowdate
from frappe.utils.nestedset import NestedSetChildExistsError
from frappe.utils.password import check_password

from kol_crm.kol_crm.doctype.kol_proposal.kol_proposal import make_partnership
from kol_crm.workflows.kol_proposal import latest_offer

PASSWORD = "demo-Pass-2026"
KOL_EMAIL_DOMAIN = "creators.kol-crm.example"
CURRENCY = "USD"
SEED = 42

MANAGER = "demo.manager@kol-crm.example"
OPERATOR_1 = "demo.operator1@kol-crm.example"
OPERATOR_2 = "demo.operator2@kol-crm.example"
ANALYST = "demo.analyst@kol-crm.example"

USERS = (
	# email, first name, last name, role
	(MANAGER, "Mei", "Chen", "KOL Manager"),
	(OPERATOR_1, "Jason", "Liu", "KOL Operator"),
	(OPERATOR_2, "Sara", "Okafor", "KOL Operator"),
	(ANALYST, "Tom", "Becker", "KOL Analyst"),
)

EXTERNAL = EXT = "External Intake"
INTERNAL = INT = "Internal Cultivation"

# ---------------------------------------------------------------- reference data

CATEGORIES = {
	# domain: (description, niches)
	"Gaming": (
		"Players, guide writers and casters.",
		("Mobile Strategy", "Console and PC", "Esports"),
	),
	"Beauty": ("Skincare and make-up creators.", ("Skincare", "Makeup Tutorials")),
	"Tech": (
		"Reviewers and builders of software and gadgets.",
		("AI Tools", "Consumer Gadgets", "Developer Tools"),
	),
	"Lifestyle": ("Travel and food storytellers.", ("Travel", "Food and Cooking")),
}
NICHE_DOMAIN = {niche: domain for domain, (_d, niches) in CATEGORIES.items() for niche in niches}


class Tier(NamedTuple):
	name: str
	rank: int
	min_score: float
	description: str
	benefits: tuple[tuple[str, str], ...]  # (benefit type, benefit)
	empowerment: tuple[tuple[str, str], ...]  # (method, description)


TIERS = (
	Tier(
		"Flagship",
		1,
		85,
		"Category-defining voices; a handful per domain, each run one-to-one by a manager.",
		(
			("Cash", "Fixed fee per campaign"),
			("Revenue Share", "Up to 15% of attributed revenue"),
			("Privilege", "Direct line to the product team"),
			("Personal Brand", "Co-branded launch series"),
		),
		(
			("Operational Support", "Dedicated editor and designer for every campaign"),
			("Traffic Exposure", "Home-page and launch-event placement"),
			("Trust Endorsement", "Flagship Creator badge and guest status at events"),
		),
	),
	Tier(
		"Core",
		2,
		65,
		"Proven partners with steady results in their niche.",
		(
			("Cash", "Campaign fee"),
			("Revenue Share", "Up to 10% of attributed revenue"),
			("Product", "Early access and product kits"),
		),
		(
			("Operational Support", "Content calendar and editing help"),
			("Traffic Exposure", "Weekly feature on the category page"),
			("Trust Endorsement", "Core Creator badge"),
		),
	),
	Tier(
		"Rising",
		3,
		40,
		"Growing creators with a good fit; invest in their highlight.",
		(
			("Product", "Product kits for reviews"),
			("Platform Support", "Priority support queue"),
			("Privilege", "Beta access to new features"),
		),
		(
			("Operational Support", "Templates and a seat in the creator camp"),
			("Traffic Exposure", "Rotating spot in the discovery feed"),
		),
	),
	Tier(
		"Seed",
		4,
		0,
		"Community contributors and fresh cultivation candidates.",
		(("Privilege", "Access to the creators' corner"), ("Endorsement", "Contributor badge")),
		(
			("Operational Support", "Monthly content review with an operator"),
			("Trust Endorsement", "Contributor badge on their profile"),
		),
	),
)

# ---------------------------------------------------------------- creators


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

# ---------------------------------------------------------------- proposals


class Offer(NamedTuple):
	kol: str  # Creator.name
	title: str
	state: str  # the KOL Proposal Approval state the demo leaves it in
	days_ago: int  # valid from
	budget: float
	countered: bool = False  # a KOL counter-offer and our revised offer before the outcome
	partnership: str | None = None  # status of the partnership made from an accepted proposal


OFFERS = (
	Offer("陈墨", "Season 3 launch guide series", "Accepted", 70, 8000, partnership="Active"),
	Offer("Ava Thompson", "Barrier Repair serum review", "Accepted", 62, 12000, True, "Active"),
	Offer("王小鱼", "Spring make-up live stream", "Accepted", 45, 5000, True, "Active"),
	Offer("Marcus Lee", "AI Copilot launch review", "Accepted", 88, 15000, partnership="Completed"),
	Offer("Marcus Lee", "AI Copilot quarterly ambassador", "Accepted", 30, 20000, True, "Active"),
	Offer("林夕", "Hidden Yunnan travel vlog", "Accepted", 55, 6000, partnership="Paused"),
	Offer("Chloe Zhang", "Holiday recipe challenge", "Accepted", 85, 7000, partnership="Completed"),
	Offer("Chloe Zhang", "Spring menu referral campaign", "Draft", 3, 9000),
	Offer("Sofia Martins", "Gadget unboxing trio", "Accepted", 80, 4500, partnership="Completed"),
	Offer("赵一鸣", "Esports cup co-stream", "Accepted", 75, 10000, partnership="Terminated"),
	Offer("Daniel Kim", "Console launch first look", "Countered", 12, 6500, True),
	Offer("苏晴", "Sensitive-skin routine series", "Sent", 8, 4000),
	Offer("Ethan Brooks", "CLI tools deep dive", "Withdrawn", 40, 9000),
	Offer("Ethan Brooks", "Developer tools tutorial series", "Sent", 15, 5500, True),
	Offer("周可可", "Weekend brunch collab", "Approved", 6, 3000),
	Offer("Olivia Chen", "AI for product managers webinar", "Pending Approval", 4, 3500),
	Offer("韩磊", "Mobile strategy tier list", "Draft", 2, 4000),
	Offer("Noah Patel", "Smart home starter kit review", "Draft", 1, 5000),
	Offer("Liam O'Connor", "AI tools comparison video", "Rejected", 35, 8000),
	Offer("杨柳", "Skincare ingredient explainer", "Withdrawn", 50, 4500),
	Offer("阿杰", "Guild guide hosting program", "Accepted", 40, 0, partnership="Active"),
	Offer("Hannah Schmidt", "Community office hours", "Accepted", 25, 0, partnership="Active"),
	Offer("Kevin Zhao", "Console tips weekly", "Accepted", 50, 1500, partnership="Paused"),
	Offer("老白", "AI prompt workshop", "Accepted", 85, 0, partnership="Completed"),
	Offer("Mia Rossi", "Travel diary ambassador", "Accepted", 70, 0, partnership="Terminated"),
	Offer("Ryan Huang", "Gadget review apprenticeship", "Pending Approval", 5, 800),
)

OUTCOME_REASONS = {  # proposal title: why it was rejected or withdrawn
	"CLI tools deep dive": "Budget moved to next quarter; we withdrew before he answered.",
	"AI tools comparison video": "Signed an exclusive deal with a competing AI assistant for the year.",
	"Skincare ingredient explainer": "She launched her own serum line in the same niche: conflict of interest.",
}

DELIVERABLES = {
	"Gaming": (
		("Guide", "Strategy guide for the new season"),
		("Live Stream", "Two-hour launch stream with a sign-up link"),
		("Video", "Tier-list video"),
	),
	"Beauty": (
		("Review", "Honest four-week review"),
		("Post", "Routine post with product close-ups"),
		("Live Stream", "Live Q&A on ingredients"),
	),
	"Tech": (
		("Video", "Hands-on walkthrough video"),
		("Guide", "Step-by-step written tutorial"),
		("Review", "Side-by-side comparison review"),
	),
	"Lifestyle": (
		("Post", "Photo story with a referral code"),
		("Video", "Short video series"),
		("Referral Campaign", "Referral code campaign for followers"),
	),
}
SOFT_BENEFITS = {
	# KOL preference flag: (benefit type, description)
	"wants_traffic": ("Traffic Exposure", "Home-page feature in launch week"),
	"wants_platform_support": ("Platform Support", "Editing and design help from our content team"),
	"wants_personal_brand": ("Personal Brand", "Co-branded series with their name on it"),
}
ENDORSEMENT = ("Endorsement", "Certified Creator badge and guest status at events")

# ---------------------------------------------------------------- interactions

REVIEW = (
	"Other",
	"Outbound",
	"Reviewed their last 20 posts and the comments: good fit, audience mostly 18-30",
	None,
)
OUTREACH = (
	(
		"Email",
		"Outbound",
		"First outreach email: introduced the program and asked about a collaboration",
		"No reply",
	),
	(
		"DM",
		"Outbound",
		"Followed up by DM after the email went unanswered",
		"Replied: will look at it next week",
	),
	(
		"WeChat",
		"Inbound",
		"Their agent added us on WeChat and asked for the audience brief",
		"Sent the media kit",
	),
)
FINAL_ACTIONS = {"Accepted": "Mark Accepted", "Rejected": "Mark Rejected", "Withdrawn": "Withdraw"}
DEAL_STEPS = {  # logged as a proposal moves (see Builder.deal_step)
	"Send": ("Email", "Outbound", "Sent the proposal: deliverables, benefits and timeline", None),
	"Record Counter-offer": (
		"WeChat",
		"Inbound",
		"Counter-offer: a higher fee and a home-page feature in launch week",
		"Escalated to the KOL manager",
	),
	"Send Revised Offer": (
		"Call",
		"Outbound",
		"Walked them through our revised offer",
		"Will answer this week",
	),
	"Mark Accepted": ("Email", "Inbound", "Accepted the proposal", "Set up the partnership"),
	"Mark Rejected": ("Email", "Inbound", "Turned the proposal down", None),  # outcome: the reason
	"Withdraw": ("Email", "Outbound", "Told them we are withdrawing the proposal", None),
}
CULTIVATION = (
	(
		"Community Event",
		"Inbound",
		"Stood out in the weekly review session with a detailed, well-sourced post",
		"Flagged as a cultivation candidate",
	),
	("DM", "Outbound", "Invited to the six-week creator camp", "Accepted the invitation"),
	(
		"Meeting",
		"Outbound",
		"1:1 content review: picked their strongest format to amplify",
		"Agreed on two posts a week",
	),
)
PARTNERSHIP = (
	(
		"Meeting",
		"Outbound",
		"Kick-off: went through the interaction code (report problems to the operator, no statements "
		"harming the product, conflicts with users go through operations)",
		"Rules acknowledged",
	),
	(
		"WeChat",
		"Inbound",
		"Reported a sign-up bug their followers ran into",
		"Forwarded to product; fixed in two days",
	),
	("Email", "Outbound", "Monthly results: new users and conversions against the targets", None),
	("Community Event", "Inbound", "Hosted an AMA in the creators' corner", "Strong turnout, 120 questions"),
	("Gift", "Outbound", "Sent a gift box with a hand-written card for their channel anniversary", None),
)
CLOSING = {
	"Declined": ("Email", "Outbound", "Closed the file: thanked them, offered to stay in touch", None),
	"Dropped": ("DM", "Outbound", "Told them we are pausing their cultivation for now", "Took it well"),
	"Dormant": (
		"DM",
		"Outbound",
		"Check-in after two months without activity on our platform",
		"No reply yet",
	),
	"Offboarded": (
		"Call",
		"Outbound",
		"Offboarding call: rules broken, privileges and benefits removed",
		"Acknowledged",
	),
}
INTAKE_STORY = {
	"Identified": (),
	"Shortlisted": (REVIEW,),
	"Contacting": (REVIEW, *OUTREACH),
	"Negotiating": OUTREACH[:2],
	"Declined": (OUTREACH[0], CLOSING["Declined"]),
	"Spotted": CULTIVATION[:1],
	"Evaluating": CULTIVATION[:2],
	"Cultivating": CULTIVATION,
	"Dropped": (CULTIVATION[0], CLOSING["Dropped"]),
}
QUIET_DAYS = {"Dormant": 60, "Offboarded": 15}  # no partnership work logged this recently before closing
CLOSING_WITHIN = 10  # the closing step (dormancy check-in, offboarding, ...) is at most this many days ago


class Event(NamedTuple):
	days_ago: int
	step: tuple  # (interaction type, direction, summary, outcome)
	proposal: str | None = None


FOLLOW_UP_STATES = (
	"Shortlisted",
	"Contacting",
	"Negotiating",
	"Evaluating",
	"Cultivating",
	"Active",
	"Dormant",
)

# ---------------------------------------------------------------- lifecycle plans

INTAKE_ACTIONS = {
	"Identified": (),
	"Shortlisted": ("Shortlist",),
	"Contacting": ("Shortlist", "Start Outreach"),
	"Negotiating": ("Shortlist", "Start Outreach", "Start Negotiation"),
	"Spotted": (),
	"Evaluating": ("Evaluate",),
	"Cultivating": ("Evaluate", "Start Cultivation"),
}
# the other states: actions once the proposals are made (an external KOL needs an accepted one)
AFTER_PROPOSALS = {
	"Active": ("Activate",),
	"Dormant": ("Activate", "Mark Dormant"),
	"Offboarded": ("Activate", "Offboard"),
	"Declined": ("Decline",),
	"Dropped": ("Drop",),
}
STATE_AGE = {  # roughly how long ago a KOL in this state entered the program (days)
	"Identified": 6,
	"Spotted": 8,
	"Shortlisted": 15,
	"Contacting": 20,
	"Evaluating": 25,
	"Negotiating": 30,
	"Cultivating": 45,
	"Dropped": 40,
	"Declined": 50,
	"Active": 75,
	"Offboarded": 95,
	"Dormant": 100,
}


# ================================================================ entry points


def setup(reset: bool = False, password: str = PASSWORD) -> dict:
	"""CLI entry point: build the demo (once) and commit."""
	return build(reset=reset, password=password, commit=True)


def build(reset: bool = False, password: str = PASSWORD, commit: bool = False) -> dict:
	"""Build the demo data unless it exists; ``commit=False`` leaves the transaction open (tests)."""
	previous_user = frappe.session.user
	frappe.set_user("Administrator")
	try:
		if reset:
			remove_demo_data()
		ensure_users(password)
		created = not demo_kols()
		if created:
			Builder(random.Random(SEED)).run()
		if commit:
			frappe.db.commit()
		return {"created": created, **counts()}
	except Exception:
		if commit:
			# `bench execute` calls a failed method a second time: start that one from a clean slate
			frappe.db.rollback()
		raise
	finally:
		frappe.set_user(previous_user)


def demo_kols() -> list[str]:
	return frappe.get_all("KOL", filters={"email": ("like", f"%@{KOL_EMAIL_DOMAIN}")}, pluck="name")


def counts() -> dict:
	kols = demo_kols()
	linked = {"kol": ("in", kols or [""])}
	return {
		"users": len([u for u, *_rest in USERS if frappe.db.exists("User", u)]),
		"categories": frappe.db.count("KOL Category"),
		"tiers": frappe.db.count("KOL Tier"),
		"kols": len(kols),
		"proposals": frappe.db.count("KOL Proposal", linked),
		"partnerships": frappe.db.count("KOL Partnership", linked),
		"interactions": frappe.db.count("KOL Interaction", linked),
	}


# ================================================================ users, categories, tiers


def ensure_users(password: str) -> None:
	"""The demo users exist, are enabled, have their one role and the given password."""
	for email, first_name, last_name, role in USERS:
		if frappe.db.exists("User", email):
			user = frappe.get_doc("User", email)
		else:
			user = frappe.new_doc("User")
			user.update(
				{"email": email, "first_name": first_name, "last_name": last_name, "send_welcome_email": 0}
			)
		if _user_is_ready(user, role, password):
			continue  # saving would log the user out of the demo (new password)
		user.enabled = 1
		user.new_password = password
		user.set("roles", [])
		user.add_roles(role)  # saves


def _user_is_ready(user, role: str, password: str) -> bool:
	if user.is_new() or not user.enabled or {r.role for r in user.roles} != {role}:
		return False
	try:
		check_password(user.name, password, delete_tracker_cache=False)
	except frappe.AuthenticationError:
		return False
	return True


def ensure_categories() -> None:
	for domain, (description, niches) in CATEGORIES.items():
		_ensure_category(domain, None, description, is_group=1)
		for niche in niches:
			_ensure_category(niche, domain)


def _ensure_category(
	name: str, parent: str | None, description: str | None = None, is_group: int = 0
) -> None:
	if frappe.db.exists("KOL Category", name):
		return
	frappe.get_doc(
		{
			"doctype": "KOL Category",
			"category_name": name,
			"parent_kol_category": parent,
			"is_group": is_group,
			"description": description,
		}
	).insert()


def ensure_tiers() -> dict[str, str]:
	"""Demo tier name -> the tier used for it (an existing tier of the same rank is reused)."""
	names = {}
	for tier in TIERS:
		existing = frappe.db.exists("KOL Tier", tier.name) or frappe.db.get_value(
			"KOL Tier", {"rank": tier.rank}
		)
		names[tier.name] = existing or _insert_tier(tier)
	return names


def _insert_tier(tier: Tier) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "KOL Tier",
			"tier_name": tier.name,
			"rank": tier.rank,
			"min_score": tier.min_score,
			"description": tier.description,
			"benefits": [{"benefit_type": t, "benefit": b} for t, b in tier.benefits],
			"empowerment_methods": [{"method": m, "description": d} for m, d in tier.empowerment],
		}
	).insert()
	return doc.name


# ================================================================ reset


def remove_demo_data() -> None:
	"""Delete the demo KOLs with everything linked to them, then unused demo tiers and categories.

	Demo users are kept (they may own log entries); ``ensure_users`` resets them.
	"""
	kols = demo_kols()
	if kols:
		for doctype, fieldname in _doctypes_linking_kol():
			for name in frappe.get_all(doctype, filters={fieldname: ("in", kols)}, pluck="name"):
				_delete(doctype, name)
		for name in kols:
			_delete("KOL", name)
	for tier in TIERS:
		_delete_if_unused("KOL Tier", tier.name)
	for domain, (_description, niches) in CATEGORIES.items():
		for name in (*niches, domain):
			_delete_if_unused("KOL Category", name)


def _delete(doctype: str, name: str) -> None:
	frappe.delete_doc(doctype, name, force=True, ignore_permissions=True, delete_permanently=True)
	# frappe leaves comments, versions etc. to a background job; the demo may run without a worker
	delete_dynamic_links(doctype, name)


def _delete_if_unused(doctype: str, name: str) -> None:
	"""Delete a demo tier or category unless records outside the demo still use it."""
	if not frappe.db.exists(doctype, name):
		return
	frappe.db.savepoint("kol_demo_delete")
	try:
		_delete_checked(doctype, name)
	except (frappe.LinkExistsError, NestedSetChildExistsError):
		frappe.db.rollback(save_point="kol_demo_delete")


def _delete_checked(doctype: str, name: str) -> None:
	frappe.delete_doc(doctype, name, ignore_permissions=True, delete_permanently=True)
	delete_dynamic_links(doctype, name)


def _doctypes_linking_kol() -> list[tuple[str, str]]:
	"""(doctype, field) of every stored DocType with a Link to KOL; interactions, partnerships, proposals last."""
	last = [("KOL Interaction", "kol"), ("KOL Partnership", "kol"), ("KOL Proposal", "kol")]
	fields = frappe.get_all(
		"DocField", filters={"fieldtype": "Link", "options": "KOL"}, fields=["parent", "fieldname"]
	)
	fields += frappe.get_all(
		"Custom Field", filters={"fieldtype": "Link", "options": "KOL"}, fields=["dt as parent", "fieldname"]
	)
	others = []
	for f in fields:
		meta = frappe.get_meta(f.parent)
		if (f.parent, f.fieldname) not in last and not (meta.istable or meta.issingle or meta.is_virtual):
			others.append((f.parent, f.fieldname))
	return others + last


# ================================================================ the builder


def _day(days_ago: int) -> str:
	return add_days(nowdate(), -days_ago)


def _intake_state(c: Creator) -> str:
	"""The intake state a KOL is in while its proposals are made."""
	if c.state in INTAKE_ACTIONS:
		return c.state
	if c.state == "Dropped":
		return "Evaluating"
	return "Negotiating" if c.path == EXTERNAL else "Cultivating"


def _is_chinese(text: str) -> bool:
	return any(ord(ch) > 0x2E7F for ch in text)


class Builder:
	"""Creates the demo records in dependency order with one seeded random generator."""

	def __init__(self, rng: random.Random):
		self.rng = rng
		self.kols: dict[str, frappe._dict] = {}  # Creator.name -> {doc, creator, since}
		self.proposals: dict[str, list] = {}  # Creator.name -> proposals
		self.partnerships: dict[str, list] = {}  # Creator.name -> partnerships
		self.offers: list[tuple[Offer, object]] = []  # (offer, proposal) in OFFERS order
		self.events: dict[str, list[Event]] = {}  # Creator.name -> what happened with its proposals
		self.decided: dict[str, list[int]] = {}  # Creator.name -> days ago its proposals were closed

	def run(self) -> None:
		ensure_categories()
		self.tiers = ensure_tiers()
		for idx, creator in enumerate(CREATORS):
			self.add_kol(idx, creator)
		for offer in OFFERS:
			self.add_proposal(offer)
		for entry in self.kols.values():
			self.finish_lifecycle(entry)
		for offer, proposal in self.offers:
			if offer.partnership:
				self.add_partnership(offer, proposal)
		follow_ups = itertools.cycle(("overdue", "today", "future"))
		for entry in self.kols.values():
			self.add_interactions(
				entry, next(follow_ups) if entry.creator.state in FOLLOW_UP_STATES else None
			)

	# ------------------------------------------------------------ KOLs

	def add_kol(self, idx: int, c: Creator) -> None:
		offers = [o.days_ago for o in OFFERS if o.kol == c.name]
		since = max([STATE_AGE[c.state], *(d + 7 for d in offers)]) + self.rng.randint(0, 10)
		doc = frappe.get_doc({"doctype": "KOL", **self.profile(idx, c), **self.preferences(c)}).insert()
		_backdate(doc, since)
		for action in INTAKE_ACTIONS[_intake_state(c)]:
			doc = apply_workflow(doc, action)
		self.kols[c.name] = frappe._dict(doc=doc, creator=c, since=since)

	def profile(self, idx: int, c: Creator) -> dict:
		rng = self.rng
		chinese = _is_chinese(c.name)
		onboarded = c.state in ("Active", "Dormant", "Offboarded")
		return {
			"kol_name": c.name,
			"display_name": c.display_name,
			"intake_path": c.path,
			"intake_purpose": c.purpose,
			"program_type": c.program,
			"category": c.category,
			"tier": self.tiers[c.tier] if c.tier else None,
			"operator": (OPERATOR_1, OPERATOR_2)[idx % 2],
			"source": rng.choice(SOURCES[c.path]),
			"email": f"{c.handle.replace('_', '.')}@{KOL_EMAIL_DOMAIN}",
			"phone": _phone(idx, chinese, rng),
			"wechat": f"wx_{c.handle}"[:20] if chinese else None,
			"address": f"{rng.randint(10, 999)} Example Road, {rng.choice(CITIES_CN if chinese else CITIES_EN)}",
			"platform_accounts": self.platform_accounts(c),
			"follower_quality": rng.choice(
				("High", "High", "Medium") if onboarded else ("High", "Medium", "Low")
			),
			"audience_portability": rng.choice(("Likely", "Possible", "Unlikely")),
			"influence_domains": f"{NICHE_DOMAIN[c.category]}, {c.category}",
			"strengths": rng.choice(STRENGTHS[NICHE_DOMAIN[c.category]]),
			"fit_rating": rng.randint(3, 5) / 5,
			"fit_notes": FIT_NOTES.get(c.name),
			"conflict_of_interest": int(c.name in CONFLICTS),
			"conflict_reason": CONFLICTS.get(c.name),
			**self.platform_activity(c, onboarded),
		}

	def platform_accounts(self, c: Creator) -> list[dict]:
		rng = self.rng
		accounts = [self.account(c.platform, c.handle, c.followers)]
		if rng.random() < 0.5:
			accounts.append(
				self.account(SECOND_PLATFORM[c.platform], c.handle, int(c.followers * rng.uniform(0.1, 0.6)))
			)
		return accounts

	def account(self, platform: str, handle: str, followers: int) -> dict:
		url = PROFILE_URLS.get(platform)
		return {
			"platform": platform,
			"handle": handle,
			"profile_url": url.format(handle) if url else None,
			"followers": followers,
			"engagement_rate": round(self.rng.uniform(1.2, 9.5), 1),
			"last_active_on": _day(self.rng.randint(0, 20)),
		}

	def platform_activity(self, c: Creator, onboarded: bool) -> dict:
		"""What the KOL does on our own platform: internal candidates and onboarded KOLs are active here."""
		rng = self.rng
		if c.path == EXTERNAL and not onboarded:
			return {}
		last_active = rng.randint(60, 80) if c.state == "Dormant" else rng.randint(0, 20)
		outcome = rng.choice(CULTIVATION_OUTCOMES) if c.path == INTERNAL and onboarded else None
		return {
			"platform_account_id": f"UID-{rng.randint(100000, 999999)}",
			"on_platform_posts": rng.randint(5, 400),
			"on_platform_content": rng.randint(2, 120),
			"last_active_on_platform": _day(last_active),
			"content_quality_rating": (1 if c.name == "Zoe Li" else rng.randint(3, 5)) / 5,
			"cultivation_outcome": outcome,
		}

	def preferences(self, c: Creator) -> dict:
		rng = self.rng
		wants = {
			"wants_money": int(c.program == "Paid" or rng.random() < 0.3),
			"wants_personal_brand": int(rng.random() < 0.5),
			"wants_platform_support": int(rng.random() < 0.5),
			"wants_traffic": int(rng.random() < 0.6),
		}
		occasions = []
		if rng.random() < 0.5:
			occasion, yearly, note = rng.choice(OCCASIONS)
			occasions.append(
				{
					"occasion": occasion,
					"occasion_date": _day(rng.randint(-60, 60)),
					"repeats_yearly": yearly,
					"note": note,
				}
			)
		return {
			**wants,
			"preferences": rng.choice(PREFERENCES),
			"personality": rng.choice(PERSONALITIES),
			"occasions": occasions,
		}

	def finish_lifecycle(self, entry) -> None:
		for action in AFTER_PROPOSALS.get(entry.creator.state, ()):
			entry.doc = apply_workflow(entry.doc, action)

	# ------------------------------------------------------------ proposals

	def add_proposal(self, offer: Offer) -> None:
		entry = self.kols[offer.kol]
		start = _day(offer.days_ago)
		doc = frappe.get_doc(
			{
				"doctype": "KOL Proposal",
				"title": offer.title,
				"kol": entry.doc.name,
				"purpose": entry.creator.purpose,
				"budget": offer.budget,
				"currency": CURRENCY,
				"valid_from": start,
				"valid_until": add_days(start, self.duration(offer)),
				"deliverables": self.deliverables(entry.creator, start),
				"benefits": self.benefits(entry, offer),
			}
		).insert()
		_backdate(doc, offer.days_ago)
		doc = self.move_proposal(doc, offer)
		self.offers.append((offer, doc))
		self.proposals.setdefault(offer.kol, []).append(doc)

	def duration(self, offer: Offer) -> int:
		if offer.partnership == "Completed":
			return offer.days_ago - self.rng.randint(5, 20)  # over by now
		if offer.partnership:
			return offer.days_ago + self.rng.randint(30, 90)  # still running (or cut short)
		return self.rng.choice((30, 45, 60))

	def deliverables(self, c: Creator, start: str) -> list[dict]:
		options = DELIVERABLES[NICHE_DOMAIN[c.category]]
		if c.program == "Unpaid":
			options = (("Community Hosting", "Host the weekly community thread"), *options)
		picked = self.rng.sample(options, k=self.rng.randint(1, 3))
		return [
			{
				"deliverable_type": kind,
				"description": description,
				"platform": c.platform,
				"quantity": self.rng.randint(1, 4),
				"due_date": add_days(start, self.rng.randint(7, 28)),
			}
			for kind, description in picked
		]

	def benefits(self, entry, offer: Offer) -> list[dict]:
		rows = []
		if offer.budget:
			rows.append({"benefit_type": "Cash", "amount": offer.budget})
		if entry.creator.purpose == "Conversion":
			rows.append(
				{"benefit_type": "Revenue Share", "revenue_share_percent": self.rng.choice((5, 8, 10, 12))}
			)
		soft = [SOFT_BENEFITS[flag] for flag in SOFT_BENEFITS if entry.doc.get(flag)]
		if not offer.budget or not soft:
			soft.append(ENDORSEMENT)
		rows += [{"benefit_type": kind, "description": text} for kind, text in soft]
		if self.rng.random() < 0.3:
			rows.append(
				{"benefit_type": "Product", "description": "Early access and a product kit", "amount": 200}
			)
		return rows

	def move_proposal(self, doc, offer: Offer):
		"""Walk the proposal to ``offer.state`` through the approval workflow."""
		if offer.state == "Draft":
			return doc
		doc = apply_workflow(doc, "Submit for Approval")
		if offer.state == "Pending Approval":
			return doc
		doc = apply_workflow(doc, "Approve")
		if offer.state == "Approved":
			return doc
		initial = (
			f"Initial offer: {_money(offer.budget)} plus the benefits"
			if offer.budget
			else "Initial offer: the benefits, no fee"
		)
		doc = self.add_round(doc, offer, "Us", 0, offer.budget, initial)
		doc = self.deal_step(doc, offer, "Send", offer.days_ago)
		if offer.countered:
			doc = self.negotiate(doc, offer)
		if offer.state in ("Sent", "Countered"):
			return doc
		if offer.title in OUTCOME_REASONS:
			doc.outcome_reason = OUTCOME_REASONS[offer.title]
			doc.save()
		decided = max(offer.days_ago - (6 if offer.countered else 3), 1)
		doc = self.deal_step(doc, offer, FINAL_ACTIONS[offer.state], decided)
		frappe.db.set_value("KOL Proposal", doc.name, "outcome_on", _day(decided), update_modified=False)
		self.decided.setdefault(offer.kol, []).append(decided)
		return doc

	def negotiate(self, doc, offer: Offer):
		"""The KOL counters; unless the demo leaves it Countered, we answer with a revised offer."""
		asked = offer.budget * 1.4
		counter = f"Asks for {_money(asked)} and a home-page feature in launch week"
		doc = self.add_round(doc, offer, "KOL", 2, asked, counter)
		doc = self.deal_step(doc, offer, "Record Counter-offer", offer.days_ago - 2)
		if offer.state == "Countered":
			return doc
		# the terms are locked once sent: the revision is a round; above the approved budget it is
		# a manager's to send (the demo runs as Administrator)
		revised = round(offer.budget * 1.15, -2)
		doc = self.add_round(
			doc, offer, "Us", 4, revised, f"Revised: {_money(revised)} and three days of home-page exposure"
		)
		return self.deal_step(doc, offer, "Send Revised Offer", offer.days_ago - 4)

	def deal_step(self, doc, offer: Offer, action: str, days_ago: int):
		"""Apply a workflow action the KOL hears about; it is logged as an interaction later."""
		doc = apply_workflow(doc, action)
		kind, direction, summary, outcome = DEAL_STEPS[action]
		step = (kind, direction, summary, outcome or doc.outcome_reason)
		self.events.setdefault(offer.kol, []).append(Event(days_ago, step, doc.name))
		return doc

	def add_round(self, doc, offer: Offer, party: str, day: int, budget: float, text: str):
		doc.append(
			"negotiation_rounds",
			{
				"round_date": _day(max(offer.days_ago - day, 0)),
				"party": party,
				"channel": self.rng.choice(("Email", "Call", "WeChat")),
				"offer": text,
				"budget": budget,
			},
		)
		doc.save()
		return doc

	# ------------------------------------------------------------ partnerships

	def add_partnership(self, offer: Offer, proposal) -> None:
		doc = make_partnership(proposal.name)
		if offer.countered:
			# the KOL accepted our revised offer: its cash, agreed by a manager
			for row in doc.benefits:
				if row.benefit_type == "Cash":
					row.amount = latest_offer(proposal)
		doc.status = offer.partnership
		if offer.partnership == "Terminated":
			doc.end_date = _day(self.rng.randint(5, 15))
		doc.rules_acknowledged = int(self.rng.random() < 0.9)
		doc.rules_acknowledged_on = doc.start_date if doc.rules_acknowledged else None
		self.set_kpis(doc, self.kols[offer.kol].creator)
		self.set_deliverable_status(doc)
		doc.insert()
		_backdate(doc, offer.days_ago)
		self.partnerships.setdefault(offer.kol, []).append(doc)

	def set_kpis(self, doc, c: Creator) -> None:
		low, high = {
			"Active": (0.3, 0.8),
			"Paused": (0.2, 0.5),
			"Completed": (0.8, 1.3),
			"Terminated": (0.05, 0.3),
		}[doc.status]
		progress = self.rng.uniform(low, high)
		target = max(int(round(c.followers / 400, -1)), 20)
		if doc.purpose == "Acquisition":
			doc.target_new_users = target
			doc.result_new_users = int(target * progress)
		elif doc.purpose == "Activation":
			doc.target_activated_users = target
			doc.result_activated_users = int(target * progress)
		else:
			price = self.rng.choice((29, 49, 99))
			doc.target_paid_conversions = max(target // 10, 10)
			doc.result_paid_conversions = int(doc.target_paid_conversions * progress)
			doc.target_revenue = doc.target_paid_conversions * price
			doc.result_revenue = doc.result_paid_conversions * price

	def set_deliverable_status(self, doc) -> None:
		for i, row in enumerate(doc.deliverables):
			if doc.status == "Completed":
				row.status = "Missed" if self.rng.random() < 0.15 else "Delivered"
			elif doc.status == "Terminated":
				row.status = "Delivered" if i == 0 else "Missed"
			else:
				row.status = "Delivered" if i == 0 else "Pending"

	# ------------------------------------------------------------ interactions

	def story(self, c: Creator) -> list[tuple]:
		if c.state in INTAKE_STORY:
			return list(INTAKE_STORY[c.state])
		intake = OUTREACH[:1] if c.path == EXTERNAL else CULTIVATION[1:]
		later = self.rng.sample(PARTNERSHIP[1:], k=self.rng.randint(1, 3))
		closing = [CLOSING[c.state]] if c.state in CLOSING else []
		return [*intake, PARTNERSHIP[0], *later, *closing]

	def add_interactions(self, entry, follow_up: str | None) -> None:
		events = self.story_events(entry, follow_up) + self.events.get(entry.creator.name, [])
		events.sort(key=lambda e: -e.days_ago)
		for i, event in enumerate(events):
			last = i == len(events) - 1
			self.log(entry, event, _follow_up_day(follow_up, event.days_ago, self.rng) if last else None)

	def story_events(self, entry, follow_up: str | None) -> list[Event]:
		"""Date the story: intake before the first proposal, partnership after the first outcome, closing last."""
		steps = self.story(entry.creator)
		newest = 4 if follow_up == "overdue" else 1  # room for an overdue follow-up before today
		offers = [o.days_ago for o in OFFERS if o.kol == entry.creator.name]
		if not offers:
			days = _spread(self.rng, len(steps), newest, min(entry.since, 90))
			return [Event(d, step) for d, step in zip(days, steps, strict=True)]
		intake = [s for s in steps if s not in PARTNERSHIP and s not in CLOSING.values()]
		working = [s for s in steps if s in PARTNERSHIP]
		closing = [s for s in steps if s in CLOSING.values()]
		quiet = QUIET_DAYS.get(entry.creator.state, CLOSING_WITHIN) if closing else newest - 1
		first_outcome = max(self.decided.get(entry.creator.name) or offers)
		days = _spread(self.rng, len(intake), max(offers) + 1, entry.since)
		days += _spread(self.rng, len(working), quiet + 1, first_outcome - 1)
		days += _spread(self.rng, len(closing), newest, CLOSING_WITHIN)
		return [Event(d, step) for d, step in zip(days, intake + working + closing, strict=True)]

	def log(self, entry, event: Event, follow_up: str | None) -> None:
		kind, direction, summary, outcome = event.step
		day = getdate(_day(event.days_ago))
		partnerships = self.partnerships.get(entry.creator.name)
		partnership = _latest(partnerships, "start_date", day) if event.step in PARTNERSHIP else None
		when = datetime.combine(day, time(self.rng.randint(9, 19), self.rng.choice((0, 15, 30, 45))))
		frappe.get_doc(
			{
				"doctype": "KOL Interaction",
				"kol": entry.doc.name,
				"interaction_type": kind,
				"direction": direction,
				"interaction_on": when,
				"operator": entry.doc.operator,
				"summary": summary,
				"outcome": outcome,
				"next_follow_up_on": follow_up,
				"proposal": event.proposal,
				"partnership": partnership,
			}
		).insert()


def _spread(rng: random.Random, n: int, newest: int, oldest: int) -> list[int]:
	"""``n`` distinct days ago between ``newest`` and ``oldest`` (widened when too narrow), oldest first."""
	oldest = max(oldest, newest + n - 1)
	return sorted(rng.sample(range(newest, oldest + 1), n), reverse=True)


def _latest(docs: list | None, date_field: str, day) -> str | None:
	"""Name of the last of ``docs`` that had started by ``day`` (else the first one)."""
	if not docs:
		return None
	started = [d for d in docs if getdate(d.get(date_field)) <= day]
	return (started or docs)[-1].name


def _follow_up_day(kind: str | None, days_ago: int, rng: random.Random) -> str | None:
	"""A follow-up date after the interaction: already overdue, due today or still ahead."""
	if kind == "overdue" and days_ago >= 2:
		return _day(rng.randint(1, days_ago - 1))
	if kind in ("today", "overdue"):
		return nowdate()
	if kind == "future":
		return _day(-rng.randint(2, 14))
	return None


def _phone(idx: int, chinese: bool, rng: random.Random) -> str:
	# the index keeps every demo number unique (the KOL controller refuses duplicates)
	if chinese:
		return f"+86 13{idx % 10} {1000 + idx:04d} {rng.randint(1000, 9999)}"
	return f"+1 415 555 {100 + idx:04d}"


def _money(amount: float) -> str:
	return f"{CURRENCY} {amount:,.0f}"


def _backdate(doc, days_ago: int) -> None:
	"""Make the record look as old as the story says (reports group by creation)."""
	created = datetime.combine(getdate(_day(days_ago)), time(10, 0))
	frappe.db.set_value(doc.doctype, doc.name, "creation", created, update_modified=False)
