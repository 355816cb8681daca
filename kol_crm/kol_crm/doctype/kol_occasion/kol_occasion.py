# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class KOLOccasion(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		note: DF.SmallText | None
		occasion: DF.Data
		occasion_date: DF.Date
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		repeats_yearly: DF.Check
	# end: auto-generated types
	pass
