"""Rules at the start, and the programme categories for pacing: the shipped rules, each onboarded
KOL's acknowledgement before it was activated (by the signed link, the portal, or recorded by its
operator with evidence), two violations with their penalties, and an audience per domain so that
the KOL Intake Pacing report has rows (and internal candidates left, or an exhausted pool)."""

import frappe

from kol_crm.demo.common import DemoState, day
from kol_crm.demo.masters import CATEGORIES
from kol_crm.intelligence import rules
from kol_crm.setup.rules import ensure_default_rules

# domain: audience (our community's users interested in it)
AUDIENCE = {"Gaming": 9000, "Beauty": 6000, "Tech": 8000, "Lifestyle": 2500}
# creator: (rule, severity, days ago, evidence); the penalty follows from the severity and history
VIOLATIONS = (
	(
		"Kevin Zhao",
		"Disclose paid content",
		"Minor",
		12,
		"Console tips video of the sponsored controller posted without the #ad tag; fixed after a reminder.",
	),
	(
		"Hannah Schmidt",
		"No poaching of users",
		"Major",
		6,
		"Invited members of our developer forum to her paid Discord in three forum replies (screenshots).",
	),
)


def ensure_rules() -> None:
	ensure_default_rules()


def acknowledge(state: DemoState, entry) -> None:
	"""The KOL acknowledged the rules before activation: mostly by the emailed link."""
	if rules.has_acknowledged(entry.doc.name):
		return
	how = state.rng.choice((rules.SIGNED_LINK, rules.SIGNED_LINK, rules.PORTAL, rules.OPERATOR))
	if how == rules.OPERATOR:
		frappe.get_doc(
			{
				"doctype": "KOL Rule Acknowledgement",
				"kol": entry.doc.name,
				"evidence": "Replied to the Code of Conduct email: 'Read them, all fine with me.'",
			}
		).insert()
	else:
		rules.record_by_kol(entry.doc.name, how)


def add_violations(state: DemoState) -> None:
	for creator, rule, severity, days_ago, evidence in VIOLATIONS:
		entry = state.kols.get(creator)
		if not entry or not frappe.db.exists("KOL Rule", rule):
			continue
		partnerships = state.partnerships.get(creator) or []
		frappe.get_doc(
			{
				"doctype": "KOL Violation",
				"kol": entry.doc.name,
				"rule": rule,
				"severity": severity,
				"violation_date": day(days_ago),
				"partnership": partnerships[0].name if partnerships else None,
				"evidence": evidence,
			}
		).insert()


def ensure_programme_categories() -> None:
	"""An audience per demo domain in KOL CRM Settings, unless the site already has programme
	categories (an administrator's are kept)."""
	settings = frappe.get_single("KOL CRM Settings")
	if settings.program_categories:
		return
	for domain in CATEGORIES:
		if frappe.db.exists("KOL Category", domain):
			settings.append("program_categories", {"category": domain, "audience_size": AUDIENCE[domain]})
	settings.save()
