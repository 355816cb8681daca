"""Follow-up sequences: templated emails to a KOL, step by step, until the KOL answers.

A KOL Outreach Sequence is a list of steps (Email Template, days to wait). A KOL Sequence
Enrollment puts one KOL through it for one operator: ``current_step`` is the last step sent,
``next_send_on`` the day the next one is due.

- An enrolment stops on any inbound interaction of its KOL (an email in becomes one through
  ``interactions.on_communication``, or an operator logs one), when the KOL leaves the intake
  states, is marked do-not-contact or loses its email address.
- ``send_due_steps`` (hourly) sends each due step as the enrolment's operator through
  ``communication.email.make``: one Communication and one outbound KOL Interaction.
- Per-operator daily cap: an operator's sequence sends today (all sequences) are counted; at
  the sequence's cap the rest wait for the next run.
- Exactly once: the enrolment row is locked (``SELECT ... FOR UPDATE``) and re-read, and a
  KOL Sequence Send with a unique (enrollment, step) key is written in the same transaction as
  the email and the enrolment's advance; each enrolment is committed on its own.
"""

import frappe
from frappe import _
from frappe.utils import add_days, format_datetime, get_datetime, getdate, now_datetime, nowdate

from kol_crm.outreach import email as outreach
from kol_crm.workflows.kol_lifecycle import INTAKE_STATES

ENROLLMENT = "KOL Sequence Enrollment"
SEND_LOG = "KOL Sequence Send"
SAVEPOINT = "kol_sequence_send"


def get_sequence(name: str, check_enabled: bool = False):
	if not name or not frappe.db.exists("KOL Outreach Sequence", name):
		frappe.throw(_("KOL Outreach Sequence {0} not found").format(name), frappe.DoesNotExistError)
	seq = frappe.get_cached_doc("KOL Outreach Sequence", name)
	if check_enabled and not seq.enabled:
		frappe.throw(_("KOL Outreach Sequence {0} is disabled.").format(name))
	return seq


# ------------------------------------------------------------------ enrolment


def enrollment_block_reason(kol, sequence: str | None = None, ignore: str | None = None) -> str | None:
	"""Why ``kol`` can't be (or stay) enrolled now; None when it can."""
	if reason := outreach.contact_block_reason(kol):
		return reason
	if kol.workflow_state not in INTAKE_STATES:
		return _("Not in intake: the KOL is {0}").format(_(kol.workflow_state or ""))
	filters = {"kol": kol.name, "status": "Active"}
	if ignore:
		filters["name"] = ("!=", ignore)
	if active := frappe.db.get_value(ENROLLMENT, filters, "sequence"):
		return _("Already enrolled in sequence {0}").format(active)
	return None


def enroll(kol, sequence: str, operator: str | None = None):
	return frappe.get_doc(
		{"doctype": ENROLLMENT, "kol": kol.name, "sequence": sequence, "operator": operator}
	).insert()


def stop_active(kol: str, reason: str) -> list[str]:
	"""Stop the KOL's active enrolments, saying why (the system acts, not the user)."""
	names = frappe.get_all(ENROLLMENT, filters={"kol": kol, "status": "Active"}, pluck="name")
	for name in names:
		stop(name, reason)
	return names


def stop(name: str, reason: str) -> None:
	frappe.db.set_value(
		ENROLLMENT,
		name,
		{"status": "Stopped", "stopped_reason": reason, "stopped_on": now_datetime(), "next_send_on": None},
	)


# ------------------------------------------------------------------ hooks


def on_interaction_insert(doc) -> None:
	"""KOL Interaction.after_insert: a reply stops the KOL's sequences."""
	if doc.direction == "Inbound" and doc.kol:
		stop_active(doc.kol, reply_reason(doc.interaction_type, doc.interaction_on))


def on_kol_update(doc) -> None:
	"""KOL.on_update: leaving intake or do-not-contact stops the KOL's sequences."""
	if not (doc.has_value_changed("workflow_state") or doc.has_value_changed("do_not_contact")):
		return
	if doc.workflow_state not in INTAKE_STATES:
		stop_active(doc.name, left_intake_reason(doc.workflow_state))
	elif doc.get("do_not_contact"):
		stop_active(doc.name, outreach.contact_block_reason(doc))


def reply_reason(interaction_type: str | None, when) -> str:
	return _("The KOL replied ({0}, {1})").format(_(interaction_type or "Email"), format_datetime(when))


def left_intake_reason(state: str | None) -> str:
	return _("The KOL left intake: now {0}").format(_(state or ""))


# ------------------------------------------------------------------ scheduled sends


