"""KOL Case Studies (issue 12: results flow back as case studies) and the KOL's wants against the
offered benefits on a proposal.

Through the public surface: the "Create Case Study" method and REST as operator A, operator B,
an analyst, a KOL's portal login and a guest; the review workflow as each role
(``apply_workflow``); the website (``/kol-case-studies`` and a case study's page) as a guest; the
wants comparison for each want, on a proposal's save and over REST.
"""

import frappe
import pytest
from frappe.model.workflow import WorkflowTransitionError, apply_workflow
from frappe.utils import nowdate
from frappe.utils.password import update_password

from kol_crm.casestudies import build
from kol_crm.deals import wants
from kol_crm.kol_crm.doctype.kol_proposal.kol_proposal import make_partnership
from tests import factories as f
from tests.api import ApiSession

MAKE = "/api/method/kol_crm.casestudies.build.make_case_study"
WANTS = "/api/method/kol_crm.deals.wants.wants_vs_offer"

# ---------------------------------------------------------------- helpers


def completed_partnership(operator: str = f.OPERATOR_A, published: bool = True, **kol_fields):
	"""A KOL of ``operator`` with a partnership that ran, published one video, and completed."""
	frappe.set_user("Administrator")
	kol = f.make_kol(operator=operator, display_name=f"Pixel {f.unique('d')}", **kol_fields)
	proposal = f.make_proposal(kol.name)
	f.accept_proposal(proposal)
	partnership = make_partnership(proposal.name)
	partnership.update({"target_new_users": 100, "target_paid_conversions": 10})
	partnership.insert()
	content = None
	if published:
		content = frappe.get_doc(
			{
				"doctype": "KOL Content",
				"kol": kol.name,
				"partnership": partnership.name,
				"deliverable": partnership.deliverables[0].name,
				"title": "Launch review video",
				"body": "The review",
			}
		).insert()
		frappe.flags.mute_emails = True
		try:
			content = apply_workflow(content, "Submit for Review")
			content = apply_workflow(content, "Approve")
			content.update({"live_url": "https://video.example/launch-review", "published_on": nowdate()})
			content.save()
			content = apply_workflow(content, "Publish")
		finally:
			frappe.flags.mute_emails = False
			frappe.local.outgoing_email_account = {}
	partnership.reload()
	partnership.status = "Completed"
	partnership.save()
	return kol, partnership, content


def as_user(user: str, action, *args):
	previous = frappe.session.user
	frappe.set_user(user)
	try:
		return action(*args)
	finally:
		frappe.set_user(previous)


def act(doc, action: str, user: str):
	return as_user(user, apply_workflow, frappe.get_doc(doc.doctype, doc.name), action)


def publishable(doc):
	doc.update(
		{"kol_consented": 1, "consent_evidence": "Email of 3 March", "what_worked": "<p>Real demo</p>"}
	)
	doc.save()
	return doc


# ---------------------------------------------------------------- made from a completed partnership


def test_a_case_study_takes_the_partnerships_results_roi_and_published_content():
	kol, partnership, content = completed_partnership()
	study = as_user(f.OPERATOR_A, build.new_case_study, partnership.name)
	assert study.workflow_state == "Draft" and not study.published and not study.route
	assert study.kol == kol.name and study.kol_name == kol.kol_name
	assert study.public_name == kol.display_name
	assert study.purpose == partnership.purpose
	assert (study.target_new_users, study.target_paid_conversions) == (100, 10)
	assert study.result_new_users == 0 and study.result_revenue == 0
	# cost: the benefits' value (the proposal's Cash 3,000) and no revenue share due yet
	assert study.cost == 3000 and study.roi == -100.0
	assert [(r.kol_content, r.live_url, r.title) for r in study.content] == [
		(content.name, "https://video.example/launch-review", "Launch review video")
	]


