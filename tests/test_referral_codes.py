"""Referral codes and attribution (issue 13): conversions attributed by code (or by KOL), revoked
codes and late conversions recorded but not attributed, partnership results computed from the
attributed conversions (never typed), and codes revoked by a penalty or offboarding."""

import re

import frappe
import pytest
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, add_to_date, now_datetime, nowdate

from kol_crm.intelligence import tiers
from kol_crm.platform import api as platform_api
from kol_crm.platform import referral_codes
from kol_crm.platform.events import ingest
from kol_crm.portal import views as portal_views
from tests import factories as f
from tests import platform_helpers as ph
from tests.api import ApiSession

SHARE_10_AND_5 = [
	{"benefit_type": "Cash", "amount": 3000},
	{"benefit_type": "Revenue Share", "revenue_share_percent": 10},
	{"benefit_type": "Revenue Share", "revenue_share_percent": 5},
]


def stored_results(name: str) -> tuple:
	return frappe.db.get_value(
		"KOL Partnership",
		name,
		[
			"result_new_users",
			"result_activated_users",
			"result_paid_conversions",
			"result_revenue",
			"revenue_share_due",
		],
	)


def test_a_code_is_human_readable_unique_and_carries_its_link():
	kol = f.make_kol(kol_name="Ling Ling Studio")
	p = ph.partnership(kol.name)
	frappe.db.set_single_value(
		"KOL CRM Settings", "referral_link_template", "https://community.example/join?ref={code}"
	)
	frappe.clear_document_cache("KOL CRM Settings", "KOL CRM Settings")
	first = referral_codes.generate_referral_code(p.name)
	second = referral_codes.generate_referral_code(p.name)
	assert re.fullmatch(r"LINGLINGST-[A-HJ-NP-Z2-9]{5}", first["code"]), first
	assert first["code"] != second["code"]
	assert first["referral_link"] == f"https://community.example/join?ref={first['code']}"
	code = frappe.get_doc("KOL Referral Code", first["code"])
	assert (code.kol, code.partnership, code.status) == (kol.name, p.name, "Active")
	chinese = f.make_kol(kol_name="李明")
	assert (
		referral_codes.code_stem(chinese.kol_name, chinese.name)
		== re.sub(r"[^A-Z0-9]", "", chinese.name)[:10]
	)


def test_only_who_may_edit_the_partnership_generates_or_revokes_its_codes():
	p = ph.partnership(f.make_kol(operator=f.OPERATOR_B).name)
	for user in (f.OPERATOR_A, f.ANALYST):
		frappe.set_user(user)
		with pytest.raises(
			frappe.PermissionError, match="only generate referral codes for partnerships you may edit"
		):
			referral_codes.generate_referral_code(p.name)
	frappe.set_user(f.OPERATOR_B)
	code = referral_codes.generate_referral_code(p.name)["code"]
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(
		frappe.PermissionError, match="only revoke referral codes of partnerships you may edit"
	):
		referral_codes.revoke_referral_code(code, "not mine")
	frappe.set_user(f.OPERATOR_B)
	with pytest.raises(frappe.ValidationError, match="Give the reason"):
		referral_codes.revoke_referral_code(code, "  ")
	assert referral_codes.revoke_referral_code(code, "Shared on a coupon site")["status"] == "Revoked"
	doc = frappe.get_doc("KOL Referral Code", code)
	assert (doc.revoked_reason, doc.revoked_by) == ("Shared on a coupon site", f.OPERATOR_B)
	doc.status = "Active"
	with pytest.raises(frappe.ValidationError, match="A revoked referral code stays revoked"):
		doc.save(ignore_permissions=True)
	frappe.set_user("Administrator")
	frappe.db.set_value("KOL Partnership", p.name, "status", "Completed")
	with pytest.raises(
		frappe.ValidationError, match="only an active or paused partnership gets new referral codes"
	):
		referral_codes.generate_referral_code(p.name)


def test_operators_read_only_their_kols_codes():
	mine = ph.partnership(f.make_kol(operator=f.OPERATOR_A).name)
	theirs = ph.partnership(f.make_kol(operator=f.OPERATOR_B).name)
	a, b = referral_codes.make_code(mine.name).name, referral_codes.make_code(theirs.name).name
	frappe.set_user(f.OPERATOR_A)
	assert frappe.get_list("KOL Referral Code", filters={"name": ("in", [a, b])}, pluck="name") == [a]
	assert not frappe.has_permission("KOL Referral Code", "read", b)
	assert not frappe.has_permission("KOL Referral Code", "create")


