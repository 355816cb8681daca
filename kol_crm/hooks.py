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

after_install = "kol_crm.setup.install.after_install"
after_migrate = "kol_crm.setup.install.after_migrate"
before_uninstall = "kol_crm.setup.install.before_uninstall"

# Workflow, Workflow State, Workflow Action Master and Role have no module in v15:
# shipped as filtered fixtures (generated from kol_crm.workflows, see its docstring).
fixtures = [
	{"dt": "Role", "filters": [["role_name", "in", ["KOL Manager", "KOL Operator", "KOL Analyst"]]]},
	{"dt": "Workflow", "filters": [["name", "in", ["KOL Lifecycle", "KOL Proposal Approval"]]]},
	# round robin of new KOLs to operators; managers add the operators and enable it
	{"dt": "Assignment Rule", "filters": [["name", "in", ["KOL Operator Round Robin"]]]},
	{
		"dt": "Workflow State",
		"filters": [
			[
				"name",
				"in",
				[
					"Identified",
					"Shortlisted",
					"Contacting",
					"Negotiating",
					"Spotted",
					"Evaluating",
					"Cultivating",
					"Active",
					"Dormant",
					"Declined",
					"Dropped",
					"Offboarded",
					"Draft",
					"Pending Approval",
					"Approved",
					"Sent",
					"Countered",
					"Accepted",
					"Rejected",
					"Withdrawn",
				],
			]
		],
	},
	{
		"dt": "Workflow Action Master",
		"filters": [
			[
				"name",
				"in",
				[
					"Shortlist",
					"Start Outreach",
					"Start Negotiation",
					"Back to Outreach",
					"Activate",
					"Decline",
					"Evaluate",
					"Start Cultivation",
					"Drop",
					"Mark Dormant",
					"Reactivate",
					"Offboard",
					"Submit for Approval",
					"Approve",
					"Return to Draft",
					"Send",
					"Record Counter-offer",
					"Send Revised Offer",
					"Mark Accepted",
					"Mark Rejected",
					"Withdraw",
				],
			]
		],
	},
]

doc_events = {
	"Communication": {
		"after_insert": "kol_crm.kol_crm.interactions.on_communication",
	},
	"KOL Interaction": {
		"on_update": "kol_crm.kol_crm.reminders.on_interaction_change",
		"on_trash": "kol_crm.kol_crm.reminders.on_interaction_change",
		"after_insert": "kol_crm.kol_crm.sequences.on_interaction_insert",
	},
	"KOL": {
		"validate": "kol_crm.kol_crm.outreach.apply_do_not_contact",
		"on_update": "kol_crm.kol_crm.sequences.on_kol_update",
		"on_trash": "kol_crm.kol_crm.tiers.delete_kol_logs",
	},
	"KOL Tier": {
		"validate": "kol_crm.kol_crm.tiers.validate_tier_order",
		"on_update": "kol_crm.kol_crm.tiers.on_tier_update",
		"on_trash": "kol_crm.kol_crm.tiers.forget_tiers",
	},
	"KOL Partnership": {
		"validate": "kol_crm.kol_crm.violations.validate_partnership_rules",
	},
	"ToDo": {
		"after_insert": "kol_crm.kol_crm.assignment.set_operator_from_assignment_rule",
	},
}

scheduler_events = {
	"daily": ["kol_crm.tasks.daily"],
	"hourly": ["kol_crm.tasks.send_sequence_steps"],
	"cron": {"30 1 * * *": ["kol_crm.tasks.nightly_scores"]},
}

permission_query_conditions = {
	"KOL": "kol_crm.permissions.kol_query_conditions",
	"KOL Proposal": "kol_crm.permissions.linked_query_conditions",
	"KOL Partnership": "kol_crm.permissions.linked_query_conditions",
	"KOL Interaction": "kol_crm.permissions.linked_query_conditions",
	"KOL Tier Change": "kol_crm.permissions.linked_query_conditions",
	"KOL Reminder": "kol_crm.permissions.linked_query_conditions",
	"KOL Violation": "kol_crm.permissions.linked_query_conditions",
	"KOL Sequence Enrollment": "kol_crm.permissions.linked_query_conditions",
	"KOL Sequence Send": "kol_crm.permissions.linked_query_conditions",
}

has_permission = {
	"KOL": "kol_crm.permissions.has_kol_permission",
	"KOL Proposal": "kol_crm.permissions.has_linked_permission",
	"KOL Partnership": "kol_crm.permissions.has_linked_permission",
	"KOL Interaction": "kol_crm.permissions.has_linked_permission",
	"KOL Tier Change": "kol_crm.permissions.has_linked_permission",
	"KOL Reminder": "kol_crm.permissions.has_linked_permission",
	"KOL Violation": "kol_crm.permissions.has_linked_permission",
	"KOL Sequence Enrollment": "kol_crm.permissions.has_linked_permission",
	"KOL Sequence Send": "kol_crm.permissions.has_linked_permission",
	"KOL Outreach Sequence": "kol_crm.permissions.has_sequence_permission",
}

# kol_crm/overrides/client.py: permission-checked counts for kol_crm's DocTypes
override_whitelisted_methods = {
	"frappe.client.get_count": "kol_crm.overrides.client.get_count",
}
