# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from kol_crm import permissions
from kol_crm.community import groups
from kol_crm.intelligence import (
	internal_first,
	overlap,
	pacing,
	reminders,
	reviews,
	rules,
	scoring,
	screening,
	selection,
	tiers,
)
from kol_crm.outreach import bounces, sequences
from kol_crm.outreach import email as outreach
from kol_crm.platform import referral_codes
from kol_crm.portal import invite as portal
from kol_crm.utils import validation as v
from kol_crm.utils.dedupe import find_duplicates
from kol_crm.utils.settings import get_settings
from kol_crm.workflows import kol_lifecycle, state_log


class KOL(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from kol_crm.kol_crm.doctype.kol_occasion.kol_occasion import KOLOccasion
		from kol_crm.kol_crm.doctype.kol_platform_account.kol_platform_account import KOLPlatformAccount
		from kol_crm.kol_crm.doctype.kol_privilege.kol_privilege import KOLPrivilege

		address: DF.SmallText | None
		agent_company: DF.Data | None
		agent_email: DF.Data | None
		agent_name: DF.Data | None
		agent_phone: DF.Data | None
		audience_portability: DF.Literal["", "Likely", "Possible", "Unlikely"]
		category: DF.Link | None
		conflict_flagged_by_screening: DF.Check
		conflict_of_interest: DF.Check
		conflict_override: DF.Check
		conflict_override_by: DF.Link | None
		conflict_override_reason: DF.SmallText | None
		conflict_reason: DF.SmallText | None
		content_quality_rating: DF.Rating
		cultivation_outcome: DF.SmallText | None
		declared_business: DF.SmallText | None
		display_name: DF.Data | None
		do_not_contact: DF.Check
		do_not_contact_on: DF.Date | None
		do_not_contact_reason: DF.SmallText | None
		email: DF.Data | None
		email_invalid: DF.Check
		email_invalid_on: DF.Date | None
		email_invalid_reason: DF.SmallText | None
		email_language: DF.Link | None
		fit_notes: DF.SmallText | None
		fit_override: DF.Check
		fit_override_by: DF.Link | None
		fit_override_reason: DF.SmallText | None
		fit_rating: DF.Rating
		follower_quality: DF.Literal["", "High", "Medium", "Low"]
		image: DF.AttachImage | None
		inactivity_review_closed_on: DF.Date | None
		inactivity_review_decision: DF.Literal["", "Keep Active"]
		inactivity_review_note: DF.SmallText | None
		inactivity_review_on: DF.Date | None
		influence_domains: DF.SmallText | None
		intake_path: DF.Literal["External Intake", "Internal Cultivation"]
		intake_purpose: DF.Literal["Acquisition", "Activation", "Conversion"]
		kol_name: DF.Data
		last_active_on_platform: DF.Date | None
		last_interaction_on: DF.Datetime | None
		naming_series: DF.Literal["KOL-.#####"]
		next_follow_up_on: DF.Date | None
		occasions: DF.Table[KOLOccasion]
		on_platform_content: DF.Int
		on_platform_followers: DF.Int
		on_platform_posts: DF.Int
		operator: DF.Link | None
		outreach_attempts_without_reply: DF.Int
		other_emails: DF.SmallText | None
		outreach_suggestion: DF.SmallText | None
		personality: DF.SmallText | None
		phone: DF.Data | None
		platform_account_id: DF.Data | None
		platform_accounts: DF.Table[KOLPlatformAccount]
		platform_user: DF.Link | None
		portal_user: DF.Link | None
		preferences: DF.SmallText | None
		privilege_status: DF.Literal["Active", "Suspended", "Revoked"]
		privilege_status_reason: DF.SmallText | None
		privileges: DF.Table[KOLPrivilege]
		privileges_suspended_until: DF.Date | None
		program_type: DF.Literal["Paid", "Unpaid"]
		score_activity: DF.Float
		score_content_quality: DF.Float
		score_engagement: DF.Float
		score_explanation: DF.SmallText | None
		score_fit: DF.Float
		score_overall: DF.Float
		score_reach: DF.Float
		score_unknown: DF.SmallText | None
		score_unknown_components: DF.Data | None
		scored_on: DF.Datetime | None
		source: DF.Literal[
			"", "Outreach", "Referral", "Self-nomination", "Community", "Event", "Agent", "Import", "Other"
		]
		strengths: DF.SmallText | None
		tier: DF.Link | None
		tier_pin_reason: DF.SmallText | None
		tier_pinned: DF.Check
		tier_reason: DF.SmallText | None
		total_followers: DF.Int
		wants_money: DF.Check
		wants_personal_brand: DF.Check
		wants_platform_support: DF.Check
		wants_traffic: DF.Check
		wechat: DF.Data | None
		workflow_state: DF.Link | None

	# end: auto-generated types
	def onload(self):
		self.set_onload("rules", rules.status(self.name))
		self.set_onload("internal_candidates", internal_first.form_hint(self))
		self.set_onload("community_groups", groups.form_data(self))
		self.set_onload("audience_overlap", pacing.overlap_hint(self))

	def before_insert(self):
		self.set_default_operator()

	def after_insert(self):
		state_log.log_first_state(self)
		internal_first.prompt(self)

	def validate(self):
		permissions.validate_kol_write(self)
		self.validate_contact_fields()
		self.validate_platform_accounts()
		self.set_total_followers()
		self.check_duplicates()
		self.screen_for_conflict()
		self.validate_conflict()
		selection.validate_fit_override(self)
		kol_lifecycle.validate_transition(self)
		self.update_scores_and_tier()
		self.update_privileges()
		self.check_review_and_follow_up()
		outreach.apply_do_not_contact(self)
		bounces.apply_email_change(self)
		portal.validate_portal_user(self)

	def on_update(self):
		state_log.log_state_change(self)
		tiers.log_changes(self)
		reviews.log_review(self)
		sequences.on_kol_update(self)
		referral_codes.on_privilege_change(self)
		groups.on_kol_update(self)
		portal.invite_accepted_applicant(self)

	def on_trash(self):
		state_log.delete_kol_changes(self.name)
		tiers.delete_kol_logs(self)
		rules.delete_kol_acknowledgements(self)
		groups.delete_kol_memberships(self)
		overlap.delete_kol_overlaps(self)

	def validate_workflow(self):
		# A new KOL starts in its intake path's first state; Frappe's own check would
		# insist on the workflow's first state (Identified) for both paths.
		if self.is_new():
			self.workflow_state = kol_lifecycle.initial_state(self.intake_path)
			return
		super().validate_workflow()

	def set_default_operator(self):
		if not self.operator and "KOL Operator" in frappe.get_roles():
			self.operator = frappe.session.user

	def validate_contact_fields(self):
		v.validate_email(self, "email")
		v.validate_email(self, "agent_email")
		v.validate_email_list(self, "other_emails")
		v.validate_phone(self, "phone")
		v.validate_wechat(self, "wechat")

	def validate_platform_accounts(self):
		seen = set()
		for row in self.platform_accounts:
			label = v.row_label(row)
			row.handle = v.normalise_handle(row.handle)
			if not row.handle:
				v.invalid(_("{0}Handle is required.").format(label))
			key = (row.platform, row.handle.lower())
			if key in seen:
				v.invalid(
					_("{0}{1} handle {2} is listed twice.").format(
						label, _(row.platform), frappe.bold(row.handle)
					)
				)
			seen.add(key)
			v.validate_url(row, "profile_url", label)
			v.validate_followers(row, "followers", label)
			v.validate_percent(row, "engagement_rate", label)

	def set_total_followers(self):
		self.total_followers = sum(row.followers or 0 for row in self.platform_accounts)
		if self.total_followers > v.MAX_TOTAL_FOLLOWERS:
			v.invalid(
				_("Total Followers ({0}) is more than {1}; check the platform accounts.").format(
					frappe.format(self.total_followers, "Int"), frappe.format(v.MAX_TOTAL_FOLLOWERS, "Int")
				)
			)

	def check_duplicates(self):
		if self.flags.dedupe_checked:
			return  # a bulk import checked the whole file at once (candidate_import.py)
		if messages := find_duplicates(self):
			frappe.throw("<br>".join(messages), title=_("Duplicate KOL"), exc=frappe.DuplicateEntryError)

	def validate_conflict(self):
		if self.conflict_of_interest and not (self.conflict_reason or "").strip():
			v.invalid(_("Conflict Reason is required when the KOL is flagged as a conflict of interest."))

	@property
	def settings(self):
		if not self.flags.kol_settings:
			self.flags.kol_settings = get_settings()
		return self.flags.kol_settings

	def screen_for_conflict(self):
		self.flags.kol_settings = get_settings()  # read once per save, fresh every save
		screening.apply_screening(self, self.settings)
		screening.validate_override(self)

	def update_scores_and_tier(self):
		if not self.flags.scores_applied:  # benchmarks.rescore.rescore_one scored it just before saving
			scoring.apply_scores(self, self.settings)
		tiers.validate_pin(self)
		tiers.assign_tier(self)

	def update_privileges(self):
		tiers.apply_state_privileges(self)
		tiers.sync_privileges(self)

	def check_review_and_follow_up(self):
		reviews.check_review(self)
		reminders.ensure_follow_up_date(self, self.settings)
		pacing.warn_if_oversupplied(self, self.settings)
		pacing.warn_if_overlapping(self, self.settings)


def on_doctype_update():
	"""Composite indexes for the reports and lists (KOL Pipeline, Inactive KOLs, operators' lists)."""
	frappe.db.add_index("KOL", ["intake_path", "workflow_state"])
	frappe.db.add_index("KOL", ["workflow_state", "last_active_on_platform"])
	frappe.db.add_index("KOL", ["operator", "workflow_state"])
