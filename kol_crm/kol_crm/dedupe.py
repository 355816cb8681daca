"""Find KOLs that already hold an email, phone, WeChat ID or platform handle."""

import frappe
from frappe import _
from frappe.query_builder.functions import Lower

from kol_crm.kol_crm.validation import normalise_handle

CONTACT_KEYS = ("email", "phone", "wechat")


def find_duplicates(doc) -> list[str]:
	"""Messages naming each KOL (other than ``doc``) that already has one of doc's keys."""
	messages = []
	for key in CONTACT_KEYS:
		value = doc.get(key)
		if not value:
			continue
		other = frappe.db.get_value("KOL", {key: value, "name": ("!=", doc.name or "")}, ["name", "kol_name"])
		if other:
			messages.append(
				_("{0} {1} already belongs to KOL {2} ({3}).").format(
					_(doc.meta.get_label(key)), frappe.bold(value), frappe.bold(other[0]), other[1]
				)
			)

	handles = {
		(row.platform, normalise_handle(row.handle).lower()) for row in doc.get("platform_accounts") or []
	}
	if handles:
		acc = frappe.qb.DocType("KOL Platform Account")
		kol = frappe.qb.DocType("KOL")
		rows = (
			frappe.qb.from_(acc)
			.join(kol)
			.on(kol.name == acc.parent)
			.select(acc.platform, acc.handle, kol.name, kol.kol_name)
			.where(acc.parenttype == "KOL")
			.where(acc.parent != (doc.name or ""))
			.where(Lower(acc.handle).isin([h for _p, h in handles]))
			.run(as_dict=True)
		)
		for r in rows:
			if (r.platform, r.handle.lower()) in handles:
				messages.append(
					_("{0} handle {1} already belongs to KOL {2} ({3}).").format(
						_(r.platform), frappe.bold(r.handle), frappe.bold(r.name), r.kol_name
					)
				)
	return messages
