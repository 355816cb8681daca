"""The permission model of kol_crm, written once. Every hook and override calls into it.

Roles:
- KOL Portal User (a KOL's own Website User, no desk access): only the one KOL whose stored
  ``portal_user`` is that user, and of its records only what the portal shows (proposals once
  sent, partnerships, the content they submit for those partnerships). The role has no DocPerm on any kol_crm DocType, so the desk, REST and
  every list endpoint refuse it; the portal pages (``kol_crm/portal``) read through the rules
  below (``portal_kol``, ``portal_may_read``) with the fields they list, never a whole record.
- KOL Manager (and System Manager, Administrator): every record.
- KOL Analyst: reads every record, never a personal field (permlevel 1, which analysts lack).
- KOL Operator: only the KOLs they own (``operator``) or are assigned to (``_assign``), and every
  record that hangs off those KOLs: proposals, partnerships, interactions, tier and state changes,
  reminders, violations, rules acknowledgements, sequence enrollments and sends, applications,
  content under review, platform events, referral codes, observations, community group
  memberships, audience overlaps (only between two of their KOLs), settlement statements, case
  studies, and the child rows of all of these. Community groups and events are shared team
  records everyone reads. Candidate imports and bulk runs: only their own.

Rules:
- Every decision is made on **stored** values (what the database holds), never on the document
  being saved: an operator who PUTs ``{"operator": "<me>"}`` on another operator's KOL, sends
  ``_assign``, or re-points a proposal's ``kol`` is refused, because the stored KOL is not theirs.
- Changing a KOL's ``operator`` is a manager's action (``validate_kol_write``); ``_assign`` only
  changes through Frappe's assignment API, which needs write access to the KOL (``validate_todo``).
- ``permission_query_conditions`` (lists, reports, counts, search, export) and
  ``has_permission`` (one document) come from the same criterion, ``own_kols_condition``.
"""

import json

import frappe
from frappe import _
from frappe.model import get_permitted_fields, no_value_fields

from kol_crm.utils.docs import field_changed

MANAGER = "KOL Manager"
OPERATOR = "KOL Operator"
ANALYST = "KOL Analyst"
ROLES = (MANAGER, OPERATOR, ANALYST)
PORTAL = "KOL Portal User"
# the team's community platform, pushing events through kol_crm.platform.api with an API key
INTEGRATION = "KOL Integration"
UNRESTRICTED_ROLES = frozenset({"System Manager", MANAGER})
READ_PTYPES = frozenset({"read", "select", "report", "export", "print", "email", "share"})
MODULE = "KOL CRM"

# DocTypes whose rows belong to one KOL through their ``kol`` field
LINKED_DOCTYPES = (
	"KOL Proposal",
	"KOL Partnership",
	"KOL Interaction",
	"KOL Tier Change",
	"KOL State Change",
	"KOL Reminder",
	"KOL Violation",
	"KOL Sequence Enrollment",
	"KOL Sequence Send",
	"KOL Application",
	"KOL Platform Event",
	"KOL Referral Code",
	"KOL Content",
	"KOL Rule Acknowledgement",
	"KOL Observation",
	"KOL Community Membership",
	"KOL Audience Overlap",
	"KOL Settlement Statement",
	"KOL Case Study",
)
# linked DocTypes that name a second KOL: a restricted user needs that KOL too (an overlap
# between an operator's KOL and another operator's is seen by managers and analysts only)
SECOND_KOL_FIELDS = {"KOL Audience Overlap": "other_kol"}
# DocTypes an operator sees only when they created them (a bulk run: the operator who started it)
OWN_RECORD_DOCTYPES = ("KOL Candidate Import", "KOL Bulk Run")
# child rows that name a KOL in their own ``kol`` field under a parent everyone reads (the
# participants of a KOL Event): each row follows its KOL's row rule as well as the parent's
KOL_ROW_CHILDREN = ("KOL Event Participant",)
# team records everyone with access reads; a restricted user changes only those they created
SHARED_RECORD_DOCTYPES = ("KOL Event", "KOL Community Group")
# parents whose child rows follow the parent's row rule (child tables have none of their own)
GUARDED_PARENTS = ("KOL", *LINKED_DOCTYPES, *OWN_RECORD_DOCTYPES)


# ------------------------------------------------------------------ who is restricted


