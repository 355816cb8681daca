"""Email end to end, through Frappe's Email Account and the real local SMTP and IMAP servers.

scripts/test.sh starts the servers (scripts/mail.sh); without them these tests are skipped and
say why. Outreach leaves through Frappe's Email Queue and the account's SMTP server and is read
back from the KOL's mailbox over IMAP; KOLs' replies are sent by SMTP into the team's inbox and
pulled by the account (``EmailAccount.receive``), as the scheduler does.

Sending and pulling commit (Frappe's queue and pull do), so everything here is committed and
the ``world`` fixture deletes it afterwards.
"""

import email.utils
import json
import urllib.parse

import frappe
import frappe.email.queue
import pytest
from frappe.utils import now_datetime

from kol_crm.outreach import email as outreach
from kol_crm.outreach import sequences
from tests import factories as f
from tests import local_mail
from tests.api import ApiSession

pytestmark = pytest.mark.skipif(bool(local_mail.unavailable()), reason=local_mail.unavailable() or "")

ACCOUNT = "KOL E2E Team Inbox"
TEAM = "kol-team@mail.kol-test.example"
KOL_DOMAIN = "e2e-creators.kol-test.example"
STRANGERS = "e2e-strangers.kol-test.example"
AGENCY = "e2e-agency.kol-test.example"


@pytest.fixture(scope="module")
def team_account():
	"""The team's Email Account on the local servers: sends by SMTP, pulls its inbox by IMAP."""
	frappe.set_user("Administrator")
	local_mail.ensure_mailbox(TEAM)
	local_mail.empty(TEAM)  # what earlier runs left would be pulled again by a new account
	if frappe.db.exists("Email Account", ACCOUNT):
		frappe.delete_doc("Email Account", ACCOUNT, force=True)
	account = frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_account_name": ACCOUNT,
			"email_id": TEAM,
			"password": local_mail.password(),
			"enable_outgoing": 1,
			"default_outgoing": 1,
			"always_use_account_email_id_as_sender": 1,  # KOLs reply to the team's inbox
			"smtp_server": local_mail.HOST,
			"smtp_port": local_mail.SMTP_PORT,
			"use_tls": 0,
			"enable_incoming": 1,
			"default_incoming": 1,
			"use_imap": 1,
			"email_server": local_mail.HOST,
			"incoming_port": local_mail.IMAP_PORT,
			"use_ssl": 0,
			"imap_folder": [{"folder_name": "INBOX"}],
			"email_sync_option": "UNSEEN",
		}
	)
	# inserting logs in to both servers: Frappe refuses an account it cannot reach
	account.insert(ignore_permissions=True)
	frappe.db.commit()
	_forget_cached_accounts()
	testing_email = frappe.flags.testing_email
	frappe.flags.testing_email = True  # in tests Frappe sends by SMTP only with this flag
	yield account
	frappe.flags.testing_email = testing_email
	frappe.db.rollback()
	frappe.set_user("Administrator")
	frappe.delete_doc("Email Account", ACCOUNT, force=True)
	frappe.db.commit()
	_forget_cached_accounts()


def _forget_cached_accounts() -> None:
	"""Frappe remembers the accounts it found for the process (``frappe.local``): an earlier test's
	account (tests/test_email.py's, with a made-up server) would send this module's email."""
	if hasattr(frappe.local, "outgoing_email_account"):
		del frappe.local.outgoing_email_account


@pytest.fixture
def world(team_account):
	"""Committed KOLs made by ``kol()``; deleted with their emails and records afterwards."""
	made = []

	def kol(**kwargs):
		frappe.set_user("Administrator")
		token = f.unique()
		doc = f.make_kol(email=f"{token}@{KOL_DOMAIN}", **kwargs)
		local_mail.ensure_mailbox(doc.email)
		frappe.db.commit()
		made.append(doc.name)
		return doc

	yield kol
	frappe.db.rollback()
	frappe.set_user("Administrator")
	comms = frappe.get_all(
		"Communication",
		filters=[["sender", "like", f"%@{STRANGERS}%"]],
		pluck="name",
	)
	for name in made:
		comms += frappe.get_all(
			"Communication", {"reference_doctype": "KOL", "reference_name": name}, pluck="name"
		)
		comms += frappe.get_all("Communication", [["sender", "like", f"%{name}%"]], pluck="name")
	comms += frappe.get_all("Communication", [["recipients", "like", f"%@{KOL_DOMAIN}%"]], pluck="name")
	comms += frappe.get_all("Communication", [["sender", "like", f"%{KOL_DOMAIN}%"]], pluck="name")
	comms += frappe.get_all("Communication", [["sender", "like", f"%@{AGENCY}%"]], pluck="name")
	comms = list(set(comms)) or [""]
	queues = frappe.get_all("Email Queue", {"communication": ("in", comms)}, pluck="name") or [""]
	frappe.db.delete("Email Queue Recipient", {"parent": ("in", queues)})
	frappe.db.delete("Email Queue", {"name": ("in", queues)})
	frappe.db.delete("Communication Link", {"parent": ("in", comms)})
	frappe.db.delete("Communication", {"name": ("in", comms)})
	frappe.db.delete("Email Unsubscribe", {"email": ("like", f"%@{KOL_DOMAIN}")})
	for name in made:
		for doctype in ("KOL Interaction", "KOL Sequence Send", "KOL Sequence Enrollment"):
			frappe.db.delete(doctype, {"kol": name})
		frappe.delete_doc("KOL", name, force=True)
	frappe.db.commit()


