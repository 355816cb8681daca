"""The demo users: a manager, two operators, an analyst and a KOL's portal login, each with one role
and the demo password."""

import frappe
from frappe.utils.password import check_password

MANAGER = "demo.manager@kol-crm.example"
OPERATOR_1 = "demo.operator1@kol-crm.example"
OPERATOR_2 = "demo.operator2@kol-crm.example"
ANALYST = "demo.analyst@kol-crm.example"
# a Website User (the portal role has no desk access), linked to a demo KOL by demo/portal.py
KOL_PORTAL = "demo.kol@kol-crm.example"

USERS = (
	# email, first name, last name, role
	(MANAGER, "Mei", "Chen", "KOL Manager"),
	(OPERATOR_1, "Jason", "Liu", "KOL Operator"),
	(OPERATOR_2, "Sara", "Okafor", "KOL Operator"),
	(ANALYST, "Tom", "Becker", "KOL Analyst"),
	(KOL_PORTAL, "Demo", "KOL", "KOL Portal User"),
)


def ensure_users(password: str) -> None:
	"""The demo users exist, are enabled, have their one role and the given password."""
	for email, first_name, last_name, role in USERS:
		if frappe.db.exists("User", email):
			user = frappe.get_doc("User", email)
		else:
			user = frappe.new_doc("User")
			user.update(
				{"email": email, "first_name": first_name, "last_name": last_name, "send_welcome_email": 0}
			)
		if _user_is_ready(user, role, password):
			continue  # saving would log the user out of the demo (new password)
		user.enabled = 1
		user.new_password = password
		user.set("roles", [])
		user.add_roles(role)  # saves


def _user_is_ready(user, role: str, password: str) -> bool:
	if user.is_new() or not user.enabled or {r.role for r in user.roles} != {role}:
		return False
	try:
		check_password(user.name, password, delete_tracker_cache=False)
	except frappe.AuthenticationError:
		return False
	return True
