# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

import frappe
from frappe.website.website_generator import WebsiteGenerator

from kol_crm.casestudies import build, privacy, website
from kol_crm.workflows import kol_case_study as workflow


class KOLCaseStudy(WebsiteGenerator):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from kol_crm.kol_crm.doctype.kol_case_study_content.kol_case_study_content import (
			KOLCaseStudyContent,
		)

		consent_evidence: DF.SmallText | None
		consent_recorded_by: DF.Link | None
		consent_recorded_on: DF.Date | None
		content: DF.Table[KOLCaseStudyContent]
		cost: DF.Currency
		currency: DF.Link | None
		kol: DF.Link | None
		kol_consented: DF.Check
		kol_name: DF.Data | None
		lessons: DF.TextEditor | None
		naming_series: DF.Literal["KOL-CS-.YYYY.-.#####"]
		partnership: DF.Link
		public_name: DF.Data | None
		published: DF.Check
		published_on: DF.Date | None
		purpose: DF.Data | None
		result_activated_users: DF.Int
		result_new_users: DF.Int
		result_paid_conversions: DF.Int
		result_revenue: DF.Currency
		roi: DF.Float
		route: DF.Data | None
		summary: DF.SmallText
		target_activated_users: DF.Int
		target_new_users: DF.Int
		target_paid_conversions: DF.Int
		title: DF.Data
		what_worked: DF.TextEditor | None
		workflow_state: DF.Link | None

	# end: auto-generated types
	website = frappe._dict(condition_field="published", page_title_field="title")

	def autoname(self):
		pass  # the naming series (WebsiteGenerator would name it after the title)

	def validate(self):
		build.validate_partnership(self)
		build.apply_partnership(self)
		build.sync_content(self)
		build.record_consent(self)
		workflow.validate_transition(self, privacy.personal_data_found(self))
		build.set_publication(self)

	def get_context(self, context):
		website.page_context(self, context)


def get_list_context(context=None):
	"""/kol-case-studies: Frappe's web list of this DocType (published case studies only)."""
	return website.list_context(context if context is not None else frappe._dict())
