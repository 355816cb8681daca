# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class KOLProgramCategory(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		audience_doctype: DF.Link | None
		audience_filters: DF.Code | None
		audience_size: DF.Int
		audience_source: DF.Literal["Typed", "Count of Records"]
		category: DF.Link
		our_business: DF.Check
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
	# end: auto-generated types
	pass
