"""The platform's integration user: a Website User with the KOL Integration role and an API key.

	bench --site SITE execute kol_crm.platform.integration.make_integration_user \
		--kwargs '{"email": "platform@example.com"}'

prints the API key and a new API secret (the secret is shown once; running it again makes a new
one). The user has no desk and no DocPerm: it can call ``push_events`` and nothing else of
kol_crm's.
"""

import frappe
from frappe.utils.password import get_decrypted_password

from kol_crm.permissions import INTEGRATION


def make_integration_user(email: str, first_name: str = "Community Platform") -> dict:
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": first_name,
				"user_type": "Website User",
				"send_welcome_email": 0,
			}
		).insert(ignore_permissions=True)  # an administrator's command, run from bench
	user = frappe.get_doc("User", email)
	if INTEGRATION not in {r.role for r in user.roles}:
		user.add_roles(INTEGRATION)
	user.reload()
	user.api_key = user.api_key or frappe.generate_hash(length=15)
	user.api_secret = frappe.generate_hash(length=15)
	user.flags.ignore_permissions = True  # as above
	user.save()
	frappe.db.commit()
	return {
		"user": email,
		"api_key": user.api_key,
		"api_secret": get_decrypted_password("User", email, "api_secret"),
	}
