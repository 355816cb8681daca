"""Self-nomination: a creator applies through the public web form ``/kol-apply``.

The application is kept as a KOL Application; it links to the KOL who already holds the
email or a platform handle, or creates a new KOL in ``Identified`` (External Intake) with
the source recorded. Guests can submit, never read back.
"""

import re

import frappe
from frappe import _
from frappe.utils import escape_html

from kol_crm.kol_crm import validation as v
from kol_crm.kol_crm.dedupe import find_matches

RATE_LIMIT = 3  # applications per address ...
RATE_WINDOW = 60  # ... per this many seconds
MAX_TEXT = 2000
MAX_PLATFORMS = 10
HANDLE_RE = re.compile(r"^@?[\w.\-]{1,100}$")
CONFIRMATION_TEMPLATE = "KOL Application Received"


def check_submission(app) -> None:
	"""Bot and flood protection, before anything is stored."""
	if (app.homepage or "").strip():
		frappe.throw(_("Your application could not be accepted."), title=_("Not accepted"))
	ip = getattr(frappe.local, "request_ip", None)
	if not ip:
		return  # not a web request (import, console, tests calling the controller)
	app.request_ip = ip
	key = frappe.cache.make_key(f"kol_crm:application:{ip}")
	count = frappe.cache.incr(key)
	if count == 1:
		frappe.cache.expire(key, RATE_WINDOW)
	if count > RATE_LIMIT:
		frappe.throw(
			_("Too many applications from your address. Please try again in a minute."),
			frappe.RateLimitExceededError,
			title=_("Please wait"),
		)


def validate_application(app) -> None:
	app.applicant_name = escape_html((app.applicant_name or "").strip())
	if not app.applicant_name:
		v.invalid(_("Your Name is required."))
	v.validate_email(app, "email")
	for fieldname in ("about", "wants"):
		value = (app.get(fieldname) or "").strip()
		if len(value) > MAX_TEXT:
			v.invalid(
				_("{0} is too long ({1} characters); keep it under {2}.").format(
					v.label(app, fieldname), len(value), MAX_TEXT
				)
			)
		app.set(fieldname, escape_html(value) or None)
	if len(app.platforms) > MAX_PLATFORMS:
		v.invalid(_("List at most {0} platforms.").format(MAX_PLATFORMS))
	for row in app.platforms:
		row.handle = (row.handle or "").strip()
		if not HANDLE_RE.match(row.handle):
			v.invalid(
				_("{0}{1} is not a valid handle (letters, digits, dots, dashes and underscores).").format(
					v.row_label(row), frappe.bold(escape_html(row.handle))
				)
			)
		v.validate_followers(row, "followers", v.row_label(row))


def link_or_create_kol(app) -> None:
	matches = find_matches(
		frappe._dict(doctype="KOL Application", email=app.email, platform_accounts=app.platforms)
	)
	if matches:
		kol = matches[0].kol
		status = "Matched Existing KOL"
		frappe.get_doc("KOL", kol).add_comment(
			"Info", _("Applied again through the public form ({0}).").format(app.name)
		)
	else:
		kol = create_kol(app).name
		status = "New KOL Created"
	app.db_set({"kol": kol, "status": status})


def create_kol(app):
	kol = frappe.get_doc(
		{
			"doctype": "KOL",
			"kol_name": app.applicant_name,
			"intake_path": "External Intake",
			"intake_purpose": "Acquisition",
			"program_type": "Unpaid",
			"source": "Self-nomination",
			"email": app.email,
			"category": app.category,
			"preferences": app.wants,
			"strengths": app.about,
			"platform_accounts": [
				{"platform": row.platform, "handle": row.handle, "followers": row.followers}
				for row in app.platforms
			],
		}
	)
	# the system files the applicant's KOL: the guest who applied has no rights on KOLs
	kol.flags.ignore_permissions = True
	return kol.insert()


def send_confirmation(app) -> None:
	if not frappe.db.exists("Email Template", CONFIRMATION_TEMPLATE):
		return
	template = frappe.get_doc("Email Template", CONFIRMATION_TEMPLATE)
	context = {"applicant_name": app.applicant_name}
	try:
		frappe.sendmail(
			recipients=[app.email],
			subject=frappe.render_template(template.subject, context),
			message=frappe.render_template(template.response_html or template.response, context),
			reference_doctype=app.doctype,
			reference_name=app.name,
		)
	except frappe.OutgoingEmailError:
		# no outgoing account yet: keep the application, tell the team through the error log
		frappe.log_error(title=_("KOL application confirmation not sent"), reference_doctype=app.doctype)
