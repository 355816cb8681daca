"""What the portal pages show: plain data of the session user's own KOL, with the fields listed.

Every function starts from ``permissions.portal_kol`` (the KOL whose stored ``portal_user`` is the
session user) or ``permissions.portal_may_read`` (one record of it) and refuses everything else
with the same error, so a name that belongs to another KOL and a name that doesn't exist look alike.
Internal fields (the approved budget, scores, notes, personality, operator) are never read.
"""

from urllib.parse import urlencode

import frappe
from frappe import _

from kol_crm import permissions
from kol_crm.workflows.kol_content import EDITABLE_STATES

PROPOSAL_FIELDS = ["name", "title", "purpose", "workflow_state", "valid_from", "valid_until", "currency"]
PARTNERSHIP_FIELDS = [
	"name",
	"proposal",
	"purpose",
	"status",
	"start_date",
	"end_date",
	"currency",
	"rules_acknowledged",
	"rules_acknowledged_on",
]
DELIVERABLE_FIELDS = ["deliverable_type", "description", "platform", "quantity", "due_date", "status"]
# what the KOL sees of their content: never who reviewed it (the team's logins) nor the metrics
CONTENT_FIELDS = [
	"name",
	"deliverable",
	"title",
	"workflow_state",
	"current_version",
	"body",
	"link",
	"attachment",
	"reviewer_comment",
	"live_url",
	"published_on",
]
CONTENT_VERSION_FIELDS = [
	"version",
	"submitted_on",
	"submitted_via",
	"title",
	"body",
	"link",
	"attachment",
	"outcome",
	"reviewer_comment",
]

BENEFIT_FIELDS = ["benefit_type", "description", "amount", "revenue_share_percent"]
# what the platform's conversions made of the partnership (kol_crm/platform/attribution.py)
RESULT_FIELDS = [
	"result_new_users",
	"result_activated_users",
	"result_paid_conversions",
	"result_revenue",
	"revenue_share_due",
]
REFERRAL_CODE_FIELDS = ["code", "referral_link", "status", "revoked_on"]
ROUND_FIELDS = ["round_date", "party", "channel", "offer", "budget"]
OCCASION_FIELDS = ["name", "occasion_date", "occasion", "repeats_yearly"]
SOFT_FACTS = ("preferences", "wants_money", "wants_personal_brand", "wants_platform_support", "wants_traffic")
OPEN_PROPOSAL_STATES = ("Sent", "Countered")
OPEN_PARTNERSHIP_STATUSES = ("Active", "Paused")


def page_context(context, title: str) -> str:
	"""Every portal page: a guest goes to the login page and comes back; anyone else who is not
	a KOL's portal login is refused. Pages are never cached (each shows one KOL's data)."""
	if frappe.session.user == "Guest":
		frappe.local.flags.redirect_location = "/login?" + urlencode({"redirect-to": frappe.request.path})
		redirect = frappe.Redirect()
		redirect.http_status_code = 302  # temporary: the page is there once logged in
		raise redirect
	kol = own_kol()
	context.no_cache = 1
	context.show_sidebar = False
	context.title = title
	context.portal_nav = [
		("/kol", _("My profile")),
		("/kol/proposals", _("Proposals")),
		("/kol/partnerships", _("Partnerships")),
		("/kol/profile", _("Preferences and occasions")),
		("/kol/statements", _("Statements")),
	]
	return kol


def not_permitted() -> None:
	frappe.throw(_("This page is not available to you."), frappe.PermissionError, title=_("Not permitted"))


def own_kol(user: str | None = None) -> str:
	"""The session user's KOL, or a refusal (a guest, a desk user, a login no KOL links to)."""
	if not (kol := permissions.portal_kol(user)):
		not_permitted()
	return kol


def check_record(doctype: str, name: str | None, user: str | None = None) -> None:
	if not permissions.portal_may_read(doctype, name, user):
		not_permitted()


def children(doctype: str, parent: str, parenttype: str, parentfield: str, fields: list[str]) -> list[dict]:
	# the parent was checked (check_record): its rows, with the fields the portal shows
	return frappe.get_all(
		doctype,
		filters={"parent": parent, "parenttype": parenttype, "parentfield": parentfield},
		fields=fields,
		order_by="idx",
	)


def profile(user: str | None = None) -> dict:
	kol = own_kol(user)
	data = frappe.db.get_value(
		"KOL",
		kol,
		["name", "kol_name", "display_name", "tier", "privilege_status", *SOFT_FACTS],
		as_dict=True,
	)
	data.occasions = children("KOL Occasion", kol, "KOL", "occasions", OCCASION_FIELDS)
	data.privileges = children(
		"KOL Privilege", kol, "KOL", "privileges", ["privilege_type", "privilege", "status"]
	)
	data.tier_description, data.tier_benefits, data.empowerment = None, [], []
	if data.tier:
		data.tier_description = frappe.db.get_value("KOL Tier", data.tier, "description")
		data.tier_benefits = children(
			"KOL Tier Benefit", data.tier, "KOL Tier", "benefits", ["benefit_type", "benefit", "description"]
		)
		data.empowerment = children(
			"KOL Tier Empowerment", data.tier, "KOL Tier", "empowerment_methods", ["method", "description"]
		)
	return data


