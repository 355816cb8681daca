"""Records kol_crm ships in Frappe's own DocTypes, synced on install and on every migrate.

Frappe's fixtures (hooks ``fixtures``) would re-import each of these records whole on every
``bench migrate`` and undo what an administrator configured on them. Instead each record is
created when missing, and afterwards only what the app owns is brought back:

=========================  ===================================  =====================================
record                     the app owns (restored on migrate)   the administrator owns (kept)
=========================  ===================================  =====================================
Role (the four KOL         that it exists                       everything else: desk access, home
roles)                                                          page, two-factor auth, disabled...
Assignment Rule "KOL       that it exists, document_type        users, disabled, priority, rule,
Operator Round Robin"      (KOL)                                conditions, days, description...
Workflow (KOL Lifecycle,   document_type, workflow_state_field, is_active, send_email_alert,
KOL Proposal Approval)     the states (state, doc status, who   override_status, and per state its
                           edits, update field and value) and   message, next-action email template,
                           the transitions (with conditions,    optional flag and status override
                           roles and self-approval)
Workflow State             that it exists                       style, icon
Workflow Action Master     that it exists                       -
=========================  ===================================  =====================================

A new record gets the shipped values. The roles are already there when ``after_install`` runs
(Frappe creates the roles a DocType's permissions name, with desk access and nothing else), so on
install a role without a home page gets ours.

The round-robin rule is created disabled and without users (Frappe fails on an enabled round
robin without users): a manager adds the operators and enables it. An administrator who does not
want it disables it; a deleted rule comes back (disabled) on the next migrate.

``Don't Override Status`` (override_status) is the administrator's: KOL and KOL Proposal have no
status field, so it changes nothing for kol_crm.

``Approved`` and ``Rejected`` are Frappe's own Workflow States (created on every site), shared
with other apps' workflows, so they keep the style the site gives them.
"""

import copy

import frappe

from kol_crm.permissions import INTEGRATION, PORTAL
from kol_crm.workflows import ROLES, build_workflow_records

HOME_PAGE = "/app/kol-crm"
PORTAL_HOME_PAGE = "/kol"

ROUND_ROBIN_RULE = {
	"doctype": "Assignment Rule",
	"name": "KOL Operator Round Robin",
	"document_type": "KOL",
	"description": "New KOL to own: qualify it and plan the first follow-up.",
	"assign_condition": 'workflow_state in ("Identified", "Spotted") and not operator',
	"rule": "Round Robin",
	"priority": 0,
	# a manager adds the operators, then enables it
	"disabled": 1,
	"users": [],
	"assignment_days": [
		{"day": day} for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
	],
}
RULE_OWNED_FIELDS = ("document_type",)

WORKFLOW_OWNED_FIELDS = ("document_type", "workflow_state_field")
STATE_OWNED_FIELDS = ("state", "doc_status", "allow_edit", "update_field", "update_value")
STATE_ADMIN_FIELDS = ("message", "next_action_email_template", "is_optional_state", "avoid_status_override")
TRANSITION_OWNED_FIELDS = ("state", "action", "next_state", "allowed", "allow_self_approval", "condition")


def sync_records(on_install: bool = False) -> None:
	"""Create the shipped records that are missing and restore what the app owns in the others."""
	ensure_roles(on_install)
	ensure_assignment_rule()
	records = build_workflow_records()
	ensure_named_records(records["Workflow State"])
	ensure_named_records(records["Workflow Action Master"])
	for workflow in records["Workflow"]:
		sync_workflow(workflow)


def ensure_roles(on_install: bool = False) -> None:
	for role in ROLES:
		if not frappe.db.exists("Role", role):
			frappe.get_doc(
				{"doctype": "Role", "role_name": role, "desk_access": 1, "home_page": HOME_PAGE}
			).insert(ignore_permissions=True)  # the app, not the user, ships its roles
		elif on_install and not frappe.db.get_value("Role", role, "home_page"):
			# made by Frappe from a DocType's permissions just before after_install
			frappe.db.set_value("Role", role, "home_page", HOME_PAGE)
	if not frappe.db.exists("Role", PORTAL):
		# a KOL's login: no desk, the portal as home page (a user with it is a Website User)
		frappe.get_doc(
			{"doctype": "Role", "role_name": PORTAL, "desk_access": 0, "home_page": PORTAL_HOME_PAGE}
		).insert(ignore_permissions=True)  # the app, not the user, ships its roles
	if not frappe.db.exists("Role", INTEGRATION):
		# the community platform's API login: no desk, only kol_crm.platform.api.push_events
		frappe.get_doc({"doctype": "Role", "role_name": INTEGRATION, "desk_access": 0}).insert(
			ignore_permissions=True
		)  # the app, not the user, ships its roles


def ensure_assignment_rule() -> None:
	name = ROUND_ROBIN_RULE["name"]
	if not frappe.db.exists("Assignment Rule", name):
		rule = frappe.get_doc(copy.deepcopy(ROUND_ROBIN_RULE))
		rule.insert(ignore_permissions=True, set_name=name)  # Assignment Rule is a System Manager record
		return
	rule = frappe.get_doc("Assignment Rule", name)
	if _differs(rule, ROUND_ROBIN_RULE, RULE_OWNED_FIELDS):
		rule.update({field: ROUND_ROBIN_RULE[field] for field in RULE_OWNED_FIELDS})
		rule.save(ignore_permissions=True)


def ensure_named_records(records: list[dict]) -> None:
	"""Workflow States and Workflow Action Masters: created when missing, never changed."""
	for record in records:
		if not frappe.db.exists(record["doctype"], record["name"]):
			frappe.get_doc(record).insert(ignore_permissions=True)


def sync_workflow(expected: dict) -> None:
	if not frappe.db.exists("Workflow", expected["name"]):
		frappe.get_doc(expected).insert(ignore_permissions=True)
		return
	workflow = frappe.get_doc("Workflow", expected["name"])
	if not _workflow_differs(workflow, expected):
		return
	admin_choices = {
		(row.state, row.allow_edit): {field: row.get(field) for field in STATE_ADMIN_FIELDS}
		for row in workflow.states
	}
	workflow.update({field: expected[field] for field in WORKFLOW_OWNED_FIELDS})
	workflow.set(
		"states",
		[{**row, **admin_choices.get((row["state"], row["allow_edit"]), {})} for row in expected["states"]],
	)
	workflow.set("transitions", expected["transitions"])
	workflow.save(ignore_permissions=True)


def app_owned_rows(rows: list, fields: tuple[str, ...]) -> list[tuple]:
	"""The app-owned values of a child table, in order, with Frappe's empty values made equal."""
	return [tuple(_normalise(row.get(field)) for field in fields) for row in rows]


def _workflow_differs(workflow, expected: dict) -> bool:
	return (
		_differs(workflow, expected, WORKFLOW_OWNED_FIELDS)
		or app_owned_rows(workflow.states, STATE_OWNED_FIELDS)
		!= app_owned_rows(expected["states"], STATE_OWNED_FIELDS)
		or app_owned_rows(workflow.transitions, TRANSITION_OWNED_FIELDS)
		!= app_owned_rows(expected["transitions"], TRANSITION_OWNED_FIELDS)
	)


def _differs(doc, expected: dict, fields: tuple[str, ...]) -> bool:
	return any(_normalise(doc.get(field)) != _normalise(expected[field]) for field in fields)


def _normalise(value):
	if value is None:
		return ""
	return str(value)
