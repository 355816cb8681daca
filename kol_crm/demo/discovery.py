"""Discovery: what the operators observed of a few KOLs (their posts, accounts and projects), and
one camp (行动营) with the KOLs found there and its review (复盘)."""

import frappe

from kol_crm.demo.common import DemoState, day

# creator: (source, days ago, evidence, link)
OBSERVATIONS = (
	(
		"Ethan Brooks",
		"Project",
		30,
		"Maintains an open-source CLI for API mocking; 2k stars, answers issues within a day.",
		"https://github.com/ethanbuilds",
	),
	(
		"Olivia Chen",
		"Official Account",
		21,
		"Weekly teardown of AI tools for small teams; every post ends with a reproducible recipe.",
		"https://mp.weixin.qq.com/s/oliviashipsai",
	),
	(
		"韩磊",
		"WeChat Moments",
		9,
		"Shares his strategy-game line-ups in Moments; friends ask him for advice in the comments.",
		None,
	),
)
CAMP = {
	"event_name": "AI Builders Camp",
	"event_type": "Camp",
	"category": "Tech",
	"starts_on": 18,
	"ends_on": 12,
	"description": "A one-week camp: each participant ships a small tool with our API and shows it on the last day.",
	"review_notes": (
		"<p>Nine teams shipped. Ethan's mock-server demo was the strongest: clear, reusable, and he "
		"helped two other teams. Marcus's talk drew the most questions.</p>"
		"<p>Next time: pair newcomers with a speaker from day one; record the demos.</p>"
	),
}
# creator: (role, note)
PARTICIPANTS = (
	("Marcus Lee", "Speaker", "Opening talk: shipping AI tools in a week."),
	("Ethan Brooks", "Found Here", "Best demo; offered to mentor next camp."),
	("Olivia Chen", "Participant", "Shipped a prompt-testing tool."),
)


def add_discovery(state: DemoState) -> None:
	for creator, source, days_ago, evidence, link in OBSERVATIONS:
		entry = state.kols.get(creator)
		if not entry:
			continue
		frappe.get_doc(
			{
				"doctype": "KOL Observation",
				"kol": entry.doc.name,
				"observed_on": day(days_ago),
				"source": source,
				"evidence": evidence,
				"link": link,
				"observer": entry.doc.operator,
			}
		).insert()
	participants = [
		{"kol": state.kols[creator].doc.name, "role": role, "note": note}
		for creator, role, note in PARTICIPANTS
		if creator in state.kols
	]
	category = CAMP["category"] if frappe.db.exists("KOL Category", CAMP["category"]) else None
	frappe.get_doc(
		{
			**CAMP,
			"doctype": "KOL Event",
			"category": category,
			"starts_on": day(CAMP["starts_on"]),
			"ends_on": day(CAMP["ends_on"]),
			"participants": participants,
		}
	).insert()
