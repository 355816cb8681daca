"""The local SMTP and IMAP servers of scripts/mail.sh, as the email end-to-end tests use them.

scripts/test.sh starts them before the tests (``bash scripts/mail.sh start`` does it by hand)
and passes their ports and folder in KOL_MAIL_SMTP_PORT, KOL_MAIL_IMAP_PORT and KOL_MAIL_DIR.
Every address is a mailbox: mail sent to it lands in it, and it is read over IMAP with the
address as the user name and the one password in KOL_MAIL_DIR/password.
"""

import email
import email.policy
import imaplib
import os
import smtplib
import socket
import subprocess
import time
from pathlib import Path

HOST = "127.0.0.1"
SMTP_PORT = int(os.environ.get("KOL_MAIL_SMTP_PORT") or 2525)
IMAP_PORT = int(os.environ.get("KOL_MAIL_IMAP_PORT") or 1143)
MAIL_DIR = Path(os.environ.get("KOL_MAIL_DIR") or Path.home() / ".local/share/kol_crm/mail")
MAIL_SH = Path(__file__).resolve().parents[1] / "scripts" / "mail.sh"


def _listening(port: int) -> bool:
	try:
		with socket.create_connection((HOST, port), timeout=2):
			return True
	except OSError:
		return False


def unavailable() -> str | None:
	"""Why the end-to-end tests can't run here (None: they can)."""
	if os.environ.get("KOL_MAIL_READY") == "0":
		# scripts/test.sh could not start them: whatever answers on the ports is not ours
		return "scripts/test.sh could not start the local mail servers (see its output)"
	if not (MAIL_DIR / "password").is_file():
		return f"the local mail servers are not set up ({MAIL_DIR}): run  bash scripts/mail.sh start"
	for name, port in (("SMTP", SMTP_PORT), ("IMAP", IMAP_PORT)):
		if not _listening(port):
			return f"no local {name} server on {HOST}:{port}: run  bash scripts/mail.sh start"
	return None


def password() -> str:
	return (MAIL_DIR / "password").read_text().strip()


def ensure_mailbox(address: str) -> None:
	"""The server makes a mailbox when mail is addressed to it: address one, send nothing."""
	with smtplib.SMTP(HOST, SMTP_PORT, timeout=10) as smtp:
		smtp.ehlo()
		smtp.mail("postmaster@kol-mail.localhost")
		code, answer = smtp.rcpt(address)
		assert code == 250, answer
		smtp.rset()


def send(raw: str | bytes, sender: str, recipients: list[str]) -> None:
	"""Hand a message to the SMTP server, as a KOL's mail client would."""
	if isinstance(raw, str):
		raw = raw.encode()
	with smtplib.SMTP(HOST, SMTP_PORT, timeout=10) as smtp:
		refused = smtp.sendmail(sender, recipients, raw)
		assert not refused, refused


def _imap(address: str) -> imaplib.IMAP4:
	imap = imaplib.IMAP4(HOST, IMAP_PORT, timeout=10)
	imap.login(address, password())
	return imap


def messages(address: str, folder: str = "INBOX") -> list[email.message.EmailMessage]:
	"""Every message in the mailbox's folder, oldest first, without marking any as read."""
	imap = _imap(address)
	try:
		imap.select(folder, readonly=True)
		uids = imap.uid("search", None, "ALL")[1][0].split()
		found = []
		for uid in uids:
			data = imap.uid("fetch", uid, "(BODY.PEEK[])")[1]
			raw = next(part[1] for part in data if isinstance(part, tuple))
			found.append(email.message_from_bytes(raw, policy=email.policy.default))
		return found
	finally:
		imap.logout()


def wait_for_messages(address: str, count: int, timeout: float = 10) -> list[email.message.EmailMessage]:
	"""The mailbox's messages once it holds ``count`` (delivery is asynchronous)."""
	deadline = time.monotonic() + timeout
	while True:
		found = messages(address)
		if len(found) >= count or time.monotonic() > deadline:
			return found
		time.sleep(0.2)


def mark_unseen(address: str) -> None:
	"""Every message of the INBOX unread again, so that the next pull fetches them again."""
	imap = _imap(address)
	try:
		imap.select("INBOX")
		imap.uid("store", "1:*", "-FLAGS", "(\\Seen)")
	finally:
		imap.logout()


def empty(address: str, folder: str = "INBOX") -> None:
	"""Delete every message of the mailbox's folder."""
	imap = _imap(address)
	try:
		imap.select(folder)
		imap.uid("store", "1:*", "+FLAGS", "(\\Deleted)")
		imap.expunge()
	finally:
		imap.logout()


def append(address: str, folder: str, raw: str | bytes) -> None:
	"""Put a message into another folder of the mailbox (made if missing), unread, as a mail
	client's filter or a copy into an archive folder does."""
	if isinstance(raw, str):
		raw = raw.encode()
	imap = _imap(address)
	try:
		listed = imap.list('""', folder)[1]
		if not any(line for line in listed if line):
			imap.create(folder)
		status, answer = imap.append(folder, None, None, raw)
		assert status == "OK", answer
	finally:
		imap.logout()


def smtp_server(action: str) -> None:
	"""Stop or start the SMTP server itself (scripts/mail.sh), as an outage would."""
	subprocess.run(["bash", str(MAIL_SH), action, "smtp"], check=True, capture_output=True, timeout=60)
