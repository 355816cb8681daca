"""Tier assignment from the overall score, manager pins, privileges and their status.

- Without a pin, a KOL's tier is the tier with the highest minimum score that the overall
  score reaches (ties: the better rank). An unknown overall score gives no tier.
- Only a KOL Manager pins a tier, and a pin needs a reason.
- The KOL's privileges are its tier's benefits and empowerment methods; their status is the
  KOL's privilege status: Active, Suspended (Dormant, or a violation until a date) or
  Revoked (Offboarded, or a violation). No tier or pin exempts a KOL from a penalty.
- Every tier change is a KOL Tier Change record and a timeline comment; every privilege
  status change is a timeline comment.
"""

import frappe
from frappe import _
from frappe.utils import flt, getdate, now_datetime, nowdate

from kol_crm.permissions import is_manager
from kol_crm.utils.docs import field_changed
from kol_crm.utils.jobs import for_each
from kol_crm.workflows.base import changed_state

ACTIVE, SUSPENDED, REVOKED = "Active", "Suspended", "Revoked"


def all_tiers() -> list[dict]:
	"""Tiers, best first (highest minimum score, then best rank).

	Kept for the rest of the request or job (bulk imports and recomputes score many KOLs);
	a tier's save or deletion forgets them (``forget_tiers``)."""
	if getattr(frappe.local, "kol_crm_tiers", None) is None:
		tiers = frappe.get_all("KOL Tier", fields=["name", "rank", "min_score"])
		frappe.local.kol_crm_tiers = sorted(tiers, key=lambda t: (-flt(t.min_score), t.rank))
	return frappe.local.kol_crm_tiers


def forget_tiers() -> None:
	frappe.local.kol_crm_tiers = None


def tier_for_score(score: float, tiers: list[dict]) -> dict | None:
	return next((t for t in tiers if flt(score) >= flt(t.min_score)), None)


# ------------------------------------------------------------------ validation and assignment


def validate_pin(doc) -> None:
	"""Only a KOL Manager pins (or changes a pinned tier); a pin needs a tier and a reason."""
	pin_fields = ("tier_pinned", "tier_pin_reason") + (("tier",) if doc.tier_pinned else ())
	if field_changed(doc, *pin_fields) and not is_manager():
		frappe.throw(_("Only a KOL Manager can pin a KOL's tier."), frappe.PermissionError)
	if doc.tier_pinned:
		if not doc.tier:
			frappe.throw(_("Choose the Tier to pin."), title=_("Invalid value"))
		if not (doc.tier_pin_reason or "").strip():
			frappe.throw(_("Pin Reason is required to pin the tier."), title=_("Invalid value"))


def assign_tier(doc, tiers: list[dict] | None = None) -> None:
	"""Set the tier from the overall score (unless pinned) and say why in Why This Tier."""
	tiers = all_tiers() if tiers is None else tiers
	if doc.tier_pinned:
		doc.tier_reason = _("{0}: pinned by a KOL Manager ({1}). The overall score {2} is not used.").format(
			doc.tier, doc.tier_pin_reason, flt(doc.score_overall, 1)
		)
		return
	if doc.flags.get("overall_known") is False:
		doc.tier = None
		doc.tier_reason = _("No tier: the overall score is unknown until some figures are recorded.")
		return
	score = flt(doc.score_overall)
	tier = tier_for_score(score, tiers)
	if not tier:
		doc.tier = None
		doc.tier_reason = (
			_("No tier: the overall score {0} is below the lowest minimum score ({1}, tier {2}).").format(
				score, flt(tiers[-1].min_score), tiers[-1].name
			)
			if tiers
			else _("No tier: no KOL Tier is set up yet.")
		)
		return
	doc.tier = tier.name
	better = [t for t in tiers if flt(t.min_score) > flt(tier.min_score)]
	reason = _("{0} (rank {1}): the overall score {2} reaches its minimum score {3}.").format(
		tier.name, tier.rank, score, flt(tier.min_score)
	)
	if better:
		nxt = better[-1]
		reason += " " + _("Next tier: {0} from {1}.").format(nxt.name, flt(nxt.min_score))
	else:
		reason += " " + _("This is the top tier.")
	doc.tier_reason = reason