# ------------------------------------------------------------------ helpers


def send_outreach(kol, user: str = f.OPERATOR_A) -> str:
	"""The bulk send's path: the shipped template, rendered for the KOL, sent as the operator."""
	frappe.set_user(user)
	try:
		comm = outreach.send_template(outreach.get_template("KOL First Outreach"), kol)
	finally:
		frappe.set_user("Administrator")
	frappe.db.commit()
	return comm


def queue_of(comm: str):
	return frappe.get_doc("Email Queue", {"communication": comm})


def flush(comm: str):
	"""What the scheduler's queue flush does for this email: ``EmailQueue.send``."""
	queue = queue_of(comm)
	queue.send()
	frappe.db.rollback()  # read what the send committed
	return queue_of(comm)


def pull(team_account) -> None:
	"""The scheduler's pull of the team's inbox."""
	frappe.get_doc("Email Account", team_account.name).receive()
	frappe.db.rollback()


def reply(sender: str, subject: str, body: str, in_reply_to: str | None = None, **headers) -> str:
	"""A message to the team's inbox through the SMTP server; its Message-ID (without <>)."""
	message_id = f"{frappe.generate_hash(length=16)}@{sender.split('@')[1]}"
	lines = [
		f"From: {sender}",
		f"To: {TEAM}",
		f"Subject: {subject}",
		f"Message-ID: <{message_id}>",
		f"Date: {email.utils.format_datetime(email.utils.localtime())}",
		"Content-Type: text/plain; charset=utf-8",
	]
	if in_reply_to:
		lines += [f"In-Reply-To: <{in_reply_to}>", f"References: <{in_reply_to}>"]
	lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
	local_mail.send("\r\n".join(lines) + "\r\n\r\n" + body + "\r\n", sender, [TEAM])
	return message_id


def interactions(kol: str) -> list:
	return frappe.get_all(
		"KOL Interaction",
		filters={"kol": kol},
		fields=["direction", "summary", "communication", "operator"],
		order_by="creation asc",
	)


def received(message_id: str) -> list:
	return frappe.get_all(
		"Communication",
		filters={"message_id": message_id},
		fields=["name", "reference_doctype", "reference_name", "in_reply_to", "sent_or_received"],
	)


# ------------------------------------------------------------------ outgoing


def test_outreach_leaves_through_the_queue_and_smtp_into_the_kols_mailbox(world):
	kol = world(display_name="Lin the Baker")
	comm = send_outreach(kol)

	queue = queue_of(comm)
	assert queue.status == "Not Sent"  # queued by the desk, sent by the flush
	assert local_mail.messages(kol.email) == []
	assert flush(comm).status == "Sent"

	[message] = local_mail.wait_for_messages(kol.email, 1)
	assert [a for _, a in email.utils.getaddresses([message["To"]])] == [kol.email]
	assert message["Subject"] == f"{kol.kol_name}, an invitation to create with us"
	body = message.get_body(("html",)).get_content()
	assert "Hi Lin the Baker," in body and "{{" not in body
	assert f.OPERATOR_A.split("@")[0] in body  # signed by the sender (frappe.get_fullname)
	# the headers a reply threads by: the queue's Message-ID, and replies go to the team's inbox
	assert message["Message-ID"] == f"<{queue.message_id}>"
	assert frappe.db.get_value("Communication", comm, "message_id") == queue.message_id
	assert email.utils.parseaddr(message["Reply-To"] or message["From"])[1] == TEAM

	rows = interactions(kol.name)
	assert [(r.direction, r.communication, r.operator) for r in rows] == [("Outbound", comm, f.OPERATOR_A)]
	# a second flush sends nothing more
	queue_of(comm).send()
	assert len(local_mail.wait_for_messages(kol.email, 2, timeout=1)) == 1


# ------------------------------------------------------------------ incoming


def test_a_reply_in_the_thread_lands_on_the_kol_once_even_when_pulled_twice(world, team_account):
	kol = world(operator=f.OPERATOR_B)
	comm = send_outreach(kol, user=f.OPERATOR_B)
	flush(comm)
	[sent] = local_mail.wait_for_messages(kol.email, 1)
	thread_id = sent["Message-ID"].strip("<>")

	# answered from another address (the KOL's assistant): only the thread ties it to the KOL
	assistant = f"assistant.{frappe.generate_hash(length=6)}@{KOL_DOMAIN}"
	message_id = reply(assistant, f"Re: {sent['Subject']}", "Yes, let's talk!", in_reply_to=thread_id)
	pull(team_account)

	[comm_in] = received(message_id)
	assert comm_in.sent_or_received == "Received"
	assert (comm_in.reference_doctype, comm_in.reference_name) == ("KOL", kol.name)
	assert comm_in.in_reply_to == comm
	inbound = [r for r in interactions(kol.name) if r.direction == "Inbound"]
	assert [(r.communication, r.operator, r.summary) for r in inbound] == [
		(comm_in.name, f.OPERATOR_B, f"Re: {sent['Subject']}")
	]

	# the same message pulled again (marked unread on the server): still one email, one interaction
	local_mail.mark_unseen(TEAM)
	pull(team_account)
	assert len(received(message_id)) == 1
	assert len([r for r in interactions(kol.name) if r.direction == "Inbound"]) == 1


