"""Follow-up sequences: steps go out on schedule exactly once, stop when the KOL answers or
leaves intake, and respect the per-operator daily send cap."""

import threading

import frappe
import pytest
from frappe.email.receive import InboundMail
from frappe.model.workflow import apply_workflow
from freezegun import freeze_time

from kol_crm.outreach import bulk, sequences
from tests import factories as f
from tests import test_email

email_account = test_email.email_account  # the fixture

DAY_1 = "2026-11-23 09:00:00"
DAY_2 = "2026-11-24 09:00:00"
DAY_4 = "2026-11-26 09:00:00"


@pytest.fixture(autouse=True)
def no_commit(request, monkeypatch):
	"""The job commits per enrolment; in tests everything stays in the rolled-back transaction
	(except in the tests that run the job on committed records)."""
	if "committed_enrollment" not in request.fixturenames:
		monkeypatch.setattr(sequences, "_commit", lambda: None)


def make_sequence(cap: int = 0, waits=(0, 3), enabled: int = 1):
	templates = ["KOL First Outreach", "KOL Follow-up", "KOL Follow-up"]
	return frappe.get_doc(
		{
			"doctype": "KOL Outreach Sequence",
			"sequence_name": f"Test Sequence {frappe.generate_hash(length=6)}",
			"enabled": enabled,
			"daily_send_cap": cap,
			"steps": [{"email_template": templates[i], "wait_days": w} for i, w in enumerate(waits)],
		}
	).insert()


def enroll(kol, seq, user: str = f.OPERATOR_A):
	frappe.set_user(user)
	try:
		return sequences.enroll(kol, seq.name)
	finally:
		frappe.set_user("Administrator")


def emails_to(kol) -> list:
	return frappe.get_all(
		"Communication",
		filters={"reference_doctype": "KOL", "reference_name": kol.name, "sent_or_received": "Sent"},
		fields=["name", "subject", "sender"],
		order_by="creation asc",
	)


def outbound_interactions(kol) -> int:
	return frappe.db.count("KOL Interaction", {"kol": kol.name, "direction": "Outbound"})


def state(enrollment) -> frappe._dict:
	return frappe.db.get_value(
		"KOL Sequence Enrollment",
		enrollment.name,
		["status", "current_step", "next_send_on", "stopped_reason", "last_sent_on"],
		as_dict=True,
	)


# ------------------------------------------------------------------ sending


def test_scheduled_sends_go_out_exactly_once_per_step_even_when_the_job_runs_twice(email_account):
	with freeze_time(DAY_1):
		seq = make_sequence(waits=(0, 3))
		kol = f.make_kol(operator=f.OPERATOR_A)
		enrollment = enroll(kol, seq)
		assert (state(enrollment).status, state(enrollment).current_step) == ("Active", 0)
		assert str(state(enrollment).next_send_on) == "2026-11-23"

		assert sequences.send_due_steps()["sent"] == 1
		assert sequences.send_due_steps()["sent"] == 0  # the same run again: nothing new
		assert len(emails_to(kol)) == 1 and outbound_interactions(kol) == 1
		assert (state(enrollment).current_step, str(state(enrollment).next_send_on)) == (1, "2026-11-26")

	with freeze_time(DAY_2):
		assert sequences.send_due_steps()["sent"] == 0  # not due yet
	with freeze_time(DAY_4):
		assert sequences.send_due_steps()["sent"] == 1
		assert sequences.send_due_steps()["sent"] == 0
	with freeze_time("2026-12-10 09:00:00"):
		sequences.send_due_steps()

	emails = emails_to(kol)
	assert [e.subject for e in emails] == [
		f"{kol.kol_name}, an invitation to create with us",
		f"Following up: {kol.kol_name} x our community",
	]
	assert outbound_interactions(kol) == 2
	assert all(f.OPERATOR_A in e.sender for e in emails)  # sent as the enrolment's operator
	assert frappe.db.get_all(
		"KOL Interaction", filters={"kol": kol.name}, pluck="operator", distinct=True
	) == [f.OPERATOR_A]
	final = state(enrollment)
	assert (final.status, final.current_step, final.next_send_on) == ("Completed", 2, None)
	sends = frappe.get_all(
		"KOL Sequence Send",
		filters={"enrollment": enrollment.name},
		fields=["step", "communication"],
		order_by="step asc",
	)
	assert [(s.step, s.communication) for s in sends] == [(1, emails[0].name), (2, emails[1].name)]


