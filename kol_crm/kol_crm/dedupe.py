"""Find KOLs that already hold an email, phone, WeChat ID or platform handle."""

import frappe
from frappe import _
from frappe.query_builder.functions import Lower

from kol_crm.kol_crm.validation import normalise_handle

CONTACT_KEYS = ("email", "phone", "wechat")


def find_matches(doc) -> list[frappe._dict]:
	"""Other KOLs sharing one of ``doc``'s keys: dicts of kol, kol_name, key (field or platform), value.

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
			matches.append(frappe._dict(kol=other[0], kol_name=other[1], key=key, value=value))

	handles = {
		(row.platform, normalise_handle(row.handle).lower()) for row in doc.get("platform_accounts") or []
	}
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
			frappe._dict(kol=r.name, kol_name=r.kol_name, key=r.platform, value=r.handle)
			for r in rows
			if (r.platform, r.handle.lower()) in handles
		)
	return matches


def describe(match, doctype_meta=None) -> str:
	meta = doctype_meta or frappe.get_meta("KOL")
	if match.key in CONTACT_KEYS:
		what = _("{0} {1}").format(_(meta.get_label(match.key)), frappe.bold(match.value))
	else:
		what = _("{0} handle {1}").format(_(match.key), frappe.bold(match.value))
	return _("{0} already belongs to KOL {1} ({2}).").format(what, frappe.bold(match.kol), match.kol_name)


def find_duplicates(doc) -> list[str]:
	"""Messages naming each KOL (other than ``doc``) that already has one of doc's keys."""
	return [describe(m) for m in find_matches(doc)]
