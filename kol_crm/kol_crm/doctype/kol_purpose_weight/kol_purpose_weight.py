# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class KOLPurposeWeight(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		activity: DF.Float
		content_quality: DF.Float
		engagement: DF.Float
		fit: DF.Float
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		purpose: DF.Literal["Acquisition", "Activation", "Conversion"]
		reach: DF.Float
	# end: auto-generated types
	pass
