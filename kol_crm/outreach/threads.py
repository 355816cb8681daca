"""A reply further down a thread: its ``In-Reply-To`` is not ours, its ``References`` are.

Frappe threads a pulled email by ``In-Reply-To`` only. When a KOL forwards our email to its
agent (or a colleague) and the agent answers, or a KOL answers its own follow-up, ``In-Reply-To``
names a message we never had; ``References`` (RFC 5322: the thread's Message-IDs, oldest first)
still holds ours. kol_crm's Email Account (``extends/email_account.py``) notes each pulled
email's references, keyed by Message-ID, before Frappe makes the Communication (it keeps no
headers); ``interactions.on_communication`` then files such an email where the latest of our
referenced emails is, as Frappe does for a direct reply. A References header can be written by
anyone, as In-Reply-To can: it files an email on a timeline and makes it a reply, nothing more.
"""

import re

import frappe

#: where our emails are filed (``interactions.kol_for_communication`` reads these)
THREADED = ("KOL", "KOL Proposal", "KOL Partnership", "KOL Content")
MESSAGE_ID = re.compile(r"<([^<>\s]+)>")


def note_pulled(mails) -> None:
	"""Remember the Message-IDs each pulled mail (InboundMail) refers to, newest first."""
	noted = _noted()
	for mail in mails:
		if not mail.message_id:
			continue
		referred = MESSAGE_ID.findall(mail.mail.get("References") or "")
		referred += MESSAGE_ID.findall(mail.mail.get("In-Reply-To") or "")
		if referred:
			noted[mail.message_id] = list(dict.fromkeys(reversed(referred)))


def file_in_thread(comm) -> bool:
	"""A received email outside any thread that refers to one of our emails: file it where that
	email is, as its reply. Whether it was filed."""
	if comm.reference_doctype or comm.sent_or_received != "Received":
		return False
	referred = _noted().get(comm.get("message_id") or "")
	if not referred:
		return False
	rows = frappe.get_all(
		"Communication",
		filters={"message_id": ("in", referred), "reference_doctype": ("in", THREADED)},
		fields=["name", "message_id", "reference_doctype", "reference_name"],
	)
	by_id = {row.message_id: row for row in rows if row.reference_name}
	parent = next((by_id[m] for m in referred if m in by_id), None)
	if not parent:
		return False
	comm.db_set(
		{
			"reference_doctype": parent.reference_doctype,
			"reference_name": parent.reference_name,
			"in_reply_to": parent.name,
		},
		update_modified=False,
	)
	return True


def _noted() -> dict[str, list[str]]:
	if getattr(frappe.local, "kol_crm_references", None) is None:
		frappe.local.kol_crm_references = {}
	return frappe.local.kol_crm_references
