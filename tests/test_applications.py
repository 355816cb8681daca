"""Self-nomination through the public web form, as a guest over HTTP."""

import json
import random

import frappe
import pytest

from tests import factories as f
from tests.api import ApiSession

DOMAIN = "applicants.kol-test.example"


@pytest.fixture(scope="module")
def outbox():
	"""A committed outgoing Email Account (the web request runs on its own connection)."""
	name = "KOL Test Applications Outbox"
	if not frappe.db.exists("Email Account", name):
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": name,
				"email_id": "creators@kol-test.example",
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": "smtp.kol-test.example",
				"no_smtp_authentication": 1,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
	yield name
	frappe.delete_doc("Email Account", name, force=True)
	frappe.db.commit()


@pytest.fixture(autouse=True)
def cleanup():
	yield
	frappe.db.rollback()
	frappe.set_user("Administrator")
	for name in frappe.get_all("KOL Application", {"email": ["like", f"%@{DOMAIN}"]}, pluck="name"):
		for queued in frappe.get_all(
			"Email Queue", {"reference_doctype": "KOL Application", "reference_name": name}, pluck="name"
		):
			frappe.delete_doc("Email Queue", queued, force=True)
		frappe.delete_doc("KOL Application", name, force=True)
	for name in frappe.get_all("KOL", {"email": ["like", f"%@{DOMAIN}"]}, pluck="name"):
		for doctype in ("KOL Interaction", "KOL Proposal"):
			for linked in frappe.get_all(doctype, {"kol": name}, pluck="name"):
				frappe.delete_doc(doctype, linked, force=True)
		frappe.delete_doc("KOL", name, force=True)
	frappe.db.commit()


def guest() -> ApiSession:
	return ApiSession(
		remote_addr=f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
	)


def apply(session: ApiSession, **values):
	token = frappe.generate_hash(length=8)
	data = {
		"applicant_name": f"Creator {token}",
		"email": f"{token}@{DOMAIN}",
		"platforms": [{"platform": "Xiaohongshu", "handle": f"cr_{token}", "followers": 4200}],
		"about": "Skincare reviews for sensitive skin",
		"wants": "Early access to products and a creator badge",
	}
	data.update(values)
	response = session.post(
		"/api/method/frappe.website.doctype.web_form.web_form.accept",
		data={"web_form": "kol-apply", "data": json.dumps(data)},
	)
	return response, data


def test_guest_application_creates_a_kol_in_identified(outbox):
	session = guest()
	response, data = apply(session)
	assert response.status_code == 200, response.get_data(as_text=True)
	frappe.db.rollback()  # see what the request committed
	app = frappe.get_doc("KOL Application", {"email": data["email"]})
	assert app.status == "New KOL Created"
	kol = frappe.get_doc("KOL", app.kol)
	assert (kol.workflow_state, kol.intake_path, kol.source) == (
		"Identified",
		"External Intake",
		"Self-nomination",
	)
	assert kol.kol_name == data["applicant_name"]
	assert [(r.platform, r.handle, r.followers) for r in kol.platform_accounts] == [
		("Xiaohongshu", data["platforms"][0]["handle"], 4200)
	]
	assert app.request_ip == session.remote_addr
	queued = frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "KOL Application", "reference_name": app.name},
		pluck="name",
	)
	assert len(queued) == 1
	assert data["email"] in [r.recipient for r in frappe.get_doc("Email Queue", queued[0]).recipients]


def test_application_from_a_known_creator_links_the_existing_kol(outbox):
	existing = f.make_kol(email=f"known.{frappe.generate_hash(length=6)}@{DOMAIN}")
	frappe.db.commit()
	before = frappe.db.count("KOL")
	response, _data = apply(guest(), email=existing.email.upper())
	assert response.status_code == 200, response.get_data(as_text=True)
	handle = existing.platform_accounts[0].handle
	response, _ = apply(guest(), platforms=[{"platform": "Bilibili", "handle": "@" + handle, "followers": 1}])
	assert response.status_code == 200, response.get_data(as_text=True)
	frappe.db.rollback()
	assert frappe.db.count("KOL") == before
	statuses = frappe.get_all(
		"KOL Application", filters={"kol": existing.name}, pluck="status", order_by="creation asc"
	)
	assert statuses == ["Matched Existing KOL", "Matched Existing KOL"]
	assert frappe.db.count("Comment", {"reference_doctype": "KOL", "reference_name": existing.name}) >= 2


@pytest.mark.parametrize(
	"values,message",
	[
		({"email": "not-an-email"}, "not a valid email address"),
		({"about": "x" * 2500}, "too long"),
		({"platforms": [{"platform": "Douyin", "handle": "<b>bad handle</b>"}]}, "not a valid handle"),
		(
			{"platforms": [{"platform": "Douyin", "handle": "ok_handle", "followers": -3}]},
			"cannot be negative",
		),
		({"homepage": "http://spam.example"}, "could not be accepted"),
	],
)
def test_bad_applications_are_refused_and_nothing_is_stored(outbox, values, message):
	before = (frappe.db.count("KOL Application"), frappe.db.count("KOL"))
	response, _ = apply(guest(), **values)
	assert response.status_code == 417, response.get_data(as_text=True)
	assert message in response.get_data(as_text=True)
	frappe.db.rollback()
	assert (frappe.db.count("KOL Application"), frappe.db.count("KOL")) == before


def test_script_tags_are_stored_escaped(outbox):
	response, data = apply(
		guest(), applicant_name="<script>alert(1)</script>Mei", wants="<img src=x onerror=alert(1)>"
	)
	assert response.status_code == 200, response.get_data(as_text=True)
	frappe.db.rollback()
	app = frappe.get_doc("KOL Application", {"email": data["email"]})
	kol = frappe.get_doc("KOL", app.kol)
	for value in (app.applicant_name, kol.kol_name, app.wants, kol.preferences):
		assert "<script" not in value and "<img" not in value
	assert "&lt;script&gt;" in kol.kol_name


def test_more_than_a_few_applications_a_minute_from_one_address_are_refused(outbox):
	session = guest()
	codes = [apply(session)[0].status_code for _ in range(4)]
	assert codes == [200, 200, 200, 429]
	# another address is not affected
	assert apply(guest())[0].status_code == 200


def test_guests_can_read_nothing_back(outbox):
	session = guest()
	response, data = apply(session)
	assert response.status_code == 200
	frappe.db.rollback()
	name = frappe.db.get_value("KOL Application", {"email": data["email"]})
	kol = frappe.db.get_value("KOL Application", name, "kol")
	assert session.get(f"/api/resource/KOL Application/{name}").status_code == 403
	assert session.get("/api/resource/KOL Application").status_code == 403
	assert session.get(f"/api/resource/KOL/{kol}").status_code == 403
	page = session.get("/kol-apply", follow_redirects=True)
	assert page.status_code == 200
	assert data["email"] not in page.get_data(as_text=True)