def test_a_new_message_from_the_kols_address_lands_on_the_kol(world, team_account):
	kol = world()
	message_id = reply(kol.email.upper(), "A question about your program", "What do you pay?")
	pull(team_account)

	[comm_in] = received(message_id)
	assert (comm_in.reference_doctype, comm_in.reference_name) == ("KOL", kol.name)
	assert [(r.direction, r.communication) for r in interactions(kol.name)] == [("Inbound", comm_in.name)]


def test_an_answer_to_a_forwarded_thread_lands_on_the_kol_by_its_references(world, team_account):
	"""The KOL forwarded our email to a colleague, who answers from an address no KOL has:
	In-Reply-To is the KOL's forward (never ours), References still hold our email."""
	kol = world()
	comm, sent = _sent_outreach(kol)
	ours = sent["Message-ID"].strip("<>")
	forward = f"{frappe.generate_hash(length=16)}@{KOL_DOMAIN}"
	colleague = f"manager.{frappe.generate_hash(length=6)}@{STRANGERS}"
	answer = f"{frappe.generate_hash(length=16)}@{STRANGERS}"
	raw = (
		f"From: {colleague}\r\nTo: {TEAM}\r\nSubject: Re: Fwd: {sent['Subject']}\r\n"
		f"Message-ID: <{answer}>\r\nIn-Reply-To: <{forward}>\r\nReferences: <{ours}>\r\n <{forward}>\r\n"
		f"Date: {email.utils.format_datetime(email.utils.localtime())}\r\n"
		"Content-Type: text/plain; charset=utf-8\r\n\r\nI manage her partnerships: send me the terms.\r\n"
	)
	unrelated = reply(colleague, "Another matter", "Not about any thread.")
	local_mail.send(raw, colleague, [TEAM])
	pull(team_account)

	[comm_in] = received(answer)
	assert (comm_in.reference_doctype, comm_in.reference_name, comm_in.in_reply_to) == ("KOL", kol.name, comm)
	assert [(r.direction, r.communication) for r in interactions(kol.name)] == [
		("Outbound", comm),
		("Inbound", comm_in.name),
	]
	assert received(unrelated)[0].reference_name is None  # the same sender, outside the thread


@pytest.fixture(scope="module")
def inbox_operator(team_account):
	"""An operator who also works the team's inbox (Frappe's Inbox User role); created once and
	kept, as factories.ensure_users keeps the other test users."""
	from frappe.utils.password import update_password  # only this fixture sets passwords

	user = "kol.inbox.operator@kol-test.example"
	if not frappe.db.exists("User", user):
		doc = frappe.get_doc(
			{"doctype": "User", "email": user, "first_name": "Inbox", "send_welcome_email": 0}
		)
		doc.insert(ignore_permissions=True)
		doc.add_roles("KOL Operator", "Inbox User")
	update_password(user, f.PASSWORD)
	frappe.db.commit()
	return user


def test_mail_from_an_unknown_sender_stays_unlinked_until_attached_to_a_kol(
	world, team_account, inbox_operator
):
	kol = world(operator=inbox_operator)
	other_operators_kol = world(operator=f.OPERATOR_B)
	before = frappe.db.count("KOL Interaction")
	message_id = reply(f"someone@{STRANGERS}", "Collaboration?", "Hello, I am a creator too.")
	pull(team_account)

	[comm_in] = received(message_id)
	assert comm_in.reference_doctype is None and comm_in.reference_name is None
	assert frappe.db.count("KOL Interaction") == before

	# the desk's Relink, by whoever works the inbox: never onto a KOL they may not change
	relink = "/api/method/frappe.email.relink"
	attach = {"name": comm_in.name, "reference_doctype": "KOL"}
	session = ApiSession(inbox_operator, f.PASSWORD)
	response = session.post(relink, data={**attach, "reference_name": other_operators_kol.name})
	assert response.status_code == 403, response.get_data(as_text=True)
	frappe.db.rollback()
	assert frappe.db.get_value("Communication", comm_in.name, "reference_name") is None

	# onto their own KOL: now it is the KOL's email and its interaction, once
	for _ in range(2):
		response = session.post(relink, data={**attach, "reference_name": kol.name})
		assert response.status_code == 200, response.get_data(as_text=True)
	frappe.db.rollback()
	linked = frappe.db.get_value("Communication", comm_in.name, ["reference_doctype", "reference_name"])
	assert linked == ("KOL", kol.name)
	rows = interactions(kol.name)
	assert [(r.direction, r.communication, r.operator) for r in rows] == [
		("Inbound", comm_in.name, inbox_operator)
	]
	assert frappe.db.count("KOL Interaction") == before + 1


# ------------------------------------------------------------------ failures


def test_with_the_smtp_server_down_the_queue_keeps_the_mail_and_sends_it_once_when_back(world):
	kol = world()
	comm = send_outreach(kol)
	local_mail.smtp_server("stop")
	try:
		frappe.email.queue.flush()  # the scheduler's job: logs the failure and goes on
		frappe.db.rollback()
		queue = queue_of(comm)
		assert (queue.status, queue.retry) == ("Not Sent", 1)  # kept for the next flush
		assert "Connection refused" in queue.error
	finally:
		local_mail.smtp_server("start")
	frappe.email.queue.flush()
	frappe.db.rollback()
	assert queue_of(comm).status == "Sent"
	assert len(local_mail.wait_for_messages(kol.email, 1)) == 1
	frappe.email.queue.flush()  # and a flush after that sends nothing again
	assert len(local_mail.wait_for_messages(kol.email, 2, timeout=1)) == 1
	assert len(interactions(kol.name)) == 1