def test_a_step_is_never_logged_twice():
	with freeze_time(DAY_1):
		seq = make_sequence()
		kol = f.make_kol()
		enrollment = enroll(kol, seq)
		row = {"doctype": "KOL Sequence Send", "enrollment": enrollment.name, "step": 1, "kol": kol.name}
		frappe.get_doc(row).insert(ignore_permissions=True)
		with pytest.raises(frappe.UniqueValidationError):
			frappe.get_doc(row).insert(ignore_permissions=True)


def test_a_run_that_finds_the_step_already_logged_sends_nothing(email_account):
	"""A second job that read the enrolment before the first one advanced it: the log wins."""
	with freeze_time(DAY_1):
		seq = make_sequence()
		kol = f.make_kol()
		enrollment = enroll(kol, seq)
		frappe.get_doc(
			{"doctype": "KOL Sequence Send", "enrollment": enrollment.name, "step": 1, "kol": kol.name}
		).insert(ignore_permissions=True)
		assert sequences.send_due_steps()["sent"] == 0
		assert not emails_to(kol)


# ------------------------------------------------------------------ stopping


def _raw_reply(sender: str) -> str:
	return (
		f"From: Creator <{sender}>\r\n"
		"To: kol-team@kol-test.example\r\n"
		"Subject: Re: an invitation to create with us\r\n"
		f"Message-ID: <{frappe.generate_hash(length=12)}@creators.example>\r\n"
		"Date: Mon, 23 Nov 2026 12:30:00 +0000\r\n"
		"Content-Type: text/plain; charset=utf-8\r\n\r\n"
		"Thanks, let's talk.\r\n"
	)


def test_an_email_reply_stops_the_sequence(email_account):
	with freeze_time(DAY_1):
		seq = make_sequence(waits=(0, 3))
		kol = f.make_kol()
		enrollment = enroll(kol, seq)
		sequences.send_due_steps()
		InboundMail(_raw_reply(kol.email), email_account).process()
		stopped = state(enrollment)
		assert stopped.status == "Stopped"
		assert "replied" in stopped.stopped_reason and stopped.next_send_on is None
	with freeze_time(DAY_4):
		sequences.send_due_steps()
	assert len(emails_to(kol)) == 1


def test_a_logged_inbound_interaction_stops_the_sequence_and_an_outbound_one_does_not():
	with freeze_time(DAY_1):
		seq = make_sequence()
		kol = f.make_kol()
		enrollment = enroll(kol, seq)
		frappe.set_user(f.OPERATOR_A)
		interaction = {"doctype": "KOL Interaction", "kol": kol.name, "interaction_type": "WeChat"}
		frappe.get_doc({**interaction, "direction": "Outbound", "summary": "Pinged on WeChat"}).insert()
		assert state(enrollment).status == "Active"
		frappe.get_doc({**interaction, "direction": "Inbound", "summary": "Answered on WeChat"}).insert()
		stopped = state(enrollment)
		assert stopped.status == "Stopped" and "WeChat" in stopped.stopped_reason


def test_a_reply_the_hooks_missed_stops_the_sequence_at_send_time(email_account):
	with freeze_time(DAY_1):
		seq = make_sequence()
		kol = f.make_kol()
		enrollment = enroll(kol, seq)
		doc = frappe.get_doc(
			{
				"doctype": "KOL Interaction",
				"kol": kol.name,
				"direction": "Inbound",
				"interaction_type": "Call",
				"summary": "Called us back",
			}
		)
		doc.flags.ignore_permissions = True
		doc.db_insert()  # no hooks ran
		assert state(enrollment).status == "Active"
		assert sequences.send_due_steps()["stopped"] == 1
		assert state(enrollment).status == "Stopped" and not emails_to(kol)


