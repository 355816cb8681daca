"""Content review (issue 13): a KOL's content for a partnership deliverable goes Draft → Submitted →
Changes Requested → Submitted … → Approved → Published, every submitted version kept.

Who may take each transition is tested over REST as every role (the KOL's operator, another
operator, an analyst, a manager, the KOL's portal login, another KOL's portal login, a guest);
the KOL submits and resubmits through the portal's whitelisted method; the KOL gets an email
with the reviewer's comment when changes are requested; nothing is published without approval."""

import base64
import email
import io
import json
from email import policy

import frappe
import pytest
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, nowdate
from frappe.utils.password import update_password

from kol_crm.content import review
from kol_crm.intelligence import deliverables
from kol_crm.kol_crm.doctype.kol_proposal.kol_proposal import make_partnership
from kol_crm.portal import actions, views
from kol_crm.portal.actor import ACTOR
from kol_crm.workflows import kol_content as wf
from tests import factories as f
from tests import ops_helpers as h
from tests import test_email
from tests.api import ApiSession

email_account = test_email.email_account  # the fixture: the KOL's emails need an outgoing account

OTHER_PORTAL_USER = "kol.portal.other@kol-test.example"


def ensure_other_portal_user() -> None:
	"""A second KOL's portal login (a Website User with the portal role), kept like the other test users."""
	if not frappe.db.exists("User", OTHER_PORTAL_USER):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": OTHER_PORTAL_USER,
				"first_name": "other portal",
				"user_type": "Website User",
				"send_welcome_email": 0,
				"roles": [{"role": "KOL Portal User"}],
			}
		).insert(ignore_permissions=True)
	update_password(OTHER_PORTAL_USER, f.PASSWORD)
	frappe.db.commit()


def partnership_of(kol: str, deliverables=None):
	proposal = f.make_proposal(kol)
	f.accept_proposal(proposal)
	doc = make_partnership(proposal.name)
	if deliverables is not None:
		doc.set("deliverables", deliverables)
	return doc.insert()


def new_content(partnership, row=None, **values):
	row = row or partnership.deliverables[0]
	data = {
		"doctype": "KOL Content",
		"kol": partnership.kol,
		"partnership": partnership.name,
		"deliverable": row.name,
		"title": "Unboxing video script",
		"body": "Hello everyone, today we open the box.",
	}
	data.update(values)
	return frappe.get_doc(data).insert()


def act(doc, action: str):
	"""The workflow action as the session user (Frappe's apply_workflow, as the desk does)."""
	return apply_workflow(frappe.as_json({"doctype": doc.doctype, "name": doc.name}), action)


def content_in(state: str, partnership, **values):
	"""Content brought to ``state`` through the real transitions (as Administrator)."""
	doc = new_content(partnership, **values)
	path = {
		wf.DRAFT: [],
		wf.SUBMITTED: ["Submit for Review"],
		wf.CHANGES_REQUESTED: ["Submit for Review", "Request Changes"],
		wf.APPROVED: ["Submit for Review", "Approve"],
		wf.PUBLISHED: ["Submit for Review", "Approve", "Publish"],
	}[state]
	for action in path:
		doc.reload()
		if action == "Request Changes":
			doc.reviewer_comment = "Please show the product in the first ten seconds."
			doc.save()
		if action == "Publish":
			doc.update({"live_url": "https://video.example/v/1", "published_on": nowdate()})
			doc.save()
		act(doc, action)
	doc.reload()
	assert doc.workflow_state == state
	return doc


@pytest.fixture
def portal_kol():
	"""Operator A's KOL with the shared portal login linked, and a partnership (rolled back)."""
	kol = f.make_kol(operator=f.OPERATOR_A)
	f.link_portal_user(kol.name)
	return kol, partnership_of(kol.name)


# ------------------------------------------------------------------ the workflow, by role (REST)

# action -> the state it starts from
ACTIONS = {
	"Submit for Review": wf.DRAFT,
	"Request Changes": wf.SUBMITTED,
	"Resubmit": wf.CHANGES_REQUESTED,
	"Approve": wf.SUBMITTED,
	"Publish": wf.APPROVED,
}
NEXT = {t.action: t.next_state for t in wf.TRANSITIONS}
ROLES = {
	"operator": f.OPERATOR_A,  # the KOL's own operator
	"other_operator": f.OPERATOR_B,
	"analyst": f.ANALYST,
	"manager": f.MANAGER,
	"portal": f.PORTAL_USER,  # the KOL's own portal login: acts on the portal, not through the desk
	"other_portal": OTHER_PORTAL_USER,
	"guest": "Guest",
}
ALLOWED = {"operator", "manager"}


