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
}

permission_query_conditions = {
	"KOL": "kol_crm.permissions.kol_query_conditions",
	"KOL Proposal": "kol_crm.permissions.linked_query_conditions",
	"KOL Partnership": "kol_crm.permissions.linked_query_conditions",
	"KOL Interaction": "kol_crm.permissions.linked_query_conditions",
}

has_permission = {
	"KOL": "kol_crm.permissions.has_kol_permission",
	"KOL Proposal": "kol_crm.permissions.has_linked_permission",
	"KOL Partnership": "kol_crm.permissions.has_linked_permission",
	"KOL Interaction": "kol_crm.permissions.has_linked_permission",
}

# kol_crm/overrides/client.py: permission-checked counts for kol_crm's DocTypes
override_whitelisted_methods = {
	"frappe.client.get_count": "kol_crm.overrides.client.get_count",
}