def test_an_out_of_office_reply_does_not_stop_the_sequence(world, team_account):
	kol = world()
	frappe.set_user(f.OPERATOR_A)
	enrollment = sequences.enroll(kol, _sequence())
	frappe.set_user("Administrator")
	frappe.db.commit()
	comm = send_outreach(kol)
	flush(comm)
	[sent] = local_mail.wait_for_messages(kol.email, 1)

	auto = reply(
		kol.email,
		f"Automatic reply: {sent['Subject']}",
		"I am away until Monday.",
		in_reply_to=sent["Message-ID"].strip("<>"),
		Auto_Submitted="auto-replied",
		X_Autoreply="yes",
	)
	pull(team_account)
	[comm_in] = received(auto)
	assert (comm_in.reference_doctype, comm_in.reference_name) == ("KOL", kol.name)  # on the timeline
	assert [r.direction for r in interactions(kol.name)] == ["Outbound"]  # not a reply
	assert frappe.db.get_value("KOL Sequence Enrollment", enrollment.name, "status") == "Active"

	# the KOL's own answer then does stop it
	reply(kol.email, f"Re: {sent['Subject']}", "Back now. Interested!")
	pull(team_account)
	assert frappe.db.get_value("KOL Sequence Enrollment", enrollment.name, "status") == "Stopped"


def _sequence() -> str:
	name = "KOL E2E Sequence"
	if not frappe.db.exists("KOL Outreach Sequence", name):
		frappe.get_doc(
			{
				"doctype": "KOL Outreach Sequence",
				"sequence_name": name,
				"enabled": 1,
				"steps": [
					{"email_template": "KOL First Outreach", "wait_days": 0},
					{"email_template": "KOL Follow-up", "wait_days": 3},
				],
			}
		).insert(ignore_permissions=True)
	return name


def _enrolled(kol) -> str:
	frappe.set_user(f.OPERATOR_A)
	try:
		enrollment = sequences.enroll(kol, _sequence())
	finally:
		frappe.set_user("Administrator")
	frappe.db.commit()
	return enrollment.name


def _sent_outreach(kol):
	"""The first outreach to the KOL, sent and read back from its mailbox: (Communication, message)."""
	comm = send_outreach(kol)
	flush(comm)
	[sent] = local_mail.wait_for_messages(kol.email, 1)
	return comm, sent


# ------------------------------------------------------------------ bounces


def dsn(sent, status: str, action: str, diagnostic: str) -> str:
	"""A delivery status notification (RFC 3464) for our email ``sent``, as the KOL's mail server's
	mailer-daemon sends it (null envelope sender) to the team's inbox; its Message-ID."""
	recipient = email.utils.parseaddr(sent["To"])[1]
	host = recipient.split("@")[1]
	message_id = f"{frappe.generate_hash(length=16)}@mx.{host}"
	boundary = f"dsn-{frappe.generate_hash(length=10)}"
	now = email.utils.format_datetime(email.utils.localtime())
	returned = "\n".join(f"{name}: {sent[name]}" for name in ("From", "To", "Subject", "Message-ID", "Date"))
	raw = f"""From: Mail Delivery System <MAILER-DAEMON@mx.{host}>
To: {TEAM}
Subject: Undelivered Mail Returned to Sender
Message-ID: <{message_id}>
Date: {now}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"

--{boundary}
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.{host}. Your message could not be delivered
to one or more recipients.

--{boundary}
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.{host}
Arrival-Date: {now}

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Remote-MTA: dns; mx.{host}
Diagnostic-Code: smtp; {diagnostic}

--{boundary}
Content-Type: text/rfc822-headers

{returned}

--{boundary}--
""".replace("\n", "\r\n")
	local_mail.send(raw, "", [TEAM])
	return message_id


def test_a_hard_bounce_marks_the_address_invalid_stops_sequences_and_refuses_outreach(world, team_account):
	kol = world()
	enrollment = _enrolled(kol)
	comm, sent = _sent_outreach(kol)

	bounced = dsn(sent, "5.1.1", "failed", f"550 5.1.1 <{kol.email}>: Recipient address rejected")
	pull(team_account)

	# the DSN is on the KOL's timeline, as the answer to the email that bounced, and no reply
	[report] = received(bounced)
	assert (report.reference_doctype, report.reference_name, report.in_reply_to) == ("KOL", kol.name, comm)
	assert [r.direction for r in interactions(kol.name)] == ["Outbound"]
	assert frappe.db.get_value("Communication", comm, "delivery_status") == "Bounced"
	invalid = frappe.db.get_value(
		"KOL", kol.name, ["email_invalid", "email_invalid_on", "email_invalid_reason"], as_dict=True
	)
	assert (invalid.email_invalid, str(invalid.email_invalid_on)) == (1, frappe.utils.nowdate())
	assert invalid.email_invalid_reason.startswith("5.1.1 failed: smtp; 550 5.1.1")
	stopped = frappe.db.get_value("KOL Sequence Enrollment", enrollment, ["status", "stopped_reason"])
	assert stopped == ("Stopped", "The KOL's email address bounced (5.1.1)")

	# outreach to the address is refused, row by row in a bulk send, and so is a new sequence
	from kol_crm.outreach import bulk

	frappe.set_user(f.OPERATOR_A)
	summary = bulk.send_outreach([kol.name], "KOL First Outreach")
	[skipped] = summary["skipped"]
	assert skipped["kol"] == kol.name and not summary["done"]
	assert skipped["message"].startswith("The email address bounced as undeliverable on ")
	with pytest.raises(frappe.ValidationError, match="bounced as undeliverable"):
		sequences.enroll(frappe.get_doc("KOL", kol.name), _sequence())
	frappe.db.rollback()

	# the analyst sees the flag, not the server's reason (which repeats the address)
	frappe.set_user(f.ANALYST)
	seen = frappe.get_doc("KOL", kol.name)
	seen.apply_fieldlevel_read_permissions()
	assert (seen.email_invalid, seen.get("email_invalid_reason"), seen.get("email")) == (1, None, None)

	# a corrected address may be written to again
	frappe.set_user(f.OPERATOR_A)
	doc = frappe.get_doc("KOL", kol.name)
	doc.email = f"new.{kol.email}"
	doc.save()
	assert (doc.email_invalid, doc.email_invalid_on, doc.email_invalid_reason) == (0, None, None)
	frappe.set_user("Administrator")
	frappe.db.commit()


