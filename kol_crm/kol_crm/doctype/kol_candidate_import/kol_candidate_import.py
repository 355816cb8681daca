# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from kol_crm.intake import candidate_import


class KOLCandidateImport(Document):
	def validate(self):
		self.validate_import_file()
		candidate_import.overwrite_fields(self.overwrite_columns)

	def validate_import_file(self):
		if not self.import_file:
			return
		if not self.import_file.lower().endswith(".csv"):
			frappe.throw(
				_("Upload a .csv file (File > Save As > CSV in your spreadsheet)."), title=_("Invalid value")
			)
		if self.is_new() or self.has_value_changed("import_file"):
			# before Frappe attaches the file to this import (on_update), which it would do for any URL
			candidate_import.validate_import_file(self)
