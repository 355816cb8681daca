"""The demo proposals: one per offer, walked through the KOL Proposal Approval workflow.

Each step the KOL hears about (sent, countered, revised, accepted, ...) is kept as an ``Event`` and
logged as an interaction with the rest of the KOL's story.
"""

import random
from typing import NamedTuple

import frappe
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days

from kol_crm.demo.common import CURRENCY, DemoState, Event, backdate, day, money
from kol_crm.demo.creators import Creator
from kol_crm.demo.masters import NICHE_DOMAIN


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

FINAL_ACTIONS = {"Accepted": "Mark Accepted", "Rejected": "Mark Rejected", "Withdrawn": "Withdraw"}
DEAL_STEPS = {  # logged as a proposal moves (see deal_step)
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


def add_proposal(state: DemoState, offer: Offer) -> None:
	entry = state.kols[offer.kol]
	start = day(offer.days_ago)
	doc = frappe.get_doc(
		{
			"doctype": "KOL Proposal",
			"title": offer.title,
			"kol": entry.doc.name,
			"purpose": entry.creator.purpose,
			"budget": offer.budget,
			"currency": CURRENCY,
			"valid_from": start,
			"valid_until": add_days(start, duration(state.rng, offer)),
			"deliverables": deliverables(state.rng, entry.creator, start),
			"benefits": benefits(state.rng, entry, offer),
		}
	).insert()
	backdate(doc, offer.days_ago)
	doc = move_proposal(state, doc, offer)
	state.offers.append((offer, doc))


def duration(rng: random.Random, offer: Offer) -> int:
	if offer.partnership == "Completed":
		return offer.days_ago - rng.randint(5, 20)  # over by now
	if offer.partnership:
		return offer.days_ago + rng.randint(30, 90)  # still running (or cut short)
	return rng.choice((30, 45, 60))


def deliverables(rng: random.Random, c: Creator, start: str) -> list[dict]:
	options = DELIVERABLES[NICHE_DOMAIN[c.category]]
	if c.program == "Unpaid":
		options = (("Community Hosting", "Host the weekly community thread"), *options)
	picked = rng.sample(options, k=rng.randint(1, 3))
	return [
		{
			"deliverable_type": kind,
			"description": description,
			"platform": c.platform,
			"quantity": rng.randint(1, 4),
			"due_date": add_days(start, rng.randint(7, 28)),
		}
		for kind, description in picked
	]


def benefits(rng: random.Random, entry, offer: Offer) -> list[dict]:
	rows = []
	if offer.budget:
		rows.append({"benefit_type": "Cash", "amount": offer.budget})
	if entry.creator.purpose == "Conversion":
		rows.append({"benefit_type": "Revenue Share", "revenue_share_percent": rng.choice((5, 8, 10, 12))})
	soft = [SOFT_BENEFITS[flag] for flag in SOFT_BENEFITS if entry.doc.get(flag)]
	if not offer.budget or not soft:
		soft.append(ENDORSEMENT)
	rows += [{"benefit_type": kind, "description": text} for kind, text in soft]
	if rng.random() < 0.3:
		rows.append(
			{"benefit_type": "Product", "description": "Early access and a product kit", "amount": 200}
		)
	return rows


def move_proposal(state: DemoState, doc, offer: Offer):
	"""Walk the proposal to ``offer.state``: through approval, then sent, negotiated and decided."""
	if offer.state == "Draft":
		return doc
	doc = apply_workflow(doc, "Submit for Approval")
	if offer.state == "Pending Approval":
		return doc
	doc = apply_workflow(doc, "Approve")
	if offer.state == "Approved":
		return doc
	initial = (
		f"Initial offer: {money(offer.budget)} plus the benefits"
		if offer.budget
		else "Initial offer: the benefits, no fee"
	)
	doc = add_round(state.rng, doc, offer, "Us", 0, offer.budget, initial)
	doc = deal_step(state, doc, offer, "Send", offer.days_ago)
	if offer.countered:
		doc = negotiate(state, doc, offer)
	if offer.state in ("Sent", "Countered"):
		return doc
	return decide(state, doc, offer)


def negotiate(state: DemoState, doc, offer: Offer):
	"""The KOL counters; unless the demo leaves it Countered, we answer with a revised offer."""
	asked = offer.budget * 1.4
	counter = f"Asks for {money(asked)} and a home-page feature in launch week"
	doc = add_round(state.rng, doc, offer, "KOL", 2, asked, counter)
	doc = deal_step(state, doc, offer, "Record Counter-offer", offer.days_ago - 2)
	if offer.state == "Countered":
		return doc
	# the terms are locked once sent: the revision is a round; above the approved budget it is
	# a manager's to send (the demo runs as Administrator)
	revised = round(offer.budget * 1.15, -2)
	revision = f"Revised: {money(revised)} and three days of home-page exposure"
	doc = add_round(state.rng, doc, offer, "Us", 4, revised, revision)
	return deal_step(state, doc, offer, "Send Revised Offer", offer.days_ago - 4)


def decide(state: DemoState, doc, offer: Offer):
	"""The outcome (accepted, rejected, withdrawn) with its reason, dated a few days after the offer."""
	if offer.title in OUTCOME_REASONS:
		doc.outcome_reason = OUTCOME_REASONS[offer.title]
		doc.save()
	decided = max(offer.days_ago - (6 if offer.countered else 3), 1)
	doc = deal_step(state, doc, offer, FINAL_ACTIONS[offer.state], decided)
	frappe.db.set_value("KOL Proposal", doc.name, "outcome_on", day(decided), update_modified=False)
	state.decided.setdefault(offer.kol, []).append(decided)
	return doc


def deal_step(state: DemoState, doc, offer: Offer, action: str, days_ago: int):
	"""Apply a workflow action the KOL hears about; it is logged as an interaction later."""
	doc = apply_workflow(doc, action)
	kind, direction, summary, outcome = DEAL_STEPS[action]
	step = (kind, direction, summary, outcome or doc.outcome_reason)
	state.events.setdefault(offer.kol, []).append(Event(days_ago, step, doc.name))
	return doc


def add_round(rng: random.Random, doc, offer: Offer, party: str, days: int, budget: float, text: str):
	"""A negotiation round ``days`` after the offer was made (never in the future)."""
	doc.append(
		"negotiation_rounds",
		{
			"round_date": day(max(offer.days_ago - days, 0)),
			"party": party,
			"channel": rng.choice(("Email", "Call", "WeChat")),
			"offer": text,
			"budget": budget,
		},
	)
	doc.save()
	return doc
