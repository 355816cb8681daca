"""Self-nomination through the public web form, as a guest over HTTP.

The request stores the application and queues the matching; tests then do what the worker does
(``run_queued_job``): run that job, as the user who queued it.
"""

import json
import random

import frappe
import pytest
from frappe.installer import update_site_config
from frappe.utils import add_to_date, now_datetime
from frappe.utils.background_jobs import get_job

from kol_crm.intake import applications
from kol_crm.permissions import PORTAL
from tests import factories as f
from tests.api import ApiSession

DOMAIN = "applicants.kol-test.example"
GUEST_RESPONSE = {"message": {"doctype": "KOL Application", "status": "Received"}}
TOO_MANY = "Too many applications. Please try again later."


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
		if job := get_job(applications.job_id(name)):
			job.delete()  # no worker runs in the tests: don't leave the job in the queue
		frappe.delete_doc("KOL Application", name, force=True)
	for name in frappe.get_all("KOL", {"email": ["like", f"%@{DOMAIN}"]}, pluck="name"):
		for doctype in ("KOL Interaction", "KOL Proposal"):
			for linked in frappe.get_all(doctype, {"kol": name}, pluck="name"):
				frappe.delete_doc(doctype, linked, force=True)
		frappe.delete_doc("KOL", name, force=True)
	frappe.db.commit()


def random_ip() -> str:
	return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


def guest() -> ApiSession:
	return ApiSession(remote_addr=random_ip())


def run_queued_job(application: str) -> None:
	"""What the worker does with the job the request queued: run it as the user who queued it."""
	job = get_job(applications.job_id(application))
	assert job is not None, f"no job queued for {application}"
	queued = job.kwargs
	assert (queued["site"], queued["method"]) == (
		frappe.local.site,
		"kol_crm.intake.applications.process_application",
	)
	job.delete()
	frappe.set_user(queued["user"])
	try:
		frappe.call(queued["method"], **queued["kwargs"])
	finally:
		frappe.set_user("Administrator")


def application_of(email: str):
	return frappe.get_doc("KOL Application", {"email": email})


def processed(email: str):
	"""The application once its queued job has run."""
	run_queued_job(frappe.db.get_value("KOL Application", {"email": email}))
	return application_of(email)


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
	app = processed(data["email"])
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
	response, by_email = apply(guest(), email=existing.email.upper())
	assert response.status_code == 200, response.get_data(as_text=True)
	handle = existing.platform_accounts[0].handle
	response, by_handle = apply(
		guest(), platforms=[{"platform": "Bilibili", "handle": "@" + handle, "followers": 1}]
	)
	assert response.status_code == 200, response.get_data(as_text=True)
	frappe.db.rollback()
	processed(by_email["email"])
	processed(by_handle["email"])
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
	app = processed(data["email"])
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
	app = processed(data["email"])
	frappe.db.commit()  # the KOL the job created, for the guest's request to look for
	name, kol = app.name, app.kol
	assert session.get(f"/api/resource/KOL Application/{name}").status_code == 403
	assert session.get("/api/resource/KOL Application").status_code == 403
	assert session.get(f"/api/resource/KOL/{kol}").status_code == 403
	page = session.get("/kol-apply", follow_redirects=True)
	assert page.status_code == 200
	assert data["email"] not in page.get_data(as_text=True)


# ------------------------------------------------------------------ issue 9, hole 8: guests


@pytest.fixture
def existing_creator():
	"""A committed KOL whose email and handle guests will apply with."""
	kol = f.make_kol(email=f"taken.{frappe.generate_hash(length=6)}@{DOMAIN}")
	frappe.db.commit()
	return kol


