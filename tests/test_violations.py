"""Rules, violations and penalties: by severity, escalating, with no exemption for any tier."""

import frappe
import pytest
from frappe.utils import getdate

from kol_crm.intelligence import tiers as tier_logic
from tests import factories as f
from tests import ops_helpers as h


def _rule(severity="Minor", **kwargs):
	return frappe.get_doc(
		{
			"doctype": "KOL Rule",
			"rule_title": f"No statements harming the product {f.unique('')}",
			"description": "Report problems to your operator instead of posting them.",
			"default_severity": severity,
			**kwargs,
		}
	).insert()


def _violation(kol, rule, severity="Minor", on="2026-11-20", user=None):
	if user:
		frappe.set_user(user)
	doc = frappe.get_doc(
		{
			"doctype": "KOL Violation",
			"kol": kol,
			"rule": rule,
			"severity": severity,
			"violation_date": on,
			"evidence": "Screenshot of the post",
		}
	).insert()
	frappe.set_user("Administrator")
	return doc


def test_repeat_minor_violations_escalate_warning_suspend_revoke():
	h.tiers()
	kol = f.make_kol()
	rule = _rule().name
	first = _violation(kol.name, rule, on="2026-10-01", user=f.OPERATOR_A)
	assert (first.offence_number, first.penalty) == (1, "Warning")
	assert frappe.db.get_value("KOL", kol.name, "privilege_status") == "Active"
	second = _violation(kol.name, rule, on="2026-10-15")
	assert (second.offence_number, second.penalty) == (2, "Suspend Privileges")
	assert getdate(second.suspended_until) == getdate("2026-11-14")
	kol.reload()
	assert kol.privilege_status == "Suspended" and {p.status for p in kol.privileges} == {"Suspended"}
	assert getdate(kol.privileges_suspended_until) == getdate("2026-11-14")
	third = _violation(kol.name, rule, on="2026-11-01")
	assert third.penalty == "Revoke Privileges"
	kol.reload()
	assert kol.privilege_status == "Revoked"
	log = h.comments(kol.name)
	assert any("Warning for violation" in c for c in log)
	assert any("Privileges suspended" in c for c in log) and any("Privileges revoked" in c for c in log)


@pytest.mark.parametrize(
	"severity,penalty",
	[("Minor", "Warning"), ("Major", "Suspend Privileges"), ("Severe", "Revoke Privileges")],
)
def test_first_violation_penalty_follows_severity(severity, penalty):
	kol = f.make_kol()
	assert _violation(kol.name, _rule().name, severity).penalty == penalty


def test_violations_outside_the_window_do_not_escalate():
	kol = f.make_kol()
	rule = _rule().name
	_violation(kol.name, rule, on="2025-06-01")
	assert _violation(kol.name, rule, on="2026-11-20").penalty == "Warning"


def test_no_tier_or_pin_exempts_a_kol():
	tiers = h.tiers()
	kol = f.make_kol()
	frappe.set_user(f.MANAGER)
	doc = frappe.get_doc("KOL", kol.name)
	doc.update({"tier_pinned": 1, "tier": tiers["Gold"], "tier_pin_reason": "Flagship partner"})
	doc.save()
	frappe.set_user("Administrator")
	violation = _violation(kol.name, _rule().name, "Severe")
	assert violation.penalty == "Revoke Privileges"
	assert "no tier or pin exempts" in violation.penalty_note
	doc.reload()
	assert doc.tier == tiers["Gold"] and doc.privilege_status == "Revoked"


def test_a_suspension_ends_on_its_date():
	h.tiers()
	kol = f.make_kol()
	_violation(kol.name, _rule().name, "Major", on="2026-11-20")  # suspended until 2026-12-20
	with h.frozen("2026-12-20"):
		assert tier_logic.lift_expired_suspensions() == 0
	with h.frozen("2026-12-21"):
		assert tier_logic.lift_expired_suspensions() == 1
	kol.reload()
	assert kol.privilege_status == "Active" and not kol.privileges_suspended_until
	assert any("suspension ended" in c for c in h.comments(kol.name))


def test_a_disabled_rule_cannot_be_cited():
	kol = f.make_kol()
	with pytest.raises(frappe.ValidationError, match="disabled"):
		_violation(kol.name, _rule(disabled=1).name)


def test_operators_only_see_violations_of_their_own_kols():
	kol = f.make_kol()
	violation = _violation(kol.name, _rule().name)
	frappe.set_user(f.OPERATOR_B)
	assert not frappe.has_permission("KOL Violation", "read", violation.name)
	assert violation.name not in frappe.get_list("KOL Violation", pluck="name")
	frappe.set_user(f.OPERATOR_A)
	assert frappe.has_permission("KOL Violation", "read", violation.name)


def test_partnerships_record_which_rules_were_acknowledged():
	rules = [_rule().name, _rule().name]
	kol = f.make_kol()  # acknowledges the rules as they are now, these two included
	partnership = frappe.get_doc(
		{
			"doctype": "KOL Partnership",
			"kol": kol.name,
			"purpose": "Acquisition",
			"status": "Active",
			"start_date": "2026-11-01",
			"no_proposal_reason": "Renewal",
			"acknowledged_rules": [{"rule": rules[0], "acknowledged_on": "2026-11-02"}, {"rule": rules[1]}],
		}
	).insert()
	assert partnership.rules_acknowledged
	assert getdate(partnership.rules_acknowledged_on) == getdate("2026-11-02")
	assert all(r.acknowledged_on for r in partnership.acknowledged_rules)
	note = _violation(kol.name, rules[0]).penalty_note
	assert "acknowledged this rule on" in note and partnership.name in note
	assert (
		"has not acknowledged" in _violation(f.make_kol(acknowledge_rules=False).name, rules[1]).penalty_note
	)
	partnership.append("acknowledged_rules", {"rule": rules[0]})
	with pytest.raises(frappe.ValidationError, match="listed twice"):
		partnership.save()


def test_the_escalation_window_counts_a_violation_on_its_first_day_and_not_the_day_before():
	h.settings(violation_window_days=30)
	kol = f.make_kol()
	rule = _rule().name
	_violation(kol.name, rule, on="2026-10-01")
	# 31 days later: the first is outside the 30-day window
	outside = _violation(kol.name, rule, on="2026-11-01")
	assert (outside.offence_number, outside.penalty) == (1, "Warning")
	other = f.make_kol()
	_violation(other.name, rule, on="2026-10-01")
	# 30 days later: the first is on the window's first day
	inside = _violation(other.name, rule, on="2026-10-31")
	assert (inside.offence_number, inside.penalty) == (2, "Suspend Privileges")
