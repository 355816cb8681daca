"""Community groups per KOL type and their memberships.

A KOL Community Group is a team record (every desk role reads it, a KOL Manager changes it): a
channel (WeChat group, Discord, Knowledge Planet...) for the KOLs of one category (sub-categories
included) and, optionally, one programme type. A KOL Community Membership links one KOL to one
group and follows the KOL's row rule (``permissions.LINKED_DOCTYPES``): an operator sees and
manages only the memberships of their own KOLs.

- A KOL is an active member of a group at most once; a full group (``capacity``), a disabled
  group and a closed KOL (Declined, Dropped, Offboarded) take no new member.
- Leaving sets ``left_on``; offboarding a KOL ends all its memberships (``on_kol_update``).
- A group's active members (``member_count`` on the group's form and in the report) are counted
  from its memberships when shown, never stored: ``member_counts`` for many groups in one query.
  The capacity check locks the group's row before it counts, so two KOLs joining the last place
  at the same moment don't both get it (``check_may_join``).
- ``suggested_groups`` are the enabled groups whose category contains the KOL's category and
  whose programme type is empty or the KOL's, that the KOL is not in yet.
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import cint, getdate, today

from kol_crm.utils import validation as v

ACTIVE, LEFT = "Active", "Left"
CLOSED_KOL_STATES = ("Declined", "Dropped", "Offboarded")
OFFBOARDED = "Offboarded"


# ------------------------------------------------------------------ the group


def validate_group(doc) -> None:
	doc.group_name = (doc.group_name or "").strip()
	v.validate_url(doc, "invite_link")
	if cint(doc.capacity) < 0:
		v.invalid(_("Capacity cannot be negative."))


def member_counts(groups: list[str]) -> dict[str, int]:
	"""Active members per group, for every group named (0 for a group without any): one query.
	A KOL counts once in a group (a merge can leave it two active memberships there)."""
	counts = dict.fromkeys(groups, 0)
	if not groups:
		return counts
	m = frappe.qb.DocType("KOL Community Membership")
	rows = (
		frappe.qb.from_(m)
		.select(m.community_group, Count(m.kol).distinct())
		.where(m.community_group.isin(list(groups)))
		.where(m.status == ACTIVE)
		.groupby(m.community_group)
		.run()
	)
	counts.update({group: cint(n) for group, n in rows})
	return counts


def active_count(group: str) -> int:
	return member_counts([group])[group]


def locked_active_count(group: str) -> int:
	"""The group's active members as committed now, its membership rows locked until the end of
	the transaction. The caller locked the group's row first; a plain read would count from the
	transaction's snapshot (MariaDB's REPEATABLE READ), which can be older than that lock."""
	m = frappe.qb.DocType("KOL Community Membership")
	kols = (
		frappe.qb.from_(m)
		.select(m.kol)
		.where(m.community_group == group)
		.where(m.status == ACTIVE)
		.for_update()
		.run(pluck=True)
	)
	return len(set(kols))


# ------------------------------------------------------------------ the membership


def validate_membership(doc) -> None:
	before = doc.get_doc_before_save()
	if before and (before.kol != doc.kol or before.community_group != doc.community_group):
		v.invalid(_("A membership can't be moved to another KOL or group: end it and add a new one."))
	if doc.status == LEFT:
		doc.left_on = doc.left_on or today()
		if getdate(doc.left_on) < getdate(doc.joined_on):
			v.invalid(
				_("Left On ({0}) cannot be before Joined On ({1}).").format(
					frappe.format(doc.left_on, "Date"), frappe.format(doc.joined_on, "Date")
				)
			)
		return
	doc.left_on = None
	if before and before.status == ACTIVE:
		return  # an active membership edited (its note, its join date): checked when it began
	check_may_join(doc.community_group, doc.kol, exclude=doc.name if not doc.is_new() else None)


def check_may_join(group: str, kol: str, exclude: str | None = None) -> None:
	"""Refuse a new active membership that breaks a rule of the group or the KOL (translated).

	The group's row stays locked until the transaction ends: a second KOL joining the same group
	waits here, then counts the first one's membership (the capacity holds under concurrency)."""
	g = frappe.db.get_value(
		"KOL Community Group",
		group,
		["name", "enabled", "capacity", "group_name"],
		as_dict=True,
		for_update=True,
	)
	if not g:
		v.invalid(_("Community Group {0} does not exist.").format(frappe.bold(group)))
	if not g.enabled:
		v.invalid(_("Community Group {0} is disabled and takes no new members.").format(frappe.bold(group)))
	state = frappe.db.get_value("KOL", kol, "workflow_state")
	if state in CLOSED_KOL_STATES:
		v.invalid(
			_("KOL {0} is {1}: a closed KOL can't join a community group.").format(frappe.bold(kol), _(state))
		)
	filters = {"community_group": group, "kol": kol, "status": ACTIVE}
	if exclude:
		filters["name"] = ("!=", exclude)
	if frappe.db.exists("KOL Community Membership", filters):
		v.invalid(_("KOL {0} is already a member of {1}.").format(frappe.bold(kol), frappe.bold(group)))
	capacity = cint(g.capacity)
	if capacity and (taken := locked_active_count(group)) >= capacity:
		v.invalid(
			_("Community Group {0} is full ({1} of {2} places taken).").format(
				frappe.bold(group), taken, capacity
			)
		)


# ------------------------------------------------------------------ a KOL's groups


def current_groups(kol: str) -> list[dict]:
	"""The KOL's active memberships with their group's channel (for the KOL form)."""
	memberships = frappe.get_all(
		"KOL Community Membership",
		filters={"kol": kol, "status": ACTIVE},
		fields=["name", "community_group", "joined_on"],
		order_by="joined_on asc",
	)
	channels = group_channels([m.community_group for m in memberships])
	return [{**m, "channel": channels.get(m.community_group)} for m in memberships]