@pytest.fixture(scope="module")
def sessions(site):
	ensure_other_portal_user()
	update_password(f.PORTAL_USER, f.PASSWORD)
	frappe.db.commit()
	return {
		role: ApiSession(user, f.PASSWORD) if user != "Guest" else ApiSession()
		for role, user in ROLES.items()
	}


@pytest.fixture
def committed_kol():
	"""Operator A's KOL (the portal login linked) with a partnership, and another KOL with the other
	portal login, committed for the HTTP requests and deleted afterwards."""
	kol = f.make_kol(operator=f.OPERATOR_A)
	f.link_portal_user(kol.name)
	other = f.make_kol(operator=f.OPERATOR_B)
	f.link_portal_user(other.name, OTHER_PORTAL_USER)
	partnership = partnership_of(kol.name)
	frappe.db.commit()
	yield kol, partnership
	frappe.db.rollback()
	frappe.set_user("Administrator")
	for doctype in ("KOL Content", "KOL Interaction", "KOL Partnership", "KOL Proposal"):
		for name in frappe.get_all(doctype, filters={"kol": ("in", [kol.name, other.name])}, pluck="name"):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
	for kol_name in (kol.name, other.name):
		frappe.delete_doc("KOL", kol_name, force=True, ignore_permissions=True)
	frappe.db.commit()


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_http_workflow_action_by_role(committed_kol, sessions, action, role):
	_kol, partnership = committed_kol
	doc = content_in(ACTIONS[action], partnership)
	if action in ("Request Changes", "Approve"):
		doc.db_set("reviewer_comment", "Shorter intro, please")
	if action == "Publish":
		doc.update({"live_url": "https://video.example/v/2", "published_on": nowdate()})
		doc.save()
	frappe.db.commit()
	response = sessions[role].post(
		"/api/method/frappe.model.workflow.apply_workflow",
		data={"doc": json.dumps({"doctype": "KOL Content", "name": doc.name}), "action": action},
	)
	frappe.db.rollback()
	state = frappe.db.get_value("KOL Content", doc.name, "workflow_state")
	body = response.get_data(as_text=True)
	if role in ALLOWED:
		assert response.status_code == 200, body[:500]
		assert state == NEXT[action]
	else:
		assert response.status_code in (403, 417), (response.status_code, body[:300])
		assert state == ACTIONS[action]
		assert doc.title not in body  # the refusal says nothing of the content


@pytest.mark.parametrize("role", ["other_operator", "analyst", "portal", "other_portal", "guest"])
def test_http_only_the_kols_operator_or_a_manager_writes_content(committed_kol, sessions, role):
	_kol, partnership = committed_kol
	doc = content_in(wf.SUBMITTED, partnership)
	frappe.db.commit()
	response = sessions[role].request(
		"PUT",
		f"/api/resource/KOL Content/{doc.name}",
		data=json.dumps({"reviewer_comment": "taken over"}),
		headers={"Content-Type": "application/json"},
	)
	assert response.status_code in (403, 404), response.status_code
	frappe.db.rollback()
	assert frappe.db.get_value("KOL Content", doc.name, "reviewer_comment") is None
	allowed = sessions["operator"].request(
		"PUT",
		f"/api/resource/KOL Content/{doc.name}",
		data=json.dumps({"reviewer_comment": "Shorter intro, please"}),
		headers={"Content-Type": "application/json"},
	)
	assert allowed.status_code == 200, allowed.get_data(as_text=True)[:300]


def test_http_analyst_reads_content_without_who_submitted_it(committed_kol, sessions):
	_kol, partnership = committed_kol
	doc = new_content(partnership)
	frappe.set_user(f.OPERATOR_A)
	act(doc, "Submit for Review")
	frappe.set_user("Administrator")
	frappe.db.commit()
	response = sessions["analyst"].get(f"/api/resource/KOL Content/{doc.name}")
	assert response.status_code == 200
	data = ApiSession.json(response)["data"]
	assert data["workflow_state"] == wf.SUBMITTED
	assert data.get("submitted_by") is None
	assert [v.get("submitted_by") for v in data["versions"]] == [None]
	own = ApiSession.json(sessions["operator"].get(f"/api/resource/KOL Content/{doc.name}"))["data"]
	assert own["submitted_by"] == f.OPERATOR_A
	assert own["versions"][0]["submitted_by"] == f.OPERATOR_A


