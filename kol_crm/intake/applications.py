"""Self-nomination: a creator applies through the public web form ``/kol-apply``.

The request only stores the application as ``Received`` and answers every guest the same way
(``guest_response``): nothing a guest gets back says whether the email or a handle already
belongs to a KOL. Matching happens in a background job (``process_application``), out of the
guest's reach: it links the application to the KOL who already holds the email or a platform
handle (with a comment on that KOL), or creates a new KOL in ``Identified`` (External Intake)
with the source recorded. Guests can submit, never read back.

Flood protection counts submissions per client address and per email address (Redis counters,
atomic). The client address is the connection's ``REMOTE_ADDR`` unless the site config key
``kol_crm_trusted_proxies`` says how many reverse proxies stand in front of the site (see
docs/security.md).
"""

import hashlib
import re

import frappe
from frappe import _
from frappe.utils import add_to_date, cint, escape_html, now_datetime

from kol_crm.utils import validation as v
from kol_crm.utils.dedupe import find_matches

RATE_LIMIT = 3  # applications per client address ...
RATE_WINDOW = 60  # ... per this many seconds
EMAIL_RATE_LIMIT = 3  # applications per email address ...
EMAIL_RATE_WINDOW = 60 * 60  # ... per this many seconds
TRUSTED_PROXIES_KEY = "kol_crm_trusted_proxies"
MAX_TEXT = 2000
MAX_PLATFORMS = 10
HANDLE_RE = re.compile(r"^@?[\w.\-]{1,100}$")
CONFIRMATION_TEMPLATE = "KOL Application Received"
RECEIVED = "Received"
# what every guest gets back from the web form, whatever the application matched
GUEST_RESPONSE = {"doctype": "KOL Application", "status": RECEIVED}
SWEEP_AFTER_MINUTES = 15  # an application still Received this long after it came in lost its job
SWEEP_DAYS = 7  # older ones are left to the team (a failure is in the Error Log)

# INCR, and start the window on the first hit, in one atomic step: a key never outlives its window
_COUNT_HIT = """
local count = redis.call('INCR', KEYS[1])
if redis.call('TTL', KEYS[1]) < 0 then
	redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return count
"""


def client_address() -> str | None:
	"""The address the request really came from, or None outside a web request.

	``frappe.local.request_ip`` is the first X-Forwarded-For entry, which the client writes
	itself. Here it is the connection's ``REMOTE_ADDR``, unless the site config sets
	``kol_crm_trusted_proxies`` to the number N of reverse proxies in front of the site: then the
	N-th X-Forwarded-For entry from the right (the one the outermost trusted proxy appended), as
	werkzeug's ProxyFix reads it. With fewer entries than N, ``REMOTE_ADDR`` is used. A request
	with no address at all (a unix socket without a proxy header) counts as "unknown": one
	shared limit rather than none.
	"""
	request = getattr(frappe.local, "request", None)
	if request is None:
		return None
	remote = (request.environ.get("REMOTE_ADDR") or "").strip()
	trusted = cint(frappe.conf.get(TRUSTED_PROXIES_KEY))
	if trusted > 0:
		forwarded = [
			part.strip() for part in (request.headers.get("X-Forwarded-For") or "").split(",") if part.strip()
		]
		if len(forwarded) >= trusted:
			return forwarded[-trusted]
	return remote or "unknown"


def count_hit(name: str, window: int) -> int:
	"""Hits on the counter ``name`` in its current window (this one included)."""
	key = frappe.cache.make_key(f"kol_crm:application:{name}")
	return cint(frappe.cache.eval(_COUNT_HIT, 1, key, window))


def too_many() -> None:
	# one message for both limits: it says nothing about which address was counted
	frappe.throw(
		_("Too many applications. Please try again later."),
		frappe.RateLimitExceededError,
		title=_("Please wait"),
	)


def check_submission(app) -> None:
	"""Bot and flood protection, before anything is stored."""
	if (app.homepage or "").strip():
		frappe.throw(_("Your application could not be accepted."), title=_("Not accepted"))
	ip = client_address()
	if not ip:
		return  # not a web request (import, console, tests calling the controller)
	app.request_ip = ip
	if count_hit(f"ip:{ip}", RATE_WINDOW) > RATE_LIMIT:
		too_many()
	email = (app.email or "").strip().lower()
	if email:
		digest = hashlib.sha256(email.encode()).hexdigest()
		if count_hit(f"email:{digest}", EMAIL_RATE_WINDOW) > EMAIL_RATE_LIMIT:
			too_many()


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


def job_id(application: str) -> str:
	return f"kol_crm:kol_application:{application}"


def enqueue_processing(app) -> None:
	"""After the request commits: match the application in a worker, never in the guest's request."""
	frappe.enqueue(
		"kol_crm.intake.applications.process_application",
		application=app.name,
		job_id=job_id(app.name),
		enqueue_after_commit=True,
	)


def guest_response(doc) -> dict:
	"""The web form's answer to a guest: the same for every application (see overrides/web_form.py)."""
	return dict(GUEST_RESPONSE)


def process_application(application: str) -> None:
	"""Background job: link a Received application to its KOL, or create the KOL.

	Idempotent (the hourly sweep may reach an application whose job is also queued): the row is
	locked and only a Received application is processed. A failure is logged and leaves the
	application Received for the next sweep; nothing else it did is kept.
	"""
	status = frappe.db.get_value("KOL Application", application, "status", for_update=True)
	if status != RECEIVED:
		return  # deleted, or already processed
	app = frappe.get_doc("KOL Application", application)
	frappe.db.savepoint("kol_application")
	try:
		link_or_create_kol(app)
	except Exception:
		frappe.db.rollback(save_point="kol_application")
		frappe.log_error(
			title=_("KOL application could not be processed"),
			reference_doctype=app.doctype,
			reference_name=app.name,
		)


def process_received_applications(commit: bool = True) -> int:
	"""Hourly: process the applications whose job was lost (worker or Redis down). Returns how many."""
	now = now_datetime()
	names = frappe.get_all(
		"KOL Application",
		filters={
			"status": RECEIVED,
			"creation": (
				"between",
				[add_to_date(now, days=-SWEEP_DAYS), add_to_date(now, minutes=-SWEEP_AFTER_MINUTES)],
			),
		},
		pluck="name",
		order_by="creation asc",
	)
	for name in names:
		process_application(name)
		if commit:
			frappe.db.commit()
	return len(names)


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
		# (and not the guest: Frappe's "set up an Email Account" notice is for the team)
		frappe.clear_last_message()
		frappe.log_error(title=_("KOL application confirmation not sent"), reference_doctype=app.doctype)