def test_hole8_guest_response_is_identical_for_new_and_existing_email_and_handle(outbox, existing_creator):
	handle = existing_creator.platform_accounts[0].handle
	new_response, new = apply(guest())
	email_response, by_email = apply(guest(), email=existing_creator.email.upper())
	handle_response, by_handle = apply(
		guest(), platforms=[{"platform": "Bilibili", "handle": "@" + handle.upper(), "followers": 10}]
	)
	bodies = [r.get_data(as_text=True) for r in (new_response, email_response, handle_response)]
	assert [r.status_code for r in (new_response, email_response, handle_response)] == [200, 200, 200]
	assert bodies[0] == bodies[1] == bodies[2], bodies
	assert ApiSession.json(new_response) == GUEST_RESPONSE
	for body in bodies:
		assert existing_creator.name not in body and existing_creator.kol_name not in body

	# the matching still happens, in the job
	frappe.db.rollback()
	assert processed(new["email"]).status == "New KOL Created"
	assert (processed(by_email["email"]).status, application_of(by_email["email"]).kol) == (
		"Matched Existing KOL",
		existing_creator.name,
	)
	assert (processed(by_handle["email"]).status, application_of(by_handle["email"]).kol) == (
		"Matched Existing KOL",
		existing_creator.name,
	)


def test_hole8_matching_and_the_comment_happen_in_a_background_job_not_in_the_request(
	outbox, existing_creator
):
	comments = {"reference_doctype": "KOL", "reference_name": existing_creator.name, "comment_type": "Info"}
	before = frappe.db.count("Comment", comments)
	response, data = apply(guest(), email=existing_creator.email)
	assert response.status_code == 200, response.get_data(as_text=True)
	frappe.db.rollback()
	app = application_of(data["email"])
	assert (app.status, app.kol) == ("Received", None)
	assert frappe.db.count("Comment", comments) == before

	run_queued_job(app.name)
	app.reload()
	assert (app.status, app.kol) == ("Matched Existing KOL", existing_creator.name)
	assert frappe.db.count("Comment", comments) == before + 1
	# a second run (the hourly sweep reaching it too) changes nothing
	applications.process_application(app.name)
	assert frappe.db.count("Comment", comments) == before + 1


def test_hole8_hourly_sweep_processes_applications_whose_job_was_lost(outbox):
	response, data = apply(guest())
	assert response.status_code == 200, response.get_data(as_text=True)
	frappe.db.rollback()
	app = application_of(data["email"])
	applications.process_received_applications(commit=False)
	assert frappe.db.get_value("KOL Application", app.name, "status") == "Received"  # its job may still run
	frappe.db.set_value(
		"KOL Application",
		app.name,
		"creation",
		add_to_date(now_datetime(), minutes=-20),
		update_modified=False,
	)
	applications.process_received_applications(commit=False)
	app.reload()
	assert app.status == "New KOL Created"
	assert frappe.db.get_value("KOL", app.kol, "email") == data["email"]


def test_hole8_rate_limit_not_bypassed_by_rotating_x_forwarded_for(outbox):
	session = ApiSession(remote_addr=random_ip())
	responses = []
	for _ in range(4):
		session.forwarded_for = random_ip()  # the client writes whatever it likes here
		responses.append(apply(session)[0])
	assert [r.status_code for r in responses] == [200, 200, 200, 429]
	assert TOO_MANY in responses[-1].get_data(as_text=True)


@pytest.fixture
def one_trusted_proxy():
	update_site_config(applications.TRUSTED_PROXIES_KEY, 1)
	yield
	update_site_config(applications.TRUSTED_PROXIES_KEY, "None")
	frappe.local.conf.pop(applications.TRUSTED_PROXIES_KEY, None)


def test_hole8_behind_a_trusted_proxy_the_address_it_appended_is_counted(outbox, one_trusted_proxy):
	client = random_ip()
	session = ApiSession(remote_addr="127.0.0.1")  # the reverse proxy
	codes = []
	for _ in range(4):
		session.forwarded_for = f"{random_ip()}, {client}"  # spoofed entry, then the proxy's
		codes.append(apply(session)[0].status_code)
	assert codes == [200, 200, 200, 429]
	frappe.db.rollback()
	assert frappe.db.count("KOL Application", {"request_ip": client}) == 3
	# another client behind the same proxy has its own count
	session.forwarded_for = random_ip()
	assert apply(session)[0].status_code == 200


def test_hole8_applications_per_email_are_limited_whatever_the_address(outbox):
	email = f"again.{frappe.generate_hash(length=8)}@{DOMAIN}"
	responses = [apply(guest(), email=email if i % 2 else email.upper())[0] for i in range(4)]
	assert [r.status_code for r in responses] == [200, 200, 200, 429]
	assert TOO_MANY in responses[-1].get_data(as_text=True)
	# another email from the same kind of fresh address still gets through
	assert apply(guest())[0].status_code == 200


