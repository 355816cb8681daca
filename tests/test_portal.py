"""The KOL portal (issue 13, first slice): invitation, the KOL's actions, and what a KOL sees.

A KOL's portal login sees only their own KOL; the actions go through the proposal workflow and
the partnership's rules as the desk does, and the operator sees them on the timeline."""

import json

import frappe
import pytest
from frappe.utils import nowdate
from frappe.utils.password import update_password

from kol_crm.kol_crm.doctype.kol_proposal.kol_proposal import make_partnership
from kol_crm.permissions import PORTAL
from kol_crm.portal import actions, actor, invite, views
from kol_crm.portal.actor import ACTOR
from tests import factories as f
from tests import test_email
from tests.api import ApiSession

email_account = test_email.email_account  # the fixture: the welcome email needs an outgoing account


def sent_proposal(kol: str):
	proposal = f.make_proposal(kol)
	f.set_state(proposal, "Sent")
	return proposal


def partnership_of(kol: str):
	proposal = f.make_proposal(kol)
	f.accept_proposal(proposal)
	return make_partnership(proposal.name).insert()


def legacy_partnership_of(kol: str):
	"""A partnership whose rules the KOL has not acknowledged (as one made before the rules gate)."""
	partnership = partnership_of(kol)
	frappe.db.set_value(
		"KOL Partnership", partnership.name, {"rules_acknowledged": 0, "rules_acknowledged_on": None}
	)
	frappe.db.delete("KOL Partnership Rule", {"parent": partnership.name})
	partnership.reload()
	return partnership


def ensure_rule() -> str:
	name = "Portal test rule"
	if not frappe.db.exists("KOL Rule", name):
		frappe.get_doc(
			{"doctype": "KOL Rule", "rule_title": name, "description": "Report problems to your operator."}
		).insert()
	return name


@pytest.fixture
def portal_kol():
	"""Operator A's KOL with the shared portal login linked (rolled back after the test)."""
	kol = f.make_kol(operator=f.OPERATOR_A)
	f.link_portal_user(kol.name)
	return kol


# ------------------------------------------------------------------ invitation


def test_operator_invites_their_kol_as_a_website_user_with_a_welcome_email(email_account):
	kol = f.make_kol(operator=f.OPERATOR_A)
	frappe.set_user(f.OPERATOR_A)
	result = invite.invite_to_portal(kol.name)
	frappe.set_user("Administrator")
	assert result["created"] is True
	user = frappe.get_doc("User", kol.email)
	assert result["user"] == user.name
	assert user.user_type == "Website User"
	assert {r.role for r in user.roles} == {PORTAL}
	assert frappe.db.get_value("KOL", kol.name, "portal_user") == user.name
	queued = frappe.get_all(
		"Email Queue Recipient", filters={"recipient": kol.email}, fields=["parent"], pluck="parent"
	)
	assert len(queued) == 1
	assert "update-password" in frappe.db.get_value("Email Queue", queued[0], "message")
	comments = frappe.get_all(
		"Comment", filters={"reference_doctype": "KOL", "reference_name": kol.name}, pluck="content"
	)
	assert any("Invited to the KOL portal" in c for c in comments)
	assert not any(kol.email in c for c in comments)  # analysts read the timeline


def test_invitation_is_idempotent(email_account):
	kol = f.make_kol(operator=f.OPERATOR_A)
	invite.invite_to_portal(kol.name)
	again = invite.invite_to_portal(kol.name)
	assert again == {"user": kol.email, "created": False, "message": "This KOL already has a portal login."}
	assert frappe.db.count("User", {"email": kol.email}) == 1
	assert frappe.db.count("Email Queue Recipient", {"recipient": kol.email}) == 1


def test_manager_may_invite_any_kol(email_account):
	kol = f.make_kol(operator=f.OPERATOR_B)
	frappe.set_user(f.MANAGER)
	assert invite.invite_to_portal(kol.name)["created"] is True


