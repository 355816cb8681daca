"""Test users and records, built through the real framework."""

import random

import frappe
from frappe.utils import add_days, nowdate

from kol_crm.intelligence import rules

PASSWORD = "Kol-Test-Pass-2026!"
MANAGER = "kol.manager@kol-test.example"
MANAGER_2 = "kol.manager2@kol-test.example"
OPERATOR_A = "kol.operator.a@kol-test.example"
OPERATOR_B = "kol.operator.b@kol-test.example"
ANALYST = "kol.analyst@kol-test.example"
# a KOL's portal login (a Website User); a test links it to a KOL (KOL.portal_user)
PORTAL_USER = "kol.portal@kol-test.example"
# the community platform's integration login (kol_crm.platform.api.push_events with its API key)
INTEGRATION = "kol.integration@kol-test.example"

USERS = {
	MANAGER: ["KOL Manager"],
	MANAGER_2: ["KOL Manager"],
	OPERATOR_A: ["KOL Operator"],
	OPERATOR_B: ["KOL Operator"],
	ANALYST: ["KOL Analyst"],
	PORTAL_USER: ["KOL Portal User"],
	INTEGRATION: ["KOL Integration"],
}


def ensure_users() -> None:
	"""Create the test users once; later sessions only repair what is missing."""
	from frappe.utils.password import update_password

	for email, roles in USERS.items():
		if not frappe.db.exists("User", email):
			user = frappe.new_doc("User")
			user.update({"email": email, "first_name": email.split("@")[0], "send_welcome_email": 0})
			user.insert(ignore_permissions=True)
		user = frappe.get_doc("User", email)
		if set(roles) - {r.role for r in user.roles}:
			user.add_roles(*roles)
		update_password(email, PASSWORD)
	frappe.db.commit()


_counter = iter(range(1, 10**9))


def unique(prefix: str = "k") -> str:
	return f"{prefix}{frappe.generate_hash(length=8)}{next(_counter)}"


def unique_phone() -> str:
	return f"+86 13{random.randint(100000000, 999999999)}"


def make_kol(acknowledge_rules: bool = True, **kwargs):
	"""A KOL as the session user; with ``acknowledge_rules`` (the default) it has acknowledged the
	current rules, as every KOL must before activation or a partnership (recorded by the system)."""
	token = unique()
	data = {
		"doctype": "KOL",
		"kol_name": f"Test KOL {token}",
		"intake_path": "External Intake",
		"intake_purpose": "Acquisition",
		"program_type": "Paid",
		"operator": OPERATOR_A,
		"email": f"{token}@creators.example",
		"platform_accounts": [
			{"platform": "Bilibili", "handle": f"@{token}", "followers": 12000, "engagement_rate": 4.5}
		],
	}
	data.update(kwargs)
	kol = frappe.get_doc(data).insert()
	if acknowledge_rules:
		acknowledge(kol.name)
	return kol


def acknowledge(kol: str, method: str = "Portal"):
	"""Record that ``kol`` acknowledged the current rules (as the KOL would, through the portal)."""
	user = frappe.session.user
	frappe.set_user("Administrator")
	try:
		rules.record_by_kol(kol, method)
	finally:
		frappe.set_user(user)
	return rules.latest_acknowledgement(kol)


def make_proposal(kol: str, with_terms: bool = True, **kwargs):
	data = {
		"doctype": "KOL Proposal",
		"title": f"Launch campaign {unique('p')}",
		"kol": kol,
		"purpose": "Acquisition",
		"budget": 5000,
		"valid_from": nowdate(),
		"valid_until": add_days(nowdate(), 30),
	}
	if with_terms:
		data["deliverables"] = [{"deliverable_type": "Video", "description": "Review video", "quantity": 2}]
		data["benefits"] = [
			{"benefit_type": "Cash", "amount": 3000},
			{"benefit_type": "Revenue Share", "revenue_share_percent": 10},
			{"benefit_type": "Traffic Exposure", "description": "Home page banner for a week"},
		]
	data.update(kwargs)
	return frappe.get_doc(data).insert()


def set_state(doc, state: str) -> None:
	"""Put a record straight into a workflow state (test set-up, not a transition)."""
	frappe.db.set_value(doc.doctype, doc.name, "workflow_state", state, update_modified=False)
	doc.reload()


def link_portal_user(kol: str, user: str = PORTAL_USER) -> None:
	"""Make ``user`` the portal login of ``kol`` (and of no other KOL)."""
	frappe.db.set_value("KOL", {"portal_user": user}, "portal_user", None)
	frappe.db.set_value("KOL", kol, "portal_user", user)


def accept_proposal(proposal) -> None:
	set_state(proposal, "Accepted")
	frappe.db.set_value("KOL Proposal", proposal.name, "outcome", "Accepted", update_modified=False)
	proposal.reload()