def test_what_the_client_sends_for_the_figures_and_links_is_replaced_by_the_stored_values():
	_kol, partnership, _content = completed_partnership()
	study = as_user(f.OPERATOR_A, build.new_case_study, partnership.name)
	study.update({"result_new_users": 99999, "roi": 5000, "kol": f.make_kol().name})
	study.content[0].live_url = "https://evil.example/"
	study.save()
	assert study.result_new_users == 0 and study.roi == -100.0 and study.kol == partnership.kol
	assert study.content[0].live_url == "https://video.example/launch-review"


def test_only_a_completed_partnership_becomes_a_case_study_and_only_once():
	_kol, partnership, _content = completed_partnership(published=False)
	frappe.db.set_value("KOL Partnership", partnership.name, "status", "Active")
	with pytest.raises(frappe.ValidationError, match="Only a Completed partnership"):
		build.new_case_study(partnership.name)
	frappe.db.set_value("KOL Partnership", partnership.name, "status", "Completed")
	first = build.new_case_study(partnership.name)
	with pytest.raises(frappe.ValidationError, match="already has case study"):
		build.new_case_study(partnership.name)
	# the button opens the existing one
	assert build.make_case_study(partnership.name) == first.name


def test_content_of_another_partnership_or_not_published_is_refused():
	_kol, partnership, _content = completed_partnership()
	_other_kol, _other, other_content = completed_partnership()
	study = build.new_case_study(partnership.name)
	study.append("content", {"kol_content": other_content.name})
	with pytest.raises(frappe.ValidationError, match="is not published content of partnership"):
		study.save()


def test_the_partnership_of_a_case_study_cannot_change():
	_kol, partnership, _content = completed_partnership()
	_k2, other, _c2 = completed_partnership()
	study = build.new_case_study(partnership.name)
	study.partnership = other.name
	with pytest.raises(frappe.ValidationError, match="cannot be changed"):
		study.save()


def test_an_operator_makes_case_studies_of_their_own_partnerships_only():
	_kol, partnership, _content = completed_partnership(operator=f.OPERATOR_B)
	with pytest.raises(frappe.PermissionError, match="partnerships you may edit"):
		as_user(f.OPERATOR_A, build.new_case_study, partnership.name)
	# nor by building the record by hand without the KOL (its KOL is set from the partnership)
	doc = frappe.get_doc(
		{"doctype": "KOL Case Study", "partnership": partnership.name, "title": "x", "summary": "y"}
	)
	with pytest.raises(frappe.PermissionError):
		as_user(f.OPERATOR_A, doc.insert)
	assert as_user(f.OPERATOR_B, build.new_case_study, partnership.name).kol == partnership.kol


# ---------------------------------------------------------------- review and publishing


def test_the_operator_submits_and_only_a_manager_approves_and_publishes():
	_kol, partnership, _content = completed_partnership()
	study = publishable(as_user(f.OPERATOR_A, build.new_case_study, partnership.name))
	study = act(study, "Submit for Review", f.OPERATOR_A)
	assert study.workflow_state == "In Review"
	with pytest.raises(WorkflowTransitionError, match="Not a valid Workflow Action"):
		act(study, "Approve", f.OPERATOR_A)
	study = act(study, "Approve", f.MANAGER)
	for user in (f.OPERATOR_A, f.ANALYST):
		with pytest.raises(WorkflowTransitionError, match="Not a valid Workflow Action"):
			act(study, "Publish", user)
	study = act(study, "Publish", f.MANAGER)
	assert study.workflow_state == "Published" and study.published == 1
	assert str(study.published_on) == nowdate()
	assert study.route.startswith("kol-case-studies/") and study.name.lower() in study.route


def test_the_manager_requests_changes_back_to_draft():
	_kol, partnership, _content = completed_partnership()
	study = act(build.new_case_study(partnership.name), "Submit for Review", f.OPERATOR_A)
	study = act(study, "Request Changes", f.MANAGER)
	assert study.workflow_state == "Draft"


