"""Events and camps (场景创建 / 行动营 / 复盘): the KOLs found at or involved in them.

An event is a team record: everyone with access reads it, a restricted user (an operator)
changes only the events they created. Its participant rows name KOLs, so each row follows the
KOL's row rule (``kol_crm.permissions.may_see_participant``): an operator sees and adds only
participants of their own KOLs, and can't change an event that has participants they can't see.
"""

import frappe
from frappe import _

from kol_crm.permissions import is_restricted, may_see_participant
from kol_crm.utils import validation as v

FOUND_HERE = "Found Here"


def validate(doc) -> None:
	v.validate_date_order(doc, "starts_on", "ends_on")
	validate_participants(doc)


def validate_participants(doc) -> None:
	seen = set()
	for row in doc.participants:
		key = (row.kol, row.role)
		if key in seen:
			v.invalid(
				_("Row {0}: {1} is already a participant with the role {2}.").format(
					row.idx, frappe.bold(row.kol), _(row.role)
				)
			)
		seen.add(key)
	if doc.flags.ignore_permissions or not is_restricted(frappe.session.user, "write"):
		return
	if not doc.is_new():
		stored = frappe.get_all(
			"KOL Event Participant",
			filters={"parent": doc.name, "parenttype": doc.doctype},
			fields=["kol"],
			ignore_permissions=True,
		)
		if any(not may_see_participant(r.kol) for r in stored):
			frappe.throw(
				_("This event has participants of KOLs you don't own; ask a KOL Manager to change it."),
				frappe.PermissionError,
				title=_("Not permitted"),
			)
	for row in doc.participants:
		if not may_see_participant(row.kol):
			frappe.throw(
				_("Row {0}: you can only add your own KOLs as participants.").format(row.idx),
				frappe.PermissionError,
				title=_("Not permitted"),
			)


def hide_participants(doc) -> None:
	"""Drop, from a document about to be sent, the participant rows the session user may not see."""
	if not is_restricted(frappe.session.user):
		return
	visible = [row for row in doc.participants if may_see_participant(row.kol)]
	if len(visible) != len(doc.participants):
		doc.set("participants", visible)


def record_found_here(doc) -> None:
	"""A KOL found at this event gets a comment on its timeline, once per event."""
	before = doc.get_doc_before_save()
	already = {row.kol for row in (before.participants if before else []) if row.role == FOUND_HERE}
	for kol in sorted({row.kol for row in doc.participants if row.role == FOUND_HERE} - already):
		frappe.get_doc("KOL", kol).add_comment(
			"Info",
			_("Found at event {0} ({1}).").format(doc.event_name, frappe.format(doc.starts_on, "Date")),
		)