def test_a_soft_bounce_is_recorded_and_changes_nothing_else(world, team_account):
	kol = world()
	enrollment = _enrolled(kol)
	comm, sent = _sent_outreach(kol)

	delayed = dsn(sent, "4.2.2", "delayed", "452 4.2.2 Mailbox full")
	pull(team_account)

	[report] = received(delayed)
	assert (report.reference_name, report.in_reply_to) == (kol.name, comm)
	assert frappe.db.get_value("Communication", comm, "delivery_status") == "Soft-Bounced"
	assert frappe.db.get_value("KOL", kol.name, "email_invalid") == 0
	assert frappe.db.get_value("KOL Sequence Enrollment", enrollment, "status") == "Active"
	assert [r.direction for r in interactions(kol.name)] == ["Outbound"]


def test_a_bounce_about_mail_we_never_sent_changes_nothing(world, team_account):
	kol = world()
	enrollment = _enrolled(kol)
	comm, sent = _sent_outreach(kol)
	# a made-up report: our email to someone else, or an email that is not ours
	del sent["Message-ID"]
	sent["Message-ID"] = f"<{frappe.generate_hash(length=12)}@elsewhere.example>"
	forged = dsn(sent, "5.1.1", "failed", "550 5.1.1 no such user")
	pull(team_account)

	[report] = received(forged)
	assert report.reference_name is None  # stays in the inbox, on nobody
	assert frappe.db.get_value("KOL", kol.name, "email_invalid") == 0
	assert frappe.db.get_value("Communication", comm, "delivery_status") != "Bounced"
	assert frappe.db.get_value("KOL Sequence Enrollment", enrollment, "status") == "Active"


# ------------------------------------------------------------------ unsubscribe


def _unsubscribe_link(message) -> str:
	text = message.get_body(("plain",)).get_content()
	[link] = [
		line.split(": ", 1)[1].strip()
		for line in text.splitlines()
		if line.startswith("Leave this conversation: ")
	]
	return link


def test_the_unsubscribe_link_of_an_outreach_email_sets_do_not_contact(world, team_account):
	kol = world()
	other = world()
	enrollment = _enrolled(kol)
	_, sent = _sent_outreach(kol)

	link = _unsubscribe_link(sent)
	assert link.startswith("http://") and "/api/method/frappe.email.queue.unsubscribe?" in link
	html = sent.get_body(("html",)).get_content()
	assert f'href="{frappe.utils.escape_html(link)}"' in html or f'href="{link}"' in html
	path = "/" + link.split("/", 3)[3]
	guest = ApiSession()

	# a link changed to another KOL and address is refused, and records nothing
	tampered = path.replace(kol.name, other.name).replace(
		frappe.utils.quote(kol.email, safe=""), frappe.utils.quote(other.email, safe="")
	)
	assert tampered != path
	response = guest.get(tampered)
	assert "Invalid Link" in response.get_data(as_text=True)
	frappe.db.rollback()
	assert frappe.db.get_value("KOL", other.name, "do_not_contact") == 0
	assert not frappe.db.exists("Email Unsubscribe", {"email": other.email})

	response = guest.get(path)
	assert response.status_code == 200, response.get_data(as_text=True)
	assert "Unsubscribed" in response.get_data(as_text=True)
	frappe.db.rollback()
	dnc = frappe.db.get_value("KOL", kol.name, ["do_not_contact", "do_not_contact_reason"])
	assert dnc == (1, "The KOL unsubscribed with the link in our email")
	assert frappe.db.get_value("KOL Sequence Enrollment", enrollment, "status") == "Stopped"
	assert guest.get(path).status_code == 200  # opened twice: the same page, nothing more

	from kol_crm.outreach import bulk

	frappe.set_user(f.OPERATOR_A)
	[skipped] = bulk.send_outreach([kol.name], "KOL First Outreach")["skipped"]
	assert skipped["message"] == "Do not contact: The KOL unsubscribed with the link in our email"
	frappe.set_user("Administrator")


@pytest.mark.parametrize(
	"subject, body",
	[("Re: {subject}", "Unsubscribe.\r\n\r\nThanks anyway"), ("回复：{subject}", "退订\r\n谢谢")],
	ids=["en", "zh"],
)
def test_a_reply_that_says_unsubscribe_sets_do_not_contact(world, team_account, subject, body):
	kol = world()
	enrollment = _enrolled(kol)
	_, sent = _sent_outreach(kol)
	reply(
		kol.email, subject.format(subject=sent["Subject"]), body, in_reply_to=sent["Message-ID"].strip("<>")
	)
	pull(team_account)

	dnc = frappe.db.get_value("KOL", kol.name, ["do_not_contact", "do_not_contact_reason"])
	assert dnc == (1, "The KOL asked to unsubscribe by email")
	assert frappe.db.get_value("KOL Sequence Enrollment", enrollment, "status") == "Stopped"
	assert [r.direction for r in interactions(kol.name)] == ["Outbound", "Inbound"]  # still their reply