def test_publishing_needs_the_kols_consent_and_a_public_name():
	_kol, partnership, _content = completed_partnership()
	study = build.new_case_study(partnership.name)
	study.public_name = ""
	study.save()
	study = act(act(study, "Submit for Review", f.OPERATOR_A), "Approve", f.MANAGER)
	with pytest.raises(frappe.ValidationError, match="has not consented to publication") as refused:
		act(study, "Publish", f.MANAGER)
	assert "Public Name / Handle is required" in str(refused.value)
	frappe.set_user(f.MANAGER)
	study.reload()
	study.update({"kol_consented": 1, "public_name": "Pixel Pal"})
	study.save()
	assert study.consent_recorded_by == f.MANAGER and str(study.consent_recorded_on) == nowdate()
	study.public_name = "  "
	study.save()
	with pytest.raises(frappe.ValidationError, match="Public Name / Handle is required") as refused:
		act(study, "Publish", f.MANAGER)
	assert "consented" not in str(refused.value)
	study.reload()
	study.public_name = "Pixel Pal"
	study.save()
	assert act(study, "Publish", f.MANAGER).published == 1


@pytest.mark.parametrize(
	"field, value",
	[
		("summary", "Reach her at {email}"),
		("lessons", "<p>Call {phone} first</p>"),
		("what_worked", "Her WeChat {wechat} group"),
		("public_name", "{email}"),
		("summary", "Write to anybody@else.example"),
	],
)
def test_the_kols_personal_data_in_any_public_text_blocks_publishing(field, value):
	kol, partnership, _content = completed_partnership(phone="+86 138 0013 8000", wechat="pixel_wx_2026")
	study = publishable(build.new_case_study(partnership.name))
	study = act(act(study, "Submit for Review", f.OPERATOR_A), "Approve", f.MANAGER)
	frappe.set_user(f.MANAGER)
	study.reload()
	study.set(field, value.format(email=kol.email, phone="13800138000", wechat="pixel_wx_2026"))
	study.save()
	with pytest.raises(frappe.ValidationError, match="holds the KOL's personal data"):
		act(study, "Publish", f.MANAGER)
	# and a published one can't be given any later
	study.reload()
	study.set(field, "Clean text")
	study.save()
	study = act(study, "Publish", f.MANAGER)
	study.set(field, value.format(email=kol.email, phone="13800138000", wechat="pixel_wx_2026"))
	with pytest.raises(frappe.ValidationError, match="holds the KOL's personal data"):
		study.save()


def test_withdrawing_consent_takes_a_published_case_study_off_the_website():
	_kol, partnership, _content = completed_partnership()
	study = publishable(build.new_case_study(partnership.name))
	for action, user in (("Submit for Review", f.OPERATOR_A), ("Approve", f.MANAGER), ("Publish", f.MANAGER)):
		study = act(study, action, user)
	frappe.set_user(f.MANAGER)
	study.reload()
	study.kol_consented = 0
	study.save()
	assert study.workflow_state == "Approved" and study.published == 0
	assert study.consent_recorded_by is None


def test_an_operator_cant_edit_an_approved_case_study():
	_kol, partnership, _content = completed_partnership()
	study = act(build.new_case_study(partnership.name), "Submit for Review", f.OPERATOR_A)
	study = act(study, "Approve", f.MANAGER)
	frappe.set_user(f.OPERATOR_A)
	study.reload()
	study.lessons = "<p>changed</p>"
	with pytest.raises(frappe.PermissionError):
		study.save()


# ---------------------------------------------------------------- the KOL's wants against the offer


def test_each_want_is_met_by_its_benefit_types_and_only_by_them():
	for want, types in wants.WANT_BENEFITS.items():
		for benefit_type in types:
			result = wants.compare({want: 1}, [benefit_type])
			assert result["unmet"] == [] and not result["mismatch"], (want, benefit_type)
		others = [
			t
			for t in (
				"Cash",
				"Revenue Share",
				"Personal Brand",
				"Platform Support",
				"Traffic Exposure",
				"Endorsement",
				"Product",
			)
			if t not in types
		]
		result = wants.compare({want: 1}, others)
		assert result["unmet"] == [want] and result["mismatch"], want


