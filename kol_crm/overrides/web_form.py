"""Override of Frappe's web form ``accept`` (hooks ``override_whitelisted_methods``).

Frappe returns the saved document to whoever submitted the form. For the public ``/kol-apply``
form that is a guest, and the document would tell them more than "received" (its name, and
once matched, which KOL holds their email or handle). Web forms on kol_crm's KOL Application
answer with ``applications.guest_response``, the same for every submission; every other web
form keeps Frappe's behaviour, rate limit included.
"""

import frappe
from frappe.website.doctype.web_form.web_form import accept as frappe_accept

from kol_crm.intake import applications


@frappe.whitelist(allow_guest=True)
def accept(web_form: str, data: str) -> dict:
	doc = frappe_accept(web_form, data)
	if frappe.db.get_value("Web Form", web_form, "doc_type") == "KOL Application":
		return applications.guest_response(doc)
	return doc
