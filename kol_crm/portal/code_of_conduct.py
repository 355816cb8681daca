"""The Code of Conduct: the rules emailed to a KOL with a signed one-click acknowledgement link, and
the KOL's acknowledgement through that link or on the portal.

The link carries a token: the KOL, the rules version it shows and an expiry, signed with an HMAC
(SHA-256) keyed by the site's encryption key. The page ``/kol-code-of-conduct?token=...`` shows
the rules of that version; its button posts the token to ``acknowledge`` (a guest may call it).
A token whose signature doesn't match (tampered), that has expired, or that shows rules that have
changed since is refused with a message saying what to do; a valid one records the acknowledgement
of that token's KOL and nothing else. Both the page and the method count hits per client address
(``intake.applications.client_address``: a forged X-Forwarded-For doesn't reset the count).
"""

import base64
import hashlib
import hmac

import frappe
from frappe import _
from frappe.core.doctype.communication.email import make as make_communication
from frappe.translate import print_language
from frappe.utils import add_days, escape_html, get_datetime, get_url, now_datetime
from frappe.utils.password import get_encryption_key

from kol_crm.intake.applications import client_address, count_hit
from kol_crm.intelligence import rules
from kol_crm.outreach.email import contact_block_reason, ensure_outgoing_account
from kol_crm.portal.actor import as_portal

LINK_DAYS = 14  # a link acknowledges for this many days after it was sent
PAGE = "/kol-code-of-conduct"
TEMPLATE = "KOL Code of Conduct"
RATE_LIMIT = 10  # page views and acknowledgements per client address ...
RATE_WINDOW = 60  # ... per this many seconds
VERSION_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


class InvalidLink(frappe.ValidationError):
	"""The acknowledgement link is tampered with, expired or of rules that changed."""


# ------------------------------------------------------------------ the token


def _key() -> bytes:
	return hashlib.sha256(f"kol_crm.code_of_conduct:{get_encryption_key()}".encode()).digest()


def _sign(payload: str) -> str:
	return hmac.new(_key(), payload.encode(), hashlib.sha256).hexdigest()


def make_token(kol: str, version, expires=None) -> str:
	expires = get_datetime(expires) if expires else get_datetime(add_days(now_datetime(), LINK_DAYS))
	payload = "|".join(
		(kol, get_datetime(version).strftime(VERSION_FORMAT), expires.strftime(VERSION_FORMAT))
	)
	encoded = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
	return f"{encoded}.{_sign(encoded)}"


def read_token(token: str | None) -> frappe._dict:
	"""The token's KOL and rules version, or InvalidLink saying why it can't be used."""
	encoded, _dot, signature = (token or "").strip().partition(".")
	if not encoded or not hmac.compare_digest(_sign(encoded), signature):
		not_valid()
	try:
		payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
		kol, version, expires = payload.split("|")
		version, expires = get_datetime(version), get_datetime(expires)
	except Exception:
		not_valid()
	if expires < now_datetime():
		refuse(
			_(
				"This acknowledgement link expired on {0}. Ask your operator to send you the Code of Conduct again."
			).format(frappe.format(expires, "Datetime"))
		)
	if not frappe.db.exists("KOL", kol):
		not_valid()
	current = rules.current_version()
	if not current or get_datetime(current) != version:
		refuse(
			_(
				"The rules have changed since this link was sent. Ask your operator to send you the current Code of Conduct."
			)
		)
	return frappe._dict(kol=kol, version=version, expires=expires)


def not_valid() -> None:
	refuse(
		_("This acknowledgement link is not valid. Ask your operator to send you the Code of Conduct again.")
	)


def refuse(message: str) -> None:
	frappe.throw(message, InvalidLink, title=_("Link not valid"))


def check_rate() -> None:
	ip = client_address()
	if ip and count_hit(f"code_of_conduct:{ip}", RATE_WINDOW) > RATE_LIMIT:
		frappe.throw(
			_("Too many requests. Please try again in a minute."),
			frappe.RateLimitExceededError,
			title=_("Please wait"),
		)


# ------------------------------------------------------------------ the KOL's side


@frappe.whitelist(allow_guest=True, methods=["POST"])
def acknowledge(token: str) -> dict:
	"""The button of the Code of Conduct page: the token's KOL acknowledges the rules it shows."""
	check_rate()
	link = read_token(token)
	with as_portal():  # stamped "KOL Portal", as the portal's own writes
		result = rules.record_by_kol(link.kol, rules.SIGNED_LINK)
	return {"acknowledged": True, "new": result["new"], "rules_version": rules.version_label(link.version)}


def page_context(token: str | None) -> dict:
	"""What ``/kol-code-of-conduct`` shows: the rules of the token's version, or why it can't."""
	check_rate()
	try:
		link = read_token(token)
	except InvalidLink as e:
		frappe.clear_last_message()
		return {"error": str(e)}
	return {
		"link_token": token,
		"kol_name": frappe.db.get_value("KOL", link.kol, "display_name")
		or frappe.db.get_value("KOL", link.kol, "kol_name"),
		"rules": [rules.translated(r) for r in rules.enabled_rules()],
		"rules_version": rules.version_label(link.version),
		"acknowledged": rules.has_acknowledged(link.kol, link.version),
	}


# ------------------------------------------------------------------ the operator's side


@frappe.whitelist(methods=["POST"])
def send_code_of_conduct(kol: str) -> dict:
	"""The KOL form's "Send Code of Conduct": the rules and a signed acknowledgement link, by email,
	as the session user (a Communication on the KOL, so an outbound interaction)."""
	frappe.has_permission("KOL", "write", kol, throw=True)
	doc = frappe.get_doc("KOL", kol)
	if reason := contact_block_reason(doc):
		frappe.throw(
			_("The Code of Conduct can't be emailed to this KOL: {0}.").format(reason),
			title=_("Cannot send email"),
		)
	communication, expires_on = send(doc)
	return {
		"communication": communication,
		"message": _("The Code of Conduct was emailed to the KOL; the link is valid until {0}.").format(
			expires_on
		),
	}


def send(doc) -> tuple[str, str]:
	"""Email the current rules with a signed link to the KOL ``doc`` (the caller checked that the
	user may write it and that it may be contacted): (the Communication, when the link expires)."""
	enabled = rules.enabled_rules()
	version = rules.current_version(enabled)
	if not version:
		frappe.throw(_("There are no enabled rules to send."), title=_("Invalid value"))
	ensure_outgoing_account()
	expires = add_days(now_datetime(), LINK_DAYS)
	template = frappe.get_doc("Email Template", TEMPLATE)
	# in the language of the KOL's portal login, if they have one (the shipped rules are translated)
	language = frappe.db.get_value("User", doc.portal_user, "language") if doc.portal_user else None
	with print_language(language):
		context = {
			"kol_name": escape_html(doc.display_name or doc.kol_name),
			"rules": [
				{"title": escape_html(r["title"]), "text": escape_html(r["text"])}
				for r in (rules.translated(rule) for rule in enabled)
			],
			"rules_version": rules.version_label(version),
			"acknowledge_url": get_url(f"{PAGE}?token={make_token(doc.name, version, expires)}"),
			"expires_on": frappe.format(get_datetime(expires), "Datetime"),
		}
		subject = frappe.render_template(template.subject, context).strip()
		content = frappe.render_template(template.response_html or template.response, context)
	result = make_communication(
		doctype="KOL",
		name=doc.name,
		recipients=doc.email,
		subject=subject,
		content=content,
		send_email=True,
		email_template=template.name,
	)
	return result["name"], context["expires_on"]
