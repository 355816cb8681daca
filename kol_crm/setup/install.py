"""Install, migrate and uninstall hooks."""

import frappe

from kol_crm.kol_crm.email_templates import ensure_email_templates, remove_email_templates
from kol_crm.workflows import all_definitions


def after_install() -> None:
	ensure_email_templates()


def after_migrate() -> None:
	ensure_email_templates()


def before_uninstall() -> None:
	remove_email_templates()
	for wf in all_definitions():
		frappe.delete_doc_if_exists("Workflow", wf.name, force=True)
	frappe.cache.hdel("workflow", "KOL")
	frappe.cache.hdel("workflow", "KOL Proposal")