def test_leaving_intake_stops_the_sequence():
	with freeze_time(DAY_1):
		seq = make_sequence()
		kol = f.make_kol()
		enrollment = enroll(kol, seq)
		frappe.set_user(f.OPERATOR_A)
		apply_workflow(frappe.get_doc("KOL", kol.name), "Decline")
		stopped = state(enrollment)
		assert stopped.status == "Stopped" and "Declined" in stopped.stopped_reason


def test_a_kol_moved_out_of_intake_behind_the_hooks_is_stopped_at_send_time(email_account):
	with freeze_time(DAY_1):
		seq = make_sequence()
		kol = f.make_kol()
		enrollment = enroll(kol, seq)
		f.set_state(kol, "Dropped")  # straight in the database
		assert sequences.send_due_steps() == {**dict.fromkeys(_OUTCOMES, 0), "stopped": 1}
		assert "Dropped" in state(enrollment).stopped_reason and not emails_to(kol)


_OUTCOMES = ("sent", "stopped", "completed", "waiting", "skipped", "failed")


def test_moving_within_intake_keeps_the_sequence_running():
	with freeze_time(DAY_1):
		seq = make_sequence()
		kol = f.make_kol()
		enrollment = enroll(kol, seq)
		frappe.set_user(f.OPERATOR_A)
		apply_workflow(frappe.get_doc("KOL", kol.name), "Shortlist")
		assert state(enrollment).status == "Active"


def test_do_not_contact_stops_the_sequence_and_blocks_enrolment():
	with freeze_time(DAY_1):
		seq = make_sequence()
		kol = f.make_kol()
		enrollment = enroll(kol, seq)
		doc = frappe.get_doc("KOL", kol.name)
		doc.update({"do_not_contact": 1, "do_not_contact_reason": "Unsubscribed"})
		doc.save()
		stopped = state(enrollment)
		assert stopped.status == "Stopped" and "Unsubscribed" in stopped.stopped_reason
		with pytest.raises(frappe.ValidationError, match="Unsubscribed"):
			enroll(doc, seq)


def test_a_kol_handed_to_another_operator_stops_the_old_operators_sequence(email_account):
	with freeze_time(DAY_1):
		seq = make_sequence()
		kol = f.make_kol(operator=f.OPERATOR_A)
		enrollment = enroll(kol, seq)
		frappe.db.set_value("KOL", kol.name, "operator", f.OPERATOR_B)
		assert sequences.send_due_steps()["stopped"] == 1
		assert f.OPERATOR_A in state(enrollment).stopped_reason and not emails_to(kol)


# ------------------------------------------------------------------ daily cap


def test_the_daily_send_cap_per_operator_holds_the_rest_until_the_next_run(email_account):
	with freeze_time(DAY_1):
		seq = make_sequence(cap=2, waits=(0, 3))
		kols = [f.make_kol(operator=f.OPERATOR_A) for _ in range(3)]
		other = f.make_kol(operator=f.OPERATOR_B)
		enrollments = [enroll(k, seq) for k in kols] + [enroll(other, seq, user=f.OPERATOR_B)]
		result = sequences.send_due_steps()
		assert (result["sent"], result["waiting"]) == (3, 1)  # A's two, B's one; A's third waits
		assert sequences.send_due_steps()["sent"] == 0  # still capped today
		assert [bool(emails_to(k)) for k in kols] == [True, True, False]
		assert emails_to(other)
		waiting = state(enrollments[2])
		assert (waiting.status, waiting.current_step) == ("Active", 0)
	with freeze_time(DAY_2):
		assert sequences.send_due_steps()["sent"] == 1
		assert all(len(emails_to(k)) == 1 for k in kols)


