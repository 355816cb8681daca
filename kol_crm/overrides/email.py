"""``frappe.email.relink``: the desk's Relink button on a Communication.

Frappe 15's endpoint files any Communication on any record by name, with no permission check,
and by SQL, so no document event runs. For kol_crm's guarded DocTypes (a KOL and what hangs off
it) this override checks both ends the way every other path does: read on the email, write on
the record it leaves and on the record it joins. Then it calls Frappe's function, and an email
attached to a KOL by hand (one from an address no KOL has) becomes its interaction, once.
"""

import frappe
from frappe import _
from frappe import email as frappe_email

from kol_crm.outreach import interactions
from kol_crm.overrides.desk import check_record, guarded


@frappe.whitelist()
def relink(name: str, reference_doctype: str | None = None, reference_name: str | None = None) -> None:
	current = frappe.db.get_value(
		"Communication", name, ["reference_doctype", "reference_name"], as_dict=True
	)
	if current is None:
		frappe.throw(_("Communication {0} not found").format(name), frappe.DoesNotExistError)
	if guarded(current.reference_doctype) or guarded(reference_doctype):
		check_record("Communication", name, "read")
		if guarded(current.reference_doctype) and current.reference_name:
			check_record(current.reference_doctype, current.reference_name, "write")
		if guarded(reference_doctype):
			check_record(reference_doctype, reference_name, "write")
	frappe_email.relink(name, reference_doctype, reference_name)
	interactions.on_communication(frappe.get_doc("Communication", name))