def test_only_money_to_a_kol_who_wants_more_than_money_is_a_mismatch():
	result = wants.compare({"wants_money": 1, "wants_traffic": 1}, ["Cash", "Revenue Share"])
	assert result["only_money"] and result["unmet"] == ["wants_traffic"]
	assert result["messages"][0].startswith("Only money is offered")
	# money to a KOL who wants money only: no mismatch
	assert not wants.compare({"wants_money": 1}, ["Cash"])["mismatch"]
	# money and traffic to a KOL who wants traffic: met
	assert not wants.compare({"wants_traffic": 1}, ["Cash", "Traffic Exposure"])["mismatch"]
	# nothing wanted: nothing to miss
	assert not wants.compare({}, ["Cash"])["mismatch"]
	# a KOL who wants money, offered no money
	assert wants.compare({"wants_money": 1}, ["Endorsement"])["unmet"] == ["wants_money"]


def test_a_proposal_warns_on_save_when_the_offer_misses_the_kols_wants():
	kol = f.make_kol(wants_personal_brand=1, wants_platform_support=1)
	frappe.local.message_log = []
	proposal = f.make_proposal(kol.name, benefits=[{"benefit_type": "Cash", "amount": 1000}])
	messages = " ".join(str(m) for m in frappe.local.message_log)
	assert "Only money is offered" in messages
	assert "Personal brand" in messages and "Platform support" in messages
	frappe.local.message_log = []
	proposal.append("benefits", {"benefit_type": "Endorsement", "description": "Badge"})
	proposal.append("benefits", {"benefit_type": "Platform Support", "description": "Editing"})
	proposal.save()
	assert not any("Only money" in str(m) or "wants" in str(m) for m in frappe.local.message_log)
	# back to cash only: warned again; a save that leaves the offer as it is: not again
	proposal.benefits = proposal.benefits[:1]
	proposal.save()
	assert any("Only money is offered" in str(m) for m in frappe.local.message_log)
	frappe.local.message_log = []
	proposal.title = "Renamed"
	proposal.save()
	assert not any("Only money" in str(m) for m in frappe.local.message_log)


# ---------------------------------------------------------------- over HTTP, per role


@pytest.fixture(scope="module")
def sessions(site):
	update_password(f.PORTAL_USER, f.PASSWORD)
	frappe.db.commit()
	users = {
		"opA": f.OPERATOR_A,
		"opB": f.OPERATOR_B,
		"analyst": f.ANALYST,
		"manager": f.MANAGER,
		"portal": f.PORTAL_USER,
	}
	return {role: ApiSession(user, f.PASSWORD) for role, user in users.items()} | {"guest": ApiSession()}


