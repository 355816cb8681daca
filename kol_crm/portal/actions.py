"""What a KOL does on the portal. Each method checks the stored record against the session user
(``views.check_record`` / ``views.own_kol``, i.e. ``permissions.portal_may_read``), then saves as
the app: the portal role has no desk permission, so the save ignores permissions, and every other
rule of the DocType (workflow guards, negotiation history, rules acknowledged) still applies.
The operator sees each change on the record's timeline: Frappe's Version, and a comment."""

import frappe
from frappe import _
from frappe.utils import cint, escape_html, flt, getdate, nowdate

from kol_crm.intelligence import rules
from kol_crm.portal import views

MAX_MESSAGE = 2000


@frappe.whitelist(methods=["POST"])
def accept_proposal(name: str) -> dict:
	"""The KOL accepts the offer on the table: the workflow's "Mark Accepted" (Sent → Accepted)."""
	views.check_record("KOL Proposal", name)
	doc = frappe.get_doc("KOL Proposal", name)
	if doc.workflow_state == "Accepted":
		return {"workflow_state": doc.workflow_state}
	if doc.workflow_state != "Sent":
		refuse_answer(doc)
	doc.workflow_state = "Accepted"
	save_as_kol(doc, "Mark Accepted")
	doc.add_comment("Info", _("The KOL accepted this proposal on the portal."))
	return {"workflow_state": doc.workflow_state}


@frappe.whitelist(methods=["POST"])
def counter_proposal(name: str, message: str, amount: float | None = None) -> dict:
	"""The KOL counters with a message (and an amount, if they name one): a negotiation round from
	the KOL and, on a Sent proposal, the workflow's "Record Counter-offer" (Sent → Countered)."""
	views.check_record("KOL Proposal", name)
	message = (message or "").strip()
	if not message:
		frappe.throw(_("Write your counter-offer: what you would change."), title=_("Missing value"))
	if len(message) > MAX_MESSAGE:
		frappe.throw(
			_("Your message is too long ({0} characters); keep it under {1}.").format(
				len(message), MAX_MESSAGE
			),
			title=_("Invalid value"),
		)
	if flt(amount) < 0:
		frappe.throw(_("The amount can't be negative."), title=_("Invalid value"))
	doc = frappe.get_doc("KOL Proposal", name)
	if doc.workflow_state not in views.OPEN_PROPOSAL_STATES:
		refuse_answer(doc)
	doc.append(
		"negotiation_rounds",
		{
			"round_date": nowdate(),
			"party": "KOL",
			"channel": "Portal",
			"offer": message,
			"budget": flt(amount),
		},
	)
	action = None
	if doc.workflow_state == "Sent":
		doc.workflow_state = "Countered"
		action = "Record Counter-offer"
	save_as_kol(doc, action)
	doc.add_comment("Info", _("The KOL countered on the portal: {0}").format(escape_html(message)))
	return {"workflow_state": doc.workflow_state, "rounds": len(doc.negotiation_rounds)}


@frappe.whitelist(methods=["POST"])
def acknowledge_rules(name: str) -> dict:
	"""The KOL acknowledges the rules of a partnership: recorded with today's date, as the desk does."""
	views.check_record("KOL Partnership", name)
	doc = frappe.get_doc("KOL Partnership", name)
	if doc.rules_acknowledged:
		return {"rules_acknowledged_on": str(doc.rules_acknowledged_on)}
	if doc.status not in views.OPEN_PARTNERSHIP_STATUSES:
		frappe.throw(
			_("This partnership is {0}; there is nothing to acknowledge any more.").format(_(doc.status)),
			title=_("Not permitted"),
		)
	doc.rules_acknowledged = 1
	doc.rules_acknowledged_on = nowdate()
	save_as_kol(doc)
	doc.add_comment("Info", _("The KOL acknowledged the rules on the portal."))
	rules.record_by_kol(doc.kol, rules.PORTAL)  # the KOL's own acknowledgement of the current rules
	return {"rules_acknowledged_on": str(doc.rules_acknowledged_on)}