# ------------------------------------------------------------------ enrolment


def test_enrolment_needs_a_contactable_kol_in_intake_and_one_active_sequence():
	seq = make_sequence()
	no_email = f.make_kol(email=None)
	with pytest.raises(frappe.ValidationError, match="No email address"):
		enroll(no_email, seq)
	active = f.make_kol()
	f.set_state(active, "Active")
	with pytest.raises(frappe.ValidationError, match="Not in intake"):
		enroll(active, seq)
	kol = f.make_kol()
	enroll(kol, seq)
	with pytest.raises(frappe.ValidationError, match="Already enrolled"):
		enroll(kol, make_sequence())


def test_operator_cannot_enroll_another_operators_kol():
	seq = make_sequence()
	theirs = f.make_kol(operator=f.OPERATOR_B)
	with pytest.raises(frappe.PermissionError):
		enroll(theirs, seq, user=f.OPERATOR_A)
	frappe.set_user(f.OPERATOR_A)
	summary = bulk.enroll_in_sequence([theirs.name], seq.name)
	assert [e["kol"] for e in summary["failed"]] == [theirs.name]


def test_an_operator_cannot_have_sequence_emails_sent_as_someone_else():
	seq = make_sequence()
	kol = f.make_kol(operator=f.OPERATOR_A)
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.PermissionError):
		sequences.enroll(kol, seq.name, operator=f.MANAGER)
	frappe.set_user(f.MANAGER)
	assert sequences.enroll(kol, seq.name, operator=f.MANAGER).operator == f.MANAGER


def test_bulk_enrolment_skips_kols_that_cannot_be_enrolled():
	seq = make_sequence()
	ok = f.make_kol()
	blocked = f.make_kol(do_not_contact=1, do_not_contact_reason="Agent only")
	frappe.set_user(f.OPERATOR_A)
	summary = bulk.enroll_in_sequence([ok.name, blocked.name], seq.name)
	assert [e["kol"] for e in summary["done"]] == [ok.name]
	assert "Agent only" in summary["skipped"][0]["message"]
	again = bulk.enroll_in_sequence([ok.name], seq.name)
	assert "Already enrolled" in again["skipped"][0]["message"]


def test_operators_see_only_their_kols_enrolments():
	seq = make_sequence()
	mine = enroll(f.make_kol(operator=f.OPERATOR_A), seq)
	theirs = enroll(f.make_kol(operator=f.OPERATOR_B), seq, user=f.OPERATOR_B)
	frappe.set_user(f.OPERATOR_A)
	names = frappe.get_list("KOL Sequence Enrollment", pluck="name", limit_page_length=0)
	assert mine.name in names and theirs.name not in names


def test_a_stopped_enrolment_can_be_resumed_by_hand():
	with freeze_time(DAY_1):
		seq = make_sequence()
		kol = f.make_kol()
		enrollment = enroll(kol, seq)
		doc = frappe.get_doc("KOL Sequence Enrollment", enrollment.name)
		doc.status = "Stopped"
		doc.save()
		assert state(enrollment).stopped_reason == "Stopped by Administrator"
		doc.reload()
		doc.status = "Active"
		doc.save()
		resumed = state(enrollment)
		assert (resumed.status, resumed.stopped_reason, str(resumed.next_send_on)) == (
			"Active",
			None,
			"2026-11-23",
		)


def test_a_sequence_rejects_a_template_with_a_missing_field():
	name = f"KOL Test Template {frappe.generate_hash(length=6)}"
	frappe.get_doc(
		{"doctype": "Email Template", "name": name, "subject": "Hi", "response": "{{ shoe_size }}"}
	).insert()
	with pytest.raises(frappe.ValidationError, match="shoe_size"):
		frappe.get_doc(
			{
				"doctype": "KOL Outreach Sequence",
				"sequence_name": f"Bad {name}",
				"steps": [{"email_template": name, "wait_days": 0}],
			}
		).insert()