def test_http_other_operator_and_other_kols_login_see_no_content(committed_kol, sessions):
	_kol, partnership = committed_kol
	doc = content_in(wf.SUBMITTED, partnership)
	frappe.db.commit()
	for role in ("other_operator", "portal", "other_portal", "guest"):
		listed = sessions[role].get("/api/resource/KOL Content", query_string={"fields": '["name","title"]'})
		assert doc.name not in listed.get_data(as_text=True), role
		one = sessions[role].get(f"/api/resource/KOL Content/{doc.name}")
		assert one.status_code in (403, 404), (role, one.status_code)
		assert doc.body not in one.get_data(as_text=True)


# ------------------------------------------------------------------ the KOL on the portal


def test_http_kol_submits_on_the_portal_with_a_file_and_another_kol_cannot(committed_kol, sessions):
	_kol, partnership = committed_kol
	row = partnership.deliverables[0].name
	args = {
		"partnership": partnership.name,
		"deliverable": row,
		"title": "My draft",
		"body": "Draft text",
		"file_name": "script.txt",
		"file_data": "data:text/plain;base64," + base64.b64encode(b"the script").decode(),
	}
	for role in ("other_portal", "guest", "operator"):
		# another KOL's login, a guest, and a desk user (the portal's methods are the KOL's only)
		refused = sessions[role].post("/api/method/kol_crm.portal.actions.submit_content", data=args)
		assert refused.status_code == 403, role
	assert frappe.db.count("KOL Content", {"partnership": partnership.name}) == 0
	response = sessions["portal"].post("/api/method/kol_crm.portal.actions.submit_content", data=args)
	assert response.status_code == 200, response.get_data(as_text=True)[:500]
	result = ApiSession.json(response)["message"]
	assert (result["workflow_state"], result["version"]) == (wf.SUBMITTED, 1)
	frappe.db.rollback()
	doc = frappe.get_doc("KOL Content", result["name"])
	assert (doc.kol, doc.partnership, doc.deliverable, doc.submitted_via) == (
		partnership.kol,
		partnership.name,
		row,
		"Portal",
	)
	file = frappe.get_doc("File", {"file_url": doc.attachment})
	assert (file.is_private, file.owner, file.attached_to_name) == (1, f.PORTAL_USER, doc.name)
	assert file.get_content() == "the script"
	# the KOL opens their own file; the other KOL's login does not
	assert sessions["portal"].get(doc.attachment).status_code == 200
	assert sessions["other_portal"].get(doc.attachment).status_code == 403
	page = sessions["portal"].get(f"/kol/partnerships/{partnership.name}")
	assert page.status_code == 200
	text = page.get_data(as_text=True)
	assert "My draft" in text and "Waiting for your operator" in text
	assert f.OPERATOR_A not in text


def test_http_the_portal_page_escapes_what_the_team_wrote(committed_kol, sessions):
	_kol, partnership = committed_kol
	doc = content_in(wf.CHANGES_REQUESTED, partnership, title='Say "hi" & go')
	doc.db_set("reviewer_comment", 'Quote "this" & that')
	frappe.db.commit()
	page = sessions["portal"].get(f"/kol/partnerships/{partnership.name}").get_data(as_text=True)
	assert 'value="Say &#34;hi&#34; &amp; go"' in page
	assert "Quote &#34;this&#34; &amp; that" in page
	assert 'Say "hi"' not in page


def test_http_kol_uploads_the_file_as_a_multipart_form(committed_kol, sessions):
	_kol, partnership = committed_kol
	response = sessions["portal"].post(
		"/api/method/kol_crm.portal.actions.submit_content",
		data={
			"partnership": partnership.name,
			"deliverable": partnership.deliverables[0].name,
			"title": "Storyboard",
			"file": (io.BytesIO(b"frame 1, frame 2"), "storyboard.txt"),
		},
		content_type="multipart/form-data",
	)
	assert response.status_code == 200, response.get_data(as_text=True)[:500]
	name = ApiSession.json(response)["message"]["name"]
	frappe.db.rollback()
	url = frappe.db.get_value("KOL Content", name, "attachment")
	file = frappe.get_doc("File", {"file_url": url})
	assert (file.file_name, file.is_private, file.get_content()) == ("storyboard.txt", 1, "frame 1, frame 2")
	assert frappe.db.get_value("KOL Content Version", {"parent": name}, "attachment") == url


