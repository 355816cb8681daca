"""Reminders to a KOL's owner: overdue follow-ups, occasions, outreach without reply.

Each reminder is a ToDo for the KOL's operator (else its creator) plus a KOL Reminder record
keyed by (KOL, type, due date, occasion row), so a daily job creates it exactly once however
often it runs.

- Every KOL in intake has a next follow-up date (default: today + follow_up_days).
- A follow-up is overdue the day after its date; one ToDo per KOL and follow-up date.
- An occasion (yearly ones on their anniversary) is reminded from occasion_lead_days before
  its date until the date itself, once per occurrence, with the KOL's preferences.
- After no_reply_attempts outbound interactions since the KOL's last inbound one, the KOL's
  Outreach Suggestion says to switch channel or go through the agent, with one ToDo.
"""

import datetime

import frappe
from frappe import _
from frappe.utils import add_days, getdate, nowdate

from kol_crm.utils.jobs import for_each
from kol_crm.utils.settings import get_settings
from kol_crm.workflows.kol_lifecycle import INTAKE_STATES, initial_state

CLOSED_STATES = ("Declined", "Dropped", "Offboarded")
CHANNELS = ("Email", "Call", "Meeting", "WeChat", "DM", "Community Event")


def create_reminder(
	kol: dict,
	reminder_type: str,
	due_on,
	description: str,
	reference_row: str | None = None,
) -> str | None:
	"""One ToDo + KOL Reminder per (KOL, type, due date, row); None when it exists already."""
	key = {"kol": kol["name"], "reminder_type": reminder_type, "due_on": getdate(due_on)}
	if reference_row:
		key["reference_row"] = reference_row
	if frappe.db.exists("KOL Reminder", key):
		return None
	allocated_to = kol.get("operator") or kol.get("owner") or "Administrator"
	todo = frappe.get_doc(
		{
			"doctype": "ToDo",
			"allocated_to": allocated_to,
			"description": description,
			"reference_type": "KOL",
			"reference_name": kol["name"],
			"date": getdate(due_on),
			"priority": "High" if reminder_type in ("Inactivity Review", "No Reply") else "Medium",
		}
	).insert(ignore_permissions=True)  # the system writes the reminder, whoever runs the job
	frappe.get_doc(
		{
			"doctype": "KOL Reminder",
			**key,
			"reference_row": reference_row,
			"todo": todo.name,
			"allocated_to": allocated_to,
		}
	).insert(ignore_permissions=True)
	return todo.name


def close_reminders(kol: str, reminder_type: str) -> None:
	todos = frappe.get_all("KOL Reminder", filters={"kol": kol, "reminder_type": reminder_type}, pluck="todo")
	for todo in frappe.get_all("ToDo", filters={"name": ("in", todos), "status": "Open"}, pluck="name"):
		frappe.db.set_value("ToDo", todo, "status", "Closed")


# ------------------------------------------------------------------ follow-ups


def current_state(doc) -> str | None:
	"""The KOL's state; a new KOL gets its path's first state only after validate, so predict it."""
	if doc.is_new() and not doc.workflow_state:
		return initial_state(doc.intake_path)
	return doc.workflow_state


def ensure_follow_up_date(doc, s=None) -> None:
	"""KOL.validate: a KOL in intake always has a next follow-up date."""
	if current_state(doc) in INTAKE_STATES and not doc.next_follow_up_on:
		s = s or get_settings()
		doc.next_follow_up_on = add_days(nowdate(), s.follow_up_days)


def _kol_fields():
	return ["name", "kol_name", "operator", "owner", "next_follow_up_on", "workflow_state"]


def run_follow_ups(today=None) -> dict:
	"""Daily: fill missing follow-up dates, remind overdue ones, surface outreach without reply."""
	s = get_settings()
	today = getdate(today or nowdate())
	counts = {"filled": 0, "reminded": 0, "stalled": 0}
	kols = frappe.get_all("KOL", filters={"workflow_state": ("in", INTAKE_STATES)}, fields=_kol_fields())

	def follow_up(kol):
		if not kol.next_follow_up_on:
			kol.next_follow_up_on = add_days(today, s.follow_up_days)
			frappe.db.set_value(
				"KOL", kol.name, "next_follow_up_on", kol.next_follow_up_on, update_modified=False
			)
			counts["filled"] += 1
		elif getdate(kol.next_follow_up_on) < today:
			description = _("Follow up with {0}: the follow-up planned for {1} is overdue.").format(
				kol.kol_name, frappe.format(kol.next_follow_up_on, "Date")
			)
			if create_reminder(kol, "Follow-up", kol.next_follow_up_on, description):
				counts["reminded"] += 1
		if update_outreach_status(kol.name, s, remind=True):
			counts["stalled"] += 1

	for_each(kols, follow_up, _("Follow-up reminder failed for {0}"))
	return counts


# ------------------------------------------------------------------ outreach without reply


