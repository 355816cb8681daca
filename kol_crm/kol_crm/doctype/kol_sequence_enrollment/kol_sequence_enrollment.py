# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import add_days, now_datetime, nowdate

from kol_crm.outreach import sequences
from kol_crm.permissions import is_restricted


class KOLSequenceEnrollment(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		current_step: DF.Int
		kol: DF.Link
		kol_name: DF.Data | None
		last_sent_on: DF.Datetime | None
		next_send_on: DF.Date | None
		operator: DF.Link | None
		sequence: DF.Link
		status: DF.Literal["Active", "Stopped", "Completed"]
		stopped_on: DF.Datetime | None
		stopped_reason: DF.SmallText | None

	# end: auto-generated types
	def before_insert(self):
		self.status = "Active"
		self.current_step = 0
		self.operator = (
			self.operator or frappe.db.get_value("KOL", self.kol, "operator") or frappe.session.user
		)
		steps = sequences.get_sequence(self.sequence, check_enabled=True).steps
		first_wait = (steps[0].wait_days or 0) if steps else 0
		self.next_send_on = self.next_send_on or add_days(nowdate(), first_wait)

	def validate(self):
		self.check_operator()
		self.check_can_enroll()
		self.record_stop()

	def check_operator(self):
		"""Emails go out as the operator: an operator may name only themselves or the KOL's owner."""
		if not (self.is_new() or self.has_value_changed("operator")):
			return
		user = frappe.session.user
		allowed = {user, frappe.db.get_value("KOL", self.kol, "operator")}
		if self.operator not in allowed and is_restricted(user, "write"):
			frappe.throw(
				_("Only a KOL Manager can have sequence emails sent as {0}.").format(self.operator),
				frappe.PermissionError,
			)

	def check_can_enroll(self):
		"""A new or resumed enrolment needs a KOL that may be contacted and is in intake."""
		if self.status != "Active" or not (self.is_new() or self.has_value_changed("status")):
			return
		kol = frappe.get_doc("KOL", self.kol)
		if reason := sequences.enrollment_block_reason(kol, self.sequence, ignore=self.name):
			frappe.throw(
				_("{0} cannot be enrolled: {1}").format(frappe.bold(kol.kol_name), reason),
				title=_("Cannot enroll"),
			)
		if not self.is_new():
			self.stopped_reason = self.stopped_on = None
			self.next_send_on = max(str(self.next_send_on or nowdate()), nowdate())

	def record_stop(self):
		if self.status == "Stopped" and self.has_value_changed("status"):
			self.stopped_on = now_datetime()
			if not (self.stopped_reason or "").strip():
				self.stopped_reason = _("Stopped by {0}").format(frappe.session.user)
			self.next_send_on = None
