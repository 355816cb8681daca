"""What every area of the demo shares: its constants, the build's state and the date helpers."""

import random
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import NamedTuple

import frappe
from frappe.utils import add_days, getdate, nowdate

PASSWORD = "demo-Pass-2026"
KOL_EMAIL_DOMAIN = "creators.kol-crm.example"
CURRENCY = "USD"
SEED = 42

EXTERNAL = EXT = "External Intake"
INTERNAL = INT = "Internal Cultivation"


class Event(NamedTuple):
	"""Something that happened with a KOL, logged as a KOL Interaction once its story is dated."""

	days_ago: int
	step: tuple  # (interaction type, direction, summary, outcome)
	proposal: str | None = None


@dataclass
class DemoState:
	"""What the build has made so far, shared by the areas, and its one seeded random generator."""

	rng: random.Random
	tiers: dict[str, str] = field(default_factory=dict)  # demo tier -> the tier used for it
	kols: dict[str, frappe._dict] = field(default_factory=dict)  # Creator.name -> {doc, creator, since}
	offers: list[tuple] = field(default_factory=list)  # (Offer, proposal) in OFFERS order
	partnerships: dict[str, list] = field(default_factory=dict)  # Creator.name -> partnerships
	events: dict[str, list[Event]] = field(default_factory=dict)  # Creator.name -> its proposals' steps
	decided: dict[str, list[int]] = field(default_factory=dict)  # Creator.name -> days ago closed


def demo_kols() -> list[str]:
	"""Names of the demo KOLs (recognised by their email domain)."""
	return frappe.get_all("KOL", filters={"email": ("like", f"%@{KOL_EMAIL_DOMAIN}")}, pluck="name")


def day(days_ago: int) -> str:
	return add_days(nowdate(), -days_ago)


def money(amount: float) -> str:
	return f"{CURRENCY} {amount:,.0f}"


def backdate(doc, days_ago: int) -> None:
	"""Make the record look as old as the story says (reports group by creation)."""
	created = datetime.combine(getdate(day(days_ago)), time(10, 0))
	frappe.db.set_value(doc.doctype, doc.name, "creation", created, update_modified=False)