@pytest.fixture(scope="module")
def world(site):
	"""Committed: A's completed partnership with a published case study, A's draft case study, and
	B's completed partnership without one; A's KOL wants traffic."""
	token = frappe.generate_hash(length=8)
	kol_a, part_a, _c = completed_partnership(
		f.OPERATOR_A, wants_traffic=1, kol_name=f"Secret Real Name {token}"
	)
	f.link_portal_user(kol_a.name)
	published = publishable(build.new_case_study(part_a.name))
	published.update({"title": f"Published study {token}", "summary": f"published-summary-{token}"})
	published.save()
	for action in ("Submit for Review", "Approve", "Publish"):
		published = apply_workflow(published, action)
	_k2, part_a2, _c2 = completed_partnership(f.OPERATOR_A)
	draft = build.new_case_study(part_a2.name)
	draft.update({"title": f"Draft study {token}", "summary": f"draft-summary-{token}"})
	draft.save()
	kol_b, part_b, _c3 = completed_partnership(f.OPERATOR_B)
	frappe.db.commit()
	yield frappe._dict(
		token=token, kol_a=kol_a, kol_b=kol_b, published=published, draft=draft, part_a=part_a, part_b=part_b
	)
	frappe.db.rollback()
	frappe.set_user("Administrator")
	kols = [kol_a.name, kol_b.name, part_a2.kol]
	# the KOL heard about their content's review by email (queued, muted): those go too
	contents = frappe.get_all("KOL Content", filters={"kol": ["in", kols]}, pluck="name")
	frappe.db.delete("Email Queue", {"reference_doctype": "KOL Content", "reference_name": ["in", contents]})
	for doctype in (
		"KOL Case Study",
		"KOL Content",
		"KOL Partnership",
		"KOL Proposal",
		"KOL Rule Acknowledgement",
	):
		for name in frappe.get_all(doctype, filters={"kol": ["in", kols]}, pluck="name"):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
	frappe.db.set_value("KOL", kol_a.name, "portal_user", None)
	for name in kols:
		frappe.delete_doc("KOL", name, force=True, ignore_permissions=True)
	frappe.db.commit()


def listing(s, expect=200):
	response = s.get(
		"/api/resource/KOL Case Study", query_string={"fields": '["name", "title"]', "limit_page_length": 0}
	)
	assert response.status_code == expect, response.get_data(as_text=True)
	return {row["name"] for row in ApiSession.json(response).get("data", [])}


@pytest.mark.parametrize("role, sees", [("opA", True), ("opB", False), ("analyst", True), ("manager", True)])
def test_rest_case_studies_follow_their_kol(sessions, world, role, sees):
	names = listing(sessions[role])
	assert (world.published.name in names) is sees and (world.draft.name in names) is sees
	response = sessions[role].get(f"/api/resource/KOL Case Study/{world.draft.name}")
	assert response.status_code == (200 if sees else 403), response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["portal", "guest"])
def test_rest_the_portal_login_and_a_guest_read_no_case_study_not_even_a_published_one(sessions, world, role):
	s = sessions[role]
	response = s.get("/api/resource/KOL Case Study", query_string={"fields": '["name", "title"]'})
	assert response.status_code == 403, response.get_data(as_text=True)
	response = s.get(f"/api/resource/KOL Case Study/{world.published.name}")
	assert response.status_code == 403
	assert world.token not in response.get_data(as_text=True)


@pytest.mark.parametrize(
	"role, status",
	[("opA", 200), ("manager", 200), ("opB", 403), ("analyst", 403), ("portal", 403), ("guest", 403)],
)
def test_rest_create_case_study_by_role(sessions, world, role, status):
	response = sessions[role].post(MAKE, data={"partnership": world.part_a.name})
	assert response.status_code == status, response.get_data(as_text=True)
	if status == 200:  # the partnership has one: the button opens it
		assert ApiSession.json(response)["message"] == world.published.name
	else:
		assert world.token not in response.get_data(as_text=True)


def test_rest_operator_b_makes_the_case_study_of_their_own_completed_partnership(sessions, world):
	response = sessions["opB"].post(MAKE, data={"partnership": world.part_b.name})
	assert response.status_code == 200, response.get_data(as_text=True)
	name = ApiSession.json(response)["message"]
	frappe.db.rollback()
	assert frappe.db.get_value("KOL Case Study", name, ["kol", "workflow_state"]) == (
		world.kol_b.name,
		"Draft",
	)
	assert sessions["opA"].get(f"/api/resource/KOL Case Study/{name}").status_code == 403


def test_rest_only_a_manager_publishes(sessions, world):
	body = {
		"doc": frappe.as_json({"doctype": "KOL Case Study", "name": world.published.name}),
		"action": "Unpublish",
	}
	response = sessions["opA"].post("/api/method/frappe.model.workflow.apply_workflow", data=body)
	assert response.status_code == 417 or response.status_code == 403, response.get_data(as_text=True)
	frappe.db.rollback()
	assert frappe.db.get_value("KOL Case Study", world.published.name, "published") == 1


