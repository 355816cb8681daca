"""The demo's email, through the local mail servers of ``scripts/mail.sh`` (``scripts/demo.sh``
starts them and passes KOL_MAIL_SMTP_PORT, KOL_MAIL_IMAP_PORT and KOL_MAIL_DIR).

When they run: an Email Account for the team's inbox on them (outgoing and incoming), the first
outreach to the KOLs being contacted sent through Frappe's Email Queue into their mailboxes (a
KOL written to in Chinese gets the "(zh)" template), and one KOL's answer sent by SMTP into the
team's inbox and pulled, so that it is on the KOL's timeline as an Inbound interaction. Without
them nothing is done and the build says why. Sending and pulling commit, so this runs after the
demo data is committed (``kol_crm.demo.setup``), never inside ``build()``'s open transaction.
Run again, it sends nothing twice.
"""

import email.utils
import os
import smtplib
import socket

import frappe

from kol_crm.demo.common import KOL_EMAIL_DOMAIN
from kol_crm.outreach import email as outreach

ACCOUNT = "KOL Demo Team Inbox"
TEAM = "team@kol-crm.example"
HOST = "127.0.0.1"
TEMPLATE = "KOL First Outreach"
#: the KOLs being contacted get the first outreach (the demo's creators, by their handle)
OUTREACH_TO = ("keke.kitchen", "oliviashipsai", "leige.strategy")
#: and this one answers it
REPLY_FROM = "keke.kitchen"
REPLY = "您好！谢谢邀请，我很感兴趣。下周二下午方便通个电话吗？\r\n\r\n周可可"


def servers() -> dict | None:
	"""Where the local mail servers answer (``scripts/mail.sh``'s settings), or None."""
	folder = os.environ.get("KOL_MAIL_DIR")
	if not folder or not os.path.isfile(os.path.join(folder, "password")):
		return None
	found = {
		"smtp_port": int(os.environ.get("KOL_MAIL_SMTP_PORT") or 2525),
		"imap_port": int(os.environ.get("KOL_MAIL_IMAP_PORT") or 1143),
	}
	for port in found.values():
		try:
			socket.create_connection((HOST, port), timeout=2).close()
		except OSError:
			return None
	with open(os.path.join(folder, "password")) as f:
		found["password"] = f.read().strip()
	return found


def add_mail(kols: list[str] | None = None, replying: str | None = None) -> dict:
	"""Send the demo outreach to ``kols`` (default: the demo KOLs of OUTREACH_TO) and pull
	``replying``'s answer (default: REPLY_FROM's); what was done, or why nothing was."""
	found = servers()
	if not found:
		return {"mail": "skipped: no local mail servers (bash scripts/mail.sh start)"}
	if kols is None:
		kols = [_by_handle(handle) for handle in OUTREACH_TO]
		replying = _by_handle(REPLY_FROM)
	kols = [k for k in kols if k]
	account = ensure_account(found)
	sent = [comm for comm in (send_outreach(kol) for kol in kols) if comm]
	answered = reply_and_pull(account, replying, found) if replying else None
	return {"mail": "sent", "emails_sent": len(sent), "reply": answered}


def _by_handle(handle: str) -> str | None:
	return frappe.db.get_value("KOL", {"email": f"{handle}@{KOL_EMAIL_DOMAIN}"})


def ensure_account(found: dict):
	"""The team's Email Account on the local servers (Frappe logs in to both when it is saved)."""
	_ensure_mailbox(TEAM, found)
	values = {
		"email_id": TEAM,
		"password": found["password"],
		"enable_outgoing": 1,
		"default_outgoing": 1,
		"always_use_account_email_id_as_sender": 1,  # KOLs' replies come to the team's inbox
		"smtp_server": HOST,
		"smtp_port": found["smtp_port"],
		"use_tls": 0,
		"enable_incoming": 1,
		"default_incoming": 1,
		"use_imap": 1,
		"email_server": HOST,
		"incoming_port": found["imap_port"],
		"use_ssl": 0,
		"email_sync_option": "UNSEEN",
	}
	# the demo site's defaults: taken from any other account first (Frappe's own hand-over saves
	# that account, whose other default then takes this one's away again)
	for field in ("default_outgoing", "default_incoming"):
		for other in frappe.get_all("Email Account", {field: 1, "name": ("!=", ACCOUNT)}, pluck="name"):
			frappe.db.set_value("Email Account", other, field, 0)
	if frappe.db.exists("Email Account", ACCOUNT):
		account = frappe.get_doc("Email Account", ACCOUNT)
		account.update(values)  # the ports or password of this run
	else:
		account = frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": ACCOUNT,
				"imap_folder": [{"folder_name": "INBOX"}],
				**values,
			}
		)
	account.save(ignore_permissions=True)
	frappe.db.commit()
	frappe.local.outgoing_email_account = {}  # Frappe's per-request cache of the account
	return account


