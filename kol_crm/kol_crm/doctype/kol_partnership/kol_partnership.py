# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt

from kol_crm.kol_crm import validation as v
from kol_crm.kol_crm.benefits import revenue_share_percent, validate_benefits, validate_deliverables

FINAL_STATUSES = ("Completed", "Terminated")


class KOLPartnership(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from kol_crm.kol_crm.doctype.kol_benefit.kol_benefit import KOLBenefit
		from kol_crm.kol_crm.doctype.kol_deliverable.kol_deliverable import KOLDeliverable
		from kol_crm.kol_crm.doctype.kol_partnership_rule.kol_partnership_rule import KOLPartnershipRule

		acknowledged_rules: DF.Table[KOLPartnershipRule]
		benefits: DF.Table[KOLBenefit]
		currency: DF.Link | None
		deliverables: DF.Table[KOLDeliverable]
		end_date: DF.Date | None
		kol: DF.Link
		kol_name: DF.Data | None
		naming_series: DF.Literal["KOL-PART-.YYYY.-.#####"]
		proposal: DF.Link | None
		purpose: DF.Literal["Acquisition", "Activation", "Conversion"]
		result_activated_users: DF.Int
		result_new_users: DF.Int
		result_paid_conversions: DF.Int
		result_revenue: DF.Currency
		revenue_share_due: DF.Currency
		rules_acknowledged: DF.Check
		rules_acknowledged_on: DF.Date | None
		start_date: DF.Date
		status: DF.Literal["Active", "Paused", "Completed", "Terminated"]
		target_activated_users: DF.Int
		target_new_users: DF.Int
		target_paid_conversions: DF.Int
		target_revenue: DF.Currency

	# end: auto-generated types
	def validate(self):
		v.validate_date_order(self, "start_date", "end_date")
		self.validate_proposal()
		self.validate_status_change()
		self.validate_rules_acknowledgement()
		validate_deliverables(self)
		validate_benefits(self)
		self.set_revenue_share_due()

	def validate_proposal(self):
		if not self.proposal:
			return
		state, kol = frappe.db.get_value("KOL Proposal", self.proposal, ["workflow_state", "kol"])
		if state != "Accepted":
			v.invalid(
				_("Proposal {0} is {1}; only an accepted proposal can back a partnership.").format(
					frappe.bold(self.proposal), _(state)
				)
			)
		if kol != self.kol:
			v.invalid(_("Proposal {0} belongs to another KOL ({1}).").format(frappe.bold(self.proposal), kol))
		other = frappe.db.get_value("KOL Partnership", {"proposal": self.proposal, "name": ("!=", self.name)})
		if other:
			v.invalid(
				_("Proposal {0} already has partnership {1}.").format(
					frappe.bold(self.proposal), frappe.bold(other)
				)
			)

	def validate_status_change(self):
		before = self.get_doc_before_save()
		if before and before.status in FINAL_STATUSES and self.status != before.status:
			v.invalid(
				_("A {0} partnership cannot be set to {1}; start a new partnership instead.").format(
					_(before.status), _(self.status)
				)
			)

	def validate_rules_acknowledgement(self):
		if self.rules_acknowledged and not self.rules_acknowledged_on:
			v.invalid(_("Acknowledged On is required when the KOL acknowledged the rules."))
		if not self.rules_acknowledged:
			self.rules_acknowledged_on = None

	def set_revenue_share_due(self):
		self.revenue_share_due = flt(self.result_revenue) * revenue_share_percent(self) / 100
