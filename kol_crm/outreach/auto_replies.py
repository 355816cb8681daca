"""Automatic replies (out of office, vacation, autoresponders) are not a KOL's answer.

An email the KOL's mail server sent by itself says so in its headers (RFC 3834's
``Auto-Submitted``, and the ``X-Autoreply`` / ``X-Autorespond`` / ``Precedence`` headers older
autoresponders use). Frappe keeps no headers on the Communication it makes from a pulled email,
so kol_crm's Email Account (``extends/email_account.py``) notes the Message-IDs of the automatic
ones among the mails it pulls, before they become Communications; ``interactions.on_communication``
then files such an email on the KOL's timeline without making it an interaction, so it neither
stops a sequence nor moves the KOL's follow-up dates.
"""

from email.message import Message

import frappe

#: Precedence values autoresponders set on what they send
AUTO_PRECEDENCE = frozenset({"auto_reply", "bulk", "junk"})


def is_auto_reply(headers: Message) -> bool:
	"""Whether the headers say a program, not a person, sent this email."""
	submitted = (headers.get("Auto-Submitted") or "").strip().lower()
	if submitted and submitted != "no":  # auto-replied, auto-generated, auto-notified
		return True
	if headers.get("X-Autoreply") or headers.get("X-Autorespond") or headers.get("X-Autoresponse"):
		return True
	return (headers.get("Precedence") or "").strip().lower() in AUTO_PRECEDENCE


def note_pulled(mails) -> None:
	"""Remember the Message-IDs of the automatic ones among the pulled mails (InboundMail)."""
	noted = _noted()
	for mail in mails:
		if mail.message_id and is_auto_reply(mail.mail):
			noted.add(mail.message_id)


def is_noted(comm) -> bool:
	"""Whether this Communication, made by the pull that is running, came from an automatic reply."""
	return bool(comm.get("message_id")) and comm.message_id in _noted()


def _noted() -> set[str]:
	if getattr(frappe.local, "kol_crm_auto_replies", None) is None:
		frappe.local.kol_crm_auto_replies = set()
	return frappe.local.kol_crm_auto_replies
