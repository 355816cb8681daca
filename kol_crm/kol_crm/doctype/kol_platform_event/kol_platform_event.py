# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class KOLPlatformEvent(Document):
	"""Stored by kol_crm.platform.events (the platform's endpoint) only; read-only for people."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amount: DF.Currency
		answers: DF.Int
		attribution: DF.Literal["", "Attributed", "Not Attributed"]
		attribution_note: DF.SmallText | None
		conversion_type: DF.Literal["", "New User", "Activated", "Paid"]
		currency: DF.Link | None
		customer_ref: DF.Data | None
		event_id: DF.Data
		event_type: DF.Literal["Activity", "Conversion"]
		followers: DF.Int
		kol: DF.Link | None
		kol_name: DF.Data | None
		last_active_on: DF.Date | None
		name: DF.Int | None
		occurred_on: DF.Datetime
		partnership: DF.Link | None
		payload: DF.Code | None
		platform_user_id: DF.Data | None
		platform_user_name: DF.Data | None
		posts: DF.Int
		received_on: DF.Datetime | None
		referral_code: DF.Link | None
	# end: auto-generated types
	pass
