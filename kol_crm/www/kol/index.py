from frappe import _

from kol_crm.intelligence import rules
from kol_crm.portal import views

no_cache = 1


def get_context(context):
	views.page_context(context, _("My KOL profile"))
	context.profile = views.profile()
	context.open_proposals = [p for p in views.proposals() if p.workflow_state in views.OPEN_PROPOSAL_STATES]
	context.partnerships = [p for p in views.partnerships() if p.status in views.OPEN_PARTNERSHIP_STATUSES]
	context.code_of_conduct = {
		"rules": [rules.translated(r) for r in rules.enabled_rules()],
		"acknowledged": rules.has_acknowledged(context.profile.name),
	}
