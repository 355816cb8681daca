"""The demo interactions: each KOL's story over the last 90 days, dated around its proposals.

A story is the intake steps (review, outreach or cultivation), the partnership's work and a closing
step, plus the proposal steps the KOL heard about (``state.events``). The last interaction of a KOL
in a working state carries a follow-up date: overdue, due today or still ahead, in turn.
"""

import random
from datetime import datetime, time

import frappe
from frappe.utils import getdate, nowdate

from kol_crm.demo.common import EXTERNAL, DemoState, Event, day
from kol_crm.demo.creators import Creator
from kol_crm.demo.proposals import OFFERS

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

FOLLOW_UP_STATES = (
	"Shortlisted",
	"Contacting",
	"Negotiating",
	"Evaluating",
	"Cultivating",
	"Active",
	"Dormant",
)


def add_interactions(state: DemoState, entry, follow_up: str | None) -> None:
	"""Log the KOL's story, oldest first; the last interaction carries the follow-up date."""
	events = story_events(state, entry, follow_up) + state.events.get(entry.creator.name, [])
	events.sort(key=lambda e: -e.days_ago)
	for i, event in enumerate(events):
		last = i == len(events) - 1
		log(state, entry, event, follow_up_day(follow_up, event.days_ago, state.rng) if last else None)


def story(rng: random.Random, c: Creator) -> list[tuple]:
	if c.state in INTAKE_STORY:
		return list(INTAKE_STORY[c.state])
	intake = OUTREACH[:1] if c.path == EXTERNAL else CULTIVATION[1:]
	later = rng.sample(PARTNERSHIP[1:], k=rng.randint(1, 3))
	closing = [CLOSING[c.state]] if c.state in CLOSING else []
	return [*intake, PARTNERSHIP[0], *later, *closing]


def story_events(state: DemoState, entry, follow_up: str | None) -> list[Event]:
	"""Date the story: intake before the first proposal, partnership after the first outcome, closing last."""
	rng = state.rng
	steps = story(rng, entry.creator)
	newest = 4 if follow_up == "overdue" else 1  # room for an overdue follow-up before today
	offers = [o.days_ago for o in OFFERS if o.kol == entry.creator.name]
	if not offers:
		days = spread(rng, len(steps), newest, min(entry.since, 90))
		return [Event(d, step) for d, step in zip(days, steps, strict=True)]
	intake = [s for s in steps if s not in PARTNERSHIP and s not in CLOSING.values()]
	working = [s for s in steps if s in PARTNERSHIP]
	closing = [s for s in steps if s in CLOSING.values()]
	quiet = QUIET_DAYS.get(entry.creator.state, CLOSING_WITHIN) if closing else newest - 1
	first_outcome = max(state.decided.get(entry.creator.name) or offers)
	days = spread(rng, len(intake), max(offers) + 1, entry.since)
	days += spread(rng, len(working), quiet + 1, first_outcome - 1)
	days += spread(rng, len(closing), newest, CLOSING_WITHIN)
	return [Event(d, step) for d, step in zip(days, intake + working + closing, strict=True)]


def log(state: DemoState, entry, event: Event, follow_up: str | None) -> None:
	kind, direction, summary, outcome = event.step
	when = getdate(day(event.days_ago))
	partnerships = state.partnerships.get(entry.creator.name)
	partnership = latest(partnerships, "start_date", when) if event.step in PARTNERSHIP else None
	at = datetime.combine(when, time(state.rng.randint(9, 19), state.rng.choice((0, 15, 30, 45))))
	frappe.get_doc(
		{
			"doctype": "KOL Interaction",
			"kol": entry.doc.name,
			"interaction_type": kind,
			"direction": direction,
			"interaction_on": at,
			"operator": entry.doc.operator,
			"summary": summary,
			"outcome": outcome,
			"next_follow_up_on": follow_up,
			"proposal": event.proposal,
			"partnership": partnership,
		}
	).insert()


def spread(rng: random.Random, n: int, newest: int, oldest: int) -> list[int]:
	"""``n`` distinct days ago between ``newest`` and ``oldest`` (widened when too narrow), oldest first."""
	oldest = max(oldest, newest + n - 1)
	return sorted(rng.sample(range(newest, oldest + 1), n), reverse=True)


def latest(docs: list | None, date_field: str, when) -> str | None:
	"""Name of the last of ``docs`` that had started by ``when`` (else the first one)."""
	if not docs:
		return None
	started = [d for d in docs if getdate(d.get(date_field)) <= when]
	return (started or docs)[-1].name


def follow_up_day(kind: str | None, days_ago: int, rng: random.Random) -> str | None:
	"""A follow-up date after the interaction: already overdue, due today or still ahead."""
	if kind == "overdue" and days_ago >= 2:
		return day(rng.randint(1, days_ago - 1))
	if kind in ("today", "overdue"):
		return nowdate()
	if kind == "future":
		return day(-rng.randint(2, 14))
	return None
