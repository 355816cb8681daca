"""The observation log: what someone on the team saw a KOL post, build or do, with its evidence."""

import frappe
from frappe import _
from frappe.utils import cstr, getdate, today

from kol_crm.permissions import is_restricted
from kol_crm.utils import validation as v


def validate(doc) -> None:
	doc.evidence = (doc.evidence or "").strip()
	if not doc.evidence:
		v.invalid(_("Evidence is required: describe what you observed."))
	v.validate_url(doc, "link")
	if doc.observed_on and getdate(doc.observed_on) > getdate(today()):
		v.invalid(
			_("Observed On ({0}) cannot be in the future.").format(frappe.format(doc.observed_on, "Date"))
		)
	validate_observer(doc)


def validate_observer(doc) -> None:
	"""An operator records observations in their own name; a KOL Manager may record them for anyone."""
	user = frappe.session.user
	before = doc.get_doc_before_save()
	allowed = (before and before.observer) or user
	doc.observer = doc.observer or allowed
	if doc.flags.ignore_permissions or not is_restricted(user, "write"):
		return
	if cstr(doc.observer) != cstr(allowed):
		frappe.throw(
			_("You can only record observations in your own name."),
			frappe.PermissionError,
			title=_("Not permitted"),
		)
