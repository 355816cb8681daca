# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document

from kol_crm.intelligence import rules


class KOLRuleAcknowledgement(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		acknowledged_on: DF.Datetime | None
		evidence: DF.SmallText | None
		kol: DF.Link
		kol_name: DF.Data | None
		method: DF.Literal["Operator", "Signed Link", "Portal"]
		naming_series: DF.Literal["KOL-ACK-.YYYY.-.#####"]
		recorded_by: DF.Link | None
		rules_acknowledged: DF.SmallText | None
		rules_version: DF.Datetime | None
	# end: auto-generated types

	def validate(self):
		rules.validate_acknowledgement(self)

	def after_insert(self):
		rules.log_acknowledgement(self)
