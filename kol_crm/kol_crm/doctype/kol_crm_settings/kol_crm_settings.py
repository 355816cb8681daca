# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from kol_crm.intelligence import recompute
from kol_crm.utils import validation as v
from kol_crm.utils.settings import (
	COMPONENTS,
	EXTERNAL_WEIGHTS,
	INTERNAL_WEIGHTS,
	POSITIVE_DAYS,
	PURPOSE_FACTORS,
	PURPOSES,
	WEIGHT_FIELDS_CHANGING_SCORES,
)


class KOLCRMSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from kol_crm.kol_crm.doctype.kol_program_category.kol_program_category import KOLProgramCategory
		from kol_crm.kol_crm.doctype.kol_purpose_weight.kol_purpose_weight import KOLPurposeWeight

		activity_full_days: DF.Int
		activity_zero_days: DF.Int
		assumed_platform_overlap: DF.Percent
		competitor_keywords: DF.SmallText | None
		content_full_posts: DF.Int
		dormant_after_days: DF.Int
		engagement_full_rate: DF.Percent
		follow_up_days: DF.Int
		deliverable_lead_days: DF.Int
		inactivity_days: DF.Int
		minimum_fit_score: DF.Float
		internal_weight_activity: DF.Float
		internal_weight_content_quality: DF.Float
		internal_weight_engagement: DF.Float
		internal_weight_fit: DF.Float
		internal_weight_reach: DF.Float
		no_reply_attempts: DF.Int
		occasion_lead_days: DF.Int
		our_products: DF.SmallText | None
		overlap_warning_threshold: DF.Percent
		program_categories: DF.Table[KOLProgramCategory]
		purpose_weights: DF.Table[KOLPurposeWeight]
		reach_full_followers: DF.Int
		recompute_after: DF.Data | None
		recompute_changed: DF.Int
		recompute_done: DF.Int
		recompute_failed: DF.Int
		recompute_heartbeat: DF.Datetime | None
		recompute_progress: DF.Data | None
		recompute_run: DF.Data | None
		recompute_status: DF.Literal["", "Running", "Finished"]
		recompute_total: DF.Int
		scores_recomputed_on: DF.Datetime | None
		statement_period: DF.Literal["Monthly", "Quarterly"]
		suspension_days: DF.Int
		target_max_per_1000: DF.Float
		target_min_per_1000: DF.Float
		violation_window_days: DF.Int
		weight_activity: DF.Float
		weight_content_quality: DF.Float
		weight_engagement: DF.Float
		weight_fit: DF.Float
		weight_reach: DF.Float

	# end: auto-generated types
	def validate(self):
		self.keep_recompute_state()
		self.set_missing_defaults()
		self.validate_weights()
		self.validate_scales()
		self.validate_minimum_fit()
		self.validate_purpose_weights()
		self.validate_days()
		self.validate_pacing_band()
		self.validate_overlap()
		self.validate_program_categories()

	def on_update(self):
		before = self.get_doc_before_save()
		if before and any(_value(before, f) != _value(self, f) for f in WEIGHT_FIELDS_CHANGING_SCORES):
			recompute.enqueue_recompute()

	def keep_recompute_state(self):
		"""The recompute's checkpoint is the background job's: a form opened before a chunk
		finished must not write back the values it loaded."""
		self.update(recompute.read_state())
		self.scores_recomputed_on = frappe.db.get_single_value(
			"KOL CRM Settings", "scores_recomputed_on", cache=False
		)

	def set_missing_defaults(self):
		for df in self.meta.fields:
			if df.default is not None and self.get(df.fieldname) in (None, ""):
				self.set(df.fieldname, frappe.utils.cast(df.fieldtype, df.default))
		have = {row.purpose for row in self.purpose_weights}
		for purpose in PURPOSES:
			if purpose not in have:
				self.append("purpose_weights", {"purpose": purpose, **PURPOSE_FACTORS[purpose]})

	def validate_weights(self):
		for group, fields in (
			(_("External Intake"), EXTERNAL_WEIGHTS),
			(_("Internal Cultivation"), INTERNAL_WEIGHTS),
		):
			for fieldname in fields:
				if (self.get(fieldname) or 0) < 0:
					v.invalid(
						_("{0} weight {1} must not be negative (got {2}).").format(
							group, v.label(self, fieldname), self.get(fieldname)
						)
					)
			if sum(self.get(f) or 0 for f in fields) <= 0:
				v.invalid(_("The {0} score weights add up to 0; give at least one a weight.").format(group))

	def validate_scales(self):
		if (self.reach_full_followers or 0) < 10:
			v.invalid(_("{0} must be at least 10.").format(v.label(self, "reach_full_followers")))
		if not 0 < (self.engagement_full_rate or 0) <= 100:
			v.invalid(
				_("{0} must be more than 0 and at most 100.").format(v.label(self, "engagement_full_rate"))
			)
		if (self.activity_full_days or 0) < 0 or (self.activity_zero_days or 0) <= (
			self.activity_full_days or 0
		):
			v.invalid(
				_("{0} ({1}) must be more than {2} ({3}).").format(
					v.label(self, "activity_zero_days"),
					self.activity_zero_days,
					v.label(self, "activity_full_days"),
					self.activity_full_days,
				)
			)

	def validate_minimum_fit(self):
		if not 0 <= (self.minimum_fit_score or 0) <= 100:
			v.invalid(
				_("{0} must be between 0 and 100 (got {1}).").format(
					v.label(self, "minimum_fit_score"), self.minimum_fit_score
				)
			)

	def validate_purpose_weights(self):
		seen = set()
		for row in self.purpose_weights:
			if row.purpose in seen:
				v.invalid(_("Row {0}: {1} has more than one row of factors.").format(row.idx, _(row.purpose)))
			seen.add(row.purpose)
			for component in COMPONENTS:
				if (row.get(component) or 0) < 0:
					v.invalid(
						_("Row {0}: the {1} factor of {2} must not be negative (got {3}).").format(
							row.idx, v.label(row, component), _(row.purpose), row.get(component)
						)
					)
			if sum(row.get(c) or 0 for c in COMPONENTS) <= 0:
				v.invalid(_("Row {0}: the factors of {1} add up to 0.").format(row.idx, _(row.purpose)))

	def validate_days(self):
		for fieldname in POSITIVE_DAYS:
			if (self.get(fieldname) or 0) < 1:
				v.invalid(
					_("{0} must be 1 or more (got {1}).").format(
						v.label(self, fieldname), self.get(fieldname)
					)
				)
		for fieldname in ("occasion_lead_days", "deliverable_lead_days"):
			if (self.get(fieldname) or 0) < 0:
				v.invalid(_("{0} must not be negative.").format(v.label(self, fieldname)))

	def validate_pacing_band(self):
		if (self.target_min_per_1000 or 0) < 0 or (self.target_max_per_1000 or 0) <= (
			self.target_min_per_1000 or 0
		):
			v.invalid(
				_("{0} ({1}) must be more than {2} ({3}).").format(
					v.label(self, "target_max_per_1000"),
					self.target_max_per_1000,
					v.label(self, "target_min_per_1000"),
					self.target_min_per_1000,
				)
			)

	def validate_overlap(self):
		v.validate_percent(self, "overlap_warning_threshold")
		v.validate_percent(self, "assumed_platform_overlap")

	def validate_program_categories(self):
		seen = set()
		for row in self.program_categories:
			label = v.row_label(row)
			if row.category in seen:
				v.invalid(_("{0}Category {1} is listed twice.").format(label, frappe.bold(row.category)))
			seen.add(row.category)
			if row.audience_source == "Count of Records":
				if not row.audience_doctype:
					v.invalid(
						_("{0}Choose the DocType whose records are counted as the audience.").format(label)
					)
				try:
					filters = frappe.parse_json(row.audience_filters or "{}")
				except Exception:
					filters = None
				if not isinstance(filters, dict | list):
					v.invalid(_("{0}Count Filters must be a JSON object or list.").format(label))
			elif (row.audience_size or 0) < 0:
				v.invalid(_("{0}Audience Size must not be negative.").format(label))


@frappe.whitelist()
def recompute_scores() -> str:
	"""Queue a recompute of every KOL's scores and tier (KOL Manager only)."""
	if not (set(frappe.get_roles()) & {"KOL Manager", "System Manager"}):
		frappe.throw(_("Only a KOL Manager can recompute scores."), frappe.PermissionError)
	return recompute.enqueue_recompute()


def _value(doc, fieldname: str):
	"""A field's value to compare; a table's rows as plain values."""
	value = doc.get(fieldname)
	if isinstance(value, list):
		return [(row.get("purpose"), *(row.get(c) for c in COMPONENTS)) for row in value]
	return value
