"""Platform candidates: high-output users of our platform who are not KOLs yet (internal first).

From the activity events of accounts no KOL holds: each account's newest event within the
window gives its posts, answers, followers and last activity. An account is a candidate when its
posts and answers together reach the settings' minimum and it was active within the window.
A manager or operator makes one a Spotted KOL on the Internal Cultivation path
(``create_kol_from_platform_user``); its earlier events then hang off that KOL.
"""

import frappe
from frappe import _
from frappe.utils import add_days, cint, cstr, getdate, nowdate

from kol_crm.permissions import may_create_kol
from kol_crm.utils.settings import get_settings


def candidates(min_output: int | None = None, active_days: int | None = None, today=None) -> list[dict]:
	s = get_settings()
	min_output = cint(s.get("candidate_min_output") if min_output is None else min_output)
	active_days = cint(s.get("candidate_active_days") if active_days is None else active_days)
	since = add_days(getdate(today or nowdate()), -active_days)
	e = frappe.qb.DocType("KOL Platform Event")
	rows = (
		frappe.qb.from_(e)
		.select(
			e.platform_user_id,
			e.platform_user_name,
			e.posts,
			e.answers,
			e.followers,
			e.last_active_on,
			e.occurred_on,
		)
		.where(
			(e.event_type == "Activity")
			& e.kol.isnull()
			& e.platform_user_id.isnotnull()
			& (e.occurred_on >= since)
		)
		.orderby(e.occurred_on)
		.run(as_dict=True)
	)
	newest: dict[str, dict] = {}
	events: dict[str, int] = {}
	for row in rows:  # oldest first: the newest event of each account wins
		newest[row.platform_user_id] = row
		events[row.platform_user_id] = events.get(row.platform_user_id, 0) + 1
	taken = set(
		frappe.get_all(
			"KOL", filters={"platform_account_id": ("in", list(newest) or [""])}, pluck="platform_account_id"
		)
	)
	found = []
	for account, row in newest.items():
		output = cint(row.posts) + cint(row.answers)
		last_active = getdate(row.last_active_on or row.occurred_on)
		if account in taken or output < min_output or last_active < since:
			continue
		found.append(
			{
				"platform_user_id": account,
				"platform_user_name": row.platform_user_name,
				"posts": cint(row.posts),
				"answers": cint(row.answers),
				"output": output,
				"followers": cint(row.followers),
				"last_active_on": last_active,
				"events": events[account],
			}
		)
	return sorted(found, key=lambda r: (-r["output"], -r["answers"], r["platform_user_id"]))


@frappe.whitelist(methods=["POST"])
def create_kol_from_platform_user(platform_user_id: str) -> str:
	"""Make a Spotted KOL (Internal Cultivation) of a platform user; returns the KOL's ID."""
	if not may_create_kol():
		frappe.throw(
			_("Only a KOL Manager or an operator can create KOLs."),
			frappe.PermissionError,
			title=_("Not permitted"),
		)
	account = cstr(platform_user_id).strip()
	e = frappe.qb.DocType("KOL Platform Event")
	latest = (
		frappe.qb.from_(e)
		.select(e.platform_user_name, e.posts, e.answers, e.followers, e.last_active_on, e.occurred_on)
		.where((e.event_type == "Activity") & (e.platform_user_id == account) & e.kol.isnull())
		.orderby(e.occurred_on, order=frappe.qb.desc)
		.limit(1)
		.run(as_dict=True)
	)
	if not account or not latest:
		frappe.throw(
			_("No activity of platform user {0} has been received.").format(frappe.bold(account)),
			title=_("Invalid value"),
		)
	existing = frappe.db.get_value("KOL", {"platform_account_id": account}, "name")
	if existing:
		named = frappe.has_permission("KOL", "read", existing)
		frappe.throw(
			_("Platform user {0} is already KOL {1}.").format(account, existing)
			if named
			else _("Platform user {0} is already a KOL.").format(account),
			title=_("Duplicate KOL"),
		)
	row = latest[0]
	kol = frappe.get_doc(
		{
			"doctype": "KOL",
			"kol_name": row.platform_user_name or account,
			"intake_path": "Internal Cultivation",
			"intake_purpose": "Activation",
			"program_type": "Unpaid",
			"source": "Community",
			"platform_account_id": account,
			"on_platform_posts": cint(row.posts),
			"on_platform_content": cint(row.answers),
			"on_platform_followers": cint(row.followers),
			"last_active_on_platform": row.last_active_on or getdate(row.occurred_on),
			"strengths": _("Platform candidate: {0} posts and {1} answers on our platform.").format(
				cint(row.posts), cint(row.answers)
			),
		}
	).insert()
	frappe.qb.update(e).set(e.kol, kol.name).set(e.kol_name, kol.kol_name).where(
		(e.platform_user_id == account) & e.kol.isnull()
	).run()
	kol.add_comment("Info", _("Created from platform user {0} (KOL Platform Candidates).").format(account))
	return kol.name
