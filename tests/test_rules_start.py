"""Rules at the start: the shipped rules, the rules version, acknowledgements (signed link, portal,
operator with evidence), and the guards on activation and on every new partnership.

The signed link is tested through its public surface: the Code of Conduct page and the whitelisted
method, called over HTTP as a guest against committed records."""

import json
import random
import re
import urllib.parse

import frappe
import pytest
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, get_datetime, now_datetime

from kol_crm.intelligence import rules
from kol_crm.kol_crm.doctype.kol_proposal.kol_proposal import make_partnership
from kol_crm.portal import actions
from kol_crm.portal import code_of_conduct as coc
from kol_crm.portal.actor import ACTOR
from kol_crm.setup.rules import DEFAULT_RULES, ensure_default_rules
from tests import factories as f
from tests import test_email
from tests.api import ApiSession

email_account = test_email.email_account  # the fixture
ACK = "KOL Rule Acknowledgement"
METHOD = "/api/method/kol_crm.portal.code_of_conduct.acknowledge"


def _rule(**kwargs):
	return frappe.get_doc(
		{
			"doctype": "KOL Rule",
			"rule_title": f"Be kind to new users {f.unique('')}",
			"description": "Answer beginners' questions without mocking them.",
			**kwargs,
		}
	).insert()


def _internal_kol_in_cultivation(**kwargs):
	kol = f.make_kol(
		intake_path="Internal Cultivation", cultivation_outcome="Wrote three top guides", **kwargs
	)
	f.set_state(kol, "Cultivating")
	return frappe.get_doc("KOL", kol.name)


def _accepted_proposal(kol: str):
	proposal = f.make_proposal(kol)
	f.accept_proposal(proposal)
	return proposal


def _acknowledgements(kol: str) -> list:
	return frappe.get_all(
		ACK, filters={"kol": kol}, fields=["method", "rules_version", "evidence", "recorded_by"]
	)


# ------------------------------------------------------------------ shipped rules and the version


def test_default_rules_ship_enabled_with_zh_translations():
	from tests.test_translations import zh_rows

	zh = {row[0]: row[1] for row in zh_rows()}
	for title, severity, text in DEFAULT_RULES:
		stored = frappe.db.get_value(
			"KOL Rule", title, ["disabled", "default_severity", "text_changed_on"], as_dict=True
		)
		assert stored is not None, title
		assert stored.disabled == 0 and stored.default_severity == severity
		assert stored.text_changed_on is not None
		assert zh[title] and zh[text]
	titles = {t for t, _s, _x in DEFAULT_RULES}
	assert {
		"No false claims",
		"Disclose paid content",
		"No poaching of users",
		"Respect user privacy",
	} <= titles
	assert "No competitor promotion during a partnership" in titles


def test_an_edited_shipped_rule_is_not_overwritten_by_migrate():
	title = DEFAULT_RULES[0][0]
	rule = frappe.get_doc("KOL Rule", title)
	rule.description = "Our own wording of the rule."
	rule.default_severity = "Severe"
	rule.save()
	ensure_default_rules()
	assert frappe.db.get_value("KOL Rule", title, ["description", "default_severity"]) == (
		"Our own wording of the rule.",
		"Severe",
	)


def test_the_rules_version_moves_only_when_an_enabled_rules_text_changes():
	start = rules.current_version()
	disabled = _rule(disabled=1)
	assert rules.current_version() == start  # a disabled rule asks nothing
	disabled.disabled = 0
	disabled.save()
	enabled_at = rules.current_version()
	assert enabled_at > start and get_datetime(enabled_at) == get_datetime(disabled.text_changed_on)
	disabled.default_severity = "Major"
	disabled.save()
	assert rules.current_version() == enabled_at  # the severity is not the text
	disabled.description = "Answer beginners' questions kindly and link the guide."
	disabled.save()
	edited_at = rules.current_version()
	assert edited_at > enabled_at
	added = _rule()
	assert rules.current_version() == get_datetime(added.text_changed_on) > edited_at


