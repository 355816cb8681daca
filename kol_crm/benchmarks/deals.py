"""The generated programme's proposals (with benefits and negotiation rounds) and partnerships, as rows."""

import random
from datetime import datetime, timedelta

from kol_crm.benchmarks.data import CHILD_COLS, PURPOSES, STD_COLS, moment_after, pick, std

PROPOSAL_MIX = (
	("Draft", 10),
	("Pending Approval", 8),
	("Approved", 5),
	("Sent", 10),
	("Countered", 7),
	("Accepted", 30),
	("Rejected", 20),
	("Withdrawn", 10),
)
REJECTION_REASONS = (
	"Budget too low",
	"Not a fit for the audience",
	"Exclusive deal with a competitor",
	"No time this quarter",
	"Wants revenue share only",
	"",
)
PROPOSAL_COLS = [
	*STD_COLS,
	"naming_series",
	"title",
	"kol",
	"purpose",
	"workflow_state",
	"valid_from",
	"valid_until",
	"budget",
	"outcome",
	"outcome_on",
	"outcome_reason",
]
PARTNERSHIP_COLS = [
	*STD_COLS,
	"naming_series",
	"kol",
	"kol_name",
	"proposal",
	"purpose",
	"status",
	"start_date",
	"end_date",
	"target_new_users",
	"target_activated_users",
	"target_paid_conversions",
	"target_revenue",
	"result_new_users",
	"result_activated_users",
	"result_paid_conversions",
	"result_revenue",
	"revenue_share_due",
]
BENEFIT_COLS = [*CHILD_COLS, "benefit_type", "amount", "revenue_share_percent"]
ROUND_COLS = [*CHILD_COLS, "round_date", "party", "offer", "budget"]


def benefit(row: tuple, parent: str, parenttype: str, idx: int, kind: str, amount: float, share: float):
	"""A KOL Benefit row (``BENEFIT_COLS``); ``row`` is its standard columns (``std``)."""
	return (*row, parent, parenttype, "benefits", idx, kind, amount, share)


def proposal_rows(count: int, kol_info: list, rng: random.Random, now: datetime) -> tuple:
	"""``count`` proposals on random KOLs, their benefits and rounds, and the accepted ones' terms."""
	proposals, benefits, rounds, accepted = [], [], [], []
	for i in range(count):
		kol, created, operator = kol_info[rng.randrange(len(kol_info))]
		when = moment_after(created, now, rng)
		name = f"KOLB-PROP-{i + 1:07d}"
		state = pick(PROPOSAL_MIX, rng)
		closed = state in ("Accepted", "Rejected", "Withdrawn")
		reason = rng.choice(REJECTION_REASONS) if state == "Rejected" else None
		budget = rng.choice((1000, 2000, 5000, 10000, 20000))
		proposals.append(
			(
				*std(name, when, operator),
				"KOL-PROP-.YYYY.-.#####",
				f"Bench proposal {i + 1}",
				kol,
				rng.choice(PURPOSES),
				state,
				when.date(),
				(when + timedelta(days=30)).date(),
				budget,
				state if closed else None,
				(when + timedelta(days=rng.randint(1, 40))).date() if closed else None,
				reason,
			)
		)
		share = rng.choice((5, 10, 15))
		benefits.append(
			benefit(std(f"bb{i:07d}a", when, operator), name, "KOL Proposal", 1, "Cash", budget, 0)
		)
		benefits.append(
			benefit(std(f"bb{i:07d}b", when, operator), name, "KOL Proposal", 2, "Revenue Share", 0, share)
		)
		if state not in ("Draft", "Pending Approval", "Approved"):
			rounds += round_rows(i, name, when, operator, budget, rng.randint(0, 4))
		if state == "Accepted":
			accepted.append((name, kol, when, budget, share))
	return proposals, benefits, rounds, accepted


def round_rows(i: int, proposal: str, when: datetime, operator: str, budget: float, count: int) -> list:
	"""``count`` negotiation rounds of a proposal, a day apart, the KOL speaking first."""
	return [
		(
			*std(f"br{i:07d}{r}", when, operator),
			proposal,
			"KOL Proposal",
			"negotiation_rounds",
			r + 1,
			(when + timedelta(days=r)).date(),
			"KOL" if r % 2 == 0 else "Us",
			"Bench offer",
			budget,
		)
		for r in range(count)
	]


def partnership_rows(accepted: list, kol_names: dict, rng: random.Random) -> tuple:
	"""A partnership per accepted proposal, with its benefits (cash, revenue share, sometimes product)."""
	partnerships, benefits = [], []
	for i, (proposal, kol, when, budget, share) in enumerate(accepted):
		name = f"KOLB-PART-{i + 1:07d}"
		start = when.date() + timedelta(days=rng.randint(0, 20))
		status = rng.choices(("Active", "Paused", "Completed", "Terminated"), weights=(50, 10, 30, 10))[0]
		end = start + timedelta(days=rng.choice((90, 180, 365)))
		targets = [rng.choice((100, 500, 1000)), rng.choice((50, 200, 500)), rng.choice((10, 50, 100))]
		results = [int(t * rng.uniform(0, 1.5)) for t in targets]
		revenue = results[2] * rng.choice((50, 100, 200))
		ts = datetime.combine(start, datetime.min.time())
		partnerships.append(
			(
				*std(name, ts),
				"KOL-PART-.YYYY.-.#####",
				kol,
				kol_names.get(kol),
				proposal,
				rng.choice(PURPOSES),
				status,
				start,
				end,
				*targets,
				revenue * 2,
				*results,
				revenue,
				revenue * share / 100,
			)
		)
		benefits.append(benefit(std(f"pb{i:07d}a", ts), name, "KOL Partnership", 1, "Cash", budget, 0))
		benefits.append(
			benefit(std(f"pb{i:07d}b", ts), name, "KOL Partnership", 2, "Revenue Share", 0, share)
		)
		if rng.random() < 0.5:
			benefits.append(
				benefit(std(f"pb{i:07d}c", ts), name, "KOL Partnership", 3, "Product", budget / 10, 0)
			)
	return partnerships, benefits