def attempts_without_reply(kol: str) -> tuple[int, list[str], str | None]:
	"""(outbound interactions since the last inbound one, their channels, date of the latest)."""
	rows = frappe.get_all(
		"KOL Interaction",
		filters={"kol": kol},
		fields=["direction", "interaction_type", "interaction_on"],
		order_by="interaction_on desc, creation desc",
	)
	attempts, channels, latest = 0, [], None
	for row in rows:
		if row.direction == "Inbound":
			break
		attempts += 1
		latest = latest or row.interaction_on
		if row.interaction_type not in channels:
			channels.append(row.interaction_type)
	return attempts, channels, latest


def update_outreach_status(kol: str, s=None, remind: bool = False) -> bool:
	"""Set Outreach Attempts Without Reply and the suggestion; True when the KOL is stalled."""
	s = s or get_settings()
	values = frappe.db.get_value(
		"KOL",
		kol,
		[
			*_kol_fields(),
			"agent_name",
			"agent_company",
			"outreach_suggestion",
			"outreach_attempts_without_reply",
		],
		as_dict=True,
	)
	if not values:
		return False
	attempts, channels, latest = attempts_without_reply(kol)
	suggestion = None
	stalled = attempts >= s.no_reply_attempts and values.workflow_state in INTAKE_STATES
	if stalled:
		untried = [_(c) for c in CHANNELS if c not in channels]
		if values.agent_name:
			agent = _("go through the agent {0}").format(
				values.agent_name + (f" ({values.agent_company})" if values.agent_company else "")
			)
		else:
			agent = _("find and record an agent or broker")
		suggestion = _("No reply after {0} attempts by {1}. Switch channel ({2}) or {3}.").format(
			attempts, ", ".join(_(c) for c in channels), ", ".join(untried), agent
		)
	if (values.outreach_suggestion or None, values.outreach_attempts_without_reply or 0) != (
		suggestion,
		attempts,
	):
		frappe.db.set_value(
			"KOL",
			kol,
			{"outreach_suggestion": suggestion, "outreach_attempts_without_reply": attempts},
			update_modified=False,
		)
	if stalled and remind:
		create_reminder(
			values, "No Reply", getdate(latest), _("{0}: {1}").format(values.kol_name, suggestion)
		)
	return stalled


def on_interaction_change(doc) -> None:
	"""KOL Interaction.on_update / on_trash: recount the attempts without reply."""
	if doc.kol:
		update_outreach_status(doc.kol)


# ------------------------------------------------------------------ occasions


def next_occurrence(occasion_date, repeats_yearly: bool, today: datetime.date) -> datetime.date | None:
	if not occasion_date:
		return None
	day = getdate(occasion_date)
	if not repeats_yearly:
		return day
	for year in (today.year, today.year + 1):
		try:
			candidate = day.replace(year=year)
		except ValueError:  # 29 February in a common year
			candidate = datetime.date(year, 2, 28)
		if candidate >= today:
			return candidate
	return None


def preferences_text(kol: dict) -> str:
	wants = [
		label
		for field, label in (
			("wants_money", _("money")),
			("wants_personal_brand", _("personal brand")),
			("wants_platform_support", _("platform support")),
			("wants_traffic", _("traffic")),
		)
		if kol.get(field)
	]
	parts = []
	if kol.get("preferences"):
		parts.append(_("Preferences: {0}").format(kol["preferences"]))
	if wants:
		parts.append(_("Wants: {0}").format(", ".join(wants)))
	if kol.get("personality"):
		parts.append(_("Personality: {0}").format(kol["personality"]))
	return " ".join(parts) or _("No preferences recorded yet.")


def run_occasion_reminders(today=None) -> int:
	"""Daily: remind the owner of each occasion from occasion_lead_days before it, once."""
	s = get_settings()
	today = getdate(today or nowdate())
	kol = frappe.qb.DocType("KOL")
	occ = frappe.qb.DocType("KOL Occasion")
	rows = (
		frappe.qb.from_(occ)
		.join(kol)
		.on(kol.name == occ.parent)
		.select(
			occ.name.as_("row"),
			occ.occasion,
			occ.occasion_date,
			occ.repeats_yearly,
			occ.note,
			kol.name,
			kol.kol_name,
			kol.operator,
			kol.owner,
			kol.preferences,
			kol.personality,
			kol.wants_money,
			kol.wants_personal_brand,
			kol.wants_platform_support,
			kol.wants_traffic,
		)
		.where((occ.parenttype == "KOL") & (occ.parentfield == "occasions"))
		.where(kol.workflow_state.notin(CLOSED_STATES))
		.run(as_dict=True)
	)
	created = []

	def remind(row):
		when = next_occurrence(row.occasion_date, row.repeats_yearly, today)
		if not when or not (0 <= (when - today).days <= s.occasion_lead_days):
			return
		description = _("{0} of {1} on {2}. {3}").format(
			row.occasion or _("Occasion"), row.kol_name, frappe.format(when, "Date"), preferences_text(row)
		)
		if row.note:
			description += " " + _("Note: {0}").format(row.note)
		if create_reminder(row, "Occasion", when, description, reference_row=row.row):
			created.append(row.row)

	for_each(rows, remind, _("Occasion reminder failed for {0}"))
	return len(created)
