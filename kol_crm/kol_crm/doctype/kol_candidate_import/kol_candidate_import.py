# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class KOLCandidateImport(Document):
	def validate(self):
		if self.import_file and not self.import_file.lower().endswith(".csv"):
			frappe.throw(
				_("Upload a .csv file (File > Save As > CSV in your spreadsheet)."), title=_("Invalid value")
			)