def test_an_automatic_reply_that_says_unsubscribe_changes_nothing(world, team_account):
	kol = world()
	enrollment = _enrolled(kol)
	_, sent = _sent_outreach(kol)
	auto = reply(
		kol.email,
		"Unsubscribe",
		"unsubscribe",
		in_reply_to=sent["Message-ID"].strip("<>"),
		Auto_Submitted="auto-generated",
	)
	pull(team_account)

	assert received(auto)[0].reference_name == kol.name
	assert frappe.db.get_value("KOL", kol.name, "do_not_contact") == 0
	assert frappe.db.get_value("KOL Sequence Enrollment", enrollment, "status") == "Active"


def test_a_reply_that_only_mentions_unsubscribing_is_an_ordinary_reply(world, team_account):
	kol = world()
	reply(kol.email, "About your program", "Should I unsubscribe from the old list?\r\nThanks")
	pull(team_account)
	assert frappe.db.get_value("KOL", kol.name, "do_not_contact") == 0
	assert [r.direction for r in interactions(kol.name)] == ["Inbound"]


# ------------------------------------------------------------------ other addresses, folders


def test_mail_from_the_kols_other_address_or_agent_lands_on_the_kol(world, team_account):
	agent = f"agent.{frappe.generate_hash(length=6)}@{AGENCY}"
	other = f"studio.{frappe.generate_hash(length=6)}@{AGENCY}"
	kol = world(agent_email=agent, other_emails=f"{other.upper()}\nsomeone.else@{AGENCY}")
	assert kol.other_emails == f"{other}\nsomeone.else@{AGENCY}"  # stored one per line, lower case

	from_agent = reply(agent, "Rates for Q3", "Our rate card is attached.")
	from_other = reply(other, "From my studio address", "Hi again")
	pull(team_account)

	for message_id in (from_agent, from_other):
		[comm_in] = received(message_id)
		assert (comm_in.reference_doctype, comm_in.reference_name) == ("KOL", kol.name)
	assert [r.direction for r in interactions(kol.name)] == ["Inbound", "Inbound"]


def test_mail_from_an_agent_of_several_kols_waits_to_be_attached(world, team_account):
	agent = f"agent.{frappe.generate_hash(length=6)}@{AGENCY}"
	first, second = world(agent_email=agent), world(agent_email=agent)
	message_id = reply(agent, "Two of my creators", "Both are free in May.")
	pull(team_account)

	[comm_in] = received(message_id)
	assert comm_in.reference_name is None  # which KOL is a person's call (Relink)
	assert interactions(first.name) == [] and interactions(second.name) == []


def test_other_addresses_must_be_addresses(world):
	with pytest.raises(frappe.ValidationError, match="not a valid email address"):
		world(other_emails="studio at example dot com")


def test_the_same_message_in_two_folders_is_one_interaction(world, team_account):
	kol = world()
	message_id = f"{frappe.generate_hash(length=16)}@{KOL_DOMAIN}"
	raw = (
		f"From: {kol.email}\r\nTo: {TEAM}\r\nSubject: Filed twice\r\nMessage-ID: <{message_id}>\r\n"
		f"Date: {email.utils.format_datetime(email.utils.localtime())}\r\n"
		"Content-Type: text/plain; charset=utf-8\r\n\r\nHello from two folders\r\n"
	)
	local_mail.empty(TEAM, "INBOX")
	local_mail.append(TEAM, "Creators", raw)  # a filter of the mailbox copied it there
	local_mail.send(raw, kol.email, [TEAM])
	account = frappe.get_doc("Email Account", team_account.name)
	account.append("imap_folder", {"folder_name": "Creators"})
	account.save(ignore_permissions=True)
	frappe.db.commit()
	try:
		pull(team_account)
		assert len(received(message_id)) == 1
		assert [r.direction for r in interactions(kol.name)] == ["Inbound"]
		# both folders were read (Frappe notes each folder's UIDVALIDITY when it reads it)
		folders = frappe.get_all(
			"IMAP Folder", {"parent": team_account.name}, ["folder_name", "uidvalidity"], order_by="idx"
		)
		assert [r.folder_name for r in folders] == ["INBOX", "Creators"] and all(
			r.uidvalidity for r in folders
		)
	finally:
		account = frappe.get_doc("Email Account", team_account.name)
		account.imap_folder = [row for row in account.imap_folder if row.folder_name == "INBOX"]
		account.save(ignore_permissions=True)
		frappe.db.commit()
		local_mail.empty(TEAM, "Creators")


# ------------------------------------------------------------------ sequences


