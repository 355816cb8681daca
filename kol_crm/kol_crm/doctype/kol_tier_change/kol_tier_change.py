# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class KOLTierChange(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		changed_by: DF.Link | None
		changed_on: DF.Datetime | None
		from_tier: DF.Link | None
		kol: DF.Link
		kol_name: DF.Data | None
		overall_score: DF.Float
		pinned: DF.Check
		reason: DF.SmallText | None
		to_tier: DF.Link | None
	# end: auto-generated types
	pass