def test_kol_submits_and_resubmits_and_every_version_is_kept(portal_kol, email_account):
	_kol, partnership = portal_kol
	row = partnership.deliverables[0].name
	frappe.set_user(f.PORTAL_USER)
	first = actions.submit_content(partnership.name, row, "Launch post", body="Version one text")
	assert first["workflow_state"] == wf.SUBMITTED and first["version"] == 1
	with pytest.raises(frappe.ValidationError, match="This content is Submitted; you can't change it now"):
		actions.submit_content(partnership.name, row, "Launch post", body="x", content=first["name"])

	frappe.set_user(f.OPERATOR_A)
	doc = frappe.get_doc("KOL Content", first["name"])
	doc.reviewer_comment = "Mention the launch date."
	doc.save()
	act(doc, "Request Changes")

	frappe.set_user(f.PORTAL_USER)
	page = views.partnership(partnership.name)
	content = page.deliverables[0].contents[0]
	assert (content.workflow_state, content.reviewer_comment, content.can_edit) == (
		wf.CHANGES_REQUESTED,
		"Mention the launch date.",
		True,
	)
	assert "reviewed_by" not in content and "submitted_by" not in content.versions[0]
	second = actions.submit_content(
		partnership.name, row, "Launch post", body="Version two: launch on May 1", content=first["name"]
	)
	assert (second["name"], second["workflow_state"], second["version"]) == (
		first["name"],
		wf.SUBMITTED,
		2,
	)

	frappe.set_user(f.OPERATOR_A)
	act(doc, "Approve")
	frappe.set_user("Administrator")
	doc.reload()
	versions = [
		(v.version, v.body, v.submitted_via, v.submitted_by, v.outcome, v.reviewer_comment, v.reviewed_by)
		for v in doc.versions
	]
	assert versions == [
		(
			1,
			"Version one text",
			"Portal",
			ACTOR,  # the portal's stamp, "KOL Portal": a KOL's login is their email
			"Changes Requested",
			"Mention the launch date.",
			f.OPERATOR_A,
		),
		(2, "Version two: launch on May 1", "Portal", ACTOR, "Approved", None, f.OPERATOR_A),
	]
	assert (doc.workflow_state, doc.approved_by, doc.current_version) == (wf.APPROVED, f.OPERATOR_A, 2)
	comments = frappe.get_all(
		"Comment", filters={"reference_doctype": "KOL Content", "reference_name": doc.name}, pluck="content"
	)
	assert "The KOL submitted version 2 on the portal." in comments
	# each portal submission rang the operator's bell in the desk
	bell = frappe.get_all(
		"Notification Log",
		filters={"document_type": "KOL Content", "document_name": doc.name},
		fields=["for_user", "subject"],
		order_by="creation",
	)
	assert [b.for_user for b in bell] == [f.OPERATOR_A, f.OPERATOR_A]
	assert "submitted version 2 of <strong>Launch post</strong> for your review" in bell[1].subject


def test_a_draft_kept_on_the_portal_is_submitted_later(portal_kol):
	_kol, partnership = portal_kol
	row = partnership.deliverables[0].name
	frappe.set_user(f.PORTAL_USER)
	draft = actions.submit_content(partnership.name, row, "Idea", body="rough", submit=0)
	assert (draft["workflow_state"], draft["version"]) == (wf.DRAFT, 0)
	done = actions.submit_content(
		partnership.name, row, "Idea", link="https://docs.example/d/1", content=draft["name"]
	)
	assert (done["name"], done["workflow_state"], done["version"]) == (draft["name"], wf.SUBMITTED, 1)


def test_versions_cannot_be_changed_or_removed(portal_kol):
	_kol, partnership = portal_kol
	doc = content_in(wf.CHANGES_REQUESTED, partnership)
	frappe.set_user(f.MANAGER)
	doc.reload()
	doc.versions[0].body = "rewritten history"
	doc.append("versions", {"version": 9, "body": "forged"})
	doc.save()
	doc.reload()
	assert [(v.version, v.body) for v in doc.versions] == [(1, "Hello everyone, today we open the box.")]
	doc.set("versions", [])
	doc.save()
	assert len(frappe.get_doc("KOL Content", doc.name).versions) == 1
	row = frappe.get_doc(
		"KOL Content Version",
		doc.versions[0].name if doc.versions else frappe.get_doc("KOL Content", doc.name).versions[0].name,
	)
	row.body = "alone"
	with pytest.raises(frappe.PermissionError, match="not on their own"):
		row.save()