def test_a_sequence_step_leaves_through_the_queue_with_the_unsubscribe_link(world, team_account):
	kol = world(display_name="Mei the Painter")
	enrollment = _enrolled(kol)
	# the hourly job's work for this enrolment (send_due_steps would also send other tests' steps)
	assert sequences.send_due_step(enrollment, frappe.utils.getdate()) == "sent"
	frappe.db.commit()
	[comm] = frappe.get_all(
		"Communication", {"reference_doctype": "KOL", "reference_name": kol.name}, pluck="name"
	)
	assert flush(comm).status == "Sent"

	[message] = local_mail.wait_for_messages(kol.email, 1)
	assert [a for _, a in email.utils.getaddresses([message["To"]])] == [kol.email]
	assert message["Subject"] == f"{kol.kol_name}, an invitation to create with us"
	assert "Hi Mei the Painter," in message.get_body(("html",)).get_content()
	assert message["Message-ID"] == f"<{frappe.db.get_value('Communication', comm, 'message_id')}>"
	assert _unsubscribe_link(message).startswith("http://")
	sent = frappe.db.get_value("KOL Sequence Enrollment", enrollment, ["current_step", "status"])
	assert sent == (1, "Active")
	assert [(r.direction, r.communication, r.operator) for r in interactions(kol.name)] == [
		("Outbound", comm, f.OPERATOR_A)
	]


# ------------------------------------------------------------------ language


def test_a_kol_written_to_in_chinese_gets_the_chinese_template(world):
	kol = world(display_name="可可的厨房", email_language="zh")
	comm = send_outreach(kol)
	assert flush(comm).status == "Sent"

	[message] = local_mail.wait_for_messages(kol.email, 1)
	assert [a for _, a in email.utils.getaddresses([message["To"]])] == [kol.email]
	assert message["Subject"] == f"{kol.kol_name}，诚邀您与我们一起创作"
	body = message.get_body(("html",)).get_content()
	assert "可可的厨房，您好！" in body and "Hi " not in body and "{{" not in body
	assert message["Message-ID"] == f"<{queue_of(comm).message_id}>"
	assert frappe.db.get_value("Communication", comm, "email_template") == "KOL First Outreach (zh)"


def test_a_follow_up_step_of_a_sequence_goes_out_in_the_kols_language(world):
	kol = world(email_language="zh")
	enrollment = _enrolled(kol)
	assert sequences.send_due_step(enrollment, frappe.utils.getdate()) == "sent"
	frappe.db.commit()
	[comm] = frappe.get_all(
		"Communication", {"reference_doctype": "KOL", "reference_name": kol.name}, pluck="name"
	)
	flush(comm)
	[message] = local_mail.wait_for_messages(kol.email, 1)
	assert message["Subject"] == f"{kol.kol_name}，诚邀您与我们一起创作"
	assert _unsubscribe_link(message).startswith("http://")


# ------------------------------------------------------------------ soft bounce at delivery


def test_a_temporary_refusal_at_delivery_is_retried_and_sent_once(world):
	"""A soft bounce at the SMTP stage (452 4.2.2 mailbox full): the queue keeps the email, the
	next flush tries again, and once the mailbox takes mail it is delivered once."""
	kol = world()
	comm = send_outreach(kol)
	full = local_mail.MAIL_DIR / "tempfail"
	full.write_text(f"{kol.email}\n")
	try:
		for attempt in (1, 2):
			frappe.email.queue.flush()
			frappe.db.rollback()
			queue = queue_of(comm)
			assert (queue.status, queue.retry) == ("Not Sent", attempt)
			assert "4.2.2 Mailbox full" in queue.error
		assert local_mail.messages(kol.email) == []
	finally:
		full.unlink()
	frappe.email.queue.flush()
	frappe.db.rollback()
	assert queue_of(comm).status == "Sent"
	assert len(local_mail.wait_for_messages(kol.email, 1)) == 1
	frappe.email.queue.flush()
	assert len(local_mail.wait_for_messages(kol.email, 2, timeout=1)) == 1
	assert [i.communication for i in interactions(kol.name)] == [comm]
	# a refusal is not the address being wrong: the KOL may be written to
	assert frappe.db.get_value("KOL", kol.name, "email_invalid") == 0


def test_a_soft_bounce_then_the_servers_final_failure_marks_the_address_invalid(world, team_account):
	"""The KOL's server retries after a soft bounce and says so with a hard bounce when it gives up."""
	kol = world()
	comm, sent = _sent_outreach(kol)
	dsn(sent, "4.2.2", "delayed", "452 4.2.2 Mailbox full")
	pull(team_account)
	assert frappe.db.get_value("Communication", comm, "delivery_status") == "Soft-Bounced"
	assert frappe.db.get_value("KOL", kol.name, "email_invalid") == 0
	dsn(sent, "5.2.2", "failed", "552 5.2.2 Mailbox full, giving up after 5 days")
	pull(team_account)
	assert frappe.db.get_value("Communication", comm, "delivery_status") == "Bounced"
	assert frappe.db.get_value("KOL", kol.name, "email_invalid") == 1


# ------------------------------------------------------------------ analysts


