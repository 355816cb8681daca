"""Merge duplicate KOLs: KOL B (the source) folds into KOL A (the target), and B is deleted.

Frappe's own merge (``frappe.rename_doc(..., merge=True)``) moves every Link and Dynamic Link
that points at B to A: proposals, partnerships, interactions, reminders, violations, tier
changes, state changes (KOL State Change: B's path joins A's, as its Versions always did in KOL
Pipeline), sequence enrollments and sends, applications, import rows, Communications (and their
timeline links), ToDos, Comments, Files and Versions, and it merges the assignments. Frappe
keeps B's last state as a Deleted Document.

Around it, this module:

- reads B whole first (its child rows go with it);
- gives A the values the manager chose from B where both have one (``take_from_source``),
  fills A's blanks from B, and keeps every opt-out, conflict flag and stated want of either;
- adds B's platform accounts and occasions that A lacks (same platform and handle, same date
  and occasion count as one);
- refreshes A's follow-up dates, then saves A through its controller (scores, tier, screening);
- leaves an audit comment on A saying what came from B (personal values are named by field
  only, as analysts read the timeline).

Only a KOL Manager who may delete B and write A merges (``permissions.may_merge_kols``). KOL
has ``allow_rename`` off, so Frappe's own rename and merge endpoints refuse it: this is the only
way two KOLs become one.
"""

import frappe
from frappe import _
from frappe.model import no_value_fields, table_fields
from frappe.model.dynamic_links import get_dynamic_link_map
from frappe.model.rename_doc import get_link_fields
from frappe.query_builder.functions import Lower
from frappe.utils import cstr, escape_html

from kol_crm import permissions
from kol_crm.outreach.interactions import refresh_kol_follow_up
from kol_crm.utils.validation import email_list, normalise_handle

# Set by the KOL's workflow, its intake path, the tier rules or a review, never by a merge.
NOT_MERGED = frozenset(
	{
		"naming_series",
		"workflow_state",
		"intake_path",
		"tier",
		"tier_pinned",
		"tier_pin_reason",
		"conflict_override",
		"conflict_override_reason",
		"fit_override",
		"fit_override_reason",
		# an address's bounce state follows the address; other addresses are combined below
		"email_invalid",
		"email_invalid_on",
		"email_invalid_reason",
		"other_emails",
		"inactivity_review_decision",
		"inactivity_review_note",
	}
)
# Either KOL's "yes" wins: an opt-out, a conflict of interest or a stated want is never lost.
KEPT_IF_EITHER = frozenset({"do_not_contact", "conflict_of_interest"})


def mergeable_fields() -> list:
	"""The KOL's own fields a merge decides: editable data fields, not layout or tables."""
	return [
		df
		for df in frappe.get_meta("KOL").fields
		if df.fieldtype not in no_value_fields
		and df.fieldtype not in table_fields
		and not df.read_only
		and df.fieldname not in NOT_MERGED
	]


def _empty(value) -> bool:
	return value is None or cstr(value).strip() == ""


def merge_plan(source, target) -> frappe._dict:
	"""What merging ``source`` into ``target`` (KOL documents) would do to the target's fields.

	- conflicts: fields both hold with different values (the manager picks one);
	- fills: fields only the source holds (copied to the target);
	- either: Check fields the source has set and the target has not (set on the target).
	"""
	plan = frappe._dict(conflicts=[], fills=[], either=[])
	for df in mergeable_fields():
		ours, theirs = target.get(df.fieldname), source.get(df.fieldname)
		if df.fieldtype == "Check":
			if theirs and not ours:
				plan.either.append(df.fieldname)
		elif _empty(theirs):
			continue
		elif _empty(ours):
			plan.fills.append(df.fieldname)
		elif cstr(ours).strip() != cstr(theirs).strip():
			plan.conflicts.append(df.fieldname)
	return plan


def linked_records(kol: str) -> dict[str, int]:
	"""How many records of each DocType link ``kol`` (Link and Dynamic Link fields, and Files)."""
	counts: dict[str, int] = {}
	for link in get_link_fields("KOL"):
		if link.issingle:
			continue
		n = frappe.db.count(link.parent, {link.fieldname: kol})
		if n:
			counts[link.parent] = counts.get(link.parent, 0) + n
	for df in get_dynamic_link_map().get("KOL", []):
		meta = frappe.get_meta(df.parent)
		if meta.issingle or meta.is_virtual:
			continue
		n = frappe.db.count(df.parent, {df.options: "KOL", df.fieldname: kol})
		if n:
			counts[df.parent] = counts.get(df.parent, 0) + n
	files = frappe.db.count("File", {"attached_to_doctype": "KOL", "attached_to_name": kol})
	if files:
		counts["File"] = counts.get("File", 0) + files
	return counts


