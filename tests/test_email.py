"""Email in and out becomes exactly one KOL Interaction, and moves the KOL's follow-up dates."""

from email.message import Message

import frappe
import pytest
from frappe.core.doctype.communication.email import make as send_from_desk
from frappe.email.receive import InboundMail

from kol_crm.outreach.auto_replies import is_auto_reply
from kol_crm.outreach.interactions import on_communication
from tests import factories as f


@pytest.fixture
def email_account():
	"""An Email Account as operations teams set one up (no server is contacted in tests)."""
	name = "KOL Test Inbox"
	if not frappe.db.exists("Email Account", name):
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": name,
				"email_id": "kol-team@kol-test.example",
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": "smtp.kol-test.example",
				"no_smtp_authentication": 1,
				"enable_incoming": 1,
				"default_incoming": 1,
				"email_server": "imap.kol-test.example",
				"awaiting_password": 1,
			}
		).insert(ignore_permissions=True)
	return frappe.get_doc("Email Account", name)


def _interactions(kol: str) -> list:
	return frappe.get_all(
		"KOL Interaction",
		filters={"kol": kol},
		fields=["direction", "interaction_type", "summary", "communication", "operator", "proposal"],
	)


def test_email_sent_from_the_kol_form_becomes_one_outbound_interaction(email_account):
	kol = f.make_kol()
	frappe.set_user(f.OPERATOR_A)
	result = send_from_desk(
		doctype="KOL",
		name=kol.name,
		recipients=kol.email,
		subject="Invitation to our creator program",
		content="<p>Hi! Would you like to join?</p>",
		send_email=True,
	)
	rows = _interactions(kol.name)
	assert len(rows) == 1
	assert rows[0].direction == "Outbound"
	assert rows[0].interaction_type == "Email"
	assert rows[0].summary == "Invitation to our creator program"
	assert rows[0].communication == result["name"]
	assert rows[0].operator == f.OPERATOR_A
	assert frappe.db.exists("Email Queue", {"communication": result["name"]})
	assert frappe.db.get_value("KOL", kol.name, "last_interaction_on")


def test_the_hook_running_twice_records_the_email_once(email_account):
	kol = f.make_kol()
	result = send_from_desk(
		doctype="KOL", name=kol.name, recipients=kol.email, subject="Hello", content="Hi", send_email=True
	)
	on_communication(frappe.get_doc("Communication", result["name"]))
	on_communication(frappe.get_doc("Communication", result["name"]))
	assert len(_interactions(kol.name)) == 1


def test_email_about_a_proposal_is_linked_to_it(email_account):
	kol = f.make_kol()
	prop = f.make_proposal(kol.name)
	send_from_desk(
		doctype="KOL Proposal",
		name=prop.name,
		recipients=kol.email,
		subject="Our proposal",
		content="x",
		send_email=True,
	)
	rows = _interactions(kol.name)
	assert len(rows) == 1 and rows[0].proposal == prop.name


def _raw_email(sender: str, subject: str, message_id: str) -> str:
	return (
		f"From: Creator <{sender}>\r\n"
		"To: kol-team@kol-test.example\r\n"
		f"Subject: {subject}\r\n"
		f"Message-ID: <{message_id}@creators.example>\r\n"
		"Date: Mon, 23 Nov 2026 09:30:00 +0000\r\n"
		"Content-Type: text/plain; charset=utf-8\r\n\r\n"
		"Sounds interesting, tell me more about the traffic support.\r\n"
	)


def test_email_received_from_a_kols_address_becomes_one_inbound_interaction(email_account):
	kol = f.make_kol(operator=f.OPERATOR_B)
	message_id = frappe.generate_hash(length=12)
	raw = _raw_email(kol.email.upper(), "Re: Invitation", message_id)
	communication = InboundMail(raw, email_account).process()
	rows = _interactions(kol.name)
	assert len(rows) == 1
	assert rows[0].direction == "Inbound"
	assert rows[0].summary == "Re: Invitation"
	assert rows[0].operator == f.OPERATOR_B
	# filed on the KOL, so it shows on the KOL's timeline
	assert (communication.reference_doctype, communication.reference_name) == ("KOL", kol.name)
	# the same email pulled again (e.g. a second sync) is not recorded twice
	InboundMail(raw, email_account).process()
	on_communication(communication)
	assert len(_interactions(kol.name)) == 1
	assert str(frappe.db.get_value("KOL", kol.name, "last_interaction_on")).startswith("2026-11-23")