def send_due_steps(today=None) -> dict:
	"""Scheduler (hourly): send every due step once; each enrolment is committed on its own."""
	today = getdate(today or nowdate())
	due = frappe.get_all(
		ENROLLMENT,
		filters={"status": "Active", "next_send_on": ("<=", today)},
		order_by="next_send_on asc, creation asc",
		pluck="name",
	)
	counts = {"sent": 0, "stopped": 0, "completed": 0, "waiting": 0, "skipped": 0, "failed": 0}
	for name in due:
		frappe.db.savepoint(SAVEPOINT)
		try:
			outcome = send_due_step(name, today)
		except Exception:
			frappe.db.rollback(save_point=SAVEPOINT)
			frappe.log_error(
				title=_("Sequence step not sent for {0}").format(name),
				reference_doctype=ENROLLMENT,
				reference_name=name,
			)
			outcome = "failed"
		counts[outcome] += 1
		_commit()
	return counts


def _commit() -> None:
	frappe.db.commit()  # scheduled job: each enrolment is one unit of work


def send_due_step(name: str, today) -> str:
	"""Send the enrolment's next step if it is still due: sent/stopped/completed/waiting/skipped."""
	row = frappe.db.get_value(
		ENROLLMENT,
		name,
		["name", "kol", "sequence", "operator", "status", "current_step", "next_send_on", "creation"],
		as_dict=True,
		for_update=True,  # a second run waits here, then sees the advanced enrolment
	)
	if not row or row.status != "Active" or not row.next_send_on or getdate(row.next_send_on) > today:
		return "skipped"
	kol = frappe.get_doc("KOL", row.kol)
	if reason := stop_reason(kol, row):
		stop(name, reason)
		return "stopped"
	seq = get_sequence(row.sequence)
	if not seq.enabled:
		return "waiting"
	step_no = (row.current_step or 0) + 1
	if step_no > len(seq.steps):
		frappe.db.set_value(ENROLLMENT, name, {"status": "Completed", "next_send_on": None})
		return "completed"
	operator = row.operator or kol.operator or "Administrator"
	if not can_send_as(operator, kol):
		stop(name, _("{0} can no longer email this KOL").format(operator))
		return "stopped"
	if seq.daily_send_cap and sends_today(operator) >= seq.daily_send_cap:
		return "waiting"

	sent_on = now_datetime()
	if frappe.db.exists(SEND_LOG, {"enrollment": name, "step": step_no}):
		return "skipped"
	log = frappe.get_doc(
		{
			"doctype": SEND_LOG,
			"enrollment": name,
			"step": step_no,
			"sequence": seq.name,
			"kol": kol.name,
			"operator": operator,
			"sent_on": sent_on,
		}
	)
	try:
		log.insert(ignore_permissions=True)  # the system logs the send, whoever the operator is
	except (frappe.UniqueValidationError, frappe.DuplicateEntryError):
		return "skipped"  # unique (enrollment, step): another run sent this step
	template = outreach.get_template(seq.steps[step_no - 1].email_template)
	log.db_set("communication", send_as(operator, template, kol), update_modified=False)

	values = {"current_step": step_no, "last_sent_on": sent_on}
	if step_no < len(seq.steps):
		values["next_send_on"] = add_days(today, seq.steps[step_no].wait_days or 0)
	else:
		values.update({"status": "Completed", "next_send_on": None})
	frappe.db.set_value(ENROLLMENT, name, values)
	return "sent"


def stop_reason(kol, row) -> str | None:
	"""Why the enrolment must stop before sending (the hooks normally stopped it already)."""
	if kol.workflow_state not in INTAKE_STATES:
		return left_intake_reason(kol.workflow_state)
	if reason := outreach.contact_block_reason(kol):
		return reason
	reply = frappe.get_all(
		"KOL Interaction",
		filters={"kol": kol.name, "direction": "Inbound", "creation": (">=", get_datetime(row.creation))},
		fields=["interaction_type", "interaction_on"],
		order_by="creation asc",
		limit=1,
	)
	if reply:
		return reply_reason(reply[0].interaction_type, reply[0].interaction_on)
	return None


def sends_today(operator: str) -> int:
	start = get_datetime(nowdate())
	return frappe.db.count(SEND_LOG, {"operator": operator, "sent_on": (">=", start)})


def can_send_as(user: str, kol) -> bool:
	if user != "Administrator" and not frappe.db.get_value("User", user, "enabled"):
		return False
	return frappe.has_permission("KOL", "email", doc=kol, user=user)


def send_as(user: str, template, kol) -> str:
	"""Send as the enrolment's operator: the email comes from them, the interaction is theirs."""
	previous = frappe.session.user
	frappe.set_user(user)
	try:
		return outreach.send_template(template, kol)
	finally:
		frappe.set_user(previous)
