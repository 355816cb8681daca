# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt

from kol_crm.intelligence import recompute, tiers


class KOLTier(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from kol_crm.kol_crm.doctype.kol_tier_benefit.kol_tier_benefit import KOLTierBenefit
		from kol_crm.kol_crm.doctype.kol_tier_empowerment.kol_tier_empowerment import KOLTierEmpowerment

		benefits: DF.Table[KOLTierBenefit]
		description: DF.SmallText | None
		empowerment_methods: DF.Table[KOLTierEmpowerment]
		min_score: DF.Float
		rank: DF.Int
		tier_name: DF.Data

	# end: auto-generated types
	def validate(self):
		self.validate_rank()
		self.validate_order()

	def on_update(self):
		# thresholds or privileges changed: rescore in the background, refresh the privileges
		tiers.forget_tiers()
		before = self.get_doc_before_save()
		if before is None or flt(before.min_score) != flt(self.min_score):
			recompute.enqueue_recompute()
		tiers.refresh_privileges_of_tier(self.name)

	def on_trash(self):
		tiers.forget_tiers()

	def validate_rank(self):
		if self.rank is None or self.rank < 1:
			frappe.throw(_("Rank must be 1 or more (1 is the highest tier)."), title=_("Invalid value"))
		other = frappe.db.get_value("KOL Tier", {"rank": self.rank, "name": ("!=", self.name)})
		if other:
			frappe.throw(
				_("Rank {0} is already used by tier {1}.").format(self.rank, frappe.bold(other)),
				title=_("Invalid value"),
			)

	def validate_order(self):
		"""A better-ranked tier needs at least the same minimum score."""
		for other in frappe.get_all(
			"KOL Tier", filters={"name": ("!=", self.name)}, fields=["name", "rank", "min_score"]
		):
			better, worse = (other, self) if other.rank < self.rank else (self, other)
			if flt(better.min_score) < flt(worse.min_score):
				frappe.throw(
					_(
						"Minimum Score {0} of tier {1} is out of order: tier {2} (rank {3}) has minimum score {4}. A better rank needs a higher minimum score."
					).format(
						flt(self.min_score),
						frappe.bold(self.name or self.tier_name),
						frappe.bold(other.name),
						other.rank,
						flt(other.min_score),
					),
					title=_("Invalid value"),
				)
