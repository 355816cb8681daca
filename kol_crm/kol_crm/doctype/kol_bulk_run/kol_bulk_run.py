# Copyright (c) 2026, kol_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class KOLBulkRun(Document):
	"""Written by ``kol_crm.outreach.bulk`` and ``kol_crm.utils.jobs`` only (read-only in the desk)."""

	pass
