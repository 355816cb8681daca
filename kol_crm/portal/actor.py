"""The user the portal's writes are stamped with: "KOL Portal" (``ACTOR``), never the KOL's login.

A portal login is the KOL's email, and a record's owner and modified_by, its Versions and
comments are read by analysts, who never see a KOL's personal data. So what a KOL does on the
portal (and through the Code of Conduct's signed link) runs, once the KOL was checked, as this
user (``as_portal``), and the operator reads "KOL Portal" on the timeline.

It widens nobody's access:

- it is never a login: no password, no API key, and a login or an API request as it is refused
  (``refuse_login``, ``refuse_api_request``; hooks ``on_login`` and ``auth_hooks``);
- it holds no role (a Website User): every guard that restricts a KOL (the budget, the workflow)
  restricts a write stamped with it the same way, and Frappe's permission checks give it nothing
  beyond a website visitor's;
- it is created on install and by a patch, and removed on uninstall (``kol_crm.setup.uninstall``).
"""

from contextlib import contextmanager

import frappe
from frappe import _

ACTOR = "kol-portal@kol-crm.local"
FULL_NAME = "KOL Portal"
# its avatar on the timeline: the app's logo (and no gravatar look-up for it)
IMAGE = "/assets/kol_crm/images/kol-crm-logo.svg"


def ensure_actor() -> None:
	"""Create the portal's user when missing (install, patch); an existing one is left as it is."""
	if frappe.db.exists("User", ACTOR):
		return
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": ACTOR,
			"first_name": FULL_NAME,
			"enabled": 1,
			"user_type": "Website User",
			"send_welcome_email": 0,
			"user_image": IMAGE,
			"roles": [],
		}
	)
	user.flags.no_welcome_mail = True
	user.insert(ignore_permissions=True)  # the app, not a user, makes its own stamp


def remove_actor() -> None:
	"""Uninstall: the portal's user goes with the app, and the Contact Frappe made for it."""
	for contact in frappe.get_all("Contact", filters={"user": ACTOR}, pluck="name"):
		frappe.delete_doc("Contact", contact, force=True, ignore_permissions=True)
	if frappe.db.exists("User", ACTOR):
		frappe.delete_doc("User", ACTOR, force=True, ignore_permissions=True)


@contextmanager
def as_portal():
	"""Stamp what is written inside (owner, modified_by, Version, Comment, recorded_by, submitted_by)
	with ``ACTOR`` instead of the KOL's login or Guest. The caller checked the KOL before; ``ACTOR``
	holds no role, so every guard that restricts a KOL restricts it the same way."""
	user = frappe.session.user
	frappe.session.user, frappe.local.user_perms = ACTOR, None
	try:
		yield
	finally:
		frappe.session.user, frappe.local.user_perms = user, None


def refuse_login(login_manager) -> None:
	"""Hook ``on_login``: nobody logs in as the portal's stamp, whatever password it was given."""
	if (login_manager.user or "").lower() == ACTOR:
		frappe.throw(_("This user can't log in."), frappe.AuthenticationError, title=_("Not permitted"))


def refuse_api_request() -> None:
	"""Hook ``auth_hooks``: a request authenticated as the portal's stamp (an API key someone made
	for it, a token) is refused."""
	if (frappe.session.user or "").lower() == ACTOR:
		frappe.throw(_("This user can't log in."), frappe.AuthenticationError, title=_("Not permitted"))