def test_an_operator_assigned_to_the_kol_reviews_too(portal_kol):
	kol, partnership = portal_kol
	frappe.db.set_value("KOL", kol.name, "_assign", f'["{f.OPERATOR_B}"]')
	doc = content_in(wf.SUBMITTED, partnership)
	frappe.set_user(f.OPERATOR_B)
	assert act(doc, "Approve").workflow_state == wf.APPROVED
	frappe.set_user("Administrator")
	assert frappe.db.get_value("KOL Content", doc.name, "approved_by") == f.OPERATOR_B


def test_portal_refuses_another_kols_records_and_rows(portal_kol):
	_kol, partnership = portal_kol
	other = f.make_kol(operator=f.OPERATOR_B)
	other_partnership = partnership_of(other.name)
	other_content = content_in(wf.CHANGES_REQUESTED, other_partnership)
	mine = partnership.deliverables[0].name
	theirs = other_partnership.deliverables[0].name
	frappe.set_user(f.PORTAL_USER)
	for call in (
		lambda: actions.submit_content(other_partnership.name, theirs, "mine now", body="x"),
		# my partnership with their deliverable row, and my row with their content
		lambda: actions.submit_content(partnership.name, theirs, "mine now", body="x"),
		lambda: actions.submit_content(
			partnership.name, mine, "mine now", body="x", content=other_content.name
		),
		lambda: views.partnership(other_partnership.name),
	):
		with pytest.raises(frappe.PermissionError, match="not available to you"):
			call()
	frappe.set_user("Administrator")
	assert frappe.db.get_value("KOL Content", other_content.name, "workflow_state") == wf.CHANGES_REQUESTED
	assert frappe.db.count("KOL Content", {"partnership": partnership.name}) == 0


def test_portal_content_limits(portal_kol):
	_kol, partnership = portal_kol
	row = partnership.deliverables[0]  # two videos
	frappe.set_user(f.PORTAL_USER)
	with pytest.raises(frappe.ValidationError, match="Give your content a title"):
		actions.submit_content(partnership.name, row.name, "  ", body="x")
	with pytest.raises(frappe.ValidationError, match="Add the text, a link or a file"):
		actions.submit_content(partnership.name, row.name, "Empty")
	with pytest.raises(frappe.ValidationError, match="must start with http"):
		actions.submit_content(partnership.name, row.name, "Bad link", link="javascript:alert(1)")
	frappe.set_user("Administrator")
	assert frappe.db.count("KOL Content", {"partnership": partnership.name}) == 0


def test_portal_allows_as_many_pieces_as_the_deliverable_asks(portal_kol):
	_kol, partnership = portal_kol
	row = partnership.deliverables[0]
	assert row.quantity == 2
	frappe.set_user(f.PORTAL_USER)
	actions.submit_content(partnership.name, row.name, "One", body="1")
	actions.submit_content(partnership.name, row.name, "Two", body="2")
	assert views.partnership(partnership.name).deliverables[0].can_add_content is False
	with pytest.raises(frappe.ValidationError, match="asks for 2 piece"):
		actions.submit_content(partnership.name, row.name, "Three", body="3")


def test_no_new_content_on_a_closed_partnership(portal_kol):
	_kol, partnership = portal_kol
	frappe.db.set_value("KOL Partnership", partnership.name, "status", "Completed")
	frappe.set_user(f.PORTAL_USER)
	with pytest.raises(frappe.ValidationError, match="This partnership is Completed"):
		actions.submit_content(partnership.name, partnership.deliverables[0].name, "Late", body="x")


# ------------------------------------------------------------------ the guards


