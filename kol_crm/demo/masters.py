"""The KOL Category tree (domains and their niches) and four KOL Tiers with benefits and empowerment."""

from typing import NamedTuple

import frappe

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