# ---------------------------------------------------------------- the website, as a guest


def test_guest_sees_the_published_case_study_in_the_web_list_and_not_the_draft(sessions, world):
	response = sessions["guest"].get("/kol-case-studies")
	assert response.status_code == 200, response.get_data(as_text=True)[:500]
	html = response.get_data(as_text=True)
	assert f"Published study {world.token}" in html
	assert f"Draft study {world.token}" not in html
	assert world.kol_a.email not in html and f"Secret Real Name {world.token}" not in html


def test_guest_reads_a_published_case_study_page_without_personal_data(sessions, world):
	response = sessions["guest"].get(f"/{world.published.route}")
	assert response.status_code == 200, response.get_data(as_text=True)[:500]
	html = response.get_data(as_text=True)
	assert f"published-summary-{world.token}" in html
	assert world.published.public_name in html
	assert "https://video.example/launch-review" in html
	assert "Real demo" in html  # what worked
	for private in (world.kol_a.email, world.kol_a.kol_name, world.kol_a.name, "3,000", "3000"):
		assert private not in html, private


def test_guest_list_endpoint_returns_only_published_public_fields(sessions, world):
	response = sessions["guest"].get(
		"/api/method/frappe.www.list.get",
		query_string={"doctype": "KOL Case Study", "published": "0", "workflow_state": "Draft"},
	)
	assert response.status_code == 200, response.get_data(as_text=True)
	body = response.get_data(as_text=True)
	assert f"Draft study {world.token}" not in body and f"draft-summary-{world.token}" not in body
	assert f"Published study {world.token}" in body
	assert world.kol_a.name not in body and f"Secret Real Name {world.token}" not in body


def test_an_unpublished_case_study_leaves_the_website(sessions, world):
	route = world.published.route
	assert sessions["guest"].get(f"/{route}").status_code == 200
	frappe.set_user(f.MANAGER)
	doc = apply_workflow(frappe.get_doc("KOL Case Study", world.published.name), "Unpublish")
	assert doc.published == 0
	frappe.db.commit()
	try:
		assert sessions["guest"].get(f"/{route}").status_code == 404
		assert f"Published study {world.token}" not in sessions["guest"].get("/kol-case-studies").get_data(
			as_text=True
		)
	finally:
		frappe.set_user(f.MANAGER)
		apply_workflow(frappe.get_doc("KOL Case Study", world.published.name), "Publish")
		frappe.db.commit()
		frappe.set_user("Administrator")


# ---------------------------------------------------------------- wants over REST


@pytest.mark.parametrize(
	"role, status",
	[("opA", 200), ("analyst", 200), ("manager", 200), ("opB", 403), ("portal", 403), ("guest", 403)],
)
def test_rest_wants_vs_offer_by_role(sessions, world, role, status):
	response = sessions[role].post(
		WANTS, data={"kol": world.kol_a.name, "benefit_types": frappe.as_json(["Cash"])}
	)
	assert response.status_code == status, response.get_data(as_text=True)
	if status == 200:
		message = ApiSession.json(response)["message"]
		assert message["wants"] == ["wants_traffic"] and message["unmet"] == ["wants_traffic"]
		assert message["only_money"] and message["mismatch"]


def test_rest_wants_vs_offer_refuses_bad_benefit_types(sessions, world):
	response = sessions["opA"].post(WANTS, data={"kol": world.kol_a.name, "benefit_types": '{"a": 1}'})
	assert response.status_code == 417
	assert "Benefit types must be a list" in response.get_data(as_text=True)


def test_a_content_row_naming_no_content_is_refused():
	_kol, partnership, _content = completed_partnership(published=False)
	study = build.new_case_study(partnership.name)
	study.append("content", {"kol_content": "KOL-CONT-none"})
	with pytest.raises(frappe.ValidationError, match="Could not find"):
		study.save()
