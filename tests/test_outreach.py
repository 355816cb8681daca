"""Bulk actions from the KOL list view: field updates, workflow actions and templated outreach.

Each KOL is handled on its own: failures are reported per KOL and the others go through; an
operator can only act on the KOLs they may edit; every outreach email is exactly one
Communication and one outbound KOL Interaction on its KOL.
"""

import json

import frappe
import pytest

from kol_crm.outreach import bounces, bulk, opt_outs
from kol_crm.outreach.email import TemplateFieldError
from kol_crm.utils import jobs
from tests import factories as f
from tests import test_email
from tests.api import ApiSession

TEMPLATE = "KOL First Outreach"
email_account = test_email.email_account  # the fixture


def _communications(kol: str) -> list:
	return frappe.get_all(
		"Communication",
		filters={"reference_doctype": "KOL", "reference_name": kol, "sent_or_received": "Sent"},
		fields=["name", "subject", "recipients", "email_template"],
	)


def _interactions(kol: str) -> list:
	return frappe.get_all(
		"KOL Interaction", filters={"kol": kol}, fields=["direction", "communication", "operator"]
	)


def _by_kol(entries: list[dict]) -> dict:
	return {e["kol"]: e for e in entries}


def _bad_template(body: str, subject: str = "Hello {{ kol_name }}") -> str:
	name = f"KOL Test Template {frappe.generate_hash(length=6)}"
	frappe.get_doc(
		{"doctype": "Email Template", "name": name, "subject": subject, "use_html": 1, "response_html": body}
	).insert()
	return name


# ------------------------------------------------------------------ sending


def test_bulk_send_makes_one_communication_and_one_interaction_per_kol(email_account):
	kols = [f.make_kol(display_name=f"Creator {i}") for i in range(3)]
	blocked = f.make_kol(do_not_contact=1, do_not_contact_reason="Asked us to stop")
	no_email = f.make_kol(email=None)
	names = [k.name for k in kols] + [blocked.name, no_email.name]

	frappe.set_user(f.OPERATOR_A)
	summary = bulk.send_outreach(json.dumps(names), TEMPLATE)

	assert not summary["queued"] and not summary["failed"]
	assert {e["kol"] for e in summary["done"]} == {k.name for k in kols}
	skipped = _by_kol(summary["skipped"])
	assert set(skipped) == {blocked.name, no_email.name}
	assert "Asked us to stop" in skipped[blocked.name]["message"]
	assert skipped[no_email.name]["message"] == "No email address"

	frappe.set_user("Administrator")
	for kol in kols:
		comms = _communications(kol.name)
		assert len(comms) == 1
		assert comms[0].recipients == kol.email
		assert comms[0].subject == f"{kol.kol_name}, an invitation to create with us"
		assert comms[0].email_template == TEMPLATE
		assert frappe.db.exists("Email Queue", {"communication": comms[0].name})
		interactions = _interactions(kol.name)
		assert len(interactions) == 1
		assert interactions[0].direction == "Outbound"
		assert interactions[0].communication == comms[0].name
		assert interactions[0].operator == f.OPERATOR_A
		content = frappe.db.get_value("Communication", comms[0].name, "content")
		assert f"Hi {kol.display_name}," in content
	for kol in (blocked, no_email):
		assert not _communications(kol.name) and not _interactions(kol.name)


def test_preview_renders_the_template_for_one_kol(email_account):
	kol = f.make_kol(display_name="Xiao Li")
	frappe.set_user(f.OPERATOR_A)
	preview = bulk.preview_outreach(TEMPLATE, kol.name)
	assert preview["subject"] == f"{kol.kol_name}, an invitation to create with us"
	assert "Hi Xiao Li," in preview["message"]
	assert preview["recipient"] == kol.email