def test_email_from_an_unknown_address_creates_no_interaction(email_account):
	before = frappe.db.count("KOL Interaction")
	InboundMail(
		_raw_email("stranger@nowhere.example", "Hi", frappe.generate_hash(length=12)), email_account
	).process()
	assert frappe.db.count("KOL Interaction") == before


def test_logged_interactions_maintain_last_interaction_and_next_follow_up():
	kol = f.make_kol()
	first = frappe.get_doc(
		{
			"doctype": "KOL Interaction",
			"kol": kol.name,
			"interaction_type": "WeChat",
			"summary": "Asked about rates",
			"interaction_on": "2026-11-01 10:00:00",
			"next_follow_up_on": "2026-11-05",
		}
	).insert()
	frappe.get_doc(
		{
			"doctype": "KOL Interaction",
			"kol": kol.name,
			"interaction_type": "Call",
			"summary": "Agreed to a call next week",
			"interaction_on": "2026-11-10 15:00:00",
			"next_follow_up_on": "2026-11-17",
		}
	).insert()
	values = frappe.db.get_value("KOL", kol.name, ["last_interaction_on", "next_follow_up_on"], as_dict=True)
	assert str(values.last_interaction_on) == "2026-11-10 15:00:00"
	assert str(values.next_follow_up_on) == "2026-11-17"
	frappe.delete_doc("KOL Interaction", first.name)
	assert str(frappe.db.get_value("KOL", kol.name, "next_follow_up_on")) == "2026-11-17"


def test_shipped_email_templates_render_for_a_kol():
	from frappe.email.doctype.email_template.email_template import get_email_template

	kol = f.make_kol(display_name="Xiao Li")
	for name in ("KOL First Outreach", "KOL Follow-up"):
		rendered = get_email_template(name, kol.as_dict())
		assert kol.kol_name in rendered["subject"]
		assert "Xiao Li" in rendered["message"]
	prop = f.make_proposal(kol.name)
	rendered = get_email_template("KOL Proposal", prop.as_dict())
	assert "Review video" in rendered["message"] and kol.kol_name in rendered["subject"]


def test_a_follow_up_that_happened_is_cleared():
	kol = f.make_kol()
	frappe.get_doc(
		{
			"doctype": "KOL Interaction",
			"kol": kol.name,
			"summary": "First pitch",
			"interaction_on": "2026-11-01 10:00:00",
			"next_follow_up_on": "2026-11-08",
		}
	).insert()
	# a reply before the planned date keeps the follow-up
	frappe.get_doc(
		{
			"doctype": "KOL Interaction",
			"kol": kol.name,
			"summary": "Quick reply",
			"interaction_on": "2026-11-03 09:00:00",
		}
	).insert()
	assert str(frappe.db.get_value("KOL", kol.name, "next_follow_up_on")) == "2026-11-08"
	# contact on the planned date: the follow-up happened
	frappe.get_doc(
		{
			"doctype": "KOL Interaction",
			"kol": kol.name,
			"summary": "Follow-up call",
			"interaction_on": "2026-11-08 16:00:00",
		}
	).insert()
	assert frappe.db.get_value("KOL", kol.name, "next_follow_up_on") is None


@pytest.mark.parametrize(
	"headers, automatic",
	[
		({}, False),
		({"Auto-Submitted": "no"}, False),  # RFC 3834: sent by a person
		({"Auto-Submitted": "auto-replied"}, True),
		({"Auto-Submitted": "Auto-Generated"}, True),
		({"X-Autoreply": "yes"}, True),
		({"X-Autorespond": "Out of office"}, True),
		({"Precedence": "auto_reply"}, True),
		({"Precedence": "bulk"}, True),
		({"Precedence": "first-class"}, False),
	],
)
def test_automatic_replies_are_told_by_their_headers(headers, automatic):
	message = Message()
	for name, value in headers.items():
		message[name] = value
	assert is_auto_reply(message) is automatic