def tier_privileges(tier: str | None) -> list[tuple[str, str]]:
	if not tier:
		return []
	benefits = frappe.get_all(
		"KOL Tier Benefit",
		filters={"parent": tier, "parenttype": "KOL Tier"},
		fields=["benefit_type", "benefit"],
		order_by="idx",
	)
	methods = frappe.get_all(
		"KOL Tier Empowerment",
		filters={"parent": tier, "parenttype": "KOL Tier"},
		fields=["method", "description"],
		order_by="idx",
	)
	return [(b.benefit_type, b.benefit) for b in benefits] + [
		(m.method, m.description or m.method) for m in methods
	]


def sync_privileges(doc) -> None:
	"""The KOL's privileges follow its tier; every row carries the KOL's privilege status.

	Two KOL saves at the same moment (a tier change, e.g. after new figures) deadlocked on the KOL
	Privilege rows, so their writes take as few and as narrow locks as they can:

	- the stored rows are rewritten in place, never deleted and inserted again (an update by name
	  locks only its row); only a tier with more privileges adds rows, at the end;
	- rows that are no longer wanted are deleted by name (``delete_left_privileges``), instead of
	  Frappe's one DELETE over the KOL's range of rows, which locks index ranges beside it (and, on
	  a small table, rows of other KOLs)."""
	wanted = [(t, p, doc.tier) for t, p in tier_privileges(doc.tier)]
	current = [(r.privilege_type, r.privilege, r.tier) for r in doc.privileges]
	if wanted != current:
		kept = list(doc.privileges)[: len(wanted)]
		for row, (privilege_type, privilege, tier) in zip(kept, wanted, strict=False):
			row.update({"privilege_type": privilege_type, "privilege": privilege, "tier": tier})
		if len(kept) < len(doc.privileges):
			doc.set("privileges", kept)
		for privilege_type, privilege, tier in wanted[len(kept) :]:
			doc.append("privileges", {"privilege_type": privilege_type, "privilege": privilege, "tier": tier})
	for row in doc.privileges:
		row.status = doc.privilege_status or ACTIVE
	delete_left_privileges(doc)


def delete_left_privileges(doc) -> None:
	"""Delete the stored privilege rows the KOL no longer has, by name, and tell Frappe's save not
	to delete the table's rows itself (``ignore_children_type``): the rows are exactly the tier's,
	set just above, so nothing else can have left the table."""
	if doc.is_new():
		return  # an insert deletes nothing
	before = doc.get_doc_before_save()
	if before is not None:
		stored = {row.name for row in before.privileges}
	else:
		stored = set(
			frappe.get_all(
				"KOL Privilege",
				filters={"parent": doc.name, "parenttype": "KOL", "parentfield": "privileges"},
				pluck="name",
			)
		)
	left = stored - {row.name for row in doc.privileges}
	if left:
		frappe.db.delete("KOL Privilege", {"name": ("in", sorted(left))})
	ignored = set(doc.flags.ignore_children_type or ())
	doc.flags.ignore_children_type = [*ignored, "KOL Privilege"]


INLINE_REFRESH_LIMIT = 50


def refresh_privileges_of_tier(tier: str, inline: bool | None = None) -> None:
	"""Re-sync the privileges of the tier's KOLs: inline for a few, in the background for many."""
	names = frappe.get_all("KOL", filters={"tier": tier}, pluck="name")
	if inline is None and len(names) > INLINE_REFRESH_LIMIT:
		frappe.enqueue(
			"kol_crm.intelligence.tiers.refresh_privileges_of_tier",
			queue="long",
			tier=tier,
			inline=True,
			enqueue_after_commit=True,
		)
		return
	for name in names:
		kol = frappe.get_doc("KOL", name)
		before = [(r.privilege_type, r.privilege) for r in kol.privileges]
		if before != tier_privileges(tier):
			kol.flags.ignore_permissions = True  # the system follows the tier, whoever owns the KOL
			kol.save()