@frappe.whitelist(methods=["POST"])
def acknowledge_code_of_conduct() -> dict:
	"""The KOL acknowledges the current rules (the Code of Conduct) for their own KOL."""
	kol = views.own_kol()
	result = rules.record_by_kol(kol, rules.PORTAL)
	return {"acknowledged": True, "new": result["new"]}


@frappe.whitelist(methods=["POST"])
def update_profile(
	preferences: str | None = None,
	occasions: str | list | None = None,
	wants_money: int | None = None,
	wants_personal_brand: int | None = None,
	wants_platform_support: int | None = None,
	wants_traffic: int | None = None,
) -> dict:
	"""The KOL edits their own soft facts: preferences, what they want, occasions."""
	doc = frappe.get_doc("KOL", views.own_kol())
	doc.preferences = (preferences or "").strip()[:MAX_MESSAGE] or None
	for fieldname, value in (
		("wants_money", wants_money),
		("wants_personal_brand", wants_personal_brand),
		("wants_platform_support", wants_platform_support),
		("wants_traffic", wants_traffic),
	):
		doc.set(fieldname, 1 if cint(value) else 0)
	if occasions is not None:
		set_occasions(doc, frappe.parse_json(occasions) or [])
	before = frappe.get_doc("KOL", doc.name)  # as stored, to name what changed
	changed = changed_labels(before, doc)
	if not changed:
		return {"changed": []}
	doc.flags.skip_pacing_warning = True
	save_as_kol(doc)
	doc.add_comment("Info", _("The KOL updated on the portal: {0}.").format(", ".join(changed)))
	return {"changed": changed}


def set_occasions(doc, rows: list) -> None:
	"""Replace the occasions with the KOL's list; a row they kept keeps the operator's note."""
	if not isinstance(rows, list) or len(rows) > 50:
		frappe.throw(_("Occasions: give a list of at most 50."), title=_("Invalid value"))
	existing = {row.name: row for row in doc.occasions}
	result = []
	for number, row in enumerate(rows, 1):
		row = row if isinstance(row, dict) else {}
		occasion = str(row.get("occasion") or "").strip()[:140]
		if not occasion or not row.get("occasion_date"):
			frappe.throw(
				_("Occasion {0}: give what it is and its date.").format(number), title=_("Missing value")
			)
		try:
			date = getdate(row.get("occasion_date"))
		except Exception:
			frappe.throw(_("Occasion {0}: the date is not valid.").format(number), title=_("Invalid value"))
		kept = existing.get(row.get("name"))
		result.append(
			{
				"occasion": occasion,
				"occasion_date": date,
				"repeats_yearly": 1 if cint(row.get("repeats_yearly")) else 0,
				"note": kept.note if kept else None,
			}
		)
	doc.set("occasions", result)


def changed_labels(before, doc) -> list[str]:
	changed = [
		_(doc.meta.get_label(f)) for f in views.SOFT_FACTS if (before.get(f) or None) != (doc.get(f) or None)
	]
	old = [(str(getdate(r.occasion_date)), r.occasion, cint(r.repeats_yearly)) for r in before.occasions]
	new = [(str(getdate(r.occasion_date)), r.occasion, cint(r.repeats_yearly)) for r in doc.occasions]
	if old != new:
		changed.append(_(doc.meta.get_label("occasions")))
	return changed


def save_as_kol(doc, action: str | None = None) -> None:
	# the portal role has no desk permission: the caller checked the stored record
	# (views.check_record / views.own_kol) and the KOL changes only what the method sets
	doc.flags.ignore_permissions = True
	doc.flags.portal_action = action
	doc.save(ignore_version=False)  # always a Version for the operator (tests skip them otherwise)


def refuse_answer(doc) -> None:
	if doc.workflow_state == "Countered":
		message = _("Your counter-offer is with your operator; you can accept once they reply.")
	else:
		message = _("This proposal is {0}; it can't be answered any more.").format(_(doc.workflow_state))
	frappe.throw(message, title=_("Not permitted"))