def test_results_and_revenue_share_due_are_computed_from_attributed_conversions():
	p = ph.partnership(benefits=SHARE_10_AND_5)
	code = referral_codes.make_code(p.name).name
	token = f.unique("c")
	answer = ingest(
		[
			ph.conversion(f"{token}-1", "new_user", referral_code=code),
			ph.conversion(f"{token}-2", "new_user", referral_code=code.lower()),  # codes are case-insensitive
			ph.conversion(f"{token}-3", "activated", referral_code=code),
			ph.conversion(f"{token}-4", "paid", amount=199.5, referral_code=code, customer_ref="u-1"),
			ph.conversion(f"{token}-5", "paid", amount="300.25", referral_code=code),
			ph.conversion(f"{token}-6", "new_user", kol=p.kol),  # no code: the KOL's one partnership today
		]
	)
	assert {r["attribution"] for r in answer["results"]} == {"Attributed"}
	assert answer["results"][0]["message"] == f"Attributed to partnership {p.name} by referral code {code}."
	assert answer["results"][5]["message"] == f"Attributed to partnership {p.name} by KOL (no referral code)."
	# 499.75 revenue x (10 % + 5 %) = 74.9625, stored to the cent
	assert stored_results(p.name) == (3, 1, 2, 499.75, 74.96)


def test_typed_results_are_replaced_by_the_computed_ones():
	p = ph.partnership(benefits=SHARE_10_AND_5)
	ph.record_conversions(p.name, new_users=2, paid=[100])
	frappe.set_user(f.OPERATOR_A)
	doc = frappe.get_doc("KOL Partnership", p.name)
	doc.update({"result_new_users": 500, "result_revenue": 99999, "revenue_share_due": 1})
	doc.save()
	assert stored_results(p.name) == (2, 0, 1, 100, 15)
	response_fields = {df.fieldname: df.read_only for df in frappe.get_meta("KOL Partnership").fields}
	assert all(
		response_fields[field]
		for field in (
			"result_new_users",
			"result_activated_users",
			"result_paid_conversions",
			"result_revenue",
			"revenue_share_due",
		)
	)


def test_a_revoked_code_records_the_conversion_without_attributing_it_unless_it_happened_before():
	p = ph.partnership(benefits=SHARE_10_AND_5)
	code = referral_codes.make_code(p.name)
	referral_codes.revoke(code, "Leaked on a coupon site")
	frappe.db.set_value("KOL Referral Code", code.name, "revoked_on", add_to_date(now_datetime(), days=-2))
	token = f.unique("r")
	answer = ingest(
		[
			ph.conversion(f"{token}-after", "paid", amount=50, days_ago=1, referral_code=code.name),
			ph.conversion(f"{token}-before", "paid", amount=80, days_ago=3, referral_code=code.name),
		]
	)
	after, before = answer["results"]
	assert (after["status"], after["attribution"], after["partnership"]) == (
		"accepted",
		"Not Attributed",
		p.name,
	)
	assert after["message"].startswith(f"Referral code {code.name} was revoked on ")
	assert after["message"].endswith("(Leaked on a coupon site): the conversion is recorded, not attributed.")
	assert before["attribution"] == "Attributed"
	assert stored_results(p.name) == (0, 0, 1, 80, 12)