def test_a_client_cannot_set_the_text_changed_on_time():
	rule = _rule()
	stored = rule.text_changed_on
	rule.text_changed_on = add_days(now_datetime(), -400)
	rule.default_severity = "Severe"
	rule.save()
	assert get_datetime(rule.text_changed_on) == get_datetime(stored)


# ------------------------------------------------------------------ activation


def test_activation_is_refused_without_the_current_rules_acknowledged_and_allowed_with_them():
	kol = _internal_kol_in_cultivation(acknowledge_rules=False)
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.ValidationError, match="has not acknowledged the current rules"):
		apply_workflow(frappe.get_doc("KOL", kol.name), "Activate")
	assert frappe.db.get_value("KOL", kol.name, "workflow_state") == "Cultivating"
	f.acknowledge(kol.name)
	doc = apply_workflow(frappe.get_doc("KOL", kol.name), "Activate")
	assert doc.workflow_state == "Active"


def test_external_activation_needs_the_rules_as_well_as_the_accepted_proposal():
	kol = f.make_kol(acknowledge_rules=False)
	f.set_state(kol, "Negotiating")
	_accepted_proposal(kol.name)
	with pytest.raises(frappe.ValidationError, match="has not acknowledged the current rules"):
		apply_workflow(frappe.get_doc("KOL", kol.name), "Activate")
	f.acknowledge(kol.name, method=rules.SIGNED_LINK)
	assert apply_workflow(frappe.get_doc("KOL", kol.name), "Activate").workflow_state == "Active"


def test_a_rule_change_asks_for_acknowledgement_again_before_reactivation():
	kol = _internal_kol_in_cultivation()
	kol = apply_workflow(kol, "Activate")
	kol = apply_workflow(kol, "Mark Dormant")
	_rule()
	assert rules.has_acknowledged(kol.name) is False
	with pytest.raises(frappe.ValidationError, match="but the rules changed on"):
		apply_workflow(frappe.get_doc("KOL", kol.name), "Reactivate")
	f.acknowledge(kol.name)
	assert rules.has_acknowledged(kol.name) is True
	assert apply_workflow(frappe.get_doc("KOL", kol.name), "Reactivate").workflow_state == "Active"


def test_disabling_a_rule_asks_nobody_to_acknowledge_again():
	rule = _rule()
	kol = f.make_kol()  # acknowledges the rules with this one
	rule.disabled = 1
	rule.save()
	assert rules.has_acknowledged(kol.name) is True


# ------------------------------------------------------------------ partnerships


def test_a_new_partnership_is_refused_without_the_current_rules_and_records_them_with():
	kol = f.make_kol(acknowledge_rules=False)
	proposal = _accepted_proposal(kol.name)
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.ValidationError, match="before a new partnership"):
		make_partnership(proposal.name).insert()
	assert not frappe.db.exists("KOL Partnership", {"kol": kol.name})
	frappe.set_user("Administrator")
	ack = f.acknowledge(kol.name)
	frappe.set_user(f.OPERATOR_A)
	partnership = make_partnership(proposal.name).insert()
	assert partnership.rules_acknowledged == 1
	assert str(partnership.rules_acknowledged_on) == str(get_datetime(ack.acknowledged_on).date())
	assert {r.rule for r in partnership.acknowledged_rules} == {r.name for r in rules.enabled_rules()}


def test_a_rule_change_refuses_the_next_partnership_until_acknowledged_again():
	kol = f.make_kol()
	proposal = _accepted_proposal(kol.name)
	_rule()
	with pytest.raises(frappe.ValidationError, match="but the rules changed on"):
		make_partnership(proposal.name).insert()
	f.acknowledge(kol.name)
	assert make_partnership(proposal.name).insert().rules_acknowledged == 1