# ------------------------------------------------------------------ accepted applicants get a portal login


def shortlist(kol: str):
	"""The team accepts the applicant: a manager shortlists their KOL (the workflow action)."""
	from frappe.model.workflow import apply_workflow

	frappe.set_user(f.MANAGER)
	try:
		return apply_workflow(frappe.get_doc("KOL", kol).as_dict(), "Shortlist")
	finally:
		frappe.set_user("Administrator")


def welcome_emails(email: str) -> list[str]:
	"""Frappe's welcome emails (with the set-password link) queued for ``email``."""
	queued = frappe.get_all("Email Queue Recipient", filters={"recipient": email}, pluck="parent")
	messages = [frappe.db.get_value("Email Queue", q, "message") for q in queued]
	return [m for m in messages if "update-password" in m]


def test_accepted_applicant_gets_a_portal_login_and_the_welcome_email(outbox):
	response, data = apply(guest())
	assert response.status_code == 200, response.get_data(as_text=True)
	frappe.db.rollback()
	app = processed(data["email"])
	# applying alone makes no login: anyone can type any address into the form
	assert not frappe.db.exists("User", data["email"])
	assert welcome_emails(data["email"]) == []

	kol = shortlist(app.kol)
	assert kol.workflow_state == "Shortlisted"
	user = frappe.get_doc("User", data["email"])
	assert (user.user_type, {r.role for r in user.roles}) == ("Website User", {PORTAL})
	assert frappe.db.get_value("KOL", app.kol, "portal_user") == data["email"]
	assert len(welcome_emails(data["email"])) == 1
	comments = frappe.get_all(
		"Comment", filters={"reference_doctype": "KOL", "reference_name": app.kol}, pluck="content"
	)
	assert any("Invited to the KOL portal" in c for c in comments)
	assert not any(data["email"] in c for c in comments)  # analysts read the timeline


def test_an_applicant_invited_before_being_accepted_gets_no_second_login_or_email(outbox):
	from kol_crm.portal import invite

	_response, data = apply(guest())
	frappe.db.rollback()
	app = processed(data["email"])
	invite.invite(app.kol)  # the operator's "Invite to Portal"
	shortlist(app.kol)
	assert frappe.db.count("User", {"email": data["email"]}) == 1
	assert len(welcome_emails(data["email"])) == 1
	assert frappe.db.get_value("KOL", app.kol, "portal_user") == data["email"]


@pytest.fixture
def desk_users_application():
	"""(the cleanup fixture deletes only the applications of the test domain)"""
	yield f.OPERATOR_B
	frappe.db.rollback()
	for name in frappe.get_all("KOL Application", {"email": f.OPERATOR_B}, pluck="name"):
		if job := get_job(applications.job_id(name)):
			job.delete()
		frappe.delete_doc("KOL Application", name, force=True)
	frappe.db.commit()


def test_an_accepted_applicant_whose_address_is_a_desk_users_is_not_linked(outbox, desk_users_application):
	apply(guest(), email=f.OPERATOR_B)
	frappe.db.rollback()
	app = processed(f.OPERATOR_B)
	kol = shortlist(app.kol)
	assert kol.workflow_state == "Shortlisted"  # the team's decision stands
	assert not frappe.db.get_value("KOL", app.kol, "portal_user")
	assert frappe.db.get_value("User", f.OPERATOR_B, "user_type") == "System User"
	assert PORTAL not in frappe.get_roles(f.OPERATOR_B)
	assert welcome_emails(f.OPERATOR_B) == []
	comments = frappe.get_all(
		"Comment", filters={"reference_doctype": "KOL", "reference_name": app.kol}, pluck="content"
	)
	assert (
		"Self-nominated applicant accepted, but no portal login was made: The KOL's email already "
		"belongs to a user account; a portal login can't take over an existing account."
	) in comments


def test_a_kol_who_never_applied_gets_no_login_when_shortlisted(outbox):
	kol = f.make_kol(operator=f.OPERATOR_A)
	shortlist(kol.name)
	assert not frappe.db.exists("User", kol.email)
	assert not frappe.db.get_value("KOL", kol.name, "portal_user")
