# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class KOLPrivilege(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		privilege: DF.Data | None
		privilege_type: DF.Data | None
		status: DF.Literal["Active", "Suspended", "Revoked"]
		tier: DF.Link | None
	# end: auto-generated types
	pass
