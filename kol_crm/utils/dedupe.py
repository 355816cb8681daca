"""Find KOLs that already hold an email, phone, WeChat ID or platform handle.

Messages about a match name the KOL (and show its stored values) only to a user who may read
that KOL; anyone else learns only that the value is taken (``hidden_duplicate``).
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Lower

from kol_crm.permissions import can_access_kol
from kol_crm.utils.validation import normalise_handle

CONTACT_KEYS = ("email", "phone", "wechat")


def find_matches(doc) -> list[frappe._dict]:
	"""Other KOLs sharing one of ``doc``'s keys: dicts of kol, kol_name, key (field or platform),
	value (as the KOL has it) and given (as ``doc`` has it).

	``doc`` is a KOL or anything with the same fields (email, phone, wechat, platform_accounts).
	"""
	own_name = doc.name if doc.doctype == "KOL" and doc.name else ""
	matches = []
	for key in CONTACT_KEYS:
		value = doc.get(key)
		if not value:
			continue
		other = frappe.db.get_value("KOL", {key: value, "name": ("!=", own_name)}, ["name", "kol_name"])
		if other:
			matches.append(frappe._dict(kol=other[0], kol_name=other[1], key=key, value=value, given=value))

	given = {
		(row.platform, normalise_handle(row.handle).lower()): normalise_handle(row.handle)
		for row in doc.get("platform_accounts") or []
	}
	handles = set(given)
	handles.discard((None, ""))
	if handles:
		acc = frappe.qb.DocType("KOL Platform Account")
		kol = frappe.qb.DocType("KOL")
		rows = (
			frappe.qb.from_(acc)
			.join(kol)
			.on(kol.name == acc.parent)
			.select(acc.platform, acc.handle, kol.name, kol.kol_name)
			.where(acc.parenttype == "KOL")
			.where(acc.parent != own_name)
			.where(Lower(acc.handle).isin([h for _p, h in handles]))
			.run(as_dict=True)
		)
		matches.extend(
			frappe._dict(
				kol=r.name,
				kol_name=r.kol_name,
				key=r.platform,
				value=r.handle,
				given=given[(r.platform, r.handle.lower())],
			)
			for r in rows
			if (r.platform, r.handle.lower()) in handles
		)
	return matches


def hidden_duplicate(what: str) -> str:
	"""The message for a match the user may not read: the value they gave, nothing of the KOL."""
	return _("{0}: duplicate of an existing KOL you don't have access to.").format(what)


def describe(match, doctype_meta=None, user: str | None = None) -> str:
	meta = doctype_meta or frappe.get_meta("KOL")
	readable = can_access_kol(match.kol, user or frappe.session.user)
	value = frappe.bold(match.value if readable else match.get("given") or match.value)
	if match.key in CONTACT_KEYS:
		what = _("{0} {1}").format(_(meta.get_label(match.key)), value)
	else:
		what = _("{0} handle {1}").format(_(match.key), value)
	if not readable:
		return hidden_duplicate(what)
	return _("{0} already belongs to KOL {1} ({2}).").format(what, frappe.bold(match.kol), match.kol_name)


def find_duplicates(doc, user: str | None = None) -> list[str]:
	"""A message for each KOL (other than ``doc``) that already has one of doc's keys, naming the
	KOL only when ``user`` (default: the session user) may read it."""
	return [describe(m, user=user) for m in find_matches(doc)]
