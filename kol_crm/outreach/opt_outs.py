"""A KOL opting out of our email: the unsubscribe link of an email, or a reply "unsubscribe".

- **The link is Frappe's own.** Every email sent from a record through an Email Account with
  *Send unsubscribe message in email* (on by default) ends with "Leave this conversation": a link
  to ``frappe.email.queue.unsubscribe`` with the recipient's address, the record's DocType and
  name, signed with the site's secret (HMAC-SHA512). A guest who opens it gets an Email
  Unsubscribe for that address and record; a changed link is refused ("Invalid Link") and
  records nothing, so the link can't be made for another KOL or address. kol_crm's hook on
  Email Unsubscribe (``on_email_unsubscribe``) makes it the KOL's Do Not Contact.
- **The reply**: an email from the KOL, not an automatic one, whose subject (without "Re:") or
  first line is "unsubscribe" or "退订".

Either sets Do Not Contact with the reason (a KOL already marked keeps its reason) and stops
every active sequence enrolment of the KOL. The system acts on the KOL's request, whoever the
session user is (a guest opening the link, the scheduler's pull).
"""

import html
import re

import frappe
from frappe import _
from frappe.utils import nowdate, strip_html_tags

from kol_crm.outreach import sequences

#: a subject or first line that is one of these (any case, trailing punctuation) opts out
UNSUBSCRIBE_WORDS = frozenset({"unsubscribe", "退订"})
REPLY_PREFIX_RE = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|sv|回复|答复|转发)\s*[:：]\s*)+", re.IGNORECASE)
LINE_BREAK_RE = re.compile(r"<br\s*/?>|</p>|</div>|</h\d>|</li>", re.IGNORECASE)
#: records an Email Unsubscribe may name that belong to one KOL
KOL_RECORDS = ("KOL", "KOL Proposal", "KOL Partnership")


def opt_out(kol: str, reason: str) -> None:
	"""Do Not Contact for the KOL (the KOL asked for it), and stop the KOL's sequences."""
	if not frappe.db.get_value("KOL", kol, "do_not_contact"):
		frappe.db.set_value(
			"KOL", kol, {"do_not_contact": 1, "do_not_contact_reason": reason, "do_not_contact_on": nowdate()}
		)
	sequences.stop_active(kol, reason)


# ------------------------------------------------------------------ the reply


def asks_to_unsubscribe(subject: str | None, body: str | None) -> bool:
	"""Whether the subject (without "Re:") or the first line of the body asks to unsubscribe."""
	subject = REPLY_PREFIX_RE.sub("", subject or "")
	return _is_unsubscribe(subject) or _is_unsubscribe(first_line(body))


def note_pulled(mails) -> None:
	"""Remember the Message-IDs of the pulled mails (InboundMail) that ask to unsubscribe: Frappe
	adds the body to the Communication only after inserting it, when the hook has run."""
	noted = _noted()
	for mail in mails:
		if mail.message_id and asks_to_unsubscribe(mail.subject, mail.text_content or mail.html_content):
			noted.add(mail.message_id)


def is_unsubscribe_request(comm) -> bool:
	if comm.get("message_id") and comm.message_id in _noted():
		return True
	return asks_to_unsubscribe(comm.subject, comm.content)


def _noted() -> set[str]:
	if getattr(frappe.local, "kol_crm_unsubscribe_requests", None) is None:
		frappe.local.kol_crm_unsubscribe_requests = set()
	return frappe.local.kol_crm_unsubscribe_requests


def first_line(content: str | None) -> str:
	text = html.unescape(strip_html_tags(LINE_BREAK_RE.sub("\n", content or "")))
	return next((line for line in text.splitlines() if line.strip()), "")


def _is_unsubscribe(text: str) -> bool:
	return text.strip().rstrip(".!。！").strip().casefold() in UNSUBSCRIBE_WORDS


def on_unsubscribe_reply(comm, kol: str) -> None:
	"""A KOL's email (not an automatic reply) that asks to unsubscribe."""
	if is_unsubscribe_request(comm):
		opt_out(kol, _("The KOL asked to unsubscribe by email"))


# ------------------------------------------------------------------ the link


def on_email_unsubscribe(doc) -> None:
	"""Email Unsubscribe.after_insert: the KOL (or every KOL with the address) opted out."""
	if doc.global_unsubscribe:
		reason = _("The address unsubscribed from all our email")
	else:
		reason = _("The KOL unsubscribed with the link in our email")
	for kol in unsubscribed_kols(doc):
		opt_out(kol, reason)


def unsubscribed_kols(doc) -> list[str]:
	"""KOLs whose email address is the one unsubscribed, from one of their records or globally."""
	address = (doc.email or "").strip()
	if not address:
		return []
	if doc.global_unsubscribe:
		return frappe.get_all("KOL", filters={"email": address}, pluck="name")
	if doc.reference_doctype not in KOL_RECORDS or not doc.reference_name:
		return []
	kol = (
		doc.reference_name
		if doc.reference_doctype == "KOL"
		else frappe.db.get_value(doc.reference_doctype, doc.reference_name, "kol")
	)
	# the link was sent to this address: a KOL whose address changed since is not opted out
	email = frappe.db.get_value("KOL", kol, "email") if kol else None
	return [kol] if email and email.lower() == address.lower() else []