def test_late_conversions_after_the_end_are_not_attributed_and_late_arrivals_within_the_term_are():
	p = ph.partnership(start_days_ago=30, end_in_days=-5, benefits=SHARE_10_AND_5)
	frappe.db.set_value("KOL Partnership", p.name, "status", "Completed")
	code = referral_codes.make_code  # a completed partnership gets no new code: make one while it ran
	frappe.db.set_value("KOL Partnership", p.name, "status", "Active")
	code = code(p.name).name
	frappe.db.set_value("KOL Partnership", p.name, "status", "Completed")
	token = f.unique("l")
	answer = ingest(
		[
			ph.conversion(f"{token}-late", "paid", amount=40, days_ago=2, referral_code=code),
			ph.conversion(f"{token}-within", "paid", amount=60, days_ago=10, referral_code=code),
			ph.conversion(f"{token}-early", "new_user", days_ago=40, referral_code=code),
			ph.conversion(f"{token}-bykol", "new_user", days_ago=2, kol=p.kol),
		]
	)
	late, within, early, bykol = answer["results"]
	end = frappe.format(add_days(nowdate(), -5), "Date")
	assert late["attribution"] == "Not Attributed"
	assert late["message"] == (
		f"Late: the conversion on {frappe.format(add_days(nowdate(), -2), 'Date')} is after partnership"
		f" {p.name} ended ({end}): recorded, not attributed."
	)
	assert within["attribution"] == "Attributed"
	assert within["message"].endswith("it happened within its term, so its results were recomputed.")
	assert early["attribution"] == "Not Attributed" and "before partnership" in early["message"]
	assert (bykol["attribution"], bykol["partnership"]) == ("Not Attributed", None)
	assert bykol["message"].startswith(f"No partnership of KOL {p.kol} covers ")
	assert stored_results(p.name) == (0, 0, 1, 60, 9)


def test_a_conversion_by_kol_with_two_covering_partnerships_asks_for_the_code():
	kol = f.make_kol()
	one, two = ph.partnership(kol.name), ph.partnership(kol.name, start_days_ago=10)
	answer = ingest([ph.conversion(f.unique("amb"), kol=kol.name)])["results"][0]
	assert answer["attribution"] == "Not Attributed"
	assert answer["message"].endswith("send the referral code to attribute the conversion.")
	assert one.name in answer["message"] and two.name in answer["message"]


def test_a_conversion_in_another_currency_is_recorded_not_attributed():
	p = ph.partnership()
	frappe.db.set_value("KOL Partnership", p.name, "currency", "CNY")
	code = referral_codes.make_code(p.name).name
	answer = ingest([ph.conversion(f.unique("cur"), "paid", amount=10, currency="usd", referral_code=code)])[
		"results"
	][0]
	assert (answer["attribution"], answer["message"]) == (
		"Not Attributed",
		f"The amount is in USD; partnership {p.name} is in CNY: recorded, not attributed.",
	)


def test_a_code_of_another_kol_is_refused():
	p = ph.partnership()
	code = referral_codes.make_code(p.name).name
	other = f.make_kol()
	answer = ingest([ph.conversion(f.unique("x"), kol=other.name, referral_code=code)])["results"][0]
	assert (answer["status"], answer["message"]) == (
		"error",
		f"Referral code {code} belongs to another KOL than {other.name}.",
	)


# ------------------------------------------------------------------ revoked automatically


def _rule() -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "KOL Rule",
				"rule_title": f"Rule {f.unique()}",
				"description": "No spam.",
				"default_severity": "Minor",
			}
		)
		.insert()
		.name
	)


def _violation(kol: str, rule: str, severity: str):
	return frappe.get_doc(
		{
			"doctype": "KOL Violation",
			"kol": kol,
			"rule": rule,
			"severity": severity,
			"violation_date": nowdate(),
			"evidence": "A screenshot of the post",
		}
	).insert()


def test_a_penalty_that_suspends_or_revokes_privileges_revokes_the_codes_and_a_warning_does_not():
	p = ph.partnership()
	code = referral_codes.make_code(p.name).name
	rule = _rule()
	warning = _violation(p.kol, rule, "Minor")
	assert warning.penalty == "Warning"
	assert frappe.db.get_value("KOL Referral Code", code, "status") == "Active"
	suspension = _violation(p.kol, rule, "Minor")  # a second offence suspends
	assert suspension.penalty == "Suspend Privileges"
	status, reason = frappe.db.get_value("KOL Referral Code", code, ["status", "revoked_reason"])
	assert status == "Revoked"
	assert reason == f"Privileges suspended: violation {suspension.name} of rule {rule} (Minor)"
	with pytest.raises(frappe.ValidationError, match="no new referral code until they are restored"):
		referral_codes.make_code(p.name)


def test_a_severe_violation_revokes_every_code_of_the_kol():
	p = ph.partnership()
	codes = [referral_codes.make_code(p.name).name for _i in range(2)]
	violation = _violation(p.kol, _rule(), "Severe")
	assert violation.penalty == "Revoke Privileges"
	assert (
		frappe.get_all("KOL Referral Code", filters={"name": ("in", codes)}, pluck="status")
		== ["Revoked"] * 2
	)