def test_an_existing_partnership_keeps_working_after_a_rule_change():
	kol = f.make_kol()
	partnership = make_partnership(_accepted_proposal(kol.name).name).insert()
	_rule()
	partnership.status = "Paused"
	partnership.save()
	assert frappe.db.get_value("KOL Partnership", partnership.name, "status") == "Paused"


# ------------------------------------------------------------------ recorded by an operator


def test_an_operator_record_without_evidence_is_refused_and_with_evidence_is_kept():
	kol = f.make_kol(acknowledge_rules=False, operator=f.OPERATOR_A)
	frappe.set_user(f.OPERATOR_A)
	for evidence in (None, "   "):
		with pytest.raises(frappe.ValidationError, match="Evidence is required"):
			frappe.get_doc({"doctype": ACK, "kol": kol.name, "evidence": evidence}).insert()
	# the KOL's own ways (link, portal) are not the operator's to claim
	doc = frappe.get_doc(
		{
			"doctype": ACK,
			"kol": kol.name,
			"method": rules.SIGNED_LINK,
			"rules_version": "2020-01-01 00:00:00",
			"evidence": "Replied 'I accept the rules' to the Code of Conduct email on WeChat",
		}
	).insert()
	assert doc.method == rules.OPERATOR
	assert doc.recorded_by == f.OPERATOR_A
	assert get_datetime(doc.rules_version) == get_datetime(rules.current_version())
	assert rules.has_acknowledged(kol.name) is True
	with pytest.raises(frappe.DuplicateEntryError, match="has already acknowledged"):
		frappe.get_doc({"doctype": ACK, "kol": kol.name, "evidence": "again"}).insert()


def test_an_acknowledgement_cannot_be_changed_and_leaves_a_line_on_the_kols_timeline():
	kol = f.make_kol()
	name = frappe.get_all(ACK, filters={"kol": kol.name}, pluck="name")[0]
	doc = frappe.get_doc(ACK, name)
	doc.evidence = "changed afterwards"
	with pytest.raises(frappe.PermissionError, match="can't be changed"):
		doc.save()
	comments = frappe.get_all(
		"Comment", filters={"reference_doctype": "KOL", "reference_name": kol.name}, pluck="content"
	)
	assert any("Acknowledged the rules" in c for c in comments)


def test_operators_record_and_read_acknowledgements_only_for_their_own_kols():
	mine = f.make_kol(acknowledge_rules=False, operator=f.OPERATOR_A)
	theirs = f.make_kol(operator=f.OPERATOR_B)
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc({"doctype": ACK, "kol": theirs.name, "evidence": "Said yes on a call"}).insert()
	frappe.get_doc({"doctype": ACK, "kol": mine.name, "evidence": "Said yes on a call"}).insert()
	listed = set(frappe.get_list(ACK, pluck="kol"))
	assert mine.name in listed and theirs.name not in listed
	frappe.set_user(f.ANALYST)
	assert {mine.name, theirs.name} <= set(frappe.get_list(ACK, pluck="kol"))
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc({"doctype": ACK, "kol": mine.name, "evidence": "x"}).insert()


def test_deleting_a_kol_takes_its_acknowledgements_with_it():
	kol = f.make_kol()
	frappe.delete_doc("KOL", kol.name)
	assert frappe.db.count(ACK, {"kol": kol.name}) == 0


# ------------------------------------------------------------------ on the portal


def test_the_kol_acknowledges_the_current_rules_on_the_portal():
	kol = f.make_kol(acknowledge_rules=False, operator=f.OPERATOR_A)
	f.link_portal_user(kol.name)
	frappe.set_user(f.PORTAL_USER)
	assert actions.acknowledge_code_of_conduct() == {"acknowledged": True, "new": True}
	assert actions.acknowledge_code_of_conduct() == {"acknowledged": True, "new": False}
	frappe.set_user("Administrator")
	assert [a.method for a in _acknowledgements(kol.name)] == [rules.PORTAL]