def test_published_needs_an_approval(portal_kol):
	_kol, partnership = portal_kol
	doc = content_in(wf.SUBMITTED, partnership)
	frappe.set_user(f.MANAGER)
	doc.reload()
	doc.update({"workflow_state": wf.PUBLISHED})
	with pytest.raises(frappe.ValidationError, match="Content can't move from Submitted to Published"):
		doc.save()
	frappe.set_user("Administrator")
	doc.reload()
	doc.flags.ignore_permissions = True
	doc.workflow_state = wf.PUBLISHED
	# not even a save that skips Frappe's workflow check
	doc.flags.portal_action = "Publish"
	with pytest.raises(frappe.ValidationError, match="Content can't move from Submitted to Published"):
		doc.save()
	# an Approved state written without an approval (not through the workflow)
	f.set_state(doc, wf.APPROVED)
	doc = frappe.get_doc("KOL Content", doc.name)
	doc.update({"live_url": "https://video.example/v/3", "published_on": nowdate()})
	doc.save()
	with pytest.raises(frappe.ValidationError, match="Only approved content can be published"):
		act(doc, "Publish")


def test_new_content_starts_as_draft():
	kol = f.make_kol(operator=f.OPERATOR_A)
	partnership = partnership_of(kol.name)
	for state in (wf.PUBLISHED, wf.APPROVED, wf.SUBMITTED):
		with pytest.raises(frappe.ValidationError, match="New content starts as Draft"):
			new_content(partnership, workflow_state=state)


def test_publish_needs_a_live_url_and_a_date_not_in_the_future(portal_kol):
	_kol, partnership = portal_kol
	doc = content_in(wf.APPROVED, partnership)
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.ValidationError, match="Live URL is required to publish") as refused:
		act(doc, "Publish")
	assert "Published On is required" in str(refused.value)
	doc.reload()
	doc.update({"live_url": "https://video.example/v/9", "published_on": add_days(nowdate(), 1)})
	doc.save()
	with pytest.raises(frappe.ValidationError, match="can't be in the future"):
		act(doc, "Publish")
	doc.reload()
	doc.published_on = nowdate()  # today: at the limit, allowed
	doc.save()
	assert act(doc, "Publish").workflow_state == wf.PUBLISHED


def test_request_changes_needs_a_comment(portal_kol):
	_kol, partnership = portal_kol
	doc = content_in(wf.SUBMITTED, partnership)
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.ValidationError, match="Write what the KOL should change"):
		act(doc, "Request Changes")
	doc.reload()
	doc.reviewer_comment = "   "
	doc.save()
	with pytest.raises(frappe.ValidationError, match="Write what the KOL should change"):
		act(doc, "Request Changes")


def test_fields_change_only_in_their_states(portal_kol):
	_kol, partnership = portal_kol
	doc = content_in(wf.SUBMITTED, partnership)
	frappe.set_user(f.OPERATOR_A)
	doc.reload()
	doc.body = "edited under review"
	with pytest.raises(frappe.ValidationError, match="Text can't be changed while the content is Submitted"):
		doc.save()
	doc.reload()
	doc.views = 100
	with pytest.raises(frappe.ValidationError, match="Views can't be changed while the content is Submitted"):
		doc.save()
	doc.reload()
	doc.submitted_by = f.MANAGER  # the system's field: the stored value is kept
	doc.save()
	assert frappe.db.get_value("KOL Content", doc.name, "submitted_by") == "Administrator"


def test_results_are_measured_after_publishing(portal_kol):
	_kol, partnership = portal_kol
	doc = content_in(wf.PUBLISHED, partnership)
	frappe.set_user(f.OPERATOR_A)
	doc.reload()
	doc.update({"views": 2000, "likes": 150, "comments": 30, "shares": 20, "measured_on": nowdate()})
	doc.save()
	assert doc.engagement_rate == 10.0
	doc.title = "renamed after publishing"
	with pytest.raises(frappe.ValidationError, match="Title can't be changed while the content is Published"):
		doc.save()


def test_the_file_must_be_uploaded_to_this_content(portal_kol):
	_kol, partnership = portal_kol
	theirs = f.make_kol(operator=f.OPERATOR_B)
	secret = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": "contract.txt",
			"content": "B's private contract",
			"is_private": 1,
			"attached_to_doctype": "KOL",
			"attached_to_name": theirs.name,
		}
	).insert()
	doc = new_content(partnership)
	frappe.set_user(f.OPERATOR_A)
	doc.reload()
	doc.attachment = secret.file_url
	with pytest.raises(frappe.ValidationError, match="Upload the file to this content"):
		doc.save()
	# a File record of A's pointing at B's file, attached to A's content, proves nothing
	frappe.get_doc(
		{
			"doctype": "File",
			"file_name": "contract.txt",
			"file_url": secret.file_url,
			"is_private": 1,
			"attached_to_doctype": "KOL Content",
			"attached_to_name": doc.name,
		}
	).insert(ignore_permissions=True)
	doc.reload()
	doc.attachment = secret.file_url
	with pytest.raises(frappe.ValidationError, match="Upload the file to this content"):
		doc.save()
	mine = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": "script.txt",
			"content": "A's own script",
			"is_private": 1,
			"attached_to_doctype": "KOL Content",
			"attached_to_name": doc.name,
		}
	).insert()
	doc.reload()
	doc.attachment = mine.file_url
	doc.save()
	assert frappe.db.get_value("KOL Content", doc.name, "attachment") == mine.file_url


