"""Row-level access for KOL data, used by every read path (desk, REST, reports, search, export).

- KOL Manager (and System Manager): every KOL.
- KOL Analyst: reads every KOL; personal fields are permlevel 1, which analysts lack.
- KOL Operator: only KOLs they own (``operator``) or are assigned to (``_assign``), and the
  proposals, partnerships and interactions of those KOLs.

``permission_query_conditions`` filters lists; ``has_permission`` guards single documents.
"""

import frappe

from kol_crm.workflows import ANALYST, MANAGER, OPERATOR

UNRESTRICTED_ROLES = frozenset({"System Manager", MANAGER})
LINKED_DOCTYPES = (
	"KOL Proposal",
	"KOL Partnership",
	"KOL Interaction",
	"KOL Tier Change",
	"KOL Reminder",
	"KOL Violation",
	"KOL Sequence Enrollment",
	"KOL Sequence Send",
)


def is_restricted(user: str, ptype: str = "read") -> bool:
	"""True when ``user`` may only touch their own KOLs for ``ptype``."""
	if user == "Administrator":
		return False
	roles = set(frappe.get_roles(user))
	if roles & UNRESTRICTED_ROLES:
		return False
	if ptype in ("read", "select", "report", "export", "print") and ANALYST in roles:
		return False
	return True


def _assign_pattern(user: str) -> str:
	# _assign holds a JSON list of users; escape LIKE wildcards in the address itself
	escaped = user.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
	return f'%"{escaped}"%'


def own_kols_condition(user: str, table: str = "`tabKOL`") -> str:
	return f"({table}.operator = {frappe.db.escape(user)} or {table}._assign like {frappe.db.escape(_assign_pattern(user))})"


def kol_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if not is_restricted(user):
		return ""
	return own_kols_condition(user)


def linked_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if not is_restricted(user) or doctype not in LINKED_DOCTYPES:
		return ""
	return f"`tab{doctype}`.kol in (select `tabKOL`.name from `tabKOL` where {own_kols_condition(user)})"


def can_access_kol(kol: str | None, user: str, ptype: str = "read") -> bool:
	if not is_restricted(user, ptype):
		return True
	if not kol:
		return False
	values = frappe.db.get_value("KOL", kol, ["operator", "_assign"], as_dict=True)
	if not values:
		return False
	return values.operator == user or user in frappe.parse_json(values._assign or "[]")


def has_kol_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	user = user or frappe.session.user
	if doc.is_new() or not is_restricted(user, ptype or "read"):
		return True
	return doc.get("operator") == user or user in frappe.parse_json(doc.get("_assign") or "[]")


def has_linked_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	"""Proposals, partnerships and interactions follow their KOL, new ones included."""
	user = user or frappe.session.user
	if not is_restricted(user, ptype or "read"):
		return True
	if doc.is_new() and not doc.get("kol"):
		return True  # a blank new record (e.g. a mapped doc being built); checked again once it has a KOL
	return can_access_kol(doc.get("kol"), user, ptype or "read")


OWNER_ONLY_PTYPES = frozenset({"write", "delete", "submit", "cancel", "amend", "share"})


def has_sequence_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	"""KOL Outreach Sequences are shared: everyone with access reads them, but only the stored
	owner or a KOL Manager changes or deletes one."""
	user = user or frappe.session.user
	if (ptype or "read") not in OWNER_ONLY_PTYPES or doc.is_new() or not is_restricted(user, "write"):
		return True
	return frappe.db.get_value(doc.doctype, doc.name, "owner") == user


def has_app_permission() -> bool:
	roles = set(frappe.get_roles())
	return (
		bool(roles & {MANAGER, OPERATOR, ANALYST, "System Manager"}) or frappe.session.user == "Administrator"
	)
