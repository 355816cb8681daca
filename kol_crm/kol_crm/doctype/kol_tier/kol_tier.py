# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


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

	def validate_rank(self):
		if self.rank is None or self.rank < 1:
			frappe.throw(_("Rank must be 1 or more (1 is the highest tier)."), title=_("Invalid value"))
		other = frappe.db.get_value("KOL Tier", {"rank": self.rank, "name": ("!=", self.name)})
		if other:
			frappe.throw(
				_("Rank {0} is already used by tier {1}.").format(self.rank, frappe.bold(other)),
				title=_("Invalid value"),
			)
