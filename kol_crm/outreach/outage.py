"""Outgoing email through an outage of the team's mail server.

Frappe's Email Queue tries a failed email again at each flush of the queue (every few minutes)
and gives up after ``email_retry_limit`` failures (System Settings, 3 by default): the email is
then in status Error and never sent. An outage of the mail server longer than a few flushes
would lose every outreach, follow-up and sequence email queued meanwhile, while the KOL's
interaction says it was sent.

Every hour (``kol_crm.tasks.requeue_unsent_email``) the emails of the app's documents that Frappe
gave up on because the server could not be reached go back into the queue, with their retries
reset, once the server answers again, for ``REQUEUE_DAYS`` days after they were queued. An
email the server refused (an address, a sender or a message it rejected) stays in Error, and
nothing is requeued while the server still does not answer.

Nothing is sent twice: the queue sends only to the recipients it has not sent to, and the
interaction is recorded once, when the email is written (``kol_crm.outreach.interactions``), not
when it leaves.
"""

import smtplib

import frappe
from frappe.query_builder import DocType
from frappe.utils import add_days, now_datetime

MODULE = "KOL CRM"
REQUEUE_DAYS = 2
PROBE_TIMEOUT = 10  # seconds to wait for the server's greeting
# the server could not be reached (Frappe keeps the traceback in Email Queue.error)
UNREACHABLE = (
	"Connection refused",
	"ConnectionRefusedError",
	"SMTPConnectError",
	"SMTPServerDisconnected",
	"TimeoutError",
	"timed out",
	"Network is unreachable",
	"No route to host",
	"Name or service not known",
	"Temporary failure in name resolution",
	"Could not connect to outgoing email server",
)


def unreachable(error: str | None) -> bool:
	return any(sign in (error or "") for sign in UNREACHABLE)


def requeue_unsent() -> list[str]:
	"""Put back in the queue the app's emails Frappe gave up on while the server was unreachable,
	once their server answers again; the names of the emails requeued."""
	doctypes = frappe.get_all("DocType", filters={"module": MODULE}, pluck="name")
	failed = frappe.get_all(
		"Email Queue",
		filters={
			"status": "Error",
			"reference_doctype": ("in", doctypes),
			"creation": (">=", add_days(now_datetime(), -REQUEUE_DAYS)),
		},
		fields=["name", "error"],
		order_by="creation",
	)
	answers: dict[str, bool] = {}
	requeue = []
	for row in failed:
		if not unreachable(row.error):
			continue
		account = frappe.get_doc("Email Queue", row.name).get_email_account()
		if not account:
			continue
		if account.name not in answers:
			answers[account.name] = server_answers(account)
		if answers[account.name]:
			requeue.append(row.name)
	if requeue:
		queue = DocType("Email Queue")
		(
			frappe.qb.update(queue)
			.set(queue.status, "Not Sent")
			.set(queue.retry, 0)
			.where(queue.name.isin(requeue) & (queue.status == "Error"))
			.run()
		)
	return requeue


def server_answers(account) -> bool:
	"""The account's SMTP server greets us now (no login: a wrong password is no outage)."""
	server = account.get_smtp_server()
	smtp_class = smtplib.SMTP_SSL if server.use_ssl else smtplib.SMTP
	try:
		with smtp_class(server.server, server.port, timeout=PROBE_TIMEOUT) as smtp:
			smtp.noop()
	except (OSError, smtplib.SMTPException):
		return False
	return True
