# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.model.mapper import get_mapped_doc
from frappe.utils import nowdate

from kol_crm.deals import wants
from kol_crm.deals.terms import validate_benefits, validate_deliverables
from kol_crm.utils import validation as v
from kol_crm.workflows import kol_proposal as workflow


class KOLProposal(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from kol_crm.kol_crm.doctype.kol_benefit.kol_benefit import KOLBenefit
		from kol_crm.kol_crm.doctype.kol_deliverable.kol_deliverable import KOLDeliverable
		from kol_crm.kol_crm.doctype.kol_negotiation_round.kol_negotiation_round import KOLNegotiationRound

		benefits: DF.Table[KOLBenefit]
		budget: DF.Currency
		currency: DF.Link | None
		deliverables: DF.Table[KOLDeliverable]
		kol: DF.Link
		kol_name: DF.Data | None
		naming_series: DF.Literal["KOL-PROP-.YYYY.-.#####"]
		negotiation_rounds: DF.Table[KOLNegotiationRound]
		outcome: DF.Literal["", "Accepted", "Rejected", "Withdrawn"]
		outcome_on: DF.Date | None
		outcome_reason: DF.SmallText | None
		purpose: DF.Literal["Acquisition", "Activation", "Conversion"]
		terms_changed_by: DF.Link | None
		title: DF.Data
		valid_from: DF.Date | None
		valid_until: DF.Date | None
		workflow_state: DF.Link | None

	# end: auto-generated types
	def validate(self):
		v.validate_date_order(self, "valid_from", "valid_until")
		validate_deliverables(self)
		validate_benefits(self)
		wants.warn_on_mismatch(self)
		self.keep_negotiation_history()
		self.lock_terms()
		workflow.validate_transition(self)
		self.set_outcome()

	def keep_negotiation_history(self):
		"""Each offer and counter-offer is kept: saved rounds can't be edited or removed."""
		before = self.get_doc_before_save()
		if not before:
			return
		fields = ("round_date", "party", "channel", "offer", "budget")
		current = {row.name: row for row in self.negotiation_rounds}
		for old in before.negotiation_rounds:
			new = current.get(old.name)
			if not new or v.normalised(old, fields) != v.normalised(new, fields):
				v.invalid(
					_(
						"Negotiation round #{0} is part of the negotiation history and cannot be changed or removed; add a new round instead."
					).format(old.idx)
				)
		# new rounds always go after the existing ones
		old_names = [old.name for old in before.negotiation_rounds]
		added = [row for row in self.negotiation_rounds if row.name not in old_names]
		self.negotiation_rounds = [current[name] for name in old_names] + added
		for idx, row in enumerate(self.negotiation_rounds, 1):
			row.idx = idx

	def lock_terms(self):
		"""Terms are locked once submitted for approval (see kol_crm.workflows.kol_proposal);
		who changed them last is kept, for the approver to be someone else."""
		self.flags.reopened_from = None
		before = self.get_doc_before_save()
		if not before:
			self.terms_changed_by = frappe.session.user
			return
		changed = workflow.changed_terms(before, self)
		self.terms_changed_by = frappe.session.user if changed else before.terms_changed_by
		if not (state := workflow.reopen_state(before, self, changed)):
			return
		# the system's step back, whatever state the client asked for in the same save
		self.flags.reopened_from = before.workflow_state
		self.flags.reopen_note = workflow.reopen_note(before, changed)
		self.workflow_state = state
		frappe.msgprint(self.flags.reopen_note, title=_("Approval needed again"), indicator="orange")

	def validate_workflow(self):
		if self.flags.reopened_from:
			return  # back to Draft because the terms changed (lock_terms); not a user's transition
		if self.flags.portal_action:
			# the KOL's own action on the portal (kol_crm.portal.actions), a transition of the workflow
			workflow.validate_portal_action(self)
			return
		super().validate_workflow()

	def on_update(self):
		if self.flags.reopened_from:
			self.add_comment("Info", self.flags.reopen_note)

	def set_outcome(self):
		if self.workflow_state in workflow.CLOSED_STATES:
			self.outcome = self.workflow_state
			self.outcome_on = self.outcome_on or nowdate()
		else:
			self.outcome = None
			self.outcome_on = None


@frappe.whitelist()
def make_partnership(source_name: str, target_doc: Document | str | None = None) -> Document:
	"""Map an accepted proposal to a new KOL Partnership ("Create Partnership")."""
	proposal = frappe.get_doc("KOL Proposal", source_name)
	proposal.check_permission("read")
	frappe.has_permission("KOL Partnership", "create", throw=True)
	if proposal.workflow_state != "Accepted":
		frappe.throw(
			_("Only an accepted proposal can become a partnership; {0} is {1}.").format(
				frappe.bold(proposal.name), _(proposal.workflow_state)
			),
			title=_("Not accepted"),
		)
	if existing := frappe.db.exists("KOL Partnership", {"proposal": source_name}):
		frappe.throw(
			_("Proposal {0} already has partnership {1}.").format(
				frappe.bold(source_name), frappe.bold(existing)
			),
			title=_("Partnership exists"),
		)

	def set_missing(source, target):
		target.status = "Active"
		target.start_date = source.valid_from or nowdate()
		target.end_date = source.valid_until

	return get_mapped_doc(
		"KOL Proposal",
		source_name,
		{
			"KOL Proposal": {
				"doctype": "KOL Partnership",
				"field_map": {"name": "proposal"},
				"field_no_map": ["naming_series", "workflow_state"],
			},
			"KOL Deliverable": {"doctype": "KOL Deliverable"},
			"KOL Benefit": {"doctype": "KOL Benefit"},
		},
		target_doc,
		set_missing,
	)
