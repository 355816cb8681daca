"""The desk and the public form in a real browser, as an operator and as a guest."""

import time

import frappe
import pytest

from tests import factories as f
from tests.test_applications import run_queued_job


def login(page, base_url: str, user: str, password: str = f.PASSWORD) -> None:
	page.goto(base_url + "/login")
	page.fill("#login_email", user)
	page.fill("#login_password", password)
	page.click(".btn-login")
	page.wait_for_url("**/app/**")


def menu_action(page, action: str) -> None:
	"""Pick ``action`` from the page's Actions menu (workflow actions are listed there)."""
	page.click(".page-actions .actions-btn-group button")
	page.locator(".page-actions .dropdown-menu.show").get_by_text(action, exact=True).first.click()


def state_of(kol: str) -> str:
	frappe.db.rollback()  # read what the web server committed
	return frappe.db.get_value("KOL", kol, "workflow_state")


def wait_until(condition, timeout: float = 30) -> None:
	deadline = time.monotonic() + timeout
	while not condition():
		if time.monotonic() > deadline:
			raise AssertionError("timed out waiting for the server")
		time.sleep(0.5)


def field(page, fieldname: str):
	return page.locator(f".frappe-control[data-fieldname='{fieldname}'] input").first


def test_operator_creates_a_kol_and_moves_it_through_the_workflow(
	base_url, new_page, shot, committed_records
):
	page = new_page()
	login(page, base_url, f.OPERATOR_A)
	page.goto(base_url + "/app/kol/new")
	token = frappe.generate_hash(length=6)
	field(page, "kol_name").fill(f"Browser Creator {token}")
	field(page, "email").fill(f"browser.{token}@creators.example")
	shot(page, "01-new-kol-form")
	page.keyboard.press("Control+s")
	page.wait_for_url("**/app/kol/KOL-*")
	name = page.url.rsplit("/", 1)[-1]
	committed_records.append(("KOL", name))
	page.wait_for_selector(".indicator-pill:has-text('Identified')")
	shot(page, "02-kol-saved-identified")

	menu_action(page, "Shortlist")
	page.wait_for_selector(".indicator-pill:has-text('Shortlisted')")
	shot(page, "03-kol-shortlisted")
	menu_action(page, "Start Outreach")
	page.wait_for_selector(".indicator-pill:has-text('Contacting')")
	shot(page, "04-kol-contacting")

	frappe.db.rollback()
	kol = frappe.get_doc("KOL", name)
	assert (kol.workflow_state, kol.operator) == ("Contacting", f.OPERATOR_A)
	assert kol.email == f"browser.{token}@creators.example"


def test_operator_applies_a_workflow_action_to_several_kols_from_the_list(
	base_url, new_page, shot, committed_records
):
	token = frappe.generate_hash(length=6)
	kols = [f.make_kol(kol_name=f"Bulk {token} {i}", operator=f.OPERATOR_A) for i in range(2)]
	frappe.db.commit()
	committed_records.extend(("KOL", k.name) for k in kols)

	page = new_page()
	login(page, base_url, f.OPERATOR_A)
	page.goto(base_url + f"/app/kol?kol_name=%25{token}%25")
	for kol in kols:
		page.locator(f".list-row-checkbox[data-name='{kol.name}']").check()
	shot(page, "05-kol-list-selected")
	menu_action(page, "Shortlist")
	# the desk refreshes lists through realtime events (no socket.io server here): wait for the
	# database, then reload the list as a person would
	wait_until(lambda: {state_of(k.name) for k in kols} == {"Shortlisted"})
	page.reload()
	page.wait_for_selector(f".list-row-checkbox[data-name='{kols[0].name}']")
	shot(page, "06-kol-list-shortlisted")
	frappe.db.rollback()
	assert {frappe.db.get_value("KOL", k.name, "workflow_state") for k in kols} == {"Shortlisted"}


def test_kol_pipeline_report_opens(base_url, new_page, shot):
	if not frappe.db.exists("Report", "KOL Pipeline"):
		pytest.skip("the KOL Pipeline report is not part of this build")
	page = new_page()
	login(page, base_url, f.MANAGER)
	page.goto(base_url + "/app/query-report/KOL Pipeline")
	page.wait_for_selector(".report-wrapper .dt-scrollable, .report-wrapper .no-result")
	shot(page, "07-kol-pipeline-report")
	assert "KOL Pipeline" in page.title()


def test_guest_submits_the_public_application_form(base_url, new_page, shot, committed_records):
	token = frappe.generate_hash(length=6)
	email = f"guest.{token}@applicants.kol-test.example"
	page = new_page()
	page.goto(base_url + "/kol-apply/new")
	page.wait_for_selector(".web-form")
	field(page, "applicant_name").fill(f"Guest Creator {token}")
	field(page, "email").fill(email)
	page.locator(".frappe-control[data-fieldname='platforms'] .grid-add-row").click()
	row = page.locator(".frappe-control[data-fieldname='platforms'] .grid-row[data-idx='1']")
	row.locator("[data-fieldname='platform']").first.click()
	row.locator("select[data-fieldname='platform']").select_option("Bilibili")
	row.locator("[data-fieldname='handle']").first.click()
	row.locator("input[data-fieldname='handle']").fill(f"guest_{token}")
	page.locator(".frappe-control[data-fieldname='wants'] textarea").fill("Traffic support and a badge")
	shot(page, "08-public-form-filled")
	page.click(".web-form-actions .submit-btn, .web-form-footer .submit-btn, button:has-text('Apply')")
	page.wait_for_selector(".success-page, .web-form-container:has-text('Application received')")
	shot(page, "09-public-form-submitted")

	frappe.db.rollback()
	name = frappe.db.get_value("KOL Application", {"email": email})
	assert name and frappe.db.get_value("KOL Application", name, "status") == "Received"
	run_queued_job(name)  # the matching runs in a background job, after the guest's request
	app = frappe.db.get_value("KOL Application", name, ["name", "kol", "status"], as_dict=True)
	assert app.status == "New KOL Created"
	committed_records.extend([("KOL", app.kol), ("KOL Application", app.name)])
	assert frappe.db.get_value("KOL", app.kol, "workflow_state") == "Identified"
