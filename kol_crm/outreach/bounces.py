"""Bounces: the delivery status notifications (DSN, RFC 3464) that come back for outreach email.

When a KOL's mail server can't deliver our email, a mail server (the "mailer-daemon") sends the
team's inbox a ``multipart/report; report-type=delivery-status``: a ``message/delivery-status``
part says, for each recipient, the ``Action`` (failed, delayed, ...) and the ``Status`` (5.x.x
permanent, 4.x.x temporary), and the returned message (or its headers) carries our Message-ID.
Frappe pulls it like any email, a Communication from an address nobody has, and neither
recognises it nor keeps its headers. kol_crm's Email Account notes the DSNs among the mails it
pulls (``note_pulled``, as it notes automatic replies), and ``interactions.on_communication``
hands each one to ``record``:

- it counts only when it is about an email kol_crm sent (its Message-ID is one of our sent
  Communications) and names a recipient of that email: anyone can mail a made-up DSN to the
  team's inbox, and it changes nothing;
- the DSN is filed where the bounced email is (the KOL's timeline), as an answer to it, and is
  no interaction: it neither stops a sequence as a reply would nor moves follow-up dates;
- **hard** (5.x.x): the bounced email is marked ``Bounced``; when the address is the KOL's email,
  the KOL gets ``email_invalid`` (with the date, and the server's reason at permlevel 1, as it
  may repeat the address), every active sequence enrolment of the KOL stops, and outreach to
  the KOL is refused until the address changes or someone unchecks the flag;
- **soft** (4.x.x, or ``Action: delayed``): the bounced email is marked ``Soft-Bounced``, nothing
  else: the sending server keeps trying, and a later hard bounce will say if it gave up.
"""

import dataclasses
import re
from email.message import Message
from email.parser import HeaderParser

import frappe
from frappe import _
from frappe.utils import get_string_between, nowdate, parse_addr

from kol_crm.outreach import sequences

STATUS_RE = re.compile(r"\b([245])\.\d{1,3}\.\d{1,3}\b")


@dataclasses.dataclass
class Recipient:
	address: str
	action: str  # failed, delayed, delivered, relayed, expanded
	status: str  # 5.1.1
	diagnostic: str

	@property
	def hard(self) -> bool:
		return self.status.startswith("5") and self.action in ("failed", "")

	@property
	def soft(self) -> bool:
		return not self.hard and (self.status.startswith("4") or self.action == "delayed")


@dataclasses.dataclass
class Report:
	original_message_id: str | None  # of the email that bounced, without <>
	recipients: list[Recipient]


# ------------------------------------------------------------------ reading a DSN


def parse(message: Message) -> Report | None:
	"""The delivery status report of ``message``; None when it is no DSN."""
	if message.get_content_type() != "multipart/report":
		return None
	if (message.get_param("report-type") or "").lower() != "delivery-status":
		return None
	report = Report(None, [])
	for part in message.walk():
		kind = part.get_content_type()
		if kind == "message/delivery-status":
			report.recipients += _recipients(part)
		elif kind in ("message/rfc822", "text/rfc822-headers") and not report.original_message_id:
			report.original_message_id = _message_id(part)
	return report


def _recipients(part: Message) -> list[Recipient]:
	# the parser gives the per-message block first, then one block per recipient
	found = []
	for block in part.get_payload() or []:
		if not isinstance(block, Message):
			continue
		address = _address(block.get("Final-Recipient") or block.get("Original-Recipient"))
		if not address:
			continue
		status = STATUS_RE.search(block.get("Status") or "")
		found.append(
			Recipient(
				address=address,
				action=(block.get("Action") or "").strip().lower(),
				status=status.group(0) if status else "",
				diagnostic=" ".join((block.get("Diagnostic-Code") or "").split()),
			)
		)
	return found


def _address(field: str | None) -> str | None:
	"""``rfc822; someone@example.com`` → someone@example.com"""
	if not field:
		return None
	address = parse_addr(field.split(";", 1)[-1].strip())[1]
	return address.lower() if address and "@" in address else None


def _message_id(part: Message) -> str | None:
	if part.get_content_type() == "message/rfc822":
		payload = part.get_payload()
		headers = payload[0] if isinstance(payload, list) and payload else None
	else:
		headers = HeaderParser().parsestr(part.get_payload(decode=True).decode(errors="replace"))
	value = headers.get("Message-ID") if headers is not None else None
	return get_string_between("<", value.strip(), ">") if value else None


# ------------------------------------------------------------------ during the pull


def note_pulled(mails) -> None:
	"""Remember the reports of the DSNs among the pulled mails (InboundMail), by Message-ID."""
	noted = _noted()
	for mail in mails:
		if mail.message_id and (report := parse(mail.mail)):
			noted[mail.message_id] = report


def noted(comm) -> Report | None:
	"""The report, when this Communication (made by the running pull) is a DSN."""
	if comm.sent_or_received != "Received" or not comm.get("message_id"):
		return None
	return _noted().get(comm.message_id)


def _noted() -> dict:
	if getattr(frappe.local, "kol_crm_bounces", None) is None:
		frappe.local.kol_crm_bounces = {}
	return frappe.local.kol_crm_bounces


def original_communication(report: Report):
	"""The email of ours that bounced (a sent Communication), or None."""
	if not report.original_message_id:
		return None
	name = frappe.db.get_value(
		"Communication", {"message_id": report.original_message_id, "sent_or_received": "Sent"}, "name"
	)
	return frappe.get_doc("Communication", name) if name else None


def record(comm, report: Report, original, kol: str | None) -> None:
	"""File the DSN ``comm`` with the email that bounced and act on its recipients' statuses."""
	if not original or not kol:
		return  # not about an email of ours: it stays in the inbox, on nobody
	comm.db_set(
		{
			"reference_doctype": original.reference_doctype,
			"reference_name": original.reference_name,
			"in_reply_to": original.name,
		},
		update_modified=False,
	)
	sent_to = {
		parse_addr(address)[1].lower()
		for address in (original.recipients or "").split(",") + (original.cc or "").split(",")
		if address.strip()
	}
	kol_email = (frappe.db.get_value("KOL", kol, "email") or "").lower()
	for recipient in report.recipients:
		if recipient.address not in sent_to:
			continue  # a made-up report: that address was not sent this email
		if recipient.hard:
			original.db_set("delivery_status", "Bounced", update_modified=False)
			if recipient.address == kol_email:
				mark_invalid(kol, recipient)
		elif recipient.soft:
			original.db_set("delivery_status", "Soft-Bounced", update_modified=False)


def mark_invalid(kol: str, recipient: Recipient) -> None:
	"""The KOL's address bounced for good: flag it and stop the KOL's sequences (the system acts)."""
	reason = f"{recipient.status} {recipient.action}: {recipient.diagnostic or _('no diagnostic given')}"
	frappe.db.set_value(
		"KOL", kol, {"email_invalid": 1, "email_invalid_on": nowdate(), "email_invalid_reason": reason}
	)
	sequences.stop_active(kol, _("The KOL's email address bounced ({0})").format(recipient.status))


# ------------------------------------------------------------------ the KOL form


def apply_email_change(doc) -> None:
	"""KOL.validate: a new address is not known to bounce; a flag lifted by hand drops its details."""
	if not doc.is_new() and doc.has_value_changed("email") and not doc.has_value_changed("email_invalid"):
		doc.email_invalid = 0
	if doc.get("email_invalid"):
		doc.email_invalid_on = doc.get("email_invalid_on") or nowdate()
	else:
		doc.email_invalid_on = None
		doc.email_invalid_reason = None