def test_an_analyst_sees_none_of_the_addresses_over_rest(world, team_account):
	agent = f"agent.{frappe.generate_hash(length=6)}@{AGENCY}"
	other = f"studio.{frappe.generate_hash(length=6)}@{AGENCY}"
	kol = world(agent_email=agent, other_emails=other)
	comm, sent = _sent_outreach(kol)
	answer = reply(
		kol.email, f"Re: {sent['Subject']}", "Sounds good", in_reply_to=sent["Message-ID"].strip("<>")
	)
	bounced = dsn(sent, "5.1.1", "failed", f"550 5.1.1 <{kol.email}>: Recipient address rejected")
	pull(team_account)
	[comm_in] = received(answer)
	[report] = received(bounced)
	queue = queue_of(comm).name
	assert frappe.db.get_value("KOL", kol.name, "email_invalid") == 1
	addresses = [kol.email, agent, other]

	session = ApiSession(f.ANALYST, f.PASSWORD)
	kol_fields = '["name","email","other_emails","agent_email","email_invalid","email_invalid_reason"]'
	for path in (
		f"/api/resource/KOL/{kol.name}",
		f"/api/resource/KOL?fields={kol_fields}&filters=" + _q({"name": kol.name}),
		f"/api/method/frappe.desk.form.load.getdoc?doctype=KOL&name={kol.name}",
		f"/api/method/frappe.desk.form.load.get_communications?doctype=KOL&name={kol.name}",
		f"/api/resource/Communication/{comm}",
		f"/api/resource/Communication/{comm_in.name}",
		f"/api/resource/Communication/{report.name}",
		'/api/resource/Communication?fields=["name","sender","recipients","content"]&filters='
		+ _q({"reference_name": kol.name}),
		f"/api/resource/Email Queue/{queue}",
		'/api/resource/Email Queue?fields=["name","message","sender"]',
		'/api/resource/Email Queue Recipient?fields=["recipient"]&filters=' + _q({"parent": queue}),
		"/api/method/frappe.desk.reportview.get?doctype=Communication&fields="
		+ '["`tabCommunication`.`sender`","`tabCommunication`.`recipients`"]',
		# Frappe makes a Contact for every sender pulled ("Create Contacts from Incoming Emails")
		'/api/resource/Contact?fields=["name","email_id"]&limit_page_length=0',
		'/api/resource/Contact Email?fields=["email_id"]&limit_page_length=0',
		'/api/resource/Email Unsubscribe?fields=["email"]&limit_page_length=0',
	):
		response = session.get(path)
		text = response.get_data(as_text=True)
		for address in addresses:
			assert address not in text.lower(), (path, response.status_code)
	# the analyst does read the KOL and its flag (the rows are not simply refused)
	kol_doc = ApiSession.json(session.get(f"/api/resource/KOL/{kol.name}"))["data"]
	assert kol_doc["email_invalid"] == 1
	assert "email" not in kol_doc and "email_invalid_reason" not in kol_doc
	assert kol.email in frappe.db.get_value("KOL", kol.name, "email_invalid_reason")  # it is there


def _q(filters: dict) -> str:
	return urllib.parse.quote(json.dumps(filters))


# ------------------------------------------------------------------ the demo


def test_the_demo_sends_outreach_through_the_local_servers_and_pulls_a_reply(world, team_account):
	from kol_crm.demo import mail as demo_mail

	zh, en = world(email_language="zh"), world()
	local_mail.ensure_mailbox(demo_mail.TEAM)
	local_mail.empty(demo_mail.TEAM)  # what an earlier run left
	try:
		result = demo_mail.add_mail([zh.name, en.name], replying=zh.name)
		assert (result["mail"], result["emails_sent"]) == ("sent", 2)
		account = frappe.get_doc("Email Account", demo_mail.ACCOUNT)
		assert (str(account.smtp_port), str(account.incoming_port)) == (
			str(local_mail.SMTP_PORT),
			str(local_mail.IMAP_PORT),
		)
		# the outreach left through the Email Queue into each KOL's mailbox, in its language
		for kol, subject in ((zh, "，诚邀您与我们一起创作"), (en, ", an invitation to create with us")):
			[comm] = frappe.get_all(
				"Communication",
				{"reference_doctype": "KOL", "reference_name": kol.name, "sent_or_received": "Sent"},
				pluck="name",
			)
			assert queue_of(comm).status == "Sent"
			[message] = local_mail.wait_for_messages(kol.email, 1)
			assert message["Subject"] == kol.kol_name + subject
			assert email.utils.parseaddr(message["From"])[1] == demo_mail.TEAM
			if kol is zh:
				answered = message["Message-ID"]
		# the zh KOL's answer went into the team's inbox and was pulled onto its timeline
		[inbox] = local_mail.messages(demo_mail.TEAM)
		assert inbox["In-Reply-To"] == answered
		reply_comm = result["reply"]
		assert frappe.db.get_value(
			"Communication", reply_comm, ["reference_doctype", "reference_name", "sent_or_received"]
		) == ("KOL", zh.name, "Received")
		assert [r.direction for r in interactions(zh.name)] == ["Outbound", "Inbound"]
		assert [r.direction for r in interactions(en.name)] == ["Outbound"]

		# run again: nothing is sent or pulled twice
		again = demo_mail.add_mail([zh.name, en.name], replying=zh.name)
		assert (again["emails_sent"], again["reply"]) == (0, reply_comm)
		assert len(local_mail.messages(zh.email)) == 1 and len(local_mail.messages(demo_mail.TEAM)) == 1
		assert len(interactions(zh.name)) == 2
	finally:
		frappe.db.rollback()
		frappe.delete_doc("Email Account", demo_mail.ACCOUNT, force=True, ignore_permissions=True)
		# the demo's account took the defaults: give them back to this module's account
		frappe.db.set_value("Email Account", ACCOUNT, {"default_outgoing": 1, "default_incoming": 1})
		frappe.db.commit()
		_forget_cached_accounts()
		local_mail.empty(demo_mail.TEAM)


def test_without_the_local_servers_the_demo_mail_is_skipped(monkeypatch):
	from kol_crm.demo import mail as demo_mail

	monkeypatch.setenv("KOL_MAIL_IMAP_PORT", "1")  # nothing listens there
	assert demo_mail.servers() is None
	assert demo_mail.add_mail()["mail"].startswith("skipped")
	assert not frappe.db.exists("Email Account", demo_mail.ACCOUNT)
