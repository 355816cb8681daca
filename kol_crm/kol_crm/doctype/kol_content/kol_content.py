# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe import _
from frappe.model.document import Document

from kol_crm.content import notify, review
from kol_crm.workflows import kol_content as workflow


class KOLContent(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from kol_crm.kol_crm.doctype.kol_content_version.kol_content_version import KOLContentVersion

		approved_by: DF.Link | None
		approved_on: DF.Datetime | None
		attachment: DF.Attach | None
		body: DF.LongText | None
		comments: DF.Int
		current_version: DF.Int
		deliverable: DF.Data
		deliverable_description: DF.Data | None
		due_date: DF.Date | None
		engagement_rate: DF.Percent
		kol: DF.Link
		kol_name: DF.Data | None
		likes: DF.Int
		link: DF.Data | None
		live_url: DF.Data | None
		measured_on: DF.Date | None
		naming_series: DF.Literal["KOL-CONT-.YYYY.-.#####"]
		partnership: DF.Link
		published_on: DF.Date | None
		reviewed_by: DF.Link | None
		reviewed_on: DF.Datetime | None
		reviewer_comment: DF.SmallText | None
		shares: DF.Int
		submitted_by: DF.Link | None
		submitted_on: DF.Datetime | None
		submitted_via: DF.Literal["", "Portal", "Desk"]
		title: DF.Data
		versions: DF.Table[KOLContentVersion]
		views: DF.Int
		workflow_state: DF.Link | None

	# end: auto-generated types
	def validate(self):
		review.check_deliverable(self)
		review.keep_system_fields(self)
		review.validate_values(self)
		review.lock_fields(self)
		review.check_attachment(self)
		workflow.validate_transition(self)
		review.apply_transition(self, "Portal" if self.flags.portal_action is not None else "Desk")
		review.set_engagement_rate(self)

	def validate_workflow(self):
		if self.flags.portal_action is not None:
			# the KOL's own action on the portal (kol_crm.portal.actions): checked on the stored state
			workflow.validate_portal_action(self)
			return
		super().validate_workflow()

	def on_update(self):
		_from_state, to_state = self.flags.content_transition or (None, None)
		if not to_state:
			return
		if to_state == workflow.SUBMITTED and self.flags.portal_action is not None:
			self.add_comment(
				"Info", _("The KOL submitted version {0} on the portal.").format(self.current_version)
			)
			notify.notify_reviewer(self)
		if to_state == workflow.PUBLISHED:
			review.mark_delivered(self)
		notify.notify_kol(self, to_state)
