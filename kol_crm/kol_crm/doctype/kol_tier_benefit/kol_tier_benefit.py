# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class KOLTierBenefit(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		benefit: DF.Data
		benefit_type: DF.Literal[
			"Privilege",
			"Cash",
			"Revenue Share",
			"Product",
			"Personal Brand",
			"Platform Support",
			"Traffic Exposure",
			"Endorsement",
		]
		description: DF.SmallText | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
	# end: auto-generated types
	pass