def is_manager(user: str | None = None) -> bool:
	user = user or frappe.session.user
	return user == "Administrator" or bool(UNRESTRICTED_ROLES & set(frappe.get_roles(user)))


def is_restricted(user: str | None = None, ptype: str = "read") -> bool:
	"""True when ``user`` may only touch their own KOLs for ``ptype``."""
	user = user or frappe.session.user
	if is_manager(user):
		return False
	if ptype in READ_PTYPES and ANALYST in frappe.get_roles(user):
		return False
	return True


def is_portal_user(user: str | None = None) -> bool:
	"""A KOL's portal login: the portal role and none of the desk roles (a desk user never gets the
	portal's narrower rules, nor the portal's actions)."""
	user = user or frappe.session.user
	if user == "Guest" or is_manager(user):
		return False
	roles = set(frappe.get_roles(user))
	return PORTAL in roles and not roles & {OPERATOR, ANALYST}


def is_integration_user(user: str | None = None) -> bool:
	"""The platform's integration login: holds the KOL Integration role (Administrator holds every
	role). A KOL Manager without the role is no integration: the platform's data has one way in."""
	user = user or frappe.session.user
	return user != "Guest" and INTEGRATION in frappe.get_roles(user)


# ------------------------------------------------------------------ the portal criterion

# a proposal the KOL sees: one that was sent to them (never a draft, nor one awaiting approval)
PORTAL_PROPOSAL_STATES = ("Sent", "Countered", "Accepted", "Rejected")
# the records of their own KOL a portal user reads, with the condition on each (beyond ``kol``)
# a settlement statement the KOL sees (and downloads as PDF): once a manager approved it
PORTAL_STATEMENT_STATES = ("Approved", "Paid")
PORTAL_DOCTYPES = {
	"KOL Proposal": PORTAL_PROPOSAL_STATES,
	"KOL Partnership": None,
	"KOL Content": None,
	"KOL Settlement Statement": PORTAL_STATEMENT_STATES,
}


def portal_kol(user: str | None = None) -> str | None:
	"""The KOL whose **stored** ``portal_user`` is ``user``, for a portal user; else None."""
	user = user or frappe.session.user
	if not is_portal_user(user):
		return None
	return frappe.db.get_value("KOL", {"portal_user": user}, "name")


def portal_filters(doctype: str, user: str | None = None) -> dict | None:
	"""Filters for the portal user's own records of ``doctype``; None when they see none."""
	kol = portal_kol(user)
	if not kol or doctype not in PORTAL_DOCTYPES:
		return None
	filters = {"kol": kol}
	if states := PORTAL_DOCTYPES[doctype]:
		filters["workflow_state"] = ("in", states)
	return filters


def portal_may_read(doctype: str, name: str | None, user: str | None = None) -> bool:
	"""Whether the portal user may read the stored record ``name`` (the portal's only row rule)."""
	if not name:
		return False
	if doctype == "KOL":
		return bool(kol := portal_kol(user)) and kol == name
	filters = portal_filters(doctype, user)
	return filters is not None and bool(frappe.db.exists(doctype, {**filters, "name": name}))


def portal_query_conditions(user: str, doctype: str) -> str:
	"""The same rule as SQL, for a portal user's list queries (none reach here while the role has
	no DocPerm; kept so that a DocPerm given by mistake still shows only their own rows)."""
	if doctype == "KOL":
		kol = portal_kol(user)
		return f"`tabKOL`.name = {frappe.db.escape(kol)}" if kol else "1=0"
	filters = portal_filters(doctype, user)
	if filters is None:
		return "1=0"
	condition = f"`tab{doctype}`.kol = {frappe.db.escape(filters['kol'])}"
	if states := PORTAL_DOCTYPES[doctype]:
		condition += (
			f" and `tab{doctype}`.workflow_state in ({', '.join(frappe.db.escape(s) for s in states)})"
		)
	return condition


def has_statement_website_permission(
	doc, ptype: str | None = None, user: str | None = None, verbose: bool = False
) -> bool:
	"""``has_website_permission`` of KOL Settlement Statement, which Frappe's print and PDF
	endpoints (``frappe.utils.print_format.download_pdf``) ask when the DocType's own permission
	says no: only a KOL's portal login, only to read its own approved or paid statement (stored)."""
	user = user or frappe.session.user
	if (ptype or "read") not in READ_PTYPES or not is_portal_user(user) or not doc:
		return False
	return portal_may_read(doc.doctype, doc.name, user)