@pytest.mark.parametrize("user", [f.OPERATOR_B, f.ANALYST, f.PORTAL_USER])
def test_only_a_manager_or_the_owning_operator_invites(user, email_account):
	kol = f.make_kol(operator=f.OPERATOR_A)
	frappe.set_user(user)
	with pytest.raises(frappe.PermissionError, match="Only a KOL Manager or the KOL's operator"):
		invite.invite_to_portal(kol.name)
	frappe.set_user("Administrator")
	assert not frappe.db.exists("User", kol.email)
	assert not frappe.db.get_value("KOL", kol.name, "portal_user")


def test_an_assigned_operator_does_not_invite(email_account):
	kol = f.make_kol(operator=f.OPERATOR_A)
	frappe.db.set_value("KOL", kol.name, "_assign", f'["{f.OPERATOR_B}"]')
	frappe.set_user(f.OPERATOR_B)
	with pytest.raises(frappe.PermissionError, match="Only a KOL Manager"):
		invite.invite_to_portal(kol.name)


def test_invitation_refused_without_email():
	kol = f.make_kol(email=None)
	with pytest.raises(frappe.ValidationError, match="Add the KOL's email before inviting"):
		invite.invite_to_portal(kol.name)


def test_invitation_refused_for_an_invalid_stored_email():
	kol = f.make_kol()
	frappe.db.set_value("KOL", kol.name, "email", "not-an-address")
	with pytest.raises(frappe.ValidationError, match="not a valid email address"):
		invite.invite_to_portal(kol.name)


def test_invitation_refused_for_do_not_contact():
	kol = f.make_kol(do_not_contact=1, do_not_contact_reason="Asked us to stop")
	with pytest.raises(frappe.ValidationError, match="must not be contacted"):
		invite.invite_to_portal(kol.name)
	assert not frappe.db.exists("User", kol.email)


def test_invitation_refused_when_the_email_is_a_desk_users_account(email_account):
	kol = f.make_kol()
	frappe.db.set_value("KOL", kol.name, "email", f.OPERATOR_B)
	with pytest.raises(frappe.ValidationError, match="already belongs to a user account"):
		invite.invite_to_portal(kol.name)
	assert frappe.db.get_value("User", f.OPERATOR_B, "user_type") == "System User"
	assert not frappe.db.get_value("KOL", kol.name, "portal_user")


def test_invitation_refused_when_the_email_is_another_kols_login(email_account):
	first = f.make_kol()
	invite.invite_to_portal(first.name)
	second = f.make_kol()
	frappe.db.set_value("KOL", second.name, "email", first.email)
	with pytest.raises(frappe.ValidationError, match="portal login of another KOL"):
		invite.invite_to_portal(second.name)


def test_portal_user_field_takes_only_a_portal_login_of_no_other_kol(portal_kol):
	kol = f.make_kol()
	kol.portal_user = f.OPERATOR_B
	with pytest.raises(frappe.ValidationError, match="must be a website user"):
		kol.save()
	kol.reload()
	kol.portal_user = f.PORTAL_USER
	with pytest.raises(frappe.ValidationError, match="already the portal login of another KOL"):
		kol.save()


# ------------------------------------------------------------------ the KOL's actions


def test_kol_accepts_a_sent_proposal_through_the_workflow(portal_kol):
	proposal = sent_proposal(portal_kol.name)
	frappe.set_user(f.PORTAL_USER)
	assert actions.accept_proposal(proposal.name) == {"workflow_state": "Accepted"}
	frappe.set_user("Administrator")
	proposal.reload()
	assert (proposal.workflow_state, proposal.outcome, str(proposal.outcome_on)) == (
		"Accepted",
		"Accepted",
		nowdate(),
	)
	comments = frappe.get_all(
		"Comment",
		filters={"reference_doctype": "KOL Proposal", "reference_name": proposal.name},
		pluck="content",
	)
	assert "The KOL accepted this proposal on the portal." in comments
	assert frappe.db.exists("Version", {"ref_doctype": "KOL Proposal", "docname": proposal.name})


