app_name = "kol_crm"
app_title = "KOL CRM"
app_publisher = "kol_crm contributors"
app_description = (
	"KOL (influencer / creator) CRM: profiles, intake workflows, proposals, partnerships, interactions"
)
app_email = "kol_crm@example.com"
app_license = "mit"
required_apps = []

add_to_apps_screen = [
	{
		"name": "kol_crm",
		"logo": "/assets/kol_crm/images/kol-crm-logo.svg",
		"title": "KOL CRM",
		"route": "/app/kol-crm",
		"has_permission": "kol_crm.permissions.has_app_permission",
	}
]

export_python_type_annotations = True
# every whitelisted method is typed (Frappe 16 enforces it; tests/test_architecture.py checks it here)
require_type_annotated_api_methods = True

after_install = "kol_crm.setup.install.after_install"
after_migrate = "kol_crm.setup.install.after_migrate"
# what the app made outside its module goes on uninstall (kol_crm/setup/uninstall.py)
before_uninstall = "kol_crm.setup.uninstall.before_uninstall"
after_uninstall = "kol_crm.setup.uninstall.after_uninstall"

# The roles, workflows and the round-robin Assignment Rule are not fixtures (Frappe re-imports
# fixtures whole on every migrate): kol_crm.setup.records creates them when missing and keeps
# what an administrator configured on them.

# Only other apps' DocTypes: kol_crm's own DocTypes handle their events in their controllers.
doc_events = {
	"Communication": {"after_insert": "kol_crm.extends.communication.after_insert"},
	# the unsubscribe link of an email (Frappe's, signed) sets the KOL's Do Not Contact
	"Email Unsubscribe": {"after_insert": "kol_crm.extends.email_unsubscribe.after_insert"},
	"ToDo": {
		"validate": "kol_crm.extends.todo.validate",
		"after_insert": "kol_crm.extends.todo.after_insert",
	},
}

# With read_from_replica set, list views and reports read the replica only while it is fresh
# (kol_crm/utils/replica.py); a lagging, stopped or unreachable replica sends them to the primary.
before_request = ["kol_crm.utils.replica.guard_replica_reads"]
before_job = ["kol_crm.utils.replica.guard_replica_reads"]

# the portal's writes are stamped with the "KOL Portal" user (kol_crm/portal/actor.py), never a login
on_login = ["kol_crm.portal.actor.refuse_login"]
auth_hooks = ["kol_crm.portal.actor.refuse_api_request"]

# the Email Account pull notes automatic replies (out of office), which are no KOL's answer, and
# bounces: kol_crm/outreach/auto_replies.py, bounces.py. It adds a step to the pull, nothing else.
override_doctype_class = {"Email Account": "kol_crm.extends.email_account.KOLEmailAccount"}

# the KOL portal (kol_crm/www/kol/, kol_crm/portal/): one page per proposal and partnership
website_route_rules = [
	{"from_route": "/kol/proposals/<name>", "to_route": "kol/proposal"},
	{"from_route": "/kol/partnerships/<name>", "to_route": "kol/partnership"},
	# the published case studies: Frappe's web list of the DocType (kol_crm/casestudies/website.py)
	{"from_route": "/kol-case-studies", "to_route": "KOL Case Study"},
]

scheduler_events = {
	"daily": ["kol_crm.tasks.daily"],
	# drafts the settlement statements of the period that just ended (kol_crm/settlements)
	"monthly": ["kol_crm.tasks.draft_settlement_statements"],
	"hourly": [
		"kol_crm.tasks.send_sequence_steps",
		"kol_crm.tasks.process_received_applications",
		# emails Frappe gave up on while the mail server was down go back in the queue (outreach/outage.py)
		"kol_crm.tasks.requeue_unsent_email",
	],
	"cron": {
		"30 1 * * *": ["kol_crm.tasks.nightly_scores"],
		"*/5 * * * *": [
			"kol_crm.tasks.resume_stalled_recompute",
			# bulk actions and candidate imports whose job was lost (kol_crm/utils/jobs.py)
			"kol_crm.tasks.resume_stalled_runs",
		],
	},
}

# One permission model (kol_crm/permissions.py): KOLs, the records that hang off a KOL,
# operators' own imports, and every child table of these (rows follow their parent).
from kol_crm.permissions import LINKED_DOCTYPES as _LINKED

