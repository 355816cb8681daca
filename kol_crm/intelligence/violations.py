"""Rule violations and their penalties: the same for every KOL, whatever its tier or pin.

Penalty level = severity base (Minor 0, Major 1, Severe 2) + the KOL's earlier violations
within violation_window_days, capped at 2: 0 Warning, 1 Suspend Privileges (suspension_days),
2 Revoke Privileges. So repeat violations escalate: a second Minor suspends, a third revokes.
"""

import frappe
from frappe import _
from frappe.utils import add_days, getdate, nowdate

from kol_crm.intelligence import rules, tiers
from kol_crm.utils.settings import get_settings

SEVERITY_BASE = {"Minor": 0, "Major": 1, "Severe": 2}
PENALTIES = ("Warning", "Suspend Privileges", "Revoke Privileges")


def earlier_violations(kol: str, on, window_days: int, exclude: str | None = None) -> int:
	filters = {
		"kol": kol,
		"violation_date": ("between", (add_days(on, -window_days), getdate(on))),
	}
	if exclude:
		filters["name"] = ("!=", exclude)
	return frappe.db.count("KOL Violation", filters)


def set_penalty(violation, s=None) -> None:
	"""KOL Violation.validate (new records): offence number, penalty and the explanation."""
	s = s or get_settings()
	if not frappe.db.get_value("KOL Rule", violation.rule, "name") or frappe.db.get_value(
		"KOL Rule", violation.rule, "disabled"
	):
		frappe.throw(
			_("Rule {0} is disabled or missing.").format(frappe.bold(violation.rule)),
			title=_("Invalid value"),
		)
	if (
		violation.partnership
		and frappe.db.get_value("KOL Partnership", violation.partnership, "kol") != violation.kol
	):
		frappe.throw(
			_("Partnership {0} is not with KOL {1}.").format(violation.partnership, violation.kol),
			title=_("Invalid value"),
		)
	prior = earlier_violations(
		violation.kol, violation.violation_date, s.violation_window_days, violation.name
	)
	level = min(SEVERITY_BASE[violation.severity] + prior, len(PENALTIES) - 1)
	violation.offence_number = prior + 1
	violation.penalty = PENALTIES[level]
	violation.suspended_until = (
		add_days(violation.violation_date, s.suspension_days)
		if violation.penalty == "Suspend Privileges"
		else None
	)
	violation.penalty_note = _(
		"{0} violation, offence {1} within {2} days: {3}. Penalties apply to every KOL alike; no tier or pin exempts a KOL."
	).format(_(violation.severity), violation.offence_number, s.violation_window_days, _(violation.penalty))
	violation.penalty_note += " " + acknowledgement_note(violation.kol, violation.rule)


def acknowledgement_note(kol: str, rule: str) -> str:
	"""Whether the KOL acknowledged the rule, in a partnership or in the rules it acknowledged (the
	penalty applies either way)."""
	partnership = frappe.qb.DocType("KOL Partnership")
	acknowledged = frappe.qb.DocType("KOL Partnership Rule")
	row = (
		frappe.qb.from_(acknowledged)
		.join(partnership)
		.on(partnership.name == acknowledged.parent)
		.select(partnership.name, acknowledged.acknowledged_on)
		.where(
			(partnership.kol == kol)
			& (acknowledged.rule == rule)
			& (acknowledged.parenttype == "KOL Partnership")
		)
		.orderby(acknowledged.acknowledged_on)
		.limit(1)
		.run(as_dict=True)
	)
	if row:
		return _("The KOL acknowledged this rule on {0} (partnership {1}).").format(
			frappe.format(row[0].acknowledged_on, "Date"), row[0].name
		)
	if ack := rules.acknowledgement_of_rule(kol, rule):
		return _("The KOL acknowledged this rule on {0} ({1}).").format(
			frappe.format(ack.acknowledged_on, "Date"), _(ack.method)
		)
	return _("The KOL has not acknowledged this rule in a partnership.")


def apply_penalty(violation) -> None:
	"""KOL Violation.after_insert: change the KOL's privilege status and log it."""
	kol = frappe.get_doc("KOL", violation.kol)
	reason = _("violation {0} of rule {1} ({2})").format(
		violation.name, violation.rule, _(violation.severity)
	)
	if violation.penalty == "Revoke Privileges":
		tiers.set_privilege_status(kol, tiers.REVOKED, reason)
	elif violation.penalty == "Suspend Privileges" and kol.privilege_status != tiers.REVOKED:
		until = violation.suspended_until
		if kol.privileges_suspended_until and getdate(kol.privileges_suspended_until) > getdate(until):
			until = kol.privileges_suspended_until
		tiers.set_privilege_status(kol, tiers.SUSPENDED, reason, until)
	else:
		kol.add_comment("Info", _("Warning for {0}.").format(reason))
		return
	kol.flags.ignore_permissions = True  # the penalty is the system's, whoever records the violation
	kol.flags.skip_pacing_warning = True
	kol.save()


def validate_partnership_rules(doc) -> None:
	"""KOL Partnership.validate: which rules were acknowledged, and when."""
	if doc.rules_acknowledged and not doc.acknowledged_rules:
		for rule in frappe.get_all("KOL Rule", filters={"disabled": 0}, pluck="name", order_by="name"):
			doc.append("acknowledged_rules", {"rule": rule})
	seen = set()
	for row in doc.acknowledged_rules:
		if row.rule in seen:
			frappe.throw(
				_("Rule {0} is listed twice in Rules Acknowledged.").format(frappe.bold(row.rule)),
				title=_("Invalid value"),
			)
		seen.add(row.rule)
		row.acknowledged_on = row.acknowledged_on or doc.rules_acknowledged_on or nowdate()
	if doc.acknowledged_rules and not doc.rules_acknowledged:
		doc.rules_acknowledged = 1
		doc.rules_acknowledged_on = doc.rules_acknowledged_on or min(
			getdate(r.acknowledged_on) for r in doc.acknowledged_rules
		)