def test_kol_counters_with_a_message_as_a_negotiation_round(portal_kol):
	proposal = sent_proposal(portal_kol.name)
	frappe.set_user(f.PORTAL_USER)
	result = actions.counter_proposal(proposal.name, "Two videos, not three; 4000 please.", 4000)
	assert result == {"workflow_state": "Countered", "rounds": 1}
	# a second message while the operator hasn't answered: another round, same state
	assert actions.counter_proposal(proposal.name, "Also a banner.")["rounds"] == 2
	with pytest.raises(frappe.ValidationError, match="with your operator; you can accept once they reply"):
		actions.accept_proposal(proposal.name)
	frappe.set_user("Administrator")
	proposal.reload()
	assert proposal.workflow_state == "Countered"
	rounds = [(r.party, r.channel, r.offer, r.budget) for r in proposal.negotiation_rounds]
	assert rounds == [
		("KOL", "Portal", "Two videos, not three; 4000 please.", 4000),
		("KOL", "Portal", "Also a banner.", 0),
	]
	comments = frappe.get_all(
		"Comment",
		filters={"reference_doctype": "KOL Proposal", "reference_name": proposal.name},
		pluck="content",
	)
	assert "The KOL countered on the portal: Two videos, not three; 4000 please." in comments


def test_counter_needs_a_message_and_a_positive_amount(portal_kol):
	proposal = sent_proposal(portal_kol.name)
	frappe.set_user(f.PORTAL_USER)
	with pytest.raises(frappe.ValidationError, match="Write your counter-offer"):
		actions.counter_proposal(proposal.name, "   ")
	with pytest.raises(frappe.ValidationError, match="can't be negative"):
		actions.counter_proposal(proposal.name, "Less", -5)


def test_kol_cannot_answer_a_closed_proposal(portal_kol):
	proposal = sent_proposal(portal_kol.name)
	f.set_state(proposal, "Rejected")
	frappe.set_user(f.PORTAL_USER)
	with pytest.raises(frappe.ValidationError, match="can't be answered any more"):
		actions.counter_proposal(proposal.name, "Please reconsider")


@pytest.mark.parametrize("state", ["Draft", "Pending Approval", "Approved", "Withdrawn"])
def test_kol_never_sees_a_proposal_that_was_not_sent(portal_kol, state):
	proposal = f.make_proposal(portal_kol.name)
	f.set_state(proposal, state)
	frappe.set_user(f.PORTAL_USER)
	assert proposal.name not in [p.name for p in views.proposals()]
	with pytest.raises(frappe.PermissionError, match="not available to you"):
		views.proposal(proposal.name)
	with pytest.raises(frappe.PermissionError, match="not available to you"):
		actions.accept_proposal(proposal.name)


def test_kol_acknowledges_the_rules_of_a_partnership(portal_kol):
	rule = ensure_rule()
	f.acknowledge(portal_kol.name)  # the rules as they are now, this one included
	partnership = legacy_partnership_of(portal_kol.name)
	frappe.set_user(f.PORTAL_USER)
	before = views.partnership(partnership.name)
	assert before.can_acknowledge and rule in [r["rule"] for r in before.rules]
	assert actions.acknowledge_rules(partnership.name) == {"rules_acknowledged_on": nowdate()}
	assert actions.acknowledge_rules(partnership.name) == {"rules_acknowledged_on": nowdate()}
	frappe.set_user("Administrator")
	partnership.reload()
	assert partnership.rules_acknowledged == 1
	assert str(partnership.rules_acknowledged_on) == nowdate()
	acknowledged = {r.rule: str(r.acknowledged_on) for r in partnership.acknowledged_rules}
	assert acknowledged[rule] == nowdate()
	assert len(acknowledged) == frappe.db.count("KOL Rule", {"disabled": 0})