def test_offboarding_revokes_the_codes_and_dormancy_does_not():
	dormant, offboarded = ph.partnership(), ph.partnership()
	kept = referral_codes.make_code(dormant.name).name
	gone = referral_codes.make_code(offboarded.name).name
	kol = frappe.get_doc("KOL", dormant.kol)
	tiers.set_privilege_status(kol, tiers.SUSPENDED, "the KOL became Dormant")
	kol.save()
	kol = frappe.get_doc("KOL", offboarded.kol)
	tiers.set_privilege_status(kol, tiers.REVOKED, "the KOL was offboarded")
	kol.save()
	assert frappe.db.get_value("KOL Referral Code", kept, "status") == "Active"
	assert frappe.db.get_value("KOL Referral Code", gone, ["status", "revoked_reason"]) == (
		"Revoked",
		"Privileges revoked: the KOL was offboarded",
	)


def test_offboarding_through_the_workflow_revokes_the_codes():
	p = ph.partnership()
	code = referral_codes.make_code(p.name).name
	kol = frappe.get_doc("KOL", p.kol)
	f.set_state(kol, "Active")
	frappe.set_user(f.MANAGER)
	apply_workflow(frappe.get_doc("KOL", p.kol), "Offboard")
	assert frappe.db.get_value("KOL Referral Code", code, ["status", "revoked_reason"]) == (
		"Revoked",
		"Privileges revoked: the KOL was offboarded",
	)
	comments = frappe.get_all(
		"Comment", filters={"reference_name": p.kol, "content": ("like", f"Referral code {code} revoked%")}
	)
	assert len(comments) == 1


def test_the_kol_sees_its_codes_and_results_on_the_portal_and_nobody_elses():
	p = ph.partnership(benefits=SHARE_10_AND_5)
	code = referral_codes.make_code(p.name).name
	ph.record_conversions(p.name, new_users=3, paid=[100, 100])
	other = ph.partnership()
	referral_codes.make_code(other.name)
	f.link_portal_user(p.kol)
	frappe.set_user(f.PORTAL_USER)
	seen = portal_views.partnership(p.name)
	assert code in [c.code for c in seen.referral_codes]
	assert (seen.results.result_new_users, seen.results.result_revenue, seen.results.revenue_share_due) == (
		3,
		200,
		30,
	)
	with pytest.raises(frappe.PermissionError):
		portal_views.partnership(other.name)


# ------------------------------------------------------------------ over HTTP


def test_the_platform_sends_a_conversion_with_a_code_over_http():
	frappe.set_user("Administrator")
	ph.integration_keys()
	p = ph.partnership(benefits=SHARE_10_AND_5)
	code = referral_codes.make_code(p.name).name
	token = f.unique("hc")
	frappe.db.commit()
	try:
		events = [
			ph.conversion(f"{token}-1", "paid", amount=120, referral_code=code),
			ph.conversion(f"{token}-1", "paid", amount=120, referral_code=code),
		]
		response = ph.push(events)
		assert response.status_code == 200, response.get_data(as_text=True)[:300]
		message = ApiSession.json(response)["message"]
		assert [(r["status"], r.get("attribution")) for r in message["results"]] == [
			("accepted", "Attributed"),
			("duplicate", None),
		]
		again = ApiSession.json(ph.push(events[:1]))["message"]
		assert again["duplicate"] == 1
		frappe.db.rollback()
		assert stored_results(p.name) == (0, 0, 1, 120, 18)
		# the KOL sees its code and results on its portal page
		f.link_portal_user(p.kol)
		frappe.db.commit()
		page = ApiSession(f.PORTAL_USER, f.PASSWORD).get(f"/kol/partnerships/{p.name}")
		html = page.get_data(as_text=True)
		assert page.status_code == 200, html[:300]
		assert code in html and "Revenue Share Due" in html and "Results so far" in html
	finally:
		frappe.db.rollback()
		frappe.db.delete("KOL Platform Event", {"event_id": ("like", f"{token}%")})
		frappe.db.delete("KOL Referral Code", {"partnership": p.name})
		frappe.delete_doc("KOL Partnership", p.name, force=True, ignore_permissions=True)
		frappe.delete_doc("KOL Proposal", p.proposal, force=True, ignore_permissions=True)
		frappe.db.set_value("KOL", p.kol, "portal_user", None)
		frappe.delete_doc("KOL", p.kol, force=True, ignore_permissions=True)
		frappe.db.commit()