def may_invite_to_portal(kol: str, user: str | None = None) -> bool:
	"""Inviting a KOL to the portal (and so linking its ``portal_user``): a manager, or the
	operator who owns the stored KOL. Analysts and assigned-only users don't."""
	user = user or frappe.session.user
	if not frappe.db.exists("KOL", kol):
		return False
	if is_manager(user):
		return True
	if OPERATOR not in frappe.get_roles(user):
		return False
	return frappe.db.get_value("KOL", kol, "operator") == user


# ------------------------------------------------------------------ the own-KOL criterion


def assign_pattern(user: str) -> str:
	"""LIKE pattern that finds ``user`` in a ``_assign`` JSON list (wildcards in the address escaped)."""
	escaped = user.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
	return f'%"{escaped}"%'


def own_kols_condition(user: str, table: str = "`tabKOL`") -> str:
	return (
		f"({table}.operator = {frappe.db.escape(user)}"
		f" or {table}._assign like {frappe.db.escape(assign_pattern(user))})"
	)


def own_kols_criterion(user: str, table=None):
	"""The same criterion for ``frappe.qb`` queries (reports)."""
	table = table or frappe.qb.DocType("KOL")
	return (table.operator == user) | table._assign.like(assign_pattern(user))


def owns_kol(kol: str | None, user: str) -> bool:
	"""Whether the **stored** KOL ``kol`` is owned by or assigned to ``user``."""
	if not kol:
		return False
	values = frappe.db.get_value("KOL", kol, ["operator", "_assign"], as_dict=True)
	if not values:
		return False
	return values.operator == user or user in _assigned(values._assign)


def can_access_kol(kol: str | None, user: str | None = None, ptype: str = "read") -> bool:
	user = user or frappe.session.user
	if not is_restricted(user, ptype):
		return True
	return owns_kol(kol, user)


def _assigned(value: str | None) -> list:
	try:
		assigned = json.loads(value or "[]")
	except ValueError:
		return []
	return assigned if isinstance(assigned, list) else []


def _stored(doc, fieldname: str):
	"""The value of ``fieldname`` as stored, or None for a document not saved yet."""
	if not doc.get("name") or doc.get("__islocal"):
		return None
	return frappe.db.get_value(doc.doctype, doc.name, fieldname)


def _exists(doc) -> bool:
	return bool(doc.get("name")) and not doc.get("__islocal") and frappe.db.exists(doc.doctype, doc.name)


# ------------------------------------------------------------------ permission_query_conditions


def kol_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if is_portal_user(user):
		return portal_query_conditions(user, "KOL")
	if not is_restricted(user):
		return ""
	return own_kols_condition(user)


def linked_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if doctype in LINKED_DOCTYPES and is_portal_user(user):
		return portal_query_conditions(user, doctype)
	if not is_restricted(user) or doctype not in LINKED_DOCTYPES:
		return ""
	condition = f"`tab{doctype}`.kol in ({_own_kol_names_sql(user)})"
	if second := SECOND_KOL_FIELDS.get(doctype):
		condition = f"({condition} and `tab{doctype}`.{second} in ({_own_kol_names_sql(user)}))"
	return condition


def own_record_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if not is_restricted(user) or doctype not in OWN_RECORD_DOCTYPES:
		return ""
	return f"`tab{doctype}`.owner = {frappe.db.escape(user)}"


def child_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""Child rows follow their parent: a row of a guarded parent only when the parent is readable."""
	user = user or frappe.session.user
	if not is_restricted(user) or not doctype:
		return ""
	table = f"`tab{doctype}`"
	parts = []
	for parent in child_parents(doctype):
		condition = parent_query_conditions(parent, user)
		if condition is None:
			continue
		escaped = frappe.db.escape(parent)
		if condition:
			parts.append(
				f"({table}.parenttype = {escaped} and {table}.parent in"
				f" (select `tab{parent}`.name from `tab{parent}` where {condition}))"
			)
		else:
			parts.append(f"{table}.parenttype = {escaped}")
	if not parts:
		return "1=0"
	condition = "(" + " or ".join(parts) + ")"
	if doctype in KOL_ROW_CHILDREN:
		condition = f"({condition} and {table}.kol in ({_own_kol_names_sql(user)}))"
	return condition


def parent_query_conditions(parent: str, user: str) -> str | None:
	"""Row rule of ``parent`` for ``user``: "" for every row, None for a parent the user can't read."""
	if parent == "KOL":
		return kol_query_conditions(user, parent)
	if parent in LINKED_DOCTYPES:
		return linked_query_conditions(user, parent)
	if parent in OWN_RECORD_DOCTYPES:
		return own_record_query_conditions(user, parent)
	return "" if frappe.has_permission(parent, "read", user=user) else None