def test_content_must_be_for_a_deliverable_of_its_kols_partnership(portal_kol):
	kol, partnership = portal_kol
	other = f.make_kol(operator=f.OPERATOR_A)
	other_partnership = partnership_of(other.name)
	with pytest.raises(frappe.ValidationError, match="is not a partnership of KOL"):
		new_content(other_partnership, kol=kol.name)
	with pytest.raises(frappe.ValidationError, match="is not a deliverable of partnership"):
		new_content(partnership, row=other_partnership.deliverables[0])


def test_operator_cannot_file_content_on_another_operators_partnership():
	mine = f.make_kol(operator=f.OPERATOR_A)
	theirs = f.make_kol(operator=f.OPERATOR_B)
	their_partnership = partnership_of(theirs.name)
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.ValidationError, match="is not a partnership of KOL"):
		new_content(their_partnership, kol=mine.name)
	with pytest.raises(frappe.PermissionError):
		new_content(their_partnership)


# ------------------------------------------------------------------ email and the deliverable


def queued_for(content: str) -> list[frappe._dict]:
	rows = frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "KOL Content", "reference_name": content},
		fields=["name", "message"],
		order_by="creation",
	)
	for row in rows:
		row.recipients = frappe.get_all(
			"Email Queue Recipient", filters={"parent": row.name}, pluck="recipient"
		)
		row.text = decoded(row.message)
	return rows


def decoded(message: str) -> str:
	parsed = email.message_from_string(message, policy=policy.default)
	parts = [p.get_content() for p in parsed.walk() if p.get_content_type() in ("text/plain", "text/html")]
	return f"{parsed['Subject']}\n" + "\n".join(parts)


def test_changes_requested_emails_the_kol_with_the_comment_and_the_portal_link(portal_kol, email_account):
	kol, partnership = portal_kol
	doc = content_in(wf.SUBMITTED, partnership)
	frappe.set_user(f.OPERATOR_A)
	doc.reload()
	doc.reviewer_comment = "Show the price tag <clearly> & say it twice."
	doc.save()
	act(doc, "Request Changes")
	frappe.set_user("Administrator")
	queued = queued_for(doc.name)
	assert len(queued) == 1
	assert queued[0].recipients == [kol.email]
	text = queued[0].text
	assert "Changes requested: Unboxing video script" in text
	assert "Show the price tag &lt;clearly&gt; &amp; say it twice." in text
	assert f"/kol/partnerships/{partnership.name}" in text
	interaction = frappe.get_all(
		"KOL Interaction",
		filters={"kol": kol.name, "partnership": partnership.name},
		fields=["direction", "interaction_type"],
	)
	assert interaction == [{"direction": "Outbound", "interaction_type": "Email"}]


def test_the_email_is_in_the_kols_language(portal_kol, email_account):
	_kol, partnership = portal_kol
	frappe.db.set_value("User", f.PORTAL_USER, "language", "zh")
	doc = content_in(wf.SUBMITTED, partnership)
	doc.reviewer_comment = "请在开头展示产品。"
	doc.save()
	act(doc, "Request Changes")
	text = queued_for(doc.name)[0].text
	assert "需要修改" in text and "请在开头展示产品。" in text


def test_approved_and_published_notify_the_kol_and_publishing_delivers(portal_kol, email_account):
	kol, partnership = portal_kol
	row = partnership.deliverables[0]
	frappe.db.set_value("KOL Deliverable", row.name, "quantity", 1)
	doc = content_in(wf.APPROVED, partnership)
	assert frappe.db.get_value("KOL Deliverable", row.name, "status") == "Pending"
	doc.update({"live_url": "https://video.example/v/5", "published_on": nowdate()})
	doc.save()
	frappe.set_user(f.OPERATOR_A)
	act(doc, "Publish")
	frappe.set_user("Administrator")
	subjects = [q.text.splitlines()[0] for q in queued_for(doc.name)]
	assert subjects == ["Approved: Unboxing video script", "Published: Unboxing video script"]
	assert all(q.recipients == [kol.email] for q in queued_for(doc.name))
	assert frappe.db.get_value("KOL Deliverable", row.name, "status") == "Delivered"
	comments = frappe.get_all(
		"Comment",
		filters={"reference_doctype": "KOL Partnership", "reference_name": partnership.name},
		pluck="content",
	)
	assert any(f"content {doc.name} was published" in c for c in comments)


