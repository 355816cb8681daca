"""Inactivity review of Active KOLs (our platform is where they must be active).

Daily (``run_inactivity_review``):
0. An Active KOL with no activity on our platform recorded at all is never reviewed (the app
   can't tell an inactive KOL from a KOL nobody recorded): its owner gets one reminder to record
   the activity instead (``Activity Data``), and nothing else happens to it.
1. An Active KOL with no activity on our platform for ``inactivity_days`` (counted from the
   later of its last activity on our platform and the last review's close)
   gets a review: Review Opened On is set, the owner gets a ToDo proposing Mark Dormant, and
   the timeline says so.
2. A review still open ``dormant_after_days`` later moves the KOL to Dormant through the KOL
   Lifecycle workflow (Mark Dormant), which suspends its privileges.

A review closes when the owner decides Keep Active, when activity on our platform is recorded,
or when the KOL leaves Active any other way.
"""

import frappe
from frappe import _
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, date_diff, getdate, nowdate

from kol_crm.intelligence import reminders
from kol_crm.utils.jobs import for_each
from kol_crm.utils.settings import get_settings

REVIEW = "Inactivity Review"
ASK_FOR_DATA = "Activity Data"


def last_sign_of_life(kol):
	"""The later of the KOL's last activity on our platform and its last review's close; None
	when no activity on our platform was ever recorded (then there is nothing to judge)."""
	if not kol.last_active_on_platform:
		return None
	dates = [getdate(d) for d in (kol.last_active_on_platform, kol.inactivity_review_closed_on) if d]
	return max(dates)


def run_inactivity_review(today=None) -> dict:
	s = get_settings()
	today = getdate(today or nowdate())
	candidates = frappe.get_all(
		"KOL",
		filters={"workflow_state": "Active", "inactivity_review_on": ("is", "not set")},
		fields=["name", "last_active_on_platform", "inactivity_review_closed_on", "creation"],
	)
	no_data = [kol.name for kol in candidates if last_sign_of_life(kol) is None]
	due = [
		kol.name
		for kol in candidates
		if kol.name not in no_data and date_diff(today, last_sign_of_life(kol)) >= s.inactivity_days
	]
	asked = for_each(
		[name for name in no_data if not open_reminder(name, ASK_FOR_DATA)],
		lambda name: ask_for_data(name, today),
		_("Asking for activity data failed for {0}"),
	)
	opened = for_each(due, lambda name: open_review(name, today, s), _("Inactivity review failed for {0}"))
	overdue = frappe.get_all(
		"KOL",
		filters=[
			["workflow_state", "=", "Active"],
			["inactivity_review_on", "is", "set"],  # frappe compares a missing date as 0001-01-01
			["inactivity_review_on", "<=", add_days(today, -s.dormant_after_days)],
			# a review opened before this rule, on a KOL without activity data, never acts
			["last_active_on_platform", "is", "set"],
		],
		pluck="name",
	)
	dormant = for_each(overdue, lambda name: mark_dormant(name, s), _("Moving {0} to Dormant failed"))
	return {"opened": opened, "dormant": dormant, "asked_for_data": asked}


def open_reminder(kol: str, reminder_type: str) -> bool:
	todos = frappe.get_all("KOL Reminder", filters={"kol": kol, "reminder_type": reminder_type}, pluck="todo")
	return bool(todos) and bool(frappe.db.exists("ToDo", {"name": ("in", todos), "status": "Open"}))


def ask_for_data(name: str, today) -> None:
	"""A reminder to the owner to record the KOL's activity on our platform (one open at a time)."""
	kol = frappe.db.get_value("KOL", name, ["name", "kol_name", "operator", "owner"], as_dict=True)
	reminders.create_reminder(
		kol,
		ASK_FOR_DATA,
		today,
		_(
			"{0} is Active but no activity on our platform is recorded, so the inactivity review can't judge it. Record its last activity on our platform (or connect the platform's data)."
		).format(kol.kol_name),
	)


def open_review(name: str, today, s) -> None:
	kol = frappe.get_doc("KOL", name)
	since = last_sign_of_life(kol)
	decide_by = add_days(today, s.dormant_after_days)
	kol.inactivity_review_on = today
	kol.inactivity_review_decision = None
	kol.flags.ignore_permissions = True  # the system opens the review
	kol.save()
	kol.add_comment(
		"Info",
		_(
			"Inactivity review opened: no activity on our platform since {0}. Proposed: Mark Dormant on {1} unless decided otherwise."
		).format(frappe.format(since, "Date"), frappe.format(decide_by, "Date")),
	)
	reminders.create_reminder(
		kol.as_dict(),
		REVIEW,
		decide_by,
		_(
			"Inactivity review for {0}: no activity on our platform since {1} ({2} days). Proposed: Mark Dormant. Record new activity or choose Keep Active by {3}, otherwise it becomes Dormant that day."
		).format(
			kol.kol_name,
			frappe.format(since, "Date"),
			date_diff(today, since),
			frappe.format(decide_by, "Date"),
		),
	)


def mark_dormant(name: str, s) -> None:
	kol = frappe.get_doc("KOL", name)
	kol.inactivity_review_note = _(
		"No decision within {0} days of the inactivity review: moved to Dormant."
	).format(s.dormant_after_days)
	kol.flags.ignore_permissions = True  # the system records its own decision
	kol.save()
	apply_workflow(kol, "Mark Dormant")


def check_review(doc) -> None:
	"""KOL.validate: close an open review on a decision, new activity, or leaving Active."""
	if not doc.inactivity_review_on:
		return
	reason = None
	before = doc.get_doc_before_save()
	if doc.inactivity_review_decision == "Keep Active":
		reason = _("kept Active by {0}").format(frappe.session.user)
	elif doc.workflow_state != "Active":
		reason = _("the KOL moved to {0}").format(_(doc.workflow_state))
	elif (
		before
		and doc.last_active_on_platform
		and doc.last_active_on_platform != before.last_active_on_platform
		and date_diff(nowdate(), doc.last_active_on_platform) < get_settings().inactivity_days
	):
		reason = _("new activity on our platform on {0}").format(
			frappe.format(doc.last_active_on_platform, "Date")
		)
	if reason:
		doc.inactivity_review_on = None
		doc.inactivity_review_closed_on = nowdate()
		doc.flags.review_closed = _("Inactivity review closed: {0}.").format(reason) + (
			f" {doc.inactivity_review_note}" if doc.inactivity_review_note else ""
		)


def log_review(doc) -> None:
	"""KOL.on_update."""
	if doc.flags.review_closed:
		doc.add_comment("Info", doc.flags.review_closed)
		reminders.close_reminders(doc.name, REVIEW)
		doc.flags.review_closed = None
