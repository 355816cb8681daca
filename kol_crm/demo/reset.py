"""``reset=True``: the demo records go, with everything linked to them; the demo users stay."""

import frappe
from frappe.model.delete_doc import delete_dynamic_links
from frappe.utils.nestedset import NestedSetChildExistsError

from kol_crm.demo.common import demo_kols
from kol_crm.demo.community import demo_groups
from kol_crm.demo.mail import remove_demo_mail
from kol_crm.demo.masters import CATEGORIES, TIERS


def remove_demo_data() -> None:
	"""Delete the demo KOLs with everything linked to them, then unused demo tiers and categories.

	Demo users are kept (they may own log entries); ``ensure_users`` resets them.
	"""
	kols = demo_kols()
	# what the platform sent the demo, the events of users who are no KOL included
	frappe.db.delete("KOL Platform Event", {"event_id": ("like", "demo-%")})
	if kols:
		for name in demo_events(kols):  # they name the demo KOLs in their participant rows
			_delete("KOL Event", name)
		for doctype, fieldname in _doctypes_linking_kol():
			for name in frappe.get_all(doctype, filters={fieldname: ("in", kols)}, pluck="name"):
				_delete(doctype, name)
		remove_demo_mail(kols)  # the emails (Frappe would only unlink them from the KOLs)
		for name in kols:
			_delete("KOL", name)
	for name in demo_groups():  # their members went with the demo KOLs
		_delete_if_unused("KOL Community Group", name)
	for tier in TIERS:
		_delete_if_unused("KOL Tier", tier.name)
	for domain, (_description, niches) in CATEGORIES.items():
		for name in (*niches, domain):
			_delete_if_unused("KOL Category", name)


def demo_events(kols: list[str]) -> list[str]:
	"""KOL Events with a demo KOL among their participants."""
	if not kols:
		return []
	return frappe.get_all(
		"KOL Event Participant",
		filters={"parenttype": "KOL Event", "kol": ("in", kols)},
		pluck="parent",
		distinct=True,
		ignore_permissions=True,
	)


def _delete(doctype: str, name: str) -> None:
	frappe.delete_doc(doctype, name, force=True, ignore_permissions=True, delete_permanently=True)
	# frappe leaves comments, versions etc. to a background job; the demo may run without a worker
	delete_dynamic_links(doctype, name)


def _delete_if_unused(doctype: str, name: str) -> None:
	"""Delete a demo tier or category unless records outside the demo still use it."""
	if not frappe.db.exists(doctype, name):
		return
	frappe.db.savepoint("kol_demo_delete")
	try:
		_delete_checked(doctype, name)
	except (frappe.LinkExistsError, NestedSetChildExistsError):
		frappe.db.rollback(save_point="kol_demo_delete")


def _delete_checked(doctype: str, name: str) -> None:
	frappe.delete_doc(doctype, name, ignore_permissions=True, delete_permanently=True)
	delete_dynamic_links(doctype, name)


def _doctypes_linking_kol() -> list[tuple[str, str]]:
	"""(doctype, field) of every stored DocType with a Link to KOL; interactions, partnerships, proposals last."""
	last = [("KOL Interaction", "kol"), ("KOL Partnership", "kol"), ("KOL Proposal", "kol")]
	fields = frappe.get_all(
		"DocField", filters={"fieldtype": "Link", "options": "KOL"}, fields=["parent", "fieldname"]
	)
	fields += frappe.get_all(
		"Custom Field", filters={"fieldtype": "Link", "options": "KOL"}, fields=["dt as parent", "fieldname"]
	)
	others = []
	for f in fields:
		meta = frappe.get_meta(f.parent)
		if (f.parent, f.fieldname) not in last and not (meta.istable or meta.issingle or meta.is_virtual):
			others.append((f.parent, f.fieldname))
	return others + last