@pytest.mark.parametrize(
	"body, field",
	[
		("<p>Hi {{ kol_name }}, we love your {{ favourite_colour }} videos</p>", "favourite_colour"),
		("<p>Hi {{ doc.nickname }}</p>", "doc.nickname"),
	],
)
def test_template_with_a_missing_field_fails_with_its_name_before_anything_is_sent(
	email_account, body, field
):
	kol = f.make_kol()
	template = _bad_template(body)
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(TemplateFieldError, match=field.replace(".", r"\.")):
		bulk.preview_outreach(template, kol.name)
	with pytest.raises(TemplateFieldError, match=field.replace(".", r"\.")):
		bulk.send_outreach([kol.name], template)
	assert not _communications(kol.name)
	assert not _interactions(kol.name)


def test_template_fields_jinja_globals_and_loops_are_allowed(email_account):
	kol = f.make_kol()
	template = _bad_template(
		"{% for a in platform_accounts %}{{ a.handle }}{% endfor %} {{ frappe.utils.nowdate() }} {{ name }}",
		subject="{{ doc.kol_name }}",
	)
	preview = bulk.preview_outreach(template, kol.name)
	assert preview["subject"] == kol.kol_name
	assert kol.platform_accounts[0].handle in preview["message"]


def test_sending_without_an_outgoing_email_account_fails_before_anything_is_sent(monkeypatch):
	from frappe.email.doctype.email_account.email_account import EmailAccount

	kol = f.make_kol()
	monkeypatch.setattr(EmailAccount, "find_outgoing", classmethod(lambda cls, **kw: None))
	with pytest.raises(frappe.OutgoingEmailError):
		bulk.send_outreach([kol.name], TEMPLATE)
	assert not _communications(kol.name)


def test_do_not_contact_needs_a_reason_and_is_dated():
	kol = frappe.get_doc("KOL", f.make_kol().name)
	kol.do_not_contact = 1
	with pytest.raises(frappe.ValidationError, match="Do Not Contact Reason"):
		kol.save()
	kol = frappe.get_doc("KOL", kol.name)
	kol.update({"do_not_contact": 1, "do_not_contact_reason": "Unsubscribed by email"})
	kol.save()
	assert str(kol.do_not_contact_on) == frappe.utils.nowdate()
	kol = frappe.get_doc("KOL", kol.name)
	kol.do_not_contact = 0
	kol.save()
	assert kol.do_not_contact_on is None


def test_an_unsubscribed_address_is_skipped(email_account):
	kol = f.make_kol()
	frappe.get_doc({"doctype": "Email Unsubscribe", "email": kol.email, "global_unsubscribe": 1}).insert(
		ignore_permissions=True
	)
	# an address that left all our email (Frappe's global unsubscribe) is Do Not Contact
	reason = "The address unsubscribed from all our email"
	assert frappe.db.get_value("KOL", kol.name, ["do_not_contact", "do_not_contact_reason"]) == (1, reason)
	summary = bulk.send_outreach([kol.name], TEMPLATE)
	assert summary["skipped"][0]["message"] == f"Do not contact: {reason}"
	assert not _communications(kol.name) and not _interactions(kol.name)


def test_an_unsubscribe_made_before_do_not_contact_existed_still_skips(email_account):
	kol = f.make_kol()
	unsubscribe = frappe.get_doc(
		{
			"doctype": "Email Unsubscribe",
			"email": kol.email,
			"reference_doctype": "KOL",
			"reference_name": kol.name,
		}
	)
	unsubscribe.flags.ignore_hooks = True
	unsubscribe.db_insert()  # as the record was before kol_crm handled Email Unsubscribe
	summary = bulk.send_outreach([kol.name], TEMPLATE)
	assert summary["skipped"][0]["message"] == f"Unsubscribed: {kol.email} opted out of our emails"


def test_bulk_do_not_contact_and_lifting_it(email_account):
	kols = [f.make_kol(), f.make_kol()]
	names = [k.name for k in kols]
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.ValidationError):
		bulk.set_field(names, "do_not_contact", "1")  # a reason is required
	assert len(bulk.set_field(names, "do_not_contact", "1", reason="Agency asked")["done"]) == 2
	assert len(bulk.send_outreach(names, TEMPLATE)["skipped"]) == 2
	assert len(bulk.set_field(names[:1], "do_not_contact", "0")["done"]) == 1
	assert [e["kol"] for e in bulk.send_outreach(names, TEMPLATE)["done"]] == names[:1]
	frappe.set_user("Administrator")
	lifted = frappe.get_doc("KOL", names[0])
	assert (lifted.do_not_contact, lifted.do_not_contact_reason, lifted.do_not_contact_on) == (0, None, None)


