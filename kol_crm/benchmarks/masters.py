"""The benchmark's master data: tiers, a category tree and the operator and manager users."""

import frappe

TIERS = (  # name, rank, share of the KOLs
	("Bench Platinum", 1, 0.05),
	("Bench Gold", 2, 0.15),
	("Bench Silver", 3, 0.30),
	("Bench Bronze", 4, 0.45),
)
DOMAINS = 4
NICHES = 3


def ensure_masters(operators: int) -> dict:
	"""Tiers, a category tree, operator and manager users (created once, through the framework)."""
	for tier_name, rank, _share in TIERS:
		if not frappe.db.exists("KOL Tier", tier_name):
			doc = frappe.get_doc({"doctype": "KOL Tier", "tier_name": tier_name, "rank": rank})
			doc.flags.ignore_mandatory = True
			doc.insert(ignore_permissions=True)
	leaves = [niche for d in range(1, DOMAINS + 1) for niche in ensure_domain(d)]
	# the manager first: on a site without a System Manager, Frappe makes the first new user one
	manager = ensure_user("bench.manager@kol-bench.example", "KOL Manager")
	users = [ensure_user(f"bench.operator{i}@kol-bench.example", "KOL Operator") for i in range(operators)]
	return {"tiers": TIERS, "categories": leaves, "operators": users, "manager": manager}


def ensure_domain(d: int) -> list[str]:
	"""Category group ``Bench Domain d`` and its niches; returns the niches (the KOLs' categories)."""
	domain = f"Bench Domain {d}"
	if not frappe.db.exists("KOL Category", domain):
		frappe.get_doc({"doctype": "KOL Category", "category_name": domain, "is_group": 1}).insert(
			ignore_permissions=True
		)
	niches = []
	for n in range(1, NICHES + 1):
		niche = f"Bench Niche {d}.{n}"
		if not frappe.db.exists("KOL Category", niche):
			frappe.get_doc(
				{"doctype": "KOL Category", "category_name": niche, "parent_kol_category": domain}
			).insert(ignore_permissions=True)
		niches.append(niche)
	return niches


def ensure_user(email: str, role: str) -> str:
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": email.split("@")[0], "send_welcome_email": 0}
		)
		user.append("roles", {"role": role})
		user.insert(ignore_permissions=True)
	return email