def test_kol_edits_soft_facts_and_the_operator_sees_the_change(portal_kol):
	portal_kol.reload()
	portal_kol.append(
		"occasions", {"occasion": "Birthday", "occasion_date": "2026-03-04", "note": "Send a cake (internal)"}
	)
	portal_kol.save()
	kept = portal_kol.occasions[0].name
	frappe.set_user(f.PORTAL_USER)
	assert "note" not in views.profile().occasions[0]
	result = actions.update_profile(
		preferences="Weekend shoots only",
		wants_traffic=1,
		occasions=frappe.as_json(
			[
				{"name": kept, "occasion": "Birthday", "occasion_date": "2026-03-05", "repeats_yearly": 1},
				{"occasion": "Channel anniversary", "occasion_date": "2026-09-01"},
			]
		),
	)
	assert result == {"changed": ["Preferences & Demands", "Wants Traffic", "Occasions"]} or set(
		result["changed"]
	) >= {"Occasions"}
	frappe.set_user("Administrator")
	kol = frappe.get_doc("KOL", portal_kol.name)
	assert kol.preferences == "Weekend shoots only"
	assert kol.wants_traffic == 1
	assert [(o.occasion, str(o.occasion_date), o.repeats_yearly, o.note) for o in kol.occasions] == [
		("Birthday", "2026-03-05", 1, "Send a cake (internal)"),
		("Channel anniversary", "2026-09-01", 0, None),
	]
	# the operator sees the change, stamped with the portal's neutral user (never the KOL's login)
	assert frappe.db.exists("Version", {"ref_doctype": "KOL", "docname": kol.name, "owner": ACTOR})
	assert kol.modified_by == ACTOR
	comments = frappe.get_all(
		"Comment", filters={"reference_doctype": "KOL", "reference_name": kol.name}, pluck="content"
	)
	assert any(c.startswith("The KOL updated on the portal:") for c in comments)


def test_soft_facts_need_an_occasion_and_a_date(portal_kol):
	frappe.set_user(f.PORTAL_USER)
	with pytest.raises(frappe.ValidationError, match="Occasion 1: give what it is and its date"):
		actions.update_profile(occasions=[{"occasion": "Birthday"}])


# ------------------------------------------------------------------ only their own


def test_kol_never_reaches_another_kols_records(portal_kol):
	other = f.make_kol(operator=f.OPERATOR_B)
	proposal = sent_proposal(other.name)
	partnership = partnership_of(other.name)
	frappe.set_user(f.PORTAL_USER)
	assert views.proposals() == [] and views.partnerships() == []
	for call in (
		lambda: views.proposal(proposal.name),
		lambda: actions.accept_proposal(proposal.name),
		lambda: actions.counter_proposal(proposal.name, "mine now"),
		lambda: views.partnership(partnership.name),
		lambda: actions.acknowledge_rules(partnership.name),
	):
		with pytest.raises(frappe.PermissionError, match="not available to you"):
			call()
	assert not frappe.has_permission("KOL Proposal", "read", proposal.name)
	assert not frappe.has_permission("KOL", "read", other.name)
	assert frappe.db.get_value("KOL Proposal", proposal.name, "workflow_state") == "Sent"


def test_desk_users_and_unlinked_logins_have_no_portal(portal_kol):
	proposal = sent_proposal(portal_kol.name)
	for user in (f.OPERATOR_A, f.MANAGER):
		frappe.set_user(user)
		with pytest.raises(frappe.PermissionError, match="not available to you"):
			actions.accept_proposal(proposal.name)
	frappe.set_user("Administrator")
	frappe.db.set_value("KOL", portal_kol.name, "portal_user", None)  # the operator ends the access
	frappe.set_user(f.PORTAL_USER)
	with pytest.raises(frappe.PermissionError, match="not available to you"):
		views.profile()


def test_portal_row_rules_name_only_the_kols_own_rows(portal_kol):
	from kol_crm import permissions

	condition = permissions.linked_query_conditions(f.PORTAL_USER, "KOL Interaction")
	assert condition == "1=0"
	assert portal_kol.name in permissions.kol_query_conditions(f.PORTAL_USER)
	assert "'Sent'" in permissions.linked_query_conditions(f.PORTAL_USER, "KOL Proposal")


# ------------------------------------------------------------------ over HTTP


