# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import add_days, cstr, get_datetime, getdate, now_datetime

from kol_crm.intelligence import reminders
from kol_crm.outreach import sequences
from kol_crm.outreach.interactions import refresh_kol_follow_up
from kol_crm.permissions import is_restricted
from kol_crm.utils import validation as v


class KOLInteraction(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		communication: DF.Link | None
		direction: DF.Literal["Outbound", "Inbound"]
		interaction_on: DF.Datetime
		interaction_type: DF.Literal[
			"Email", "Call", "Meeting", "WeChat", "DM", "Community Event", "Gift", "Other"
		]
		kol: DF.Link
		kol_name: DF.Data | None
		name: DF.Int | None
		next_follow_up_on: DF.Date | None
		operator: DF.Link | None
		outcome: DF.SmallText | None
		partnership: DF.Link | None
		proposal: DF.Link | None
		summary: DF.SmallText

	# end: auto-generated types
	def before_insert(self):
		self.operator = self.operator or frappe.session.user

	def validate(self):
		self.validate_operator()
		self.validate_dates()
		self.validate_links()

	def after_insert(self):
		sequences.on_interaction_insert(self)

	def on_update(self):
		refresh_kol_follow_up(self.kol)
		before = self.get_doc_before_save()
		if before and before.kol != self.kol:
			refresh_kol_follow_up(before.kol)
		reminders.on_interaction_change(self)

	def on_trash(self):
		self.flags.kol_to_refresh = self.kol
		reminders.on_interaction_change(self)

	def after_delete(self):
		refresh_kol_follow_up(self.flags.kol_to_refresh)

	def validate_operator(self):
		"""An operator logs interactions in their own name; a KOL Manager may log them for anyone."""
		if self.flags.ignore_permissions:
			return  # the system records it (an email in or out, interactions.on_communication)
		user = frappe.session.user
		if not is_restricted(user, "write"):
			return
		before = self.get_doc_before_save()
		if before and before.operator:
			allowed = before.operator  # an interaction is never handed to someone else
		else:
			allowed = user  # new, or logged before operators were recorded
		if cstr(self.operator) != cstr(allowed) and not (
			before and cstr(self.operator) == cstr(before.operator)
		):
			frappe.throw(
				_("Log interactions in your own name: Operator must stay {0}.").format(frappe.bold(allowed)),
				frappe.PermissionError,
				title=_("Not permitted"),
			)

	def validate_dates(self):
		when = get_datetime(self.interaction_on or now_datetime())
		if when > add_days(now_datetime(), 1):
			v.invalid(_("When ({0}) is in the future; log an interaction once it has happened.").format(when))
		if self.next_follow_up_on and getdate(self.next_follow_up_on) < getdate(when):
			v.invalid(
				_("Next Follow-up ({0}) cannot be before the interaction itself ({1}).").format(
					frappe.format(self.next_follow_up_on, "Date"), frappe.format(when.date(), "Date")
				)
			)

	def validate_links(self):
		for doctype, fieldname in (("KOL Proposal", "proposal"), ("KOL Partnership", "partnership")):
			name = self.get(fieldname)
			if name and frappe.db.get_value(doctype, name, "kol") != self.kol:
				v.invalid(_("{0} {1} belongs to another KOL.").format(_(doctype), frappe.bold(name)))


def on_doctype_update():
	"""Composite indexes for the reports and charts, covering so that they read no table rows:
	a KOL's interactions by date with type and operator (follow-ups, an operator's own KOLs),
	activity by date, and by operator and date. They replace the single-column indexes on kol,
	interaction_on and operator, which are their prefixes."""
	frappe.db.add_index("KOL Interaction", ["kol", "interaction_on", "interaction_type", "operator"])
	frappe.db.add_index("KOL Interaction", ["interaction_on", "operator", "interaction_type", "kol"])
	frappe.db.add_index("KOL Interaction", ["operator", "interaction_on"])
