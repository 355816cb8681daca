"""Community groups per KOL type (根据KOL的类型分类建立社群) with their members, one KOL who left
his group when he was offboarded, and measured audience overlaps: two Beauty KOLs who share part
of their audience, and a skincare candidate whose audience the Active makeup KOL already reaches
(above the 30 % threshold: her form and the pacing warn)."""

import frappe

from kol_crm.demo.common import DemoState, day

# group name: (category, programme type, channel, capacity, description, members)
GROUPS = {
	"Mobile Strategy Guides": (
		"Mobile Strategy",
		None,
		"WeChat Group",
		500,
		"Guide writers and strategy players swap line-ups and review each other's guides.",
		("陈墨", "阿杰", "韩磊"),
	),
	"Beauty Creators Circle": (
		"Beauty",
		None,
		"Knowledge Planet",
		200,
		"Skincare and make-up creators: ingredient questions, product kits, reviews after each campaign.",
		("Ava Thompson", "王小鱼", "小鹿"),
	),
	"AI Builders Discord": (
		"Tech",
		None,
		"Discord",
		0,
		"Builders and reviewers of AI and developer tools; the camp's speakers host the office hours.",
		("Marcus Lee", "Hannah Schmidt", "老白"),
	),
	"Community Hosts Lounge": (
		None,
		"Unpaid",
		"WeChat Group",
		100,
		"Unpaid hosts and guide writers of every category: recognition, early access, hosting tips.",
		("阿杰", "小鹿", "Hannah Schmidt"),
	),
	"Esports Casters": (
		"Esports",
		None,
		"WeChat Group",
		300,
		"Casters and esports creators.",
		(),
	),
}
# (creator, group, joined days ago, left days ago, reason): left before the demo's today
FORMER_MEMBERS = (("赵一鸣", "Esports Casters", 200, 40, "Offboarded"),)
# (creator, other creator, shared followers, source, measured days ago, note)
OVERLAPS = (
	("王小鱼", "Ava Thompson", 40_000, "Audience Survey", 20, "Survey of 1,000 followers of each."),
	("小鹿", "Ava Thompson", 2_000, "Platform Analytics", 15, None),
	(
		"苏晴",
		"王小鱼",
		90_000,
		"Platform Analytics",
		5,
		"Xiaohongshu's audience tool: most of 苏晴's followers already follow 小鱼化妆间.",
	),
)


def add_community(state: DemoState) -> None:
	for group_name, (category, program_type, channel, capacity, description, members) in GROUPS.items():
		owner = next((state.kols[c].doc.operator for c in members if c in state.kols), None)
		group = frappe.get_doc(
			{
				"doctype": "KOL Community Group",
				"group_name": group_name,
				"category": category if category and frappe.db.exists("KOL Category", category) else None,
				"program_type": program_type,
				"channel": channel,
				"capacity": capacity,
				"description": description,
				"group_owner": owner,
				"invite_link": f"https://community.example/join/{frappe.scrub(group_name)}",
			}
		).insert()
		for i, creator in enumerate(members):
			if entry := state.kols.get(creator):
				frappe.get_doc(
					{
						"doctype": "KOL Community Membership",
						"community_group": group.name,
						"kol": entry.doc.name,
						"joined_on": day(60 - 10 * i),
					}
				).insert()
	for creator, group, joined, left, reason in FORMER_MEMBERS:
		if entry := state.kols.get(creator):
			frappe.get_doc(
				{
					"doctype": "KOL Community Membership",
					"community_group": group,
					"kol": entry.doc.name,
					"status": "Left",
					"joined_on": day(joined),
					"left_on": day(left),
					"left_reason": reason,
				}
			).insert()
	for creator, other, shared, source, days_ago, note in OVERLAPS:
		if creator in state.kols and other in state.kols:
			frappe.get_doc(
				{
					"doctype": "KOL Audience Overlap",
					"kol": state.kols[creator].doc.name,
					"other_kol": state.kols[other].doc.name,
					"shared_followers": shared,
					"source": source,
					"measured_on": day(days_ago),
					"note": note,
				}
			).insert()


def demo_groups() -> list[str]:
	return [name for name in GROUPS if frappe.db.exists("KOL Community Group", name)]