@pytest.fixture
def committed():
	"""The portal user's KOL with a sent proposal, and operator B's KOL with its own (committed
	for the HTTP requests, deleted afterwards)."""
	update_password(f.PORTAL_USER, f.PASSWORD)
	mine = f.make_kol(operator=f.OPERATOR_A)
	f.link_portal_user(mine.name)
	other = f.make_kol(operator=f.OPERATOR_B, kol_name=f"Other {f.unique()}")
	records = {
		"mine": mine.name,
		"other": other.name,
		"my_proposal": sent_proposal(mine.name).name,
		"other_proposal": sent_proposal(other.name).name,
		"other_partnership": legacy_partnership_of(other.name).name,
	}
	records["other_title"] = frappe.db.get_value("KOL Proposal", records["other_proposal"], "title")
	records["other_kol_name"] = other.kol_name
	frappe.db.commit()
	yield records
	frappe.db.rollback()
	for doctype in ("KOL Partnership", "KOL Proposal"):
		for name in frappe.get_all(doctype, filters={"kol": ("in", [mine.name, other.name])}, pluck="name"):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
	for kol in (mine.name, other.name):
		frappe.delete_doc("KOL", kol, force=True, ignore_permissions=True)
	frappe.db.commit()


def test_http_kol_sees_and_accepts_their_own_proposal(committed):
	s = ApiSession(f.PORTAL_USER, f.PASSWORD)
	page = s.get("/kol")
	assert page.status_code == 200
	assert committed["mine"] in page.get_data(as_text=True) or "My KOL profile" in page.get_data(as_text=True)
	detail = s.get(f"/kol/proposals/{committed['my_proposal']}")
	assert detail.status_code == 200
	assert "Accept this proposal" in detail.get_data(as_text=True)
	answer = s.post(
		"/api/method/kol_crm.portal.actions.accept_proposal", data={"name": committed["my_proposal"]}
	)
	assert answer.status_code == 200, answer.get_data(as_text=True)
	frappe.db.rollback()
	assert frappe.db.get_value("KOL Proposal", committed["my_proposal"], "workflow_state") == "Accepted"


def test_http_kol_cannot_read_list_or_act_on_another_kols_records(committed):
	s = ApiSession(f.PORTAL_USER, f.PASSWORD)
	secret = committed["other_title"]
	responses = [
		s.get(f"/kol/proposals/{committed['other_proposal']}"),
		s.get(f"/kol/partnerships/{committed['other_partnership']}"),
		s.get("/api/resource/KOL Proposal", query_string={"fields": '["*"]'}),
		s.get(f"/api/resource/KOL Proposal/{committed['other_proposal']}"),
		s.get(f"/api/resource/KOL/{committed['mine']}"),
		s.post(
			"/api/method/frappe.client.get_list",
			data={"doctype": "KOL Proposal", "fields": '["*"]'},
		),
		s.post(
			"/api/method/kol_crm.portal.actions.accept_proposal", data={"name": committed["other_proposal"]}
		),
		s.post(
			"/api/method/kol_crm.portal.actions.counter_proposal",
			data={"name": committed["other_proposal"], "message": "mine"},
		),
		s.post(
			"/api/method/kol_crm.portal.actions.acknowledge_rules",
			data={"name": committed["other_partnership"]},
		),
	]
	for response in responses:
		body = response.get_data(as_text=True)
		assert response.status_code in (403, 404), (response.status_code, body[:300])
		# (the proposal's name is in the refusal only as the path that was asked for)
		assert secret not in body and committed["other_kol_name"] not in body
	frappe.db.rollback()
	assert frappe.db.get_value("KOL Proposal", committed["other_proposal"], "workflow_state") == "Sent"
	assert not frappe.db.get_value("KOL Partnership", committed["other_partnership"], "rules_acknowledged")


def test_http_kol_has_no_desk(committed):
	s = ApiSession(f.PORTAL_USER, f.PASSWORD)
	desk = s.get("/app/kol")
	assert desk.status_code in (302, 403), desk.status_code
	if desk.status_code == 302:
		assert "/app" not in desk.headers["Location"]


