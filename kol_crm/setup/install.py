"""Install and migrate hooks (uninstall: ``kol_crm.setup.uninstall``)."""

import frappe

from kol_crm.portal.actor import ensure_actor
from kol_crm.setup.boards import ensure_boards
from kol_crm.setup.email_templates import ensure_email_templates
from kol_crm.setup.records import sync_records
from kol_crm.setup.rules import ensure_default_rules
from kol_crm.utils.settings import PURPOSES


def after_install() -> None:
	sync_records(on_install=True)
	ensure_actor()  # the portal's stamp (on a site installed before it: a patch)
	ensure_boards()
	ensure_email_templates()
	ensure_settings()
	ensure_default_rules()


def after_migrate() -> None:
	# created when missing; what an administrator configured on them is kept (see records.py)
	sync_records()
	ensure_boards()
	ensure_email_templates()
	ensure_settings()
	ensure_default_rules()


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
