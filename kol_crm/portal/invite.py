"""Inviting a KOL to the portal: a Website User with the portal role, linked as ``portal_user``.

Two ways in: the KOL form's "Invite to Portal" (``invite_to_portal``), and a self-nominated
applicant accepted by the team (``invite_accepted_applicant``, when their KOL is shortlisted).
Both go through ``invite``: one set of refusals, one welcome email."""

import frappe
from frappe import _
from frappe.email.doctype.email_account.email_account import EmailAccount
from frappe.model.document import Document
from frappe.utils import EMAIL_MATCH_PATTERN

from kol_crm import permissions
from kol_crm.workflows.base import changed_state

# the team accepts an applicant by moving their KOL on from the first intake state: Shortlist
# (External Intake, where applications land) or Evaluate (a match on an Internal Cultivation KOL)
ACCEPTED_STATES = ("Shortlisted", "Evaluating")


@frappe.whitelist(methods=["POST"])
def invite_to_portal(name: str) -> dict:
	"""The KOL form's "Invite to Portal": a manager or the KOL's own operator."""
	if not permissions.may_invite_to_portal(name):
		frappe.throw(
			_("Only a KOL Manager or the KOL's operator can invite a KOL to the portal."),
			frappe.PermissionError,
			title=_("Not permitted"),
		)
	return invite(name)


def invite(kol: str | Document) -> dict:
	"""Create the KOL's Website User and send Frappe's welcome (set-password) email. Idempotent:
	a KOL that already has a portal login keeps it and gets no second email."""
	kol = kol if isinstance(kol, Document) else frappe.get_doc("KOL", kol)
	if kol.portal_user and frappe.db.exists("User", kol.portal_user):
		return {
			"user": kol.portal_user,
			"created": False,
			"message": _("This KOL already has a portal login."),
		}
	email = check_email(kol)
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": kol.display_name or kol.kol_name,
			"user_type": "Website User",
			"send_welcome_email": 1,
			"roles": [{"role": permissions.PORTAL}],
		}
	)
	# queued, not sent inside the request (Frappe would send it now and commit mid-request)
	user.flags.delay_emails = True
	# the inviting operator may not create users; the app does, for this KOL only
	user.insert(ignore_permissions=True)
	kol.db_set("portal_user", user.name)
	# no address in the comment: analysts read the timeline
	kol.add_comment(
		"Info", _("Invited to the KOL portal; the welcome email went to the KOL's email address.")
	)
	return {
		"user": user.name,
		"created": True,
		"message": _("The KOL was invited to the portal; they set their password from the welcome email."),
	}


def invite_accepted_applicant(kol: Document) -> dict | None:
	"""KOL.on_update: a self-nominated applicant (a KOL Application links the KOL) whose KOL the team
	accepts gets their portal login and the welcome email, as "Invite to Portal" would give them.

	Never when the application merely arrives: anyone can type any address into the public form,
	so a login (and an email to that address) waits for the team's decision. An address that
	already belongs to a user account is never linked: a desk user would get the portal's link to
	a KOL, and a portal login with no KOL may be one whose access a manager ended. The shortlist goes
	on; the KOL's timeline says why no login was made (the operator can invite once it is fixed)."""
	_from_state, to_state = changed_state(kol)
	if to_state not in ACCEPTED_STATES or kol.portal_user:
		return None
	if not frappe.db.exists("KOL Application", {"kol": kol.name}):
		return None
	frappe.db.savepoint("kol_portal_invite")
	try:
		result = invite(kol)
	except frappe.ValidationError as refusal:
		frappe.db.rollback(save_point="kol_portal_invite")  # nothing half-made is kept
		frappe.clear_last_message()  # the refusal is for the timeline and a notice, not an error
		note = _("Self-nominated applicant accepted, but no portal login was made: {0}").format(str(refusal))
		kol.add_comment("Info", note)
		frappe.msgprint(note, title=_("No portal login"), indicator="orange")
		return None
	frappe.msgprint(
		_(
			"The applicant was accepted and invited to the KOL portal; they set their password from the welcome email."
		),
		indicator="green",
		alert=True,
	)
	return result


def check_email(kol) -> str:
	"""The KOL's email as the new login, or a refusal saying why it can't be one."""
	email = (kol.email or "").strip().lower()
	if not email:
		refuse(_("Add the KOL's email before inviting them to the portal."))
	if not EMAIL_MATCH_PATTERN.fullmatch(email):
		refuse(_("The KOL's email is not a valid email address; correct it before inviting them."))
	if kol.do_not_contact:
		refuse(_("This KOL must not be contacted (Do Not Contact), so no invitation is sent."))
	if frappe.db.exists("User", email) or frappe.db.exists("User", {"email": email}):
		if frappe.db.exists("KOL", {"portal_user": email, "name": ("!=", kol.name)}):
			refuse(_("The KOL's email is already the portal login of another KOL."))
		refuse(
			_(
				"The KOL's email already belongs to a user account; a portal login can't take over an existing account."
			)
		)
	if not EmailAccount.find_outgoing():
		# Frappe would create the login and drop the welcome email with a warning
		refuse(_("No outgoing Email Account is set up, so the welcome email can't be sent. Add one first."))
	return email


def refuse(message: str) -> None:
	frappe.throw(message, title=_("Cannot invite to the portal"))


def validate_portal_user(doc) -> None:
	"""KOL.validate: ``portal_user`` is a Website User with the portal role, linked to no other KOL.
	Clearing it ends the KOL's portal access."""
	if not doc.portal_user or doc.portal_user == frappe.db.get_value("KOL", doc.name, "portal_user"):
		return
	user = frappe.db.get_value("User", doc.portal_user, ["user_type"], as_dict=True)
	if (
		not user
		or user.user_type != "Website User"
		or permissions.PORTAL not in frappe.get_roles(doc.portal_user)
	):
		frappe.throw(
			_("Portal User must be a website user with the {0} role; use Invite to Portal.").format(
				_(permissions.PORTAL)
			),
			title=_("Invalid value"),
		)
	if frappe.db.exists("KOL", {"portal_user": doc.portal_user, "name": ("!=", doc.name)}):
		frappe.throw(_("This user is already the portal login of another KOL."), title=_("Invalid value"))