# ------------------------------------------------------------------ permissions


def test_operator_cannot_bulk_act_on_another_operators_kol(email_account):
	mine = f.make_kol(operator=f.OPERATOR_A)
	theirs = f.make_kol(operator=f.OPERATOR_B, intake_purpose="Acquisition")
	frappe.set_user(f.OPERATOR_A)

	summary = bulk.set_field([mine.name, theirs.name], "intake_purpose", "Conversion")
	assert [e["kol"] for e in summary["done"]] == [mine.name]
	failed = _by_kol(summary["failed"])
	assert "Not permitted" in failed[theirs.name]["message"]
	assert failed[theirs.name]["kol_name"] is None  # nothing about it is revealed

	summary = bulk.send_outreach([mine.name, theirs.name], TEMPLATE)
	assert [e["kol"] for e in summary["done"]] == [mine.name]
	assert [e["kol"] for e in summary["failed"]] == [theirs.name]

	with pytest.raises(frappe.PermissionError):
		bulk.preview_outreach(TEMPLATE, theirs.name)

	frappe.set_user("Administrator")
	assert frappe.db.get_value("KOL", theirs.name, "intake_purpose") == "Acquisition"
	assert not _communications(theirs.name)


def test_analyst_cannot_bulk_act():
	kol = f.make_kol()
	frappe.set_user(f.ANALYST)
	with pytest.raises(frappe.PermissionError):
		bulk.set_field([kol.name], "intake_purpose", "Conversion")


# ------------------------------------------------------------------ field updates


def test_manager_sets_operator_category_purpose_and_pins_tier():
	kols = [f.make_kol(), f.make_kol()]
	names = [k.name for k in kols]
	category = frappe.get_all("KOL Category", pluck="name", limit=1)
	tier = frappe.get_all("KOL Tier", pluck="name", limit=1)
	frappe.set_user(f.MANAGER)

	assert len(bulk.set_field(names, "operator", f.OPERATOR_B)["done"]) == 2
	assert len(bulk.set_field(names, "intake_purpose", "Activation")["done"]) == 2
	if category:
		assert len(bulk.set_field(names, "category", category[0])["done"]) == 2
	if tier:
		with pytest.raises(frappe.ValidationError):
			bulk.set_field(names, "tier", tier[0])  # a pin needs a reason
		assert len(bulk.set_field(names, "tier", tier[0], reason="Strategic partner")["done"]) == 2
	again = bulk.set_field(names, "intake_purpose", "Activation")
	assert len(again["skipped"]) == 2 and again["skipped"][0]["message"] == "No change"

	for kol in kols:
		kol.reload()
		assert (kol.operator, kol.intake_purpose) == (f.OPERATOR_B, "Activation")
		if category:
			assert kol.category == category[0]
		if tier:
			assert (kol.tier, kol.tier_pinned, kol.tier_pin_reason) == (tier[0], 1, "Strategic partner")


def test_bulk_set_refuses_other_fields_and_non_operators():
	kol = f.make_kol()
	with pytest.raises(frappe.ValidationError):
		bulk.set_field([kol.name], "email", "x@example.com")
	with pytest.raises(frappe.ValidationError):
		bulk.set_field([kol.name], "operator", f.ANALYST)


def test_an_operator_cannot_pin_a_tier_and_it_is_reported_per_kol():
	tier = frappe.get_all("KOL Tier", pluck="name", limit=1)
	if not tier:
		tier = [
			frappe.get_doc({"doctype": "KOL Tier", "tier_name": "Bulk Test Tier", "rank": 99}).insert().name
		]
	kol = f.make_kol(operator=f.OPERATOR_A)
	frappe.set_user(f.OPERATOR_A)
	frappe.local.message_log = []
	summary = bulk.set_field([kol.name], "tier", tier[0], reason="I like them")
	assert [e["kol"] for e in summary["failed"]] == [kol.name]
	assert "KOL Manager" in summary["failed"][0]["message"]
	assert not frappe.local.message_log  # reported in the summary, not as a pile of dialogs