def combined_addresses(source, target, target_email: str | None) -> str | None:
	"""The kept KOL's other addresses: both KOLs' others and whichever of the two emails it
	doesn't keep as its email, so that mail from any of them still lands on the kept KOL."""
	addresses = [
		a.lower()
		for a in (
			*email_list(target.other_emails),
			*email_list(source.other_emails),
			source.email or "",
			target_email or "",
		)
		if a
	]
	own = (target.email or "").lower()
	return "\n".join(dict.fromkeys(a for a in addresses if a != own)) or None


def _account_key(row) -> tuple:
	return (row.platform, normalise_handle(row.handle).lower())


def _occasion_key(row) -> tuple:
	return (cstr(row.occasion_date), cstr(row.occasion).strip().lower())


def combine_children(source, target) -> dict[str, int]:
	"""Append to ``target`` the platform accounts and occasions of ``source`` it lacks; fill the
	blanks of an account both have. Returns how many rows were added per table."""
	added = {"platform_accounts": 0, "occasions": 0}
	accounts = {_account_key(row): row for row in target.platform_accounts}
	for row in source.platform_accounts:
		same = accounts.get(_account_key(row))
		if same:
			for field in ("profile_url", "followers", "engagement_rate", "last_active_on"):
				if _empty(same.get(field)) and not _empty(row.get(field)):
					same.set(field, row.get(field))
			continue
		target.append("platform_accounts", _copy(row, "KOL Platform Account"))
		accounts[_account_key(row)] = row
		added["platform_accounts"] += 1
	occasions = {_occasion_key(row) for row in target.occasions}
	for row in source.occasions:
		if _occasion_key(row) in occasions:
			continue
		target.append("occasions", _copy(row, "KOL Occasion"))
		occasions.add(_occasion_key(row))
		added["occasions"] += 1
	return added


def _copy(row, doctype: str) -> dict:
	return {
		df.fieldname: row.get(df.fieldname)
		for df in frappe.get_meta(doctype).fields
		if df.fieldtype not in no_value_fields
	}


def _check(source: str, target: str) -> None:
	# the role first: nobody else learns whether a KOL exists
	if not permissions.is_manager():
		frappe.throw(
			_("Only a KOL Manager can merge KOLs."), frappe.PermissionError, title=_("Not permitted")
		)
	if not source or not target:
		frappe.throw(_("Choose the KOL to merge and the KOL to keep."), title=_("Merge KOLs"))
	if source == target:
		frappe.throw(_("A KOL can't be merged into itself."), title=_("Merge KOLs"))
	for name in (source, target):
		if not frappe.db.exists("KOL", name):
			frappe.throw(_("KOL {0} does not exist.").format(frappe.bold(name)), title=_("Merge KOLs"))
	if not permissions.may_merge_kols(source, target):
		frappe.throw(
			_("Only a KOL Manager can merge KOLs."), frappe.PermissionError, title=_("Not permitted")
		)


def _label(fieldname: str) -> str:
	return _(frappe.get_meta("KOL").get_label(fieldname))


def _shown(value) -> str:
	return escape_html(cstr(value))


# ------------------------------------------------------------------ whitelisted


@frappe.whitelist()
def get_merge_preview(source: str, target: str) -> dict:
	"""What a merge of ``source`` into ``target`` would do, for the merge dialog."""
	_check(source, target)
	src, tgt = frappe.get_doc("KOL", source), frappe.get_doc("KOL", target)
	plan = merge_plan(src, tgt)
	accounts = {_account_key(row) for row in tgt.platform_accounts}
	occasions = {_occasion_key(row) for row in tgt.occasions}
	return {
		"source": {"name": src.name, "kol_name": src.kol_name, "workflow_state": src.workflow_state},
		"target": {"name": tgt.name, "kol_name": tgt.kol_name, "workflow_state": tgt.workflow_state},
		"conflicts": [
			{
				"fieldname": f,
				"label": _label(f),
				"target_value": cstr(tgt.get(f)),
				"source_value": cstr(src.get(f)),
			}
			for f in plan.conflicts
		],
		"fills": [{"fieldname": f, "label": _label(f)} for f in plan.fills + plan.either],
		"linked": linked_records(source),
		"platform_accounts": sum(_account_key(r) not in accounts for r in src.platform_accounts),
		"occasions": sum(_occasion_key(r) not in occasions for r in src.occasions),
	}


