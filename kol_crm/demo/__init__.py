"""A believable sample KOL program for a new user to explore.

	bench --site SITE execute kol_crm.demo.setup
	bench --site SITE execute kol_crm.demo.setup --kwargs '{"reset": True}'

Builds a KOL Category tree, four KOL Tiers, demo users (a manager, two operators, an
analyst, a KOL's portal login), 36 KOLs on both intake paths in every lifecycle state, proposals in every
approval state, partnerships made from accepted proposals (one with content in review) and
interactions over the last 90 days; the shipped rules with every onboarded KOL's acknowledgement,
two violations and their penalties, and an audience per domain for intake pacing; a published
case study of a completed partnership and a draft proposal whose offer misses the KOL's wants. Records move through the real workflows (``apply_workflow``), so every guard and
controller runs. A seeded random generator keeps runs reproducible.

Idempotent: when the demo KOLs (emails at ``KOL_EMAIL_DOMAIN``) exist, only the demo users
are refreshed (roles, password). ``reset=True`` deletes the demo records first and rebuilds.

One module per area, in the order the build runs: ``users``, ``masters`` (categories and
tiers), ``conduct`` (rules, acknowledgements, violations, programme categories), ``creators``
(who the KOLs are), ``kols``, ``proposals``, ``partnerships`` (their results are conversions
sent through the platform's endpoint), ``platform`` (referral codes, activity, platform
candidates), ``settlements`` (a KOL's statements, one paid in part), ``casestudies`` (a published
case study, a proposal that misses the KOL's wants), ``interactions``, ``portal`` (the KOL with the
demo portal login); ``reset`` removes what they made and ``common`` holds what they share. ``mail``
(the CLI's ``setup`` only, after the commit) sends outreach through the local mail servers of
``scripts/mail.sh`` and pulls a KOL's answer, when they run.
"""

import itertools
import random

import frappe

from kol_crm.demo import conduct, mail
from kol_crm.demo.casestudies import add_case_study, add_mismatched_proposal
from kol_crm.demo.common import KOL_EMAIL_DOMAIN, PASSWORD, SEED, DemoState, demo_kols
from kol_crm.demo.community import add_community
from kol_crm.demo.creators import CREATORS
from kol_crm.demo.discovery import add_discovery
from kol_crm.demo.interactions import FOLLOW_UP_STATES, add_interactions
from kol_crm.demo.kols import AFTER_PROPOSALS, add_kol, finish_lifecycle
from kol_crm.demo.masters import ensure_categories, ensure_tiers
from kol_crm.demo.partnerships import add_content, add_partnership
from kol_crm.demo.platform import add_platform_data, reset_rng
from kol_crm.demo.portal import add_portal_login
from kol_crm.demo.proposals import OFFERS, add_proposal
from kol_crm.demo.reset import demo_events, remove_demo_data
from kol_crm.demo.settlements import add_statements
from kol_crm.demo.users import USERS, ensure_users

__all__ = ["KOL_EMAIL_DOMAIN", "PASSWORD", "USERS", "build", "counts", "demo_kols", "setup"]


def setup(reset: bool = False, password: str = PASSWORD) -> dict:
	"""CLI entry point: build the demo (once) and commit; then its email, when the local mail
	servers run (``demo.mail``: it sends and pulls, which commits)."""
	result = build(reset=reset, password=password, commit=True)
	previous_user = frappe.session.user
	frappe.set_user("Administrator")
	try:
		result.update(mail.add_mail())
	finally:
		frappe.set_user(previous_user)
	frappe.db.commit()
	return result


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
			make_records(DemoState(random.Random(SEED)))
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


def make_records(state: DemoState) -> None:
	"""Create the demo records in dependency order, all drawing on ``state``'s one random generator."""
	ensure_categories()
	reset_rng()
	conduct.ensure_rules()
	conduct.ensure_programme_categories()
	state.tiers = ensure_tiers()
	for idx, creator in enumerate(CREATORS):
		add_kol(state, idx, creator)
	for offer in OFFERS:
		add_proposal(state, offer)
	partnered = {offer.kol for offer in OFFERS if offer.partnership}
	for entry in state.kols.values():
		if "Activate" in AFTER_PROPOSALS.get(entry.creator.state, ()) or entry.creator.name in partnered:
			conduct.acknowledge(state, entry)  # rules at the start: before activation and partnership
		finish_lifecycle(entry)
	for offer, proposal in state.offers:
		if offer.partnership:
			add_partnership(state, offer, proposal)
	add_platform_data(state)
	add_content(state)
	add_statements([entry.doc.name for entry in state.kols.values()])
	conduct.add_violations(state)
	add_discovery(state)
	add_community(state)
	add_case_study(state)
	add_mismatched_proposal(state)
	follow_ups = itertools.cycle(("overdue", "today", "future"))
	for entry in state.kols.values():
		add_interactions(state, entry, next(follow_ups) if entry.creator.state in FOLLOW_UP_STATES else None)
	add_portal_login(state)  # last: the KOL's open proposal and their rules to acknowledge again


def counts() -> dict:
	"""How many demo records of each kind the site holds."""
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
		"referral_codes": frappe.db.count("KOL Referral Code", linked),
		"platform_events": frappe.db.count("KOL Platform Event", {"event_id": ("like", "demo-%")}),
		"content": frappe.db.count("KOL Content", linked),
		"rule_acknowledgements": frappe.db.count("KOL Rule Acknowledgement", linked),
		"violations": frappe.db.count("KOL Violation", linked),
		"observations": frappe.db.count("KOL Observation", linked),
		"statements": frappe.db.count("KOL Settlement Statement", linked),
		"events": len(demo_events(kols)),
		"community_memberships": frappe.db.count("KOL Community Membership", linked),
		"audience_overlaps": frappe.db.count("KOL Audience Overlap", linked),
		"portal_logins": frappe.db.count("KOL", {"name": ("in", kols or [""]), "portal_user": ("is", "set")}),
		"case_studies": frappe.db.count("KOL Case Study", linked),
	}