def test_http_guest_is_sent_to_login_and_refused(committed):
	guest = ApiSession()
	page = guest.get("/kol")
	assert page.status_code == 302
	assert page.headers["Location"].startswith("/login?redirect-to=%2Fkol")
	answer = guest.post(
		"/api/method/kol_crm.portal.actions.accept_proposal", data={"name": committed["my_proposal"]}
	)
	assert answer.status_code == 403
	frappe.db.rollback()
	assert frappe.db.get_value("KOL Proposal", committed["my_proposal"], "workflow_state") == "Sent"


# ------------------------------------------------------------------ what the pages escape

SCRIPT = '<script>window.kolInjected = 1</script><img src="x" onerror="kolInjected()">'


def test_http_rule_descriptions_and_terms_are_escaped_on_the_portal(committed):
	mine = committed["mine"]
	partnership = legacy_partnership_of(mine).name  # its page lists the enabled rules to acknowledge
	proposal = committed["my_proposal"]
	row = frappe.get_all("KOL Deliverable", filters={"parent": proposal}, pluck="name")[0]
	frappe.db.set_value("KOL Deliverable", row, "description", SCRIPT, update_modified=False)
	# a rule whose stored description holds markup, as an import or a patch could store it (past
	# Frappe's sanitizer)
	rule = frappe.get_doc(
		{"doctype": "KOL Rule", "rule_title": f"Markup rule {f.unique()}", "description": "plain"}
	).insert()
	frappe.db.set_value("KOL Rule", rule.name, "description", SCRIPT, update_modified=False)
	frappe.db.commit()
	try:
		s = ApiSession(f.PORTAL_USER, f.PASSWORD)
		pages = {}
		for path in (f"/kol/partnerships/{partnership}", f"/kol/proposals/{proposal}"):
			response = s.get(path)
			pages[path] = body = response.get_data(as_text=True)
			assert response.status_code == 200, body[:300]
			assert "<script>window.kolInjected" not in body and '<img src="x"' not in body
			assert "&lt;script&gt;window.kolInjected = 1&lt;/script&gt;" in body
		assert f"<strong>{rule.name}</strong>" in pages[f"/kol/partnerships/{partnership}"]
	finally:
		frappe.db.rollback()
		frappe.delete_doc("KOL Rule", rule.name, force=True, ignore_permissions=True)
		frappe.delete_doc("KOL Partnership", partnership, force=True, ignore_permissions=True)
		frappe.db.commit()


# ------------------------------------------------------------------ the KOL's login is not on records


def test_portal_writes_are_stamped_with_a_neutral_user_not_the_kols_login(portal_kol):
	proposal = sent_proposal(portal_kol.name)
	partnership = legacy_partnership_of(portal_kol.name)
	frappe.db.delete("KOL Rule Acknowledgement", {"kol": portal_kol.name})  # to acknowledge again
	frappe.set_user(f.PORTAL_USER)
	actions.counter_proposal(proposal.name, "Three posts instead of two.")
	actions.acknowledge_rules(partnership.name)
	content = actions.submit_content(partnership.name, partnership.deliverables[0].name, "Draft one", "Text")
	assert frappe.session.user == f.PORTAL_USER  # the actions put the session user back
	frappe.set_user("Administrator")
	stamps = {
		"proposal": frappe.db.get_value("KOL Proposal", proposal.name, "modified_by"),
		"round": frappe.db.get_value(
			"KOL Negotiation Round", {"parent": proposal.name, "party": "KOL"}, "modified_by"
		),
		"partnership": frappe.db.get_value("KOL Partnership", partnership.name, "modified_by"),
		"acknowledgement": frappe.db.get_value(
			"KOL Rule Acknowledgement", {"kol": portal_kol.name}, ["owner", "recorded_by"]
		),
		"content": frappe.db.get_value(
			"KOL Content", content["name"], ["owner", "modified_by", "submitted_by"]
		),
	}
	assert stamps == {
		"proposal": ACTOR,
		"round": ACTOR,
		"partnership": ACTOR,
		"acknowledgement": (ACTOR, ACTOR),
		"content": (ACTOR, ACTOR, ACTOR),
	}
	for doctype, name in (("KOL Proposal", proposal.name), ("KOL Partnership", partnership.name)):
		owners = set(
			frappe.get_all("Version", filters={"ref_doctype": doctype, "docname": name}, pluck="owner")
		) | set(
			frappe.get_all(
				"Comment",
				filters={"reference_doctype": doctype, "reference_name": name, "comment_type": "Info"},
				pluck="comment_email",
			)
		)
		assert f.PORTAL_USER not in owners and ACTOR in owners
	# the operator's timeline names the stamp's full name
	assert frappe.utils.get_fullname(ACTOR) == "KOL Portal"


