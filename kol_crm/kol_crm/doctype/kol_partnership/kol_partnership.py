# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cstr

from kol_crm.deals.terms import (
	benefits_beyond,
	validate_benefits,
	validate_deliverables,
)
from kol_crm.intelligence import rules, violations
from kol_crm.permissions import is_restricted
from kol_crm.platform import attribution
from kol_crm.utils import validation as v

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
		created_without_proposal: DF.Check
		created_without_proposal_by: DF.Link | None
		currency: DF.Link | None
		deliverables: DF.Table[KOLDeliverable]
		end_date: DF.Date | None
		kol: DF.Link
		kol_name: DF.Data | None
		naming_series: DF.Literal["KOL-PART-.YYYY.-.#####"]
		no_proposal_reason: DF.SmallText | None
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
		self.validate_origin()
		self.validate_proposal()
		self.validate_status_change()
		rules.check_new_partnership(self)
		self.validate_rules_acknowledgement()
		validate_deliverables(self)
		validate_benefits(self)
		self.validate_benefits_within_terms()
		attribution.apply_results(self)  # results and revenue share due come from conversions
		violations.validate_partnership_rules(self)

	def validate_origin(self):
		"""A partnership comes from an accepted proposal; a KOL Manager may create one without,
		recorded with who and why. How it was created never changes afterwards."""
		before = self.get_doc_before_save()
		if before:
			if cstr(before.proposal) != cstr(self.proposal):
				v.invalid(_("The proposal of a partnership cannot be changed once it is saved."))
			for fieldname in (
				"created_without_proposal",
				"created_without_proposal_by",
				"no_proposal_reason",
			):
				self.set(fieldname, before.get(fieldname))
			return
		if self.proposal:
			self.update(
				{
					"created_without_proposal": 0,
					"created_without_proposal_by": None,
					"no_proposal_reason": None,
				}
			)
			return
		if is_restricted(frappe.session.user, "write"):
			frappe.throw(
				_(
					"A partnership comes from an accepted proposal: use Create Partnership on the KOL's accepted proposal. Only a KOL Manager can create a partnership without one."
				),
				frappe.PermissionError,
				title=_("Not permitted"),
			)
		self.no_proposal_reason = (self.no_proposal_reason or "").strip() or None
		if not self.no_proposal_reason:
			v.invalid(
				_(
					"{0} is required: a partnership without an accepted proposal is recorded with who created it and why."
				).format(v.label(self, "no_proposal_reason"))
			)
		self.created_without_proposal = 1
		self.created_without_proposal_by = frappe.session.user

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

	def validate_benefits_within_terms(self):
		"""Without a manager, the benefits never go beyond what was agreed: the accepted proposal's
		terms, or what is stored (set within them, or by a manager)."""
		if not is_restricted(frappe.session.user, "write"):
			return
		agreed = []
		if self.proposal:
			agreed.append(
				(
					frappe.db.get_value("KOL Proposal", self.proposal, "currency"),
					frappe.get_all(
						"KOL Benefit",
						filters={
							"parenttype": "KOL Proposal",
							"parent": self.proposal,
							"parentfield": "benefits",
						},
						fields=["benefit_type", "amount", "revenue_share_percent"],
					),
				)
			)
		if before := self.get_doc_before_save():
			agreed.append((before.currency, before.benefits))
		if not agreed:
			return  # a manager's partnership without a proposal (validate_origin)
		if reasons := benefits_beyond(self.currency, self.benefits, agreed):
			frappe.throw(
				"<br>".join(
					[
						_("Only a KOL Manager can give more than the accepted terms of this partnership:"),
						*reasons,
					]
				),
				title=_("Above the accepted terms"),
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
