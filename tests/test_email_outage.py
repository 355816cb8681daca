"""The team's mail server down for longer than Frappe's retries (kol_crm.outreach.outage).

Through the real Email Account, Email Queue and local SMTP server of tests/test_email_e2e.py (its
fixtures and helpers). The outage is the account's SMTP port closed (connection refused, as a
stopped server gives), so the local servers other tests use keep running.
"""

import contextlib

import frappe
import frappe.email.queue
import pytest
from frappe.email.doctype.email_queue.email_queue import get_email_retry_limit
from frappe.utils import add_days, now_datetime

from kol_crm import tasks
from kol_crm.outreach import outage, sequences
from tests import local_mail
from tests import test_email_e2e as e2e
from tests.test_email_e2e import _forget_cached_accounts, interactions, queue_of, send_outreach

# the end-to-end module's fixtures: its team Email Account on the local servers, its KOLs
team_account = e2e.team_account
world = e2e.world

pytestmark = pytest.mark.skipif(bool(local_mail.unavailable()), reason=local_mail.unavailable() or "")

CLOSED_PORT = 1  # nothing listens there: connection refused


@contextlib.contextmanager
def smtp_down(account):
	"""The account's server does not answer until the block ends."""
	port = frappe.db.get_value("Email Account", account.name, "smtp_port")
	_set_port(account.name, CLOSED_PORT)
	try:
		yield
	finally:
		_set_port(account.name, port)


def _set_port(account: str, port) -> None:
	frappe.db.set_value("Email Account", account, "smtp_port", port)
	frappe.db.commit()
	frappe.clear_document_cache("Email Account", account)
	_forget_cached_accounts()


def give_up(comm: str) -> None:
	"""Flush the queue until Frappe gives the email up (one flush per retry, and the last one)."""
	for _ in range(get_email_retry_limit() + 1):
		frappe.email.queue.flush()
		frappe.db.rollback()


def test_an_outage_longer_than_the_retries_loses_no_email_and_sends_it_once(world, team_account):
	kol = world()
	comm = send_outreach(kol)
	with smtp_down(team_account):
		give_up(comm)
		queue = queue_of(comm)
		assert (queue.status, queue.retry) == ("Error", get_email_retry_limit())  # Frappe gave up
		assert "Connection refused" in queue.error
		assert queue.name not in outage.requeue_unsent()  # still down: nothing goes back yet
		frappe.db.commit()
		assert queue_of(comm).status == "Error"
	tasks.requeue_unsent_email()  # the hourly job, the server back
	frappe.db.commit()  # as the scheduler does after a job
	queue = queue_of(comm)
	assert (queue.status, queue.retry) == ("Not Sent", 0)
	frappe.email.queue.flush()
	frappe.db.rollback()
	assert queue_of(comm).status == "Sent"
	assert len(local_mail.wait_for_messages(kol.email, 1)) == 1
	# later flushes and hourly runs send nothing more, and the KOL has one interaction for it
	frappe.email.queue.flush()
	assert queue.name not in outage.requeue_unsent()
	assert len(local_mail.wait_for_messages(kol.email, 2, timeout=1)) == 1
	assert [i.communication for i in interactions(kol.name)] == [comm]


def test_an_email_the_server_refused_or_too_old_stays_given_up(world, team_account):
	refused, old = send_outreach(world()), send_outreach(world())
	with smtp_down(team_account):
		give_up(refused)
		give_up(old)
	assert {queue_of(c).status for c in (refused, old)} == {"Error"}
	# what the server says when it rejects the message itself, not a connection failure
	frappe.db.set_value(
		"Email Queue",
		queue_of(refused).name,
		"error",
		"smtplib.SMTPRecipientsRefused: {'x@example.com': (550, b'5.1.1 mailbox unavailable')}",
	)
	queued_on = add_days(now_datetime(), -outage.REQUEUE_DAYS)
	frappe.db.set_value("Email Queue", queue_of(old).name, "creation", add_days(queued_on, -0.01))
	frappe.db.commit()
	requeued = outage.requeue_unsent()
	assert [queue_of(c).name for c in (refused, old) if queue_of(c).name in requeued] == []
	assert {queue_of(c).status for c in (refused, old)} == {"Error"}


@pytest.mark.parametrize(
	("error", "expected"),
	[
		("ConnectionRefusedError: [Errno 111] Connection refused", True),
		("frappe.exceptions.OutgoingEmailError: Could not connect to outgoing email server", True),
		("smtplib.SMTPServerDisconnected: Connection unexpectedly closed", True),
		("TimeoutError: timed out", True),
		("smtplib.SMTPAuthenticationError: (535, b'Authentication failed')", False),
		("smtplib.SMTPRecipientsRefused: {'a@b.c': (550, b'no such user')}", False),
		("", False),
		(None, False),
	],
)
def test_only_a_server_that_could_not_be_reached_counts_as_an_outage(error, expected):
	assert outage.unreachable(error) is expected


def test_the_requeue_runs_every_hour():
	assert "kol_crm.tasks.requeue_unsent_email" in frappe.get_hooks("scheduler_events")["hourly"]


def test_a_sequence_step_due_during_the_outage_is_written_once_and_sent_once(world, team_account):
	kol = world()
	enrollment = e2e._enrolled(kol)
	today = frappe.utils.getdate()
	with smtp_down(team_account):
		# the hourly job's work for this enrolment, twice during the outage
		assert sequences.send_due_step(enrollment, today) == "sent"
		frappe.db.commit()
		assert sequences.send_due_step(enrollment, today) == "skipped"  # not due: the next step is 3 days on
		frappe.db.commit()
		[comm] = frappe.get_all(
			"Communication", {"reference_doctype": "KOL", "reference_name": kol.name}, pluck="name"
		)
		give_up(comm)
		assert queue_of(comm).status == "Error"
	assert queue_of(comm).name in outage.requeue_unsent()
	frappe.db.commit()
	frappe.email.queue.flush()
	frappe.db.rollback()
	assert queue_of(comm).status == "Sent"
	assert len(local_mail.wait_for_messages(kol.email, 2, timeout=1)) == 1
	assert [i.communication for i in interactions(kol.name)] == [comm]
	assert frappe.db.get_value("KOL Sequence Enrollment", enrollment, "current_step") == 1