_CHILDREN = (
	"KOL Platform Account",
	"KOL Occasion",
	"KOL Privilege",
	"KOL Deliverable",
	"KOL Benefit",
	"KOL Negotiation Round",
	"KOL Partnership Rule",
	"KOL Application Platform",
	"KOL Candidate Import Row",
	"KOL Bulk Run Row",
	"KOL Content Version",
	"KOL Event Participant",
	"KOL Settlement Line",
	"KOL Case Study Content",
)

permission_query_conditions = {
	"KOL": "kol_crm.permissions.kol_query_conditions",
	"KOL Candidate Import": "kol_crm.permissions.own_record_query_conditions",
	"KOL Bulk Run": "kol_crm.permissions.own_record_query_conditions",
	**{dt: "kol_crm.permissions.linked_query_conditions" for dt in _LINKED},
	**{dt: "kol_crm.permissions.child_query_conditions" for dt in _CHILDREN},
}

has_permission = {
	"KOL": "kol_crm.permissions.has_kol_permission",
	"KOL Candidate Import": "kol_crm.permissions.has_own_record_permission",
	"KOL Bulk Run": "kol_crm.permissions.has_own_record_permission",
	**{dt: "kol_crm.permissions.has_linked_permission" for dt in _LINKED},
	# another app's DocType: emails of a KOL only for users who may read its personal fields
	"Communication": "kol_crm.permissions.has_communication_permission",
	"KOL Outreach Sequence": "kol_crm.permissions.has_sequence_permission",
	"KOL Event": "kol_crm.permissions.has_shared_record_permission",
	"KOL Community Group": "kol_crm.permissions.has_shared_record_permission",
}

# a KOL's portal login has no DocPerm: Frappe's print and PDF endpoints ask this for its own
# approved or paid settlement statements (the KOL downloads them on /kol/statements)
has_website_permission = {
	"KOL Settlement Statement": "kol_crm.permissions.has_statement_website_permission",
}

# kol_crm/overrides/: Frappe 15 endpoints that skip a row rule or a field rule, or take SQL
# from the client. Each checks its arguments and calls Frappe's own function. See docs/security.md.
override_whitelisted_methods = {
	"frappe.client.get_count": "kol_crm.overrides.client.get_count",
	"frappe.client.set_value": "kol_crm.overrides.client.set_value",
	"frappe.client.delete": "kol_crm.overrides.client.delete",
	"frappe.client.insert": "kol_crm.overrides.client.insert",
	"frappe.desk.search.search_widget": "kol_crm.overrides.search.search_widget",
	"frappe.desk.search.search_link": "kol_crm.overrides.search.search_link",
	"frappe.desk.listview.get_group_by_count": "kol_crm.overrides.listview.get_group_by_count",
	"frappe.desk.form.load.getdoc": "kol_crm.overrides.form_load.getdoc",
	"frappe.desk.form.load.get_docinfo": "kol_crm.overrides.form_load.get_docinfo",
	"frappe.desk.form.load.get_communications": "kol_crm.overrides.form_load.get_communications",
	"frappe.desk.like.toggle_like": "kol_crm.overrides.desk.toggle_like",
	"frappe.templates.includes.comments.comments.add_comment": "kol_crm.overrides.desk.add_comment",
	"frappe.desk.search.get_link_title": "kol_crm.overrides.desk.get_link_title",
	"frappe.core.api.file.get_attached_images": "kol_crm.overrides.desk.get_attached_images",
	"frappe.desk.form.assign_to.remove": "kol_crm.overrides.desk.remove",
	"frappe.desk.form.assign_to.remove_multiple": "kol_crm.overrides.desk.remove_multiple",
	"frappe.desk.form.assign_to.close": "kol_crm.overrides.desk.close",
	# a card moved on kol_crm's workflow boards runs the workflow action (guards and roles)
	"frappe.desk.doctype.kanban_board.kanban_board.update_order_for_single_card": (
		"kol_crm.overrides.kanban.update_order_for_single_card"
	),
	"frappe.desk.doctype.kanban_board.kanban_board.update_order": "kol_crm.overrides.kanban.update_order",
	# an email filed on a KOL by hand: both records checked, and it becomes the KOL's interaction
	"frappe.email.relink": "kol_crm.overrides.email.relink",
	# the public /kol-apply form answers every guest the same way
	"frappe.website.doctype.web_form.web_form.accept": "kol_crm.overrides.web_form.accept",
}
