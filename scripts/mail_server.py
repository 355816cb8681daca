"""The SMTP half of the local mail setup that scripts/mail.sh runs on loopback (tests and demo).

An aiosmtpd server that accepts mail for any address and delivers each recipient's copy into
that address's own Maildir under ``DIR/mailboxes``, and registers the address as a mailbox of
the IMAP server (pymap's ``maildir`` backend, run by scripts/mail.sh on the same DIR) with the
one password in ``DIR/password``. SMTP AUTH with that password is offered (as the team's real
server would ask for it) but not required. So the team's inbox and every KOL's mailbox exist as soon as
mail is sent to them, and each is read over IMAP as ``address`` / that password.

An address listed in ``DIR/tempfail`` (one a line, read at every RCPT) is refused for now with
``452 4.2.2 Mailbox full``, a temporary failure (a soft bounce at the SMTP stage), as a full
mailbox's server answers: the tests show that the sender's queue keeps the email and retries.

Never open to the network: it listens on 127.0.0.1 only, with no relaying anywhere.

    python mail_server.py --dir DIR --port 2525
"""

import argparse
import asyncio
import fcntl
import mailbox
import os
import re
import signal
from email.utils import formatdate

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from pysasl.hashing import BuiltinHash

#: what the server accepts as a mailbox name (it becomes a folder name)
ADDRESS = re.compile(r"^[a-z0-9][a-z0-9._+-]{0,63}@[a-z0-9][a-z0-9.-]{0,252}$")


class Mailboxes:
	"""The Maildirs under DIR/mailboxes and pymap's user files in DIR (pymap reads them per login)."""

	def __init__(self, base: str, password: str):
		self.base = base
		self.password_hash = BuiltinHash().hash(password)
		os.makedirs(os.path.join(base, "mailboxes"), exist_ok=True)

	def ensure(self, address: str) -> mailbox.Maildir:
		home = os.path.join("mailboxes", address)
		if not os.path.isdir(os.path.join(self.base, home)):
			self._register(address, home)
		return mailbox.Maildir(os.path.join(self.base, home), create=True)

	def _register(self, address: str, home: str) -> None:
		with open(os.path.join(self.base, "users.lock"), "w") as lock:
			fcntl.flock(lock, fcntl.LOCK_EX)
			users = self._read("pymap-etc-passwd")
			if address in users:
				return
			# passwd(5) / shadow(5) lines, as pymap's maildir backend reads them
			self._append("pymap-etc-passwd", f"{address}:x:::{address}:{home}:\n")
			self._append("pymap-etc-shadow", f"{address}:{self.password_hash}:::::::\n")

	def _read(self, name: str) -> set[str]:
		try:
			with open(os.path.join(self.base, name)) as f:
				return {line.split(":", 1)[0] for line in f if line.strip()}
		except FileNotFoundError:
			return set()

	def _append(self, name: str, line: str) -> None:
		with open(os.path.join(self.base, name), "a") as f:
			f.write(line)


class Delivery:
	"""aiosmtpd handler: every recipient gets its own copy in its own Maildir."""

	def __init__(self, boxes: Mailboxes):
		self.boxes = boxes

	def full(self, address: str) -> bool:
		try:
			with open(os.path.join(self.boxes.base, "tempfail")) as f:
				return address in {line.strip().lower() for line in f}
		except FileNotFoundError:
			return False

	async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
		address = address.lower()
		if not ADDRESS.match(address):
			return "553 5.1.3 Mailbox name not allowed"
		if self.full(address):
			return "452 4.2.2 Mailbox full, try again later"
		self.boxes.ensure(address)  # the mailbox exists once mail is addressed to it
		envelope.rcpt_tos.append(address)
		return "250 OK"

	async def handle_DATA(self, server, session, envelope):
		content = envelope.original_content or envelope.content
		if isinstance(content, str):
			content = content.encode()
		for rcpt in envelope.rcpt_tos:
			trace = (
				f"Return-Path: <{envelope.mail_from or ''}>\r\n"
				f"Delivered-To: {rcpt}\r\n"
				f"Received: from {session.host_name or 'unknown'} by kol-mail (aiosmtpd); {formatdate()}\r\n"
			).encode()
			self.boxes.ensure(rcpt).add(trace + content)
		return "250 Message accepted for delivery"


class Authenticator:
	"""SMTP AUTH (PLAIN, LOGIN) as any address, with the one password; mail is accepted without too."""

	def __init__(self, password: str):
		self.password = password.encode()

	def __call__(self, server, session, envelope, mechanism, auth_data):
		ok = isinstance(auth_data, LoginPassword) and auth_data.password == self.password
		return AuthResult(success=ok, handled=False)


def main() -> None:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--dir", required=True, help="state folder shared with the IMAP server")
	parser.add_argument("--host", default="127.0.0.1")
	parser.add_argument("--port", type=int, default=2525)
	parser.add_argument("--pid-file")
	args = parser.parse_args()

	with open(os.path.join(args.dir, "password")) as f:
		password = f.read().strip()
	controller = Controller(
		Delivery(Mailboxes(args.dir, password)),
		hostname=args.host,
		port=args.port,
		server_hostname="kol-mail.localhost",
		data_size_limit=25 * 1024 * 1024,
		authenticator=Authenticator(password),
		auth_require_tls=False,  # loopback only
	)
	controller.start()
	if args.pid_file:
		with open(args.pid_file, "w") as f:
			f.write(f"{os.getpid()}\n")
	loop = asyncio.new_event_loop()
	stop = asyncio.Event()
	for sig in (signal.SIGTERM, signal.SIGINT):
		loop.add_signal_handler(sig, stop.set)
	try:
		loop.run_until_complete(stop.wait())
	finally:
		controller.stop()
		if args.pid_file:
			try:
				os.unlink(args.pid_file)
			except FileNotFoundError:
				pass


if __name__ == "__main__":
	main()