# ------------------------------------------------------------------ CSV import


def test_a_manager_imports_conversions_from_a_csv_attributed_like_pushed_ones():
	p = ph.partnership(benefits=SHARE_10_AND_5)
	code = referral_codes.make_code(p.name).name
	token = f.unique("csv")
	csv_text = (
		"\ufeffEvent_ID,conversion,occurred_at,referral_code,amount,currency,customer_ref\n"
		f"{token}-1,paid,{nowdate()},{code},250.50,,u-1\n"
		f"{token}-2,new_user,{nowdate()},{code},,,\n"
		f"{token}-3,refund,{nowdate()},{code},,,\n"
		f"{token}-1,paid,{nowdate()},{code},250.50,,u-1\n"
	)
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.PermissionError, match="Only a KOL Manager can import conversions"):
		platform_api.import_conversions(csv_text)
	frappe.set_user(f.MANAGER)
	answer = platform_api.import_conversions(csv_text)
	assert [(r["row"], r["status"]) for r in answer["results"]] == [
		(2, "accepted"),
		(3, "accepted"),
		(4, "error"),
		(5, "duplicate"),
	]
	assert answer["results"][2]["message"] == 'conversion must be new_user, activated or paid, not "refund".'
	assert stored_results(p.name) == (1, 0, 1, 250.5, 37.58)
	with pytest.raises(
		frappe.ValidationError, match="The CSV needs a header row with event_id, conversion, occurred_at"
	):
		platform_api.import_conversions("kol,amount\nKOL-1,3\n")
	rows = "".join(f"x{i},new_user,{nowdate()},{code}\n" for i in range(1001))
	with pytest.raises(
		frappe.ValidationError, match="A CSV holds at most 1000 conversions; this one has 1001"
	):
		platform_api.import_conversions("event_id,conversion,occurred_at,referral_code\n" + rows)


def test_a_conversion_at_the_moment_of_revocation_is_not_attributed_and_one_a_second_before_is():
	p = ph.partnership(benefits=SHARE_10_AND_5)
	code = referral_codes.make_code(p.name)
	referral_codes.revoke(code, "Leaked")
	revoked = add_to_date(now_datetime(), days=-2).replace(microsecond=0)
	frappe.db.set_value("KOL Referral Code", code.name, "revoked_on", revoked)
	token = f.unique("r")
	conversion = lambda suffix, at: {  # noqa: E731
		**ph.conversion(f"{token}-{suffix}", "paid", amount=100, referral_code=code.name),
		"occurred_at": at.isoformat(),
	}
	at, before, after = ingest(
		[
			conversion("at", revoked),
			conversion("before", add_to_date(revoked, seconds=-1)),
			conversion("after", add_to_date(revoked, seconds=1)),
		]
	)["results"]
	assert (at["attribution"], before["attribution"], after["attribution"]) == (
		"Not Attributed",
		"Attributed",
		"Not Attributed",
	)


def test_a_partnerships_term_counts_its_first_and_last_day_and_not_the_days_around():
	p = ph.partnership(start_days_ago=30, end_in_days=-5, benefits=SHARE_10_AND_5)
	frappe.db.set_value("KOL Partnership", p.name, "status", "Active")  # a code is made while it runs
	code = referral_codes.make_code(p.name).name
	frappe.db.set_value("KOL Partnership", p.name, "status", "Completed")
	token = f.unique("t")

	def on(days_ago: int, suffix: str, **values) -> dict:
		return {
			**ph.conversion(f"{token}-{suffix}", "new_user", **values),
			"occurred_at": f"{add_days(nowdate(), -days_ago)}T12:00:00",
		}

	results = ingest(
		[
			on(31, "eve", referral_code=code),
			on(30, "first", referral_code=code),
			on(5, "last", referral_code=code),
			on(4, "after", referral_code=code),
			on(30, "kol-first", kol=p.kol),
			on(5, "kol-last", kol=p.kol),
			on(4, "kol-after", kol=p.kol),
		]
	)["results"]
	assert [(r["attribution"], r["partnership"]) for r in results] == [
		("Not Attributed", p.name),
		("Attributed", p.name),
		("Attributed", p.name),
		("Not Attributed", p.name),
		("Attributed", p.name),
		("Attributed", p.name),
		("Not Attributed", None),
	]