# ------------------------------------------------------------------ workflow


def test_bulk_workflow_action_reports_failures_per_kol():
	external = f.make_kol()
	internal = f.make_kol(intake_path="Internal Cultivation")
	frappe.set_user(f.OPERATOR_A)
	summary = bulk.apply_transition([external.name, internal.name], "Shortlist")
	assert [e["kol"] for e in summary["done"]] == [external.name]
	failed = _by_kol(summary["failed"])
	assert "Shortlist is not possible" in failed[internal.name]["message"]
	assert "Spotted" in failed[internal.name]["message"]
	frappe.set_user("Administrator")
	assert frappe.db.get_value("KOL", external.name, "workflow_state") == "Shortlisted"
	assert frappe.db.get_value("KOL", internal.name, "workflow_state") == "Spotted"


def test_bulk_workflow_guard_failure_is_rolled_back_for_that_kol_only():
	ready = f.make_kol()
	f.set_state(ready, "Negotiating")
	f.accept_proposal(f.make_proposal(ready.name))
	not_ready = f.make_kol()
	f.set_state(not_ready, "Negotiating")
	frappe.set_user(f.OPERATOR_A)
	summary = bulk.apply_transition([not_ready.name, ready.name], "Activate")
	assert [e["kol"] for e in summary["done"]] == [ready.name]
	assert "accepted KOL Proposal" in summary["failed"][0]["message"]
	assert "<b>" not in summary["failed"][0]["message"]
	frappe.set_user("Administrator")
	assert frappe.db.get_value("KOL", ready.name, "workflow_state") == "Active"
	assert frappe.db.get_value("KOL", not_ready.name, "workflow_state") == "Negotiating"


def test_operators_are_offered_only_their_workflow_actions():
	frappe.set_user(f.OPERATOR_A)
	actions = bulk.workflow_actions()
	assert "Shortlist" in actions and "Offboard" not in actions
	with pytest.raises(frappe.ValidationError):
		bulk.apply_transition([f.make_kol().name], "Offboard")
	frappe.set_user(f.MANAGER)
	assert "Offboard" in bulk.workflow_actions()


# ------------------------------------------------------------------ background


def test_a_large_selection_runs_as_a_background_job_with_progress(email_account, monkeypatch):
	kols = [f.make_kol() for _ in range(3)]
	names = [k.name for k in kols]
	queued, progress, events = [], [], []
	monkeypatch.setattr(bulk, "INLINE_LIMIT", 2)
	monkeypatch.setitem(frappe.conf, "kol_bulk_chunk_size", 2)
	monkeypatch.setattr(frappe, "enqueue", lambda method, **kwargs: queued.append((method, kwargs)))
	monkeypatch.setattr(frappe, "publish_progress", lambda percent, **kw: progress.append(percent))
	monkeypatch.setattr(
		frappe, "publish_realtime", lambda event, message, **kw: events.append((event, message))
	)

	frappe.set_user(f.OPERATOR_A)
	started = bulk.send_outreach(names, TEMPLATE)
	run = started.pop("run")
	assert started == {"action": "send_outreach", "total": 3, "queued": True}
	assert not any(_communications(n) for n in names)  # nothing sent in the request
	assert frappe.db.get_value("KOL Bulk Run", run, ["status", "progress", "owner"]) == (
		"Running",
		"0 of 3 KOLs",
		f.OPERATOR_A,
	)
	# the same request again (a double click) while the run is going: the same run
	assert bulk.send_outreach(names, TEMPLATE)["run"] == run and len(queued) == 1

	method, kwargs = queued[0]
	assert method == jobs.JOB_METHOD and kwargs["queue"] == "long" and kwargs["deduplicate"]
	assert (kwargs["kind"], kwargs["name"], kwargs["after"]) == ("bulk", run, 0)
	# the job as a worker runs it, minus the commits (the test's transaction is rolled back)
	assert jobs.run_job(kwargs["kind"], run, kwargs["token"], 0, commit=False) == 2
	summary = bulk.summary(run)
	assert len(summary["done"]) == 3
	assert progress == [pytest.approx(200 / 3), 100]
	assert [e for e in events if e[0] == bulk.DONE_EVENT] == [(bulk.DONE_EVENT, summary)]
	assert frappe.db.get_value("KOL Bulk Run", run, ["status", "progress", "done_count"]) == (
		"Completed",
		"3 of 3 KOLs",
		3,
	)
	for name in names:
		assert len(_communications(name)) == 1 and len(_interactions(name)) == 1