def test_portal_stamp_keeps_the_budget_guard_of_a_kol(portal_kol):
	"""The neutral user holds no role: an offer above the approved budget is still refused."""
	proposal = sent_proposal(portal_kol.name)
	proposal.append("negotiation_rounds", {"party": "Us", "offer": "More", "budget": 9000})
	proposal.save()
	f.set_state(proposal, "Sent")
	frappe.set_user(f.PORTAL_USER)
	with pytest.raises(frappe.ValidationError, match="above the approved budget"):
		actions.accept_proposal(proposal.name)
	assert frappe.session.user == f.PORTAL_USER


# ------------------------------------------------------------------ the stamp is no login


def test_the_portal_stamp_is_an_enabled_website_user_without_roles_password_or_api_key():
	user = frappe.get_doc("User", ACTOR)
	assert (user.full_name, user.enabled, user.user_type) == ("KOL Portal", 1, "Website User")
	assert [row.role for row in user.roles] == []
	assert sorted(frappe.get_roles(ACTOR)) == ["All", "Guest"]  # what every website visitor has
	assert not user.api_key and not user.api_secret
	auth = frappe.qb.Table("__Auth")
	stored = (
		frappe.qb.from_(auth)
		.select(auth.fieldname)
		.where((auth.doctype == "User") & (auth.name == ACTOR))
		.run(pluck=True)
	)
	assert stored == []  # no password, no API secret


@pytest.fixture
def actor_with_password_and_keys():
	"""The portal's stamp as an administrator might misconfigure it: a password and API keys."""
	user = frappe.get_doc("User", ACTOR)
	key, secret = frappe.generate_hash(length=15), frappe.generate_hash(length=15)
	user.api_key, user.api_secret = key, secret
	user.flags.ignore_permissions = True
	user.save()
	update_password(ACTOR, f.PASSWORD)
	frappe.db.commit()
	yield key, secret
	frappe.db.rollback()
	frappe.db.set_value("User", ACTOR, {"api_key": None, "api_secret": None})
	frappe.db.delete("__Auth", {"doctype": "User", "name": ACTOR})
	frappe.db.commit()


def test_nobody_logs_in_as_the_portal_stamp():
	response = ApiSession().post("/api/method/login", data={"usr": ACTOR, "pwd": f.PASSWORD})
	assert response.status_code == 401, response.get_data(as_text=True)


def test_nobody_logs_in_or_calls_the_api_as_the_portal_stamp_even_with_a_password_and_keys(
	actor_with_password_and_keys,
):
	key, secret = actor_with_password_and_keys
	s = ApiSession()
	response = s.post("/api/method/login", data={"usr": ACTOR, "pwd": f.PASSWORD})
	assert response.status_code == 401 and "This user can't log in" in response.get_data(as_text=True)
	response = s.get("/api/method/frappe.auth.get_logged_user")
	assert response.status_code == 403 and ACTOR not in response.get_data(as_text=True)  # still a guest
	response = ApiSession().get(
		"/api/method/frappe.auth.get_logged_user", headers={"Authorization": f"token {key}:{secret}"}
	)
	assert response.status_code == 401, response.get_data(as_text=True)
	assert ACTOR not in response.get_data(as_text=True)


