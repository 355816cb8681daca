"""Install, migrate and uninstall hooks."""

import frappe

from kol_crm.setup.boards import ensure_boards, remove_boards
from kol_crm.setup.email_templates import ensure_email_templates, remove_email_templates
from kol_crm.setup.records import sync_records
from kol_crm.utils.settings import PURPOSES
from kol_crm.workflows import all_definitions


def after_install() -> None:
	sync_records(on_install=True)
	ensure_boards()
	ensure_email_templates()
	ensure_settings()


def after_migrate() -> None:
	# created when missing; what an administrator configured on them is kept (see records.py)
	sync_records()
	ensure_boards()
	ensure_email_templates()
	ensure_settings()


def ensure_settings() -> None:
	"""Store the defaults of KOL CRM Settings fields never saved (and the purposes' factors), so
	the form shows the values in use."""
	stored = frappe.db.get_singles_dict("KOL CRM Settings")
	with_default = [df.fieldname for df in frappe.get_meta("KOL CRM Settings").fields if df.default]
	purposes = frappe.get_all("KOL Purpose Weight", filters={"parent": "KOL CRM Settings"}, pluck="purpose")
	if all(fieldname in stored for fieldname in with_default) and set(PURPOSES) <= set(purposes):
		return
	settings = frappe.get_single("KOL CRM Settings")
	settings.set_missing_defaults()
	settings.flags.ignore_permissions = True
	settings.save()


def before_uninstall() -> None:
	remove_email_templates()
	remove_boards()
	for wf in all_definitions():
		frappe.delete_doc_if_exists("Workflow", wf.name, force=True)
	# the round-robin rules for new KOLs (shipped one and its per-category copies) go with the KOL DocType
	for rule in frappe.get_all(
		"Assignment Rule", {"name": ("like", "KOL Operator Round Robin%")}, pluck="name"
	):
		frappe.delete_doc("Assignment Rule", rule, force=True, ignore_permissions=True)
	frappe.cache.hdel("workflow", "KOL")
	frappe.cache.hdel("workflow", "KOL Proposal")
	frappe.cache.hdel("workflow", "KOL Content")