def child_parents(child: str) -> list[str]:
	"""DocTypes of this app that hold ``child`` in a Table field."""
	if not getattr(frappe.local, "kol_crm_child_parents", None):
		parents: dict[str, list[str]] = {}
		for doctype in frappe.get_all("DocType", filters={"module": MODULE, "istable": 0}, pluck="name"):
			for df in frappe.get_meta(doctype).get_table_fields():
				parents.setdefault(df.options, []).append(doctype)
		frappe.local.kol_crm_child_parents = parents
	return sorted(frappe.local.kol_crm_child_parents.get(child, []))


def _own_kol_names_sql(user: str) -> str:
	return f"select `tabKOL`.name from `tabKOL` where {own_kols_condition(user)}"


# ------------------------------------------------------------------ has_permission


def has_kol_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	user = user or frappe.session.user
	ptype = ptype or "read"
	if is_portal_user(user):
		return ptype in READ_PTYPES and _exists(doc) and portal_may_read("KOL", doc.name, user)
	if not is_restricted(user, ptype):
		return True
	if not _exists(doc):
		return True  # a new KOL: validate_kol_write decides who it may belong to
	return owns_kol(doc.name, user)


def has_linked_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	"""Records that hang off a KOL follow it: the stored KOL and the KOL being set must both be the user's."""
	user = user or frappe.session.user
	ptype = ptype or "read"
	if is_portal_user(user):
		return ptype in READ_PTYPES and _exists(doc) and portal_may_read(doc.doctype, doc.name, user)
	if not is_restricted(user, ptype):
		return True
	stored = _stored(doc, "kol") if _exists(doc) else None
	if _exists(doc) and not owns_kol(stored, user):
		return False
	new = doc.get("kol")
	if new and new != stored and not owns_kol(new, user):
		return False
	if (second := SECOND_KOL_FIELDS.get(doc.doctype)) and not _may_second_kol(doc, second, user):
		return False
	if not _exists(doc) and not new:
		return True  # a blank new record (a mapped doc being built): checked again once it has a KOL
	return True


def _may_second_kol(doc, fieldname: str, user: str) -> bool:
	"""The second KOL a record names, stored and being set, must be the restricted user's too."""
	stored = _stored(doc, fieldname) if _exists(doc) else None
	if _exists(doc) and not owns_kol(stored, user):
		return False
	new = doc.get(fieldname)
	return not (new and new != stored and not owns_kol(new, user))


def has_own_record_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	user = user or frappe.session.user
	if not is_restricted(user, ptype or "read"):
		return True
	if not _exists(doc):
		return True
	return _stored(doc, "owner") == user


OWNER_ONLY_PTYPES = frozenset({"write", "delete", "submit", "cancel", "amend", "share"})


def has_sequence_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	"""KOL Outreach Sequences are shared: everyone with access reads them, but only the stored
	owner or a KOL Manager changes or deletes one."""
	user = user or frappe.session.user
	if (ptype or "read") not in OWNER_ONLY_PTYPES or doc.is_new() or not is_restricted(user, "write"):
		return True
	return frappe.db.get_value(doc.doctype, doc.name, "owner") == user


def has_shared_record_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	"""KOL Events and Community Groups: everyone with access reads them; only the stored owner or a
	KOL Manager changes or deletes one (operators have no write DocPerm on groups). An event's
	participant rows follow their KOLs: ``may_see_participant``."""
	return has_sequence_permission(doc, ptype, user)


def may_see_participant(kol: str | None, user: str | None = None) -> bool:
	"""Whether ``user`` may see a participant row naming the **stored** KOL ``kol``: the KOL's own
	row rule (managers and analysts every KOL, an operator their own or assigned ones)."""
	user = user or frappe.session.user
	if is_portal_user(user) or user == "Guest":
		return False
	return can_access_kol(kol, user, "read")


