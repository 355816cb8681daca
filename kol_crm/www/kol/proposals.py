from frappe import _

from kol_crm.portal import views

no_cache = 1


def get_context(context):
	views.page_context(context, _("Proposals"))
	context.proposals = views.proposals()