def test_a_deliverable_of_two_pieces_is_delivered_with_the_second(portal_kol):
	_kol, partnership = portal_kol
	row = partnership.deliverables[0]
	assert row.quantity == 2
	content_in(wf.PUBLISHED, partnership)
	assert frappe.db.get_value("KOL Deliverable", row.name, "status") == "Pending"
	content_in(wf.PUBLISHED, partnership)
	assert frappe.db.get_value("KOL Deliverable", row.name, "status") == "Delivered"


def test_no_email_to_a_kol_who_must_not_be_contacted(portal_kol, email_account):
	kol, partnership = portal_kol
	frappe.db.set_value("KOL", kol.name, {"do_not_contact": 1, "do_not_contact_reason": "Asked us to stop"})
	doc = content_in(wf.CHANGES_REQUESTED, partnership)
	assert queued_for(doc.name) == []
	comments = frappe.get_all(
		"Comment", filters={"reference_doctype": "KOL Content", "reference_name": doc.name}, pluck="content"
	)
	assert any(
		"No email went to the KOL about Changes Requested: Do not contact: Asked us to stop" in c
		for c in comments
	)


# ------------------------------------------------------------------ due dates


def test_deliverable_reminders_tell_where_the_content_stands():
	h.settings(deliverable_lead_days=3)
	kol = f.make_kol(operator=f.OPERATOR_A)
	partnership = partnership_of(
		kol.name,
		[
			{"deliverable_type": "Video", "description": "Unboxing", "quantity": 1, "due_date": "2027-03-12"},
			{
				"deliverable_type": "Post",
				"description": "Launch post",
				"quantity": 1,
				"due_date": "2027-03-12",
			},
		],
	)
	frappe.db.set_value(
		"KOL Partnership", partnership.name, {"start_date": "2027-01-01", "end_date": "2027-12-31"}
	)
	partnership.reload()
	content_in(wf.SUBMITTED, partnership, deliverable=partnership.deliverables[0].name)
	with h.frozen("2027-03-10"):
		result = deliverables.run_deliverable_reminders()
	assert sorted(result["due"]) == sorted(r.name for r in partnership.deliverables)
	todos = frappe.get_all(
		"ToDo", filters={"reference_type": "KOL", "reference_name": kol.name}, pluck="description"
	)
	assert any("Unboxing" in t and "Content: 1 Submitted." in t for t in todos), todos
	assert any("Launch post" in t and "Content: none submitted yet." in t for t in todos), todos


def test_content_status_counts_each_state():
	assert review.content_status([]) == {}


# ------------------------------------------------------------------ the desk's board


def test_a_card_moved_on_the_review_board_is_the_workflow_action(portal_kol):
	from kol_crm.overrides import kanban
	from kol_crm.setup import boards

	_kol, partnership = portal_kol
	doc = content_in(wf.SUBMITTED, partnership)
	columns = [c.column_name for c in frappe.get_doc("Kanban Board", boards.CONTENT_BOARD).columns]
	assert columns == [wf.DRAFT, wf.SUBMITTED, wf.CHANGES_REQUESTED, wf.APPROVED, wf.PUBLISHED]
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.ValidationError, match="No workflow action you may take moves"):
		kanban.update_order_for_single_card(boards.CONTENT_BOARD, doc.name, wf.SUBMITTED, wf.PUBLISHED, 0, 0)
	with pytest.raises(frappe.ValidationError, match="Write what the KOL should change"):
		kanban.update_order_for_single_card(
			boards.CONTENT_BOARD, doc.name, wf.SUBMITTED, wf.CHANGES_REQUESTED, 0, 0
		)
	kanban.update_order_for_single_card(boards.CONTENT_BOARD, doc.name, wf.SUBMITTED, wf.APPROVED, 0, 0)
	assert frappe.db.get_value("KOL Content", doc.name, "workflow_state") == wf.APPROVED