def refuses_kol_row_child(child: str, parent: str, user: str | None = None) -> bool:
	"""A list of ``parent`` may not select, filter or sort on its participant rows (``child``) for
	a restricted user: the rows of KOLs they don't own would show through the join."""
	return child in KOL_ROW_CHILDREN and child != parent and is_restricted(user or frappe.session.user)


def has_app_permission() -> bool:
	roles = set(frappe.get_roles())
	return (
		bool(roles & {MANAGER, OPERATOR, ANALYST, "System Manager"}) or frappe.session.user == "Administrator"
	)


# ------------------------------------------------------------------ write rules


def validate_kol_write(doc) -> None:
	"""Called from KOL.validate: an operator can neither take nor give away a KOL by editing fields.

	- ``operator`` changes only by a manager; a restricted user creates KOLs they own.
	- ``_assign`` is never written through a save (Frappe's assignment API maintains it).
	"""
	user = frappe.session.user
	stored = (
		frappe.db.get_value("KOL", doc.name, ["operator", "_assign"], as_dict=True) if _exists(doc) else None
	)
	if stored is not None:
		doc.set("_assign", stored._assign)
	if doc.flags.ignore_permissions or not is_restricted(user, "write"):
		return
	if stored is None:
		if doc.operator and doc.operator != user:
			frappe.throw(
				_("You can only create KOLs that you own; a KOL Manager assigns KOLs to other operators."),
				frappe.PermissionError,
				title=_("Not permitted"),
			)
		return
	if (doc.operator or None) != (stored.operator or None):
		frappe.throw(
			_("Only a KOL Manager can change the operator of a KOL."),
			frappe.PermissionError,
			title=_("Not permitted"),
		)


def guarded_doctypes() -> set[str]:
	"""DocTypes whose rows are private to their KOL (or creator), child tables included.

	Asked on every child-row permission check: worked out once per request or job."""
	if getattr(frappe.local, "kol_crm_guarded", None) is None:
		children = {
			df.options for parent in GUARDED_PARENTS for df in frappe.get_meta(parent).get_table_fields()
		}
		frappe.local.kol_crm_guarded = frozenset({*GUARDED_PARENTS, *children, *KOL_ROW_CHILDREN})
	return frappe.local.kol_crm_guarded


def validate_todo(todo) -> None:
	"""ToDo.validate: assigning (and so widening ``_assign``) needs write access.

	Any user may insert a ToDo, and Frappe copies its user into the referenced document's
	``_assign``, which grants access to a KOL. For kol_crm's records the session user must be
	able to write the referenced record (stored values), or the ToDo must come from an
	Assignment Rule that would assign this record to this user now.

	A child row (a KOL's occasion, a proposal's deliverable...) is the parent's data: assigning
	it needs write access to the parent. Frappe adds the ``_assign`` column to a child table the
	first time one of its rows is assigned, and that ALTER TABLE commits the request's
	transaction, so a refused request would still leave its ToDo and comment behind.
	"""
	if todo.reference_type not in guarded_doctypes() or not todo.reference_name:
		return
	if not (todo.is_new() or _todo_reference_changed(todo)):
		return
	user = frappe.session.user
	if not is_restricted(user, "write"):
		return
	doctype, name = todo.reference_type, todo.reference_name
	if doctype not in GUARDED_PARENTS:  # a child row: its parent's record
		row = frappe.db.get_value(doctype, name, ["parenttype", "parent"], as_dict=True)
		doctype, name = (row.parenttype, row.parent) if row else (None, None)
	elif todo.assignment_rule and _rule_assigns(todo):
		return
	if not (
		doctype in GUARDED_PARENTS
		and frappe.db.exists(doctype, name)
		and frappe.has_permission(doctype, "write", name, user=user)
	):
		frappe.throw(
			_("You can only assign {0} records that you may edit.").format(_(todo.reference_type)),
			frappe.PermissionError,
			title=_("Not permitted"),
		)


def _todo_reference_changed(todo) -> bool:
	before = todo.get_doc_before_save()
	if not before:
		return True
	return any(
		before.get(f) != todo.get(f) for f in ("reference_type", "reference_name", "allocated_to", "status")
	)