def test_a_desk_user_has_no_portal_acknowledgement():
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.PermissionError):
		actions.acknowledge_code_of_conduct()


# ------------------------------------------------------------------ Send Code of Conduct


def test_send_code_of_conduct_emails_the_rules_and_a_signed_link(email_account):
	kol = f.make_kol(acknowledge_rules=False, operator=f.OPERATOR_A)
	frappe.set_user(f.OPERATOR_A)
	result = coc.send_code_of_conduct(kol.name)
	assert "valid until" in result["message"]
	frappe.set_user("Administrator")
	comm = frappe.get_doc("Communication", result["communication"])
	assert (comm.reference_doctype, comm.reference_name) == ("KOL", kol.name)
	assert kol.email in comm.recipients
	for title, _severity, _text in DEFAULT_RULES:
		assert title in comm.content
	token = urllib.parse.unquote(re.search(r"kol-code-of-conduct\?token=([^\"'&<]+)", comm.content).group(1))
	link = coc.read_token(token)
	assert link.kol == kol.name and link.version == get_datetime(rules.current_version())
	assert link.expires > add_days(now_datetime(), coc.LINK_DAYS - 1)


def test_only_who_may_edit_the_kol_sends_its_code_of_conduct(email_account):
	kol = f.make_kol(operator=f.OPERATOR_A)
	for user in (f.OPERATOR_B, f.ANALYST):
		frappe.set_user(user)
		with pytest.raises(frappe.PermissionError):
			coc.send_code_of_conduct(kol.name)


def test_no_code_of_conduct_to_a_kol_who_must_not_be_contacted(email_account):
	kol = f.make_kol(do_not_contact=1, do_not_contact_reason="Asked us to stop")
	with pytest.raises(frappe.ValidationError, match="can't be emailed to this KOL"):
		coc.send_code_of_conduct(kol.name)


# ------------------------------------------------------------------ the signed link, over HTTP


@pytest.fixture
def committed():
	"""Two KOLs without acknowledgement, committed for the guest's requests; deleted afterwards."""
	kol = f.make_kol(acknowledge_rules=False, kol_name=f"Link KOL {f.unique()}")
	other = f.make_kol(acknowledge_rules=False, kol_name=f"Other KOL {f.unique()}")
	frappe.db.commit()
	yield frappe._dict(kol=kol.name, other=other.name, version=rules.current_version())
	frappe.db.rollback()
	for name in (kol.name, other.name):
		frappe.delete_doc("KOL", name, force=True, ignore_permissions=True)
	frappe.db.commit()


def _guest() -> ApiSession:
	# a new client address each time: the rate limit counts per address (and outlives a test run)
	return ApiSession(remote_addr=".".join(str(random.randint(1, 250)) for _i in range(4)))


def _post(session: ApiSession, token: str):
	response = session.post(METHOD, data={"token": token})
	return response.status_code, response.get_data(as_text=True)


def test_http_a_valid_link_records_the_acknowledgement_of_its_kol_only(committed):
	token = coc.make_token(committed.kol, committed.version)
	guest = _guest()
	page = guest.get(f"{coc.PAGE}?token={urllib.parse.quote(token)}")
	body = page.get_data(as_text=True)
	assert page.status_code == 200, body[:500]
	assert DEFAULT_RULES[0][0] in body and "I have read and accept these rules" in body
	status, body = _post(guest, token)
	assert status == 200, body
	assert json.loads(body)["message"]["new"] is True
	status, body = _post(guest, token)  # a second click: nothing new
	assert status == 200 and json.loads(body)["message"]["new"] is False
	frappe.db.rollback()
	acks = _acknowledgements(committed.kol)
	assert [(a.method, a.recorded_by) for a in acks] == [(rules.SIGNED_LINK, ACTOR)]  # "KOL Portal"
	assert get_datetime(acks[0].rules_version) == get_datetime(committed.version)
	assert _acknowledgements(committed.other) == []


