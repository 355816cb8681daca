"""Deliverables to results (the seeds: the KOL's work is followed through, not just agreed).

Daily (``run_deliverable_reminders``): for every Pending deliverable of an Active partnership,
the owning operator of the KOL gets

- one *Deliverable Due* reminder from ``deliverable_lead_days`` before its due date, and
- one *Deliverable Missed* reminder the day after its due date if it is still Pending, asking to
  mark it Delivered or Missed (the app never decides that on its own).

Both are KOL Reminders with their ToDo, once per deliverable row and due date. The report
*KOL Deliverables* lists them. Each reminder also says where the deliverable's content stands
in its review (none submitted yet, waiting for review, changes requested, approved: see
``kol_crm/content``), so the operator knows whether to chase the KOL or to review.
"""

import frappe
from frappe import _
from frappe.utils import add_days, getdate, nowdate

from kol_crm.content.review import content_status
from kol_crm.intelligence.reminders import create_reminder
from kol_crm.utils.jobs import for_each
from kol_crm.utils.settings import get_settings

DUE = "Deliverable Due"
MISSED = "Deliverable Missed"


def pending_deliverables(until) -> list[frappe._dict]:
	"""Pending deliverables of Active partnerships due on or before ``until``, with their KOL."""
	part = frappe.qb.DocType("KOL Partnership")
	row = frappe.qb.DocType("KOL Deliverable")
	kol = frappe.qb.DocType("KOL")
	return (
		frappe.qb.from_(row)
		.join(part)
		.on(part.name == row.parent)
		.join(kol)
		.on(kol.name == part.kol)
		.select(
			row.name.as_("row"),
			row.deliverable_type,
			row.description,
			row.quantity,
			row.due_date,
			part.name.as_("partnership"),
			kol.name,
			kol.kol_name,
			kol.operator,
			kol.owner,
		)
		.where((row.parenttype == "KOL Partnership") & (row.parentfield == "deliverables"))
		.where((row.status == "Pending") & row.due_date.isnotnull() & (row.due_date <= until))
		.where(part.status == "Active")
		.orderby(row.due_date)
		.orderby(row.name)
		.run(as_dict=True)
	)


def describe(row) -> str:
	what = _(row.deliverable_type)
	if row.description:
		what = f"{what} ({row.description})"
	return what


def run_deliverable_reminders(today=None) -> dict:
	s = get_settings()
	today = getdate(today or nowdate())
	due, missed = [], []
	rows = pending_deliverables(add_days(today, s.deliverable_lead_days))
	content = content_status([row.row for row in rows])

	def remind(row):
		due_on = getdate(row.due_date)
		if due_on < today:
			text = _(
				"{0} of {1} was due on {2} ({3}) and is not marked Delivered: mark it Delivered or Missed on the partnership."
			).format(describe(row), row.kol_name, frappe.format(due_on, "Date"), row.partnership)
			text = f"{text} {content[row.row]}"
			if create_reminder(row, MISSED, add_days(due_on, 1), text, reference_row=row.row):
				missed.append(row.row)
		else:
			text = _("{0} of {1} is due on {2} ({3}).").format(
				describe(row), row.kol_name, frappe.format(due_on, "Date"), row.partnership
			)
			text = f"{text} {content[row.row]}"
			if create_reminder(row, DUE, due_on, text, reference_row=row.row):
				due.append(row.row)

	for_each(rows, remind, _("Deliverable reminder failed for {0}"))
	return {"due": due, "missed": missed}