def _rule_assigns(todo) -> bool:
	"""The Assignment Rule named on the ToDo is enabled, has this user and applies to the stored record."""
	rule = frappe.db.get_value(
		"Assignment Rule", todo.assignment_rule, ["document_type", "disabled"], as_dict=True
	)
	if not rule or rule.disabled or rule.document_type != todo.reference_type:
		return False
	users = frappe.get_all("Assignment Rule User", filters={"parent": todo.assignment_rule}, pluck="user")
	if todo.allocated_to not in users:
		return False
	rule_doc = frappe.get_cached_doc("Assignment Rule", todo.assignment_rule)
	stored = frappe.get_doc(todo.reference_type, todo.reference_name)
	return bool(rule_doc.safe_eval("assign_condition", stored))


def has_communication_permission(doc, ptype: str | None = None, user: str | None = None) -> bool | None:
	"""Emails of a KOL (or of its records) carry its addresses: only for users who may read them.

	Frappe lets anyone who can read the referenced record read its Communications. A user
	without access to the KOL's personal fields (an analyst) reads the masked timeline of the
	form instead (``kol_crm/overrides/form_load.py``). None defers to Frappe's own rule.
	"""
	user = user or frappe.session.user
	if doc.get("reference_doctype") not in GUARDED_PARENTS or is_manager(user):
		return None
	if not may_read_personal_fields(user):
		return False
	return None


def validate_manager_override(
	doc, flag: str, reason: str, by: str, refused: str, reason_required: str
) -> None:
	"""An override (``flag`` with its ``reason``) is a KOL Manager's, recorded with who set it
	(``by``): a change of either by anyone else is refused with ``refused``, a flag without a
	reason with ``reason_required`` (both translated by the caller)."""
	if field_changed(doc, flag, reason):
		if not is_manager():
			frappe.throw(refused, frappe.PermissionError)
		if doc.get(flag):
			doc.set(by, frappe.session.user)
	if doc.get(flag) and not (doc.get(reason) or "").strip():
		frappe.throw(reason_required, title=_("Invalid value"))
	if not doc.get(flag):
		doc.set(by, None)


def may_create_kol(user: str | None = None) -> bool:
	"""Creating a KOL (from a platform candidate, say): the DocType's create permission (managers and
	operators; an operator becomes its owner)."""
	return frappe.has_permission("KOL", "create", user=user or frappe.session.user)


def may_change_partnership(partnership: str, user: str | None = None) -> bool:
	"""Generating or revoking a partnership's referral codes: write access to the **stored**
	partnership (a manager, or the operator who owns its KOL)."""
	user = user or frappe.session.user
	return (
		bool(partnership)
		and frappe.db.exists("KOL Partnership", partnership)
		and frappe.has_permission("KOL Partnership", "write", partnership, user=user)
	)


def may_manage_statements(user: str | None = None) -> bool:
	"""Making the statements of a period for every KOL, or a Purchase Invoice from a statement:
	a KOL Manager's (approving and marking paid are the workflow's, also a manager's)."""
	return is_manager(user or frappe.session.user)


def may_merge_kols(source: str, target: str, user: str | None = None) -> bool:
	"""Merging deletes ``source`` and rewrites every record that links it: only a KOL Manager
	(or System Manager) who may delete the one and write the other, decided on the stored KOLs."""
	user = user or frappe.session.user
	if not is_manager(user):
		return False
	if not (frappe.db.exists("KOL", source) and frappe.db.exists("KOL", target)):
		return False
	return frappe.has_permission("KOL", "delete", source, user=user) and frappe.has_permission(
		"KOL", "write", target, user=user
	)


def may_read_personal_fields(user: str | None = None) -> bool:
	"""Whether ``user`` has the permission level of every personal field of the KOL."""
	user = user or frappe.session.user
	if is_manager(user):
		return True
	return set(personal_fields()) <= set(get_permitted_fields("KOL", user=user, ignore_virtual=True))


def personal_fields(doctype: str = "KOL") -> list[str]:
	"""The fields holding personal data: the data fields above permission level 0."""
	return sorted(
		df.fieldname
		for df in frappe.get_meta(doctype).fields
		if df.permlevel and df.fieldtype not in no_value_fields
	)