def send_outreach(kol: str) -> str | None:
	"""The first outreach to the KOL, sent by its operator through the queue and flushed now
	(as the scheduler would); None when the KOL had it already or may not be written to."""
	doc = frappe.get_doc("KOL", kol)
	if outreach.contact_block_reason(doc) or _sent_to(kol):
		return None
	previous = frappe.session.user
	frappe.set_user(doc.operator or "Administrator")
	try:
		comm = outreach.send_template(outreach.get_template(TEMPLATE), doc)
	finally:
		frappe.set_user(previous)
	frappe.db.commit()
	frappe.get_doc("Email Queue", {"communication": comm}).send()
	frappe.db.commit()
	return comm


def _sent_to(kol: str) -> bool:
	return bool(
		frappe.db.exists(
			"Communication",
			{
				"reference_doctype": "KOL",
				"reference_name": kol,
				"sent_or_received": "Sent",
				"email_template": ("like", f"{TEMPLATE}%"),
			},
		)
	)


def reply_and_pull(account, kol: str, found: dict) -> str | None:
	"""The KOL answers our outreach by SMTP into the team's inbox; the account pulls it. The
	received Communication's name (None without an outreach to answer)."""
	thread = frappe.db.get_value(
		"Communication",
		{"reference_doctype": "KOL", "reference_name": kol, "sent_or_received": "Sent"},
		["subject", "message_id"],
		as_dict=True,
		order_by="creation asc",
	)
	if not thread or not thread.message_id:
		return None
	received = {"reference_doctype": "KOL", "reference_name": kol, "sent_or_received": "Received"}
	if not frappe.db.exists("Communication", received):
		sender = frappe.db.get_value("KOL", kol, "email")
		domain = sender.split("@")[1]
		message = (
			f"From: {sender}\r\nTo: {TEAM}\r\nSubject: 回复：{thread.subject}\r\n"
			f"Message-ID: <{frappe.generate_hash(length=16)}@{domain}>\r\n"
			f"In-Reply-To: <{thread.message_id}>\r\nReferences: <{thread.message_id}>\r\n"
			f"Date: {email.utils.format_datetime(email.utils.localtime())}\r\n"
			"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
			"Content-Transfer-Encoding: 8bit\r\n\r\n"
			f"{REPLY}\r\n"
		)
		with smtplib.SMTP(HOST, found["smtp_port"], timeout=10) as smtp:
			smtp.sendmail(sender, [TEAM], message.encode())
		frappe.get_doc("Email Account", account.name).receive()  # the scheduler's pull, now
		frappe.db.commit()
	return frappe.db.get_value("Communication", received)


def _ensure_mailbox(address: str, found: dict) -> None:
	"""The local SMTP server makes a mailbox when mail is addressed to it: address one, send nothing."""
	with smtplib.SMTP(HOST, found["smtp_port"], timeout=10) as smtp:
		smtp.ehlo()
		smtp.mail(f"postmaster@{TEAM.split('@')[1]}")
		smtp.rcpt(address)
		smtp.rset()


def remove_demo_mail(kols: list[str]) -> None:
	"""``reset``: the demo KOLs' emails and their queue entries (Frappe only unlinks them)."""
	if not kols:
		return
	comms = frappe.get_all(
		"Communication", {"reference_doctype": "KOL", "reference_name": ("in", kols)}, pluck="name"
	)
	if not comms:
		return
	queues = frappe.get_all("Email Queue", {"communication": ("in", comms)}, pluck="name")
	if queues:
		frappe.db.delete("Email Queue Recipient", {"parent": ("in", queues)})
		frappe.db.delete("Email Queue", {"name": ("in", queues)})
	frappe.db.delete("Communication Link", {"parent": ("in", comms)})
	frappe.db.delete("Communication", {"name": ("in", comms)})