# ------------------------------------------------------------------ over HTTP


@pytest.fixture
def committed():
	"""Committed KOLs for the HTTP test (the app reads them on its own connection)."""
	frappe.set_user("Administrator")
	mine = f.make_kol(operator=f.OPERATOR_A, intake_purpose="Acquisition")
	theirs = f.make_kol(operator=f.OPERATOR_B, intake_purpose="Acquisition")
	frappe.db.commit()
	yield mine, theirs
	frappe.db.rollback()
	frappe.set_user("Administrator")
	for doc in (mine, theirs):
		frappe.delete_doc("KOL", doc.name, force=True)
	frappe.db.commit()


def test_rest_operator_bulk_action_changes_only_their_own_kols(committed):
	mine, theirs = committed
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	response = session.post(
		"/api/method/kol_crm.outreach.bulk.set_field",
		data={
			"names": json.dumps([mine.name, theirs.name]),
			"fieldname": "intake_purpose",
			"value": "Conversion",
		},
	)
	assert response.status_code == 200, response.get_data(as_text=True)
	summary = session.json(response)["message"]
	assert [e["kol"] for e in summary["done"]] == [mine.name]
	assert [e["kol"] for e in summary["failed"]] == [theirs.name]
	frappe.db.rollback()  # read what the request committed
	assert frappe.db.get_value("KOL", mine.name, "intake_purpose") == "Conversion"
	assert frappe.db.get_value("KOL", theirs.name, "intake_purpose") == "Acquisition"

	analyst = ApiSession(f.ANALYST, f.PASSWORD)
	response = analyst.post(
		"/api/method/kol_crm.outreach.bulk.set_field",
		data={"names": json.dumps([mine.name]), "fieldname": "intake_purpose", "value": "Activation"},
	)
	assert response.status_code == 403


@pytest.mark.parametrize(
	"subject,body,asks",
	[
		("Re: Our programme", "Unsubscribe.\r\nThanks anyway", True),
		("Re: Our programme", "<p>\n</p><p>UNSUBSCRIBE!</p><p>thanks</p>", True),
		("回复：合作", "退订。\r\n谢谢", True),
		("回复：合作", "退订！", True),
		("Re: Unsubscribe", None, True),
		# only the first line counts: our quoted email's unsubscribe line is not a request
		("Re: Our programme", "Sounds good, let's talk\r\n\r\n> Unsubscribe", False),
		("Re: Our programme", "Sounds good\r\n\r\nUnsubscribe", False),
		("Re: Our programme", "Should I unsubscribe from the old list?", False),
		("Re: Our programme", "退订了吗", False),
	],
)
def test_only_a_reply_whose_subject_or_first_line_is_unsubscribe_asks_to_unsubscribe(subject, body, asks):
	assert opt_outs.asks_to_unsubscribe(subject, body) is asks


@pytest.mark.parametrize(
	"action,status,hard,soft",
	[
		("failed", "5.1.1", True, False),
		("", "5.1.1", True, False),  # no Action field: the permanent status decides
		("delayed", "5.1.1", False, True),  # the server still tries
		("failed", "4.4.1", False, True),
		("", "4.2.2", False, True),
		("delivered", "2.0.0", False, False),
	],
)
def test_a_bounce_is_hard_only_when_permanent_and_not_delayed(action, status, hard, soft):
	recipient = bounces.Recipient(address="kol@creators.example", action=action, status=status, diagnostic="")
	assert (recipient.hard, recipient.soft) == (hard, soft)
