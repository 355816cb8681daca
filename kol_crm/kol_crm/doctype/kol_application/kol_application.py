# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from kol_crm.intake import applications


class KOLApplication(Document):
	def before_insert(self):
		applications.check_submission(self)

	def validate(self):
		applications.validate_application(self)

	def after_insert(self):
		applications.enqueue_processing(self)
		applications.send_confirmation(self)
