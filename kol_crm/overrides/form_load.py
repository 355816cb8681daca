"""The form's timeline of kol_crm's records without personal data for users who may not read it.

``frappe.desk.form.load.getdoc`` / ``get_docinfo`` / ``get_communications`` return, with a
document, its Version history (old and new values of every changed field) and its emails
(sender, recipients, cc, bcc). For a KOL, or any record that hangs off one, those carry the
personal fields an analyst must never see. These overrides call Frappe's own method and then
mask, for a user without access to the KOL's personal fields, the protected values in versions
and the addresses (and the KOL's stored personal values) in emails. Other DocTypes, and users
who may read the personal fields, get exactly Frappe's response.
"""

import json

import frappe
from frappe.desk.form import load

from kol_crm.overrides.db_query import protected_fields
from kol_crm.permissions import guarded_doctypes, may_read_personal_fields, personal_fields

MASK = "•••"
ADDRESS_FIELDS = ("sender", "recipients", "cc", "bcc", "sender_full_name", "_user_tags")


@frappe.whitelist()
def getdoc(doctype: str, name: str, user: str | None = None) -> None:
	load.getdoc(doctype, name, user)
	mask_docinfo(doctype, name)


@frappe.whitelist()
def get_docinfo(doc: str | dict | None = None, doctype: str | None = None, name: str | None = None) -> None:
	load.get_docinfo(doc, doctype, name)
	info = frappe.response.get("docinfo") or {}
	mask_docinfo(info.get("doctype") or doctype, info.get("name") or name)


@frappe.whitelist()
def get_communications(doctype: str, name: str, start: int = 0, limit: int = 20) -> list:
	communications = load.get_communications(doctype, name, start, limit)
	if must_mask(doctype):
		mask_communications(communications, personal_values(doctype, name))
	return communications


def must_mask(doctype: str | None) -> bool:
	return bool(doctype) and doctype in guarded_doctypes() and not may_read_personal_fields()


def mask_docinfo(doctype: str | None, name: str | None) -> None:
	info = frappe.response.get("docinfo")
	if not info or not must_mask(doctype):
		return
	values = personal_values(doctype, name)
	hidden = protected_fields(doctype) | protected_fields("KOL")
	for version in info.get("versions") or []:
		version["data"] = mask_version_data(version.get("data"), hidden, values)
	for key in ("communications", "automated_messages"):
		mask_communications(info.get(key) or [], values)


def mask_version_data(data: str | None, hidden: set[str], values: set[str]) -> str | None:
	if not data:
		return data
	try:
		parsed = json.loads(data)
	except ValueError:
		return scrub(data, values)
	for row in parsed.get("changed") or []:
		if row and row[0] in hidden:
			row[1:] = [MASK for _value in row[1:]]
	return scrub(json.dumps(parsed), values)


def mask_communications(communications: list, values: set[str]) -> None:
	for c in communications:
		for fieldname in ADDRESS_FIELDS:
			if c.get(fieldname):
				c[fieldname] = MASK
		for fieldname in ("subject", "content"):
			if c.get(fieldname):
				c[fieldname] = scrub(c[fieldname], values)


def personal_values(doctype: str, name: str) -> set[str]:
	"""The stored personal values of the KOL behind ``doctype``/``name`` (to scrub from free text)."""
	kol = (
		name if doctype == "KOL" else frappe.db.get_value(doctype, name, "kol") if _has_kol(doctype) else None
	)
	if not kol:
		return set()
	fields = sorted(
		df.fieldname
		for df in frappe.get_meta("KOL").fields
		if df.permlevel and df.fieldtype != "Section Break"
	)
	row = frappe.db.get_value("KOL", kol, fields, as_dict=True) or {}
	return {str(v) for v in row.values() if v and len(str(v)) >= 4}


def _has_kol(doctype: str) -> bool:
	return frappe.get_meta(doctype).has_field("kol")


def scrub(text: str, values: set[str]) -> str:
	for value in sorted(values, key=len, reverse=True):
		text = text.replace(value, MASK)
	return text