def proposals(user: str | None = None) -> list[dict]:
	filters = permissions.portal_filters("KOL Proposal", user)
	if filters is None:
		not_permitted()
	return frappe.get_all("KOL Proposal", filters=filters, fields=PROPOSAL_FIELDS, order_by="modified desc")


def proposal(name: str, user: str | None = None) -> dict:
	check_record("KOL Proposal", name, user)
	data = frappe.db.get_value("KOL Proposal", name, PROPOSAL_FIELDS, as_dict=True)
	data.deliverables = children("KOL Deliverable", name, "KOL Proposal", "deliverables", DELIVERABLE_FIELDS)
	data.benefits = children("KOL Benefit", name, "KOL Proposal", "benefits", BENEFIT_FIELDS)
	data.rounds = children("KOL Negotiation Round", name, "KOL Proposal", "negotiation_rounds", ROUND_FIELDS)
	data.can_answer = data.workflow_state == "Sent"
	data.is_open = data.workflow_state in OPEN_PROPOSAL_STATES
	return data


def partnerships(user: str | None = None) -> list[dict]:
	filters = permissions.portal_filters("KOL Partnership", user)
	if filters is None:
		not_permitted()
	return frappe.get_all(
		"KOL Partnership", filters=filters, fields=PARTNERSHIP_FIELDS, order_by="start_date desc"
	)


def partnership(name: str, user: str | None = None) -> dict:
	check_record("KOL Partnership", name, user)
	data = frappe.db.get_value("KOL Partnership", name, PARTNERSHIP_FIELDS, as_dict=True)
	data.deliverables = children(
		"KOL Deliverable", name, "KOL Partnership", "deliverables", ["name", *DELIVERABLE_FIELDS]
	)
	data.benefits = children("KOL Benefit", name, "KOL Partnership", "benefits", BENEFIT_FIELDS)
	data.rules = rules(name, data.rules_acknowledged)
	data.results = frappe.db.get_value("KOL Partnership", name, RESULT_FIELDS, as_dict=True)
	data.referral_codes = frappe.get_all(
		"KOL Referral Code", filters={"partnership": name}, fields=REFERRAL_CODE_FIELDS, order_by="creation"
	)
	add_contents(data)
	data.can_acknowledge = not data.rules_acknowledged and data.status in OPEN_PARTNERSHIP_STATUSES
	return data


def add_contents(data) -> None:
	"""Each deliverable's content (the partnership was checked: its content is the KOL's), with
	its versions, and whether the KOL may add a piece or change one."""
	contents = frappe.get_all(
		"KOL Content",
		filters={"partnership": data.name},
		fields=CONTENT_FIELDS,
		order_by="creation",
	)
	versions = {}
	for row in frappe.get_all(
		"KOL Content Version",
		filters={
			"parenttype": "KOL Content",
			"parentfield": "versions",
			"parent": ("in", [c.name for c in contents] or [""]),
		},
		fields=["parent", *CONTENT_VERSION_FIELDS],
		order_by="idx desc",
	):
		versions.setdefault(row.pop("parent"), []).append(row)
	is_open = data.status in OPEN_PARTNERSHIP_STATUSES
	for deliverable in data.deliverables:
		deliverable.contents = [c for c in contents if c.deliverable == deliverable.name]
		for content in deliverable.contents:
			content.versions = versions.get(content.name, [])
			content.can_edit = content.workflow_state in EDITABLE_STATES
		deliverable.can_add_content = is_open and len(deliverable.contents) < max(
			deliverable.quantity or 1, 1
		)


def rules(partnership_name: str, acknowledged: bool) -> list[dict]:
	"""The rules acknowledged on this partnership (with the date), or the rules to acknowledge."""
	if acknowledged:
		rows = children(
			"KOL Partnership Rule",
			partnership_name,
			"KOL Partnership",
			"acknowledged_rules",
			["rule", "acknowledged_on"],
		)
		descriptions = dict(
			frappe.get_all(
				"KOL Rule",
				filters={"name": ("in", [r.rule for r in rows] or [""])},
				fields=["name", "description"],
				as_list=True,
			)
		)
		return [{**row, "description": descriptions.get(row.rule)} for row in rows]
	return [
		{"rule": row.name, "description": row.description, "acknowledged_on": None}
		for row in frappe.get_all(
			"KOL Rule", filters={"disabled": 0}, fields=["name", "description"], order_by="name"
		)
	]
