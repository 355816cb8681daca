"""/kol-code-of-conduct?token=...: the rules a KOL was emailed, and the button that acknowledges
them (kol_crm/portal/code_of_conduct.py checks the signed token; a guest may open it)."""

import frappe
from frappe import _

from kol_crm.portal import code_of_conduct

no_cache = 1


def get_context(context):
	context.title = _("Code of Conduct")
	context.no_breadcrumbs = True
	context.update(code_of_conduct.page_context(frappe.form_dict.get("token")))
