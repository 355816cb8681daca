"""The demo KOLs: a profile per creator, walked through the KOL Lifecycle in two steps.

The intake steps run before the proposals are made; the closing ones (activate, offboard, decline, ...)
after, because an external KOL needs an accepted proposal to become active.
"""

import random

import frappe
from frappe.model.workflow import apply_workflow

from kol_crm.demo.common import EXTERNAL, INTERNAL, KOL_EMAIL_DOMAIN, DemoState, backdate, day
from kol_crm.demo.creators import (
	CITIES_CN,
	CITIES_EN,
	CONFLICTS,
	CULTIVATION_OUTCOMES,
	FIT_NOTES,
	OCCASIONS,
	PERSONALITIES,
	PREFERENCES,
	PROFILE_URLS,
	SECOND_PLATFORM,
	SOURCES,
	STRENGTHS,
	Creator,
)
from kol_crm.demo.masters import NICHE_DOMAIN
from kol_crm.demo.proposals import OFFERS
from kol_crm.demo.users import OPERATOR_1, OPERATOR_2

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


def add_kol(state: DemoState, idx: int, c: Creator) -> None:
	"""Insert the creator's KOL, backdated, and move it to the state it has while proposals are made."""
	offers = [o.days_ago for o in OFFERS if o.kol == c.name]
	since = max([STATE_AGE[c.state], *(d + 7 for d in offers)]) + state.rng.randint(0, 10)
	doc = frappe.get_doc({"doctype": "KOL", **profile(state, idx, c), **preferences(state.rng, c)}).insert()
	backdate(doc, since)
	for action in INTAKE_ACTIONS[intake_state(c)]:
		doc = apply_workflow(doc, action)
	state.kols[c.name] = frappe._dict(doc=doc, creator=c, since=since)


def finish_lifecycle(entry) -> None:
	"""The lifecycle actions that need the proposals made (activate, offboard, decline, ...)."""
	for action in AFTER_PROPOSALS.get(entry.creator.state, ()):
		entry.doc = apply_workflow(entry.doc, action)


def intake_state(c: Creator) -> str:
	"""The intake state a KOL is in while its proposals are made."""
	if c.state in INTAKE_ACTIONS:
		return c.state
	if c.state == "Dropped":
		return "Evaluating"
	return "Negotiating" if c.path == EXTERNAL else "Cultivating"


def profile(state: DemoState, idx: int, c: Creator) -> dict:
	rng = state.rng
	chinese = is_chinese(c.name)
	onboarded = c.state in ("Active", "Dormant", "Offboarded")
	return {
		"kol_name": c.name,
		"display_name": c.display_name,
		"intake_path": c.path,
		"intake_purpose": c.purpose,
		"program_type": c.program,
		"category": c.category,
		"tier": state.tiers[c.tier] if c.tier else None,
		"operator": (OPERATOR_1, OPERATOR_2)[idx % 2],
		"source": rng.choice(SOURCES[c.path]),
		"email": f"{c.handle.replace('_', '.')}@{KOL_EMAIL_DOMAIN}",
		"phone": phone(idx, chinese, rng),
		"wechat": f"wx_{c.handle}"[:20] if chinese else None,
		"email_language": "zh" if chinese else None,  # outreach in Chinese (the "(zh)" templates)
		"address": f"{rng.randint(10, 999)} Example Road, {rng.choice(CITIES_CN if chinese else CITIES_EN)}",
		"platform_accounts": platform_accounts(rng, c),
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
		**platform_activity(rng, c, onboarded),
	}


def platform_accounts(rng: random.Random, c: Creator) -> list[dict]:
	accounts = [account(rng, c.platform, c.handle, c.followers)]
	if rng.random() < 0.5:
		followers = int(c.followers * rng.uniform(0.1, 0.6))
		accounts.append(account(rng, SECOND_PLATFORM[c.platform], c.handle, followers))
	return accounts


def account(rng: random.Random, platform: str, handle: str, followers: int) -> dict:
	url = PROFILE_URLS.get(platform)
	return {
		"platform": platform,
		"handle": handle,
		"profile_url": url.format(handle) if url else None,
		"followers": followers,
		"engagement_rate": round(rng.uniform(1.2, 9.5), 1),
		"last_active_on": day(rng.randint(0, 20)),
	}


def platform_activity(rng: random.Random, c: Creator, onboarded: bool) -> dict:
	"""What the KOL does on our own platform: internal candidates and onboarded KOLs are active here."""
	if c.path == EXTERNAL and not onboarded:
		return {}
	last_active = rng.randint(60, 80) if c.state == "Dormant" else rng.randint(0, 20)
	outcome = rng.choice(CULTIVATION_OUTCOMES) if c.path == INTERNAL and onboarded else None
	return {
		"platform_account_id": f"UID-{rng.randint(100000, 999999)}",
		"on_platform_posts": rng.randint(5, 400),
		"on_platform_content": rng.randint(2, 120),
		"last_active_on_platform": day(last_active),
		"content_quality_rating": (1 if c.name == "Zoe Li" else rng.randint(3, 5)) / 5,
		"cultivation_outcome": outcome,
	}


def preferences(rng: random.Random, c: Creator) -> dict:
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
				"occasion_date": day(rng.randint(-60, 60)),
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


def is_chinese(text: str) -> bool:
	return any(ord(ch) > 0x2E7F for ch in text)


def phone(idx: int, chinese: bool, rng: random.Random) -> str:
	# the index keeps every demo number unique (the KOL controller refuses duplicates)
	if chinese:
		return f"+86 13{idx % 10} {1000 + idx:04d} {rng.randint(1000, 9999)}"
	return f"+1 415 555 {100 + idx:04d}"
