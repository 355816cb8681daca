import frappe
from frappe import _

from kol_crm.portal import views

no_cache = 1


def get_context(context):
	views.page_context(context, _("Partnership"))
	context.partnership = views.partnership(frappe.form_dict.name)
	context.title = _("Partnership {0}").format(context.partnership.name)
