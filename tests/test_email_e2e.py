"""Email end to end, through Frappe's Email Account and the real local SMTP and IMAP servers.

scripts/test.sh starts the servers (scripts/mail.sh); without them these tests are skipped and
say why. Outreach leaves through Frappe's Email Queue and the account's SMTP server and is read
back from the KOL's mailbox over IMAP; KOLs' replies are sent by SMTP into the team's inbox and
pulled by the account (``EmailAccount.receive``), as the scheduler does.

Sending and pulling commit (Frappe's queue and pull do), so everything here is committed and
the ``world`` fixture deletes it afterwards.
"""

import email.utils

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
	# Frappe caches the outgoing account per process (frappe.local): an account an earlier test
	# made (and rolled back) would still be the one found
	frappe.local.outgoing_email_account = {}
	testing_email = frappe.flags.testing_email
	frappe.flags.testing_email = True  # in tests Frappe sends by SMTP only with this flag
	yield account
	frappe.flags.testing_email = testing_email
	frappe.db.rollback()
	frappe.set_user("Administrator")
	frappe.delete_doc("Email Account", ACCOUNT, force=True)
	frappe.db.commit()
	frappe.local.outgoing_email_account = {}


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
	comms += frappe.get_all("Communication", [["sender", "like", f"%@{KOL_DOMAIN}%"]], pluck="name")
	comms = list(set(comms)) or [""]
	queues = frappe.get_all("Email Queue", {"communication": ("in", comms)}, pluck="name") or [""]
	frappe.db.delete("Email Queue Recipient", {"parent": ("in", queues)})
	frappe.db.delete("Email Queue", {"name": ("in", queues)})
	frappe.db.delete("Communication Link", {"parent": ("in", comms)})
	frappe.db.delete("Communication", {"name": ("in", comms)})
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