@frappe.whitelist(methods=["POST"])
def merge_kols(source: str, target: str, take_from_source: str | list | None = None) -> str:
	"""Merge KOL ``source`` into KOL ``target`` and delete ``source``; returns ``target``.

	``take_from_source`` lists the conflicting fields whose value comes from the source; every
	other conflict keeps the target's value.
	"""
	_check(source, target)
	take = frappe.parse_json(take_from_source) if isinstance(take_from_source, str) else take_from_source
	take = [cstr(f) for f in take or []]

	src, tgt = frappe.get_doc("KOL", source), frappe.get_doc("KOL", target)
	plan = merge_plan(src, tgt)
	target_email = tgt.email
	unknown = sorted(set(take) - set(plan.conflicts))
	if unknown:
		frappe.throw(
			_("These fields are not in conflict between the two KOLs: {0}").format(", ".join(unknown)),
			title=_("Merge KOLs"),
		)
	# an overlap measured between the two is one KOL's own audience now: it goes
	for name in pair_overlaps(source, target):
		frappe.delete_doc("KOL Audience Overlap", name)
	moved = linked_records(source)

	frappe.rename_doc("KOL", source, target, merge=True, force=True, show_alert=False, rebuild_search=False)
	refresh_kol_follow_up(target)

	tgt = frappe.get_doc("KOL", target)
	for fieldname in plan.fills + plan.either + take:
		tgt.set(fieldname, src.get(fieldname))
	if "email" in take or "email" in plan.fills:
		for fieldname in ("email_invalid", "email_invalid_on", "email_invalid_reason"):
			tgt.set(fieldname, src.get(fieldname))
	tgt.other_emails = combined_addresses(src, tgt, target_email)
	if src.get("portal_user") and not tgt.get("portal_user"):
		tgt.portal_user = src.portal_user  # the duplicate's portal login now opens the kept KOL
	added = combine_children(src, tgt)
	tgt.save()

	tgt.add_comment("Info", audit_text(src, tgt, plan, take, moved, added))
	return tgt.name


def pair_overlaps(kol: str, other: str) -> list[str]:
	"""The KOL Audience Overlap records measured between these two KOLs (either way round)."""
	pair = ("in", [kol, other])
	return frappe.get_all("KOL Audience Overlap", filters={"kol": pair, "other_kol": pair}, pluck="name")


@frappe.whitelist()
def possible_duplicates(kol: str) -> list[dict]:
	"""Other KOLs the user may read that look like the same person as ``kol``: same name, same
	handle (on any platform), or the same email, phone or WeChat ID."""
	if not frappe.has_permission("KOL", "read", kol):
		frappe.throw(_("Not permitted"), frappe.PermissionError)
	doc = frappe.get_doc("KOL", kol)
	reasons: dict[str, set] = {}

	def found(names, reason):
		for name in names:
			if name != doc.name:
				reasons.setdefault(name, set()).add(reason)

	if doc.kol_name:
		found(
			frappe.get_list("KOL", filters={"kol_name": doc.kol_name.strip()}, pluck="name", limit=20),
			_("same name"),
		)
	if permissions.may_read_personal_fields():
		for key in ("email", "phone", "wechat"):
			if doc.get(key):
				found(
					frappe.get_list("KOL", filters={key: doc.get(key)}, pluck="name", limit=20),
					_(frappe.get_meta("KOL").get_label(key)),
				)
	handles = {normalise_handle(r.handle).lower() for r in doc.platform_accounts if r.handle}
	if handles:
		acc = frappe.qb.DocType("KOL Platform Account")
		parents = (
			frappe.qb.from_(acc)
			.select(acc.parent)
			.distinct()
			.where((acc.parenttype == "KOL") & (acc.parent != doc.name))
			.where(Lower(acc.handle).isin(sorted(handles)))
			.limit(50)
			.run(pluck=True)
		)
		if parents:
			found(
				frappe.get_list("KOL", filters={"name": ("in", parents)}, pluck="name", limit=20),
				_("same handle"),
			)
	if not reasons:
		return []
	names = dict(
		frappe.get_list(
			"KOL", filters={"name": ("in", list(reasons))}, fields=["name", "kol_name"], as_list=True
		)
	)
	return [
		{"name": name, "kol_name": names[name], "reasons": sorted(reasons[name])}
		for name in sorted(reasons)
		if name in names
	]


def audit_text(src, tgt, plan, take: list[str], moved: dict[str, int], added: dict[str, int]) -> str:
	"""The comment left on the kept KOL: what came from the merged one, and what of it was not
	kept (non-personal values only)."""
	personal = set(permissions.personal_fields())
	lines = [
		_("Merged KOL {0} ({1}) into this KOL.").format(
			frappe.bold(escape_html(src.name)), escape_html(src.kol_name or "")
		)
	]
	if moved:
		lines.append(
			_("Moved here: {0}.").format(
				", ".join(f"{count} × {_(doctype)}" for doctype, count in sorted(moved.items()))
			)
		)
	taken = [_label(f) for f in take + plan.fills + plan.either]
	if taken:
		lines.append(_("Values taken from {0}: {1}.").format(escape_html(src.name), ", ".join(taken)))
	if added["platform_accounts"] or added["occasions"]:
		lines.append(
			_("Added from {0}: {1} platform accounts, {2} occasions.").format(
				escape_html(src.name), added["platform_accounts"], added["occasions"]
			)
		)
	kept = [f for f in plan.conflicts if f not in take]
	if kept:
		described = [
			_label(f)
			if f in personal
			else _("{0} ({1} had: {2})").format(_label(f), src.name, _shown(src.get(f)))
			for f in kept
		]
		lines.append(_("Kept this KOL's value of: {0}.").format("; ".join(described)))
	return "<br>".join(lines)