def test_uninstall_removes_the_portal_stamp_and_the_patch_makes_it_again():
	from kol_crm.patches.v1_0 import create_portal_user
	from kol_crm.setup import uninstall

	assert frappe.db.exists("Contact", {"user": ACTOR})
	uninstall.remove_actor()
	assert not frappe.db.exists("User", ACTOR)
	assert not frappe.db.exists("Contact", {"user": ACTOR})
	create_portal_user.execute()
	user = frappe.get_doc("User", ACTOR)
	assert (user.full_name, user.enabled, user.user_type, len(user.roles)) == (
		"KOL Portal",
		1,
		"Website User",
		0,
	)
	frappe.db.rollback()
	frappe.clear_cache(user=ACTOR)


@pytest.fixture
def portal_activity(committed):
	"""The KOL counters, acknowledges and submits content over HTTP (committed by the web server)."""
	partnership = legacy_partnership_of(committed["mine"])
	frappe.db.delete("KOL Rule Acknowledgement", {"kol": committed["mine"]})  # to acknowledge again
	frappe.db.commit()
	s = ApiSession(f.PORTAL_USER, f.PASSWORD)
	calls = (
		("counter_proposal", {"name": committed["my_proposal"], "message": "Three posts, please."}),
		("acknowledge_rules", {"name": partnership.name}),
		(
			"submit_content",
			{
				"partnership": partnership.name,
				"deliverable": partnership.deliverables[0].name,
				"title": "First draft",
				"body": "Open on the product.",
			},
		),
	)
	for method, data in calls:
		response = s.post(f"/api/method/kol_crm.portal.actions.{method}", data=data)
		assert response.status_code == 200, response.get_data(as_text=True)
	frappe.db.rollback()
	yield {
		**committed,
		"partnership": partnership.name,
		"content": frappe.db.get_value("KOL Content", {"partnership": partnership.name}),
		"acknowledgement": frappe.db.get_value("KOL Rule Acknowledgement", {"kol": committed["mine"]}),
	}
	frappe.db.rollback()
	for name in frappe.get_all("KOL Content", filters={"kol": committed["mine"]}, pluck="name"):
		frappe.delete_doc("KOL Content", name, force=True, ignore_permissions=True)
	frappe.db.commit()


def test_http_analyst_never_sees_the_kols_portal_login_on_their_records(portal_activity):
	records = portal_activity
	analyst = ApiSession(f.ANALYST, f.PASSWORD)
	reads = {
		"KOL Proposal": records["my_proposal"],
		"KOL Partnership": records["partnership"],
		"KOL Content": records["content"],
		"KOL Rule Acknowledgement": records["acknowledgement"],
	}
	for doctype, name in reads.items():
		assert name, doctype
		document = analyst.get(f"/api/resource/{doctype}/{name}")
		body = document.get_data(as_text=True)
		assert document.status_code == 200, (doctype, body[:300])
		assert f.PORTAL_USER not in body, doctype
		assert ApiSession.json(document)["data"]["modified_by"] == ACTOR, doctype
		listed = analyst.get(
			f"/api/resource/{doctype}",
			query_string={
				"fields": '["name", "owner", "modified_by"]',
				"filters": json.dumps([["name", "=", name]]),
			},
		)
		assert ApiSession.json(listed)["data"] == [
			{"name": name, "owner": frappe.db.get_value(doctype, name, "owner"), "modified_by": ACTOR}
		], doctype
		form = analyst.get(
			"/api/method/frappe.desk.form.load.getdoc", query_string={"doctype": doctype, "name": name}
		)
		assert form.status_code == 200, (doctype, form.get_data(as_text=True)[:300])
		assert f.PORTAL_USER not in form.get_data(as_text=True), doctype
		if doctype in ("KOL Proposal", "KOL Partnership"):  # the KOL's action is a comment there
			# the timeline's name for it: "KOL Portal"
			user_info = ApiSession.json(form)["docinfo"]["user_info"]
			assert user_info[ACTOR]["fullname"] == "KOL Portal", doctype
	# what the KOL made themselves is stamped the same way
	assert frappe.db.get_value("KOL Content", records["content"], "owner") == ACTOR
	assert frappe.db.get_value("KOL Rule Acknowledgement", records["acknowledgement"], "owner") == ACTOR
