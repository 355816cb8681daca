from frappe import _

from kol_crm.portal import statements, views

no_cache = 1


def get_context(context):
	views.page_context(context, _("Statements"))
	context.statements = statements.statements()