def test_http_a_tampered_link_is_refused(committed):
	token = coc.make_token(committed.kol, committed.version)
	payload, signature = token.split(".")
	other = coc.make_token(committed.other, committed.version).split(".")[0]
	flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
	guest = _guest()
	for forged in (f"{other}.{signature}", f"{payload}.{flipped}", payload, "", "not-a-token"):
		status, body = _post(guest, forged)
		assert status == 417, (forged, body)
		assert "This acknowledgement link is not valid" in body
	page = guest.get(f"{coc.PAGE}?token={urllib.parse.quote(other + '.' + signature)}")
	assert page.status_code == 200 and "This acknowledgement link is not valid" in page.get_data(as_text=True)
	frappe.db.rollback()
	assert _acknowledgements(committed.kol) == [] and _acknowledgements(committed.other) == []


def test_http_an_expired_link_is_refused_and_one_still_valid_is_not(committed):
	guest = _guest()
	expired = coc.make_token(committed.kol, committed.version, expires=add_days(now_datetime(), -1))
	status, body = _post(guest, expired)
	assert status == 417 and "This acknowledgement link expired on" in body
	frappe.db.rollback()
	assert _acknowledgements(committed.kol) == []
	fresh = coc.make_token(committed.kol, committed.version, expires=add_days(now_datetime(), 1))
	status, body = _post(guest, fresh)
	assert status == 200, body
	frappe.db.rollback()
	assert len(_acknowledgements(committed.kol)) == 1


def test_http_a_link_of_rules_that_changed_since_is_refused(committed):
	old = add_days(get_datetime(committed.version), -3)
	status, body = _post(_guest(), coc.make_token(committed.kol, old))
	assert status == 417 and "The rules have changed since this link was sent" in body
	frappe.db.rollback()
	assert _acknowledgements(committed.kol) == []


def test_http_the_guest_endpoint_is_rate_limited_per_client_address(committed):
	guest = _guest()
	bad = "not-a-token"
	codes = [_post(guest, bad)[0] for _i in range(coc.RATE_LIMIT)]
	assert codes == [417] * coc.RATE_LIMIT
	status, body = _post(guest, coc.make_token(committed.kol, committed.version))
	assert status == 429 and "Too many requests" in body
	# a forged X-Forwarded-For doesn't reset the count
	guest.forwarded_for = "203.0.113.99"
	assert _post(guest, bad)[0] == 429
	frappe.db.rollback()
	assert _acknowledgements(committed.kol) == []
	# another address is counted on its own
	assert _post(_guest(), coc.make_token(committed.kol, committed.version))[0] == 200


def test_with_no_enabled_rule_there_is_nothing_to_acknowledge():
	frappe.db.set_value("KOL Rule", {"disabled": 0}, "disabled", 1)
	assert rules.current_version() is None
	kol = _internal_kol_in_cultivation(acknowledge_rules=False)
	assert rules.record_by_kol(kol.name, rules.PORTAL)["new"] is False
	assert apply_workflow(frappe.get_doc("KOL", kol.name), "Activate").workflow_state == "Active"
	with pytest.raises(frappe.ValidationError, match="no enabled rules to acknowledge"):
		frappe.get_doc({"doctype": ACK, "kol": kol.name, "evidence": "Said yes"}).insert()


def test_a_rule_change_tells_the_manager_how_many_active_kols_must_acknowledge_again():
	active = frappe.db.count("KOL", {"workflow_state": "Active"})
	if not active:
		f.set_state(f.make_kol(), "Active")
		active = 1
	frappe.local.message_log = []
	rule = _rule()
	messages = " ".join(str(m) for m in frappe.local.message_log)
	assert f"all {active} Active KOLs must acknowledge them again" in messages
	frappe.local.message_log = []
	rule.default_severity = "Severe"
	rule.save()
	assert not any("Rules changed" in str(m) for m in frappe.local.message_log)