def set_privilege_status(doc, status: str, reason: str, until=None) -> None:
	"""Change the privilege status (logged on the timeline in on_update)."""
	if doc.privilege_status == status and (doc.privileges_suspended_until or None) == (until or None):
		return
	doc.privilege_status = status
	doc.privilege_status_reason = reason
	doc.privileges_suspended_until = until
	doc.flags.privilege_log = _("Privileges {0}: {1}").format(_(status).lower(), reason)


def apply_state_privileges(doc) -> None:
	"""Dormant suspends, Offboarded revokes, Reactivate restores a dormancy suspension."""
	_from, to_state = changed_state(doc)
	if to_state == "Dormant" and doc.privilege_status == ACTIVE:
		set_privilege_status(doc, SUSPENDED, _("the KOL became Dormant"))
	elif to_state == "Offboarded":
		set_privilege_status(doc, REVOKED, _("the KOL was offboarded"))
	elif (
		to_state == "Active"
		and doc.privilege_status == SUSPENDED
		and not doc.privileges_suspended_until  # a violation's suspension runs to its date
	):
		set_privilege_status(doc, ACTIVE, _("the KOL is Active again"))


def lift_expired_suspensions(today=None) -> int:
	"""Daily: a violation's suspension ends on its date (Dormant KOLs stay suspended)."""
	today = getdate(today or nowdate())
	names = frappe.get_all(
		"KOL",
		filters=[
			["privilege_status", "=", SUSPENDED],
			["privileges_suspended_until", "is", "set"],  # a missing date would compare as 0001-01-01
			["privileges_suspended_until", "<", today],
		],
		pluck="name",
	)

	def lift(name):
		kol = frappe.get_doc("KOL", name)
		if kol.workflow_state == "Dormant":
			set_privilege_status(kol, SUSPENDED, _("the KOL is Dormant"))
		else:
			set_privilege_status(kol, ACTIVE, _("the suspension ended"))
		kol.flags.ignore_permissions = True  # the system ends the suspension
		kol.save()

	return len(for_each(names, lift, _("Ending the suspension of {0} failed")))


# ------------------------------------------------------------------ history


def log_changes(doc) -> None:
	"""KOL.on_update: a KOL Tier Change record and timeline comments."""
	before = doc.get_doc_before_save()
	old_tier = before.tier if before else None
	if (old_tier or None) != (doc.tier or None):
		# a log written by the system
		frappe.get_doc(tier_change(doc, old_tier)).insert(ignore_permissions=True)
		doc.add_comment("Info", tier_change_comment(old_tier, doc.tier, doc.tier_reason))
	if doc.flags.privilege_log:
		doc.add_comment("Info", doc.flags.privilege_log)
		doc.flags.privilege_log = None


def tier_change(doc, old_tier: str | None) -> dict:
	"""The KOL Tier Change record of ``doc`` moving from ``old_tier`` to its tier."""
	return {
		"doctype": "KOL Tier Change",
		"kol": doc.name,
		"changed_on": now_datetime(),
		"changed_by": frappe.session.user,
		"from_tier": old_tier,
		"to_tier": doc.tier,
		"overall_score": doc.score_overall,
		"pinned": doc.tier_pinned,
		"reason": doc.tier_pin_reason if doc.tier_pinned else doc.tier_reason,
	}


def tier_change_comment(old_tier: str | None, new_tier: str | None, reason: str | None) -> str:
	return _("Tier changed from {0} to {1}: {2}").format(
		old_tier or _("none"), new_tier or _("none"), reason or ""
	)


def delete_kol_logs(doc) -> None:
	"""KOL.on_trash: a deleted KOL takes its tier history and reminder keys with it."""
	frappe.db.delete("KOL Tier Change", {"kol": doc.name})
	frappe.db.delete("KOL Reminder", {"kol": doc.name})