def group_channels(groups: list[str]) -> dict[str, str]:
	if not groups:
		return {}
	return dict(
		frappe.get_all(
			"KOL Community Group", filters={"name": ("in", groups)}, fields=["name", "channel"], as_list=True
		)
	)


def suggested_groups(kol) -> list[dict]:
	"""Enabled groups for the KOL's type (category, sub-categories included, and programme type)
	that it is not an active member of, with whether each is full. Most specific category first."""
	if not kol.category:
		return []
	cat = frappe.db.get_value("KOL Category", kol.category, ["lft", "rgt"], as_dict=True)
	if not cat:
		return []
	group = frappe.qb.DocType("KOL Community Group")
	category = frappe.qb.DocType("KOL Category")
	rows = (
		frappe.qb.from_(group)
		.left_join(category)
		.on(category.name == group.category)
		.select(group.name, group.category, group.program_type, group.channel, group.capacity)
		.where(group.enabled == 1)
		.where(
			group.category.isnull()
			| (group.category == "")
			| ((category.lft <= cat.lft) & (category.rgt >= cat.rgt))
		)
		.where(
			group.program_type.isnull()
			| (group.program_type == "")
			| (group.program_type == kol.program_type)
		)
		.orderby(category.lft, order=frappe.qb.desc)
		.orderby(group.name)
		.run(as_dict=True)
	)
	joined = set(
		frappe.get_all(
			"KOL Community Membership",
			filters={"kol": kol.name, "status": ACTIVE},
			pluck="community_group",
			ignore_permissions=True,  # the KOL's own memberships, shown on a form the user may read
		)
	)
	rows = [r for r in rows if r.name not in joined]
	counts = member_counts([r.name for r in rows])
	return [
		{
			**r,
			"member_count": counts[r.name],
			"full": bool(cint(r.capacity) and counts[r.name] >= cint(r.capacity)),
		}
		for r in rows
	]


def form_data(kol) -> dict:
	"""What the KOL form shows: its current groups and the groups suggested for its type."""
	if kol.is_new():
		return {"current": [], "suggested": []}
	return {"current": current_groups(kol.name), "suggested": suggested_groups(kol)}


def add_member(kol: str, group: str) -> str:
	"""A new active membership, inserted as the session user (their row rule applies)."""
	doc = frappe.get_doc(
		{"doctype": "KOL Community Membership", "community_group": group, "kol": kol, "status": ACTIVE}
	)
	doc.insert()
	return doc.name


def end_memberships(kol: str, reason: str) -> int:
	"""End every active membership of the KOL today; returns how many ended."""
	names = frappe.get_all(
		"KOL Community Membership",
		filters={"kol": kol, "status": ACTIVE},
		pluck="name",
		ignore_permissions=True,
	)
	for name in names:
		doc = frappe.get_doc("KOL Community Membership", name)
		doc.update({"status": LEFT, "left_on": today(), "left_reason": reason})
		doc.flags.ignore_permissions = True  # the KOL's offboarding ends them, whoever offboards it
		doc.save()
	return len(names)


def on_kol_update(kol) -> None:
	"""KOL.on_update: an offboarded KOL leaves all its community groups."""
	before = kol.get_doc_before_save()
	if kol.workflow_state == OFFBOARDED and (not before or before.workflow_state != OFFBOARDED):
		end_memberships(kol.name, _("Offboarded"))


def delete_kol_memberships(kol) -> None:
	"""KOL.on_trash: a deleted KOL's memberships go with it (and so its place in their groups)."""
	for name in frappe.get_all(
		"KOL Community Membership", filters={"kol": kol.name}, pluck="name", ignore_permissions=True
	):
		frappe.delete_doc("KOL Community Membership", name, ignore_permissions=True, force=True)


# ------------------------------------------------------------------ the report


def group_rows(filters: dict | None = None) -> list[dict]:
	"""Every group with its active members, free places and, for the user, their own KOLs in it."""
	filters = filters or {}
	conditions = {}
	for key in ("category", "channel", "program_type"):
		if filters.get(key):
			conditions[key] = filters[key]
	if filters.get("enabled_only"):
		conditions["enabled"] = 1
	groups = frappe.get_list(
		"KOL Community Group",
		filters=conditions,
		fields=[
			"name",
			"category",
			"program_type",
			"channel",
			"group_owner",
			"capacity",
			"enabled",
		],
		order_by="name asc",
	)
	# every active member of the groups the user may read: a team figure, counted in one query
	counts = member_counts([g.name for g in groups])
	mine: dict[str, set] = {}
	if groups:  # the memberships the user may read (an operator: of their own KOLs)
		for m in frappe.get_list(
			"KOL Community Membership",
			filters={"community_group": ("in", [g.name for g in groups]), "status": ACTIVE},
			fields=["community_group", "kol"],
		):
			mine.setdefault(m.community_group, set()).add(m.kol)
	rows = []
	for g in groups:
		capacity = cint(g.capacity)
		rows.append(
			{
				**g,
				"member_count": counts[g.name],
				"visible_members": len(mine.get(g.name, ())),
				"free_places": max(capacity - counts[g.name], 0) if capacity else None,
			}
		)
	return rows


def check_no_members(doc) -> None:
	"""KOL Community Group.on_trash: a group with active members is disabled, not deleted."""
	if n := active_count(doc.name):
		v.invalid(
			_(
				"Community Group {0} has {1} active members: end their memberships or disable the group."
			).format(frappe.bold(doc.name), n)
		)