def test_send_code_of_conduct_in_bulk_skips_who_acknowledged_or_must_not_be_contacted(email_account):
	from kol_crm.outreach import bulk

	pending = f.make_kol(acknowledge_rules=False, operator=f.OPERATOR_A)
	done = f.make_kol(operator=f.OPERATOR_A)
	blocked = f.make_kol(
		acknowledge_rules=False, operator=f.OPERATOR_A, do_not_contact=1, do_not_contact_reason="Asked us"
	)
	theirs = f.make_kol(acknowledge_rules=False, operator=f.OPERATOR_B)
	frappe.set_user(f.OPERATOR_A)
	summary = bulk.send_code_of_conduct([pending.name, done.name, blocked.name, theirs.name])
	assert [e["kol"] for e in summary["done"]] == [pending.name]
	assert {e["kol"]: e["message"] for e in summary["skipped"]} == {
		done.name: "Has acknowledged the current rules",
		blocked.name: "Do not contact: Asked us",
	}
	assert [e["kol"] for e in summary["failed"]] == [theirs.name]
	frappe.set_user("Administrator")
	sent = frappe.get_doc("Communication", summary["done"][0]["message"])
	assert (sent.reference_name, "kol-code-of-conduct?token=" in sent.content) == (pending.name, True)
	assert not frappe.db.exists("Communication", {"reference_doctype": "KOL", "reference_name": theirs.name})


def test_rest_an_operator_records_an_acknowledgement_only_with_evidence_and_for_own_kols(committed):
	frappe.db.set_value("KOL", committed.kol, "operator", f.OPERATOR_A)
	frappe.db.set_value("KOL", committed.other, "operator", f.OPERATOR_B)
	frappe.db.commit()
	operator = ApiSession(f.OPERATOR_A, f.PASSWORD)
	url = "/api/resource/KOL Rule Acknowledgement"
	refused = operator.post(url, json={"kol": committed.kol})
	assert refused.status_code == 417 and "Evidence is required" in refused.get_data(as_text=True)
	theirs = operator.post(url, json={"kol": committed.other, "evidence": "Said yes on a call"})
	assert theirs.status_code == 403
	claimed = operator.post(
		url, json={"kol": committed.kol, "method": "Signed Link", "evidence": "Replied 'agreed' by email"}
	)
	assert claimed.status_code == 200, claimed.get_data(as_text=True)
	assert ApiSession.json(claimed)["data"]["method"] == rules.OPERATOR
	frappe.db.rollback()
	assert [(a.method, a.recorded_by) for a in _acknowledgements(committed.kol)] == [
		(rules.OPERATOR, f.OPERATOR_A)
	]
	assert _acknowledgements(committed.other) == []


def test_the_code_of_conduct_escapes_names_and_rules_and_speaks_the_kols_language(email_account):
	_rule(description="Never <b>bold</b> claims, never <script>x()</script>")
	kol = f.make_kol(acknowledge_rules=False, display_name="<img src=x onerror=alert(1)>Mei")
	f.link_portal_user(kol.name)
	frappe.db.set_value("User", f.PORTAL_USER, "language", "zh")
	content = frappe.get_doc("Communication", coc.send_code_of_conduct(kol.name)["communication"]).content
	assert "<img" not in content and "&lt;img" in content
	assert "<script>" not in content and "&lt;b&gt;bold&lt;/b&gt;" in content
	assert "不做虚假宣传" in content  # the shipped rule, in the KOL's language


def test_http_the_code_of_conduct_page_escapes_the_kols_name(committed):
	frappe.db.set_value("KOL", committed.kol, "display_name", "<img src=x onerror=alert(1)>Mei")
	frappe.db.commit()
	token = coc.make_token(committed.kol, committed.version)
	page = _guest().get(f"{coc.PAGE}?token={urllib.parse.quote(token)}")
	body = page.get_data(as_text=True)
	assert page.status_code == 200 and "&lt;img src=x onerror=alert(1)&gt;Mei" in body
	assert "<img src=x" not in body