def test_a_disabled_sequence_waits(email_account):
	with freeze_time(DAY_1):
		seq = make_sequence()
		kol = f.make_kol()
		enrollment = enroll(kol, seq)
		frappe.db.set_value("KOL Outreach Sequence", seq.name, "enabled", 0)
		frappe.clear_document_cache("KOL Outreach Sequence", seq.name)
		assert sequences.send_due_steps()["waiting"] == 1
		assert state(enrollment).status == "Active" and not emails_to(kol)


# ------------------------------------------------------------------ two jobs at once


@pytest.fixture
def committed_enrollment():
	"""A due enrolment on committed records, for jobs running on their own connections."""
	frappe.set_user("Administrator")
	account = None
	if not frappe.db.exists("Email Account", {"default_outgoing": 1}):
		account = frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": f"KOL Test Outbox {frappe.generate_hash(length=6)}",
				"email_id": "kol-outbox@kol-test.example",
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": "smtp.kol-test.example",
				"no_smtp_authentication": 1,
				"awaiting_password": 1,
			}
		).insert(ignore_permissions=True)
	seq = make_sequence(waits=(0, 3))
	kol = f.make_kol(operator=f.OPERATOR_A)
	enrollment = enroll(kol, seq)
	frappe.db.commit()
	yield kol, enrollment
	frappe.db.rollback()
	frappe.set_user("Administrator")
	comms = frappe.get_all("Communication", filters={"reference_name": kol.name}, pluck="name")
	queues = frappe.get_all("Email Queue", filters={"communication": ("in", comms or [""])}, pluck="name")
	frappe.db.delete("Email Queue Recipient", {"parent": ("in", queues or [""])})
	frappe.db.delete("Email Queue", {"name": ("in", queues or [""])})
	frappe.db.delete("Communication Link", {"parent": ("in", comms or [""])})
	frappe.db.delete("Communication", {"name": ("in", comms or [""])})
	for doctype in ("KOL Interaction", "KOL Sequence Send", "KOL Sequence Enrollment"):
		frappe.db.delete(doctype, {"kol": kol.name})
	frappe.delete_doc("KOL", kol.name, force=True)
	frappe.delete_doc("KOL Outreach Sequence", seq.name, force=True)
	if account:
		frappe.delete_doc("Email Account", account.name, force=True)
	frappe.db.commit()


def test_two_jobs_running_at_the_same_time_send_a_step_once(committed_enrollment):
	kol, enrollment = committed_enrollment
	site, sites_path = frappe.local.site, frappe.local.sites_path
	barrier = threading.Barrier(2)
	results, errors = [], []

	def job():
		frappe.init(site=site, sites_path=sites_path)
		frappe.connect()
		frappe.flags.in_test = True
		try:
			barrier.wait(timeout=10)
			results.append(sequences.send_due_steps())
		except Exception as e:
			errors.append(e)
		finally:
			frappe.destroy()

	threads = [threading.Thread(target=job) for _ in range(2)]
	for t in threads:
		t.start()
	for t in threads:
		t.join(timeout=60)

	assert not errors, errors
	assert sorted(r["sent"] for r in results) == [0, 1]
	frappe.db.rollback()  # read what the jobs committed
	assert len(emails_to(kol)) == 1 and outbound_interactions(kol) == 1
	assert frappe.db.get_value("KOL Sequence Enrollment", enrollment.name, "current_step") == 1


def test_the_hourly_scheduled_job_sends_due_steps(email_account):
	from kol_crm import tasks

	assert frappe.db.exists(
		"Scheduled Job Type", {"method": "kol_crm.tasks.send_sequence_steps", "frequency": "Hourly"}
	)
	with freeze_time(DAY_1):
		kol = f.make_kol()
		enroll(kol, make_sequence())
		tasks.send_sequence_steps()
		assert len(emails_to(kol)) == 1
