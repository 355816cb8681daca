"""The KOL portal in a real browser: the KOL logs in and accepts a proposal."""

import frappe
from frappe.utils.password import update_password

from tests import factories as f
from tests.browser.test_desk import wait_until


def test_kol_logs_in_and_accepts_a_proposal(base_url, new_page, shot, committed_records):
	update_password(f.PORTAL_USER, f.PASSWORD)
	kol = f.make_kol(operator=f.OPERATOR_A)
	f.link_portal_user(kol.name)
	proposal = f.make_proposal(kol.name)
	f.set_state(proposal, "Sent")
	committed_records.extend([("KOL", kol.name), ("KOL Proposal", proposal.name)])
	frappe.db.commit()

	page = new_page()
	page.goto(base_url + "/login?redirect-to=/kol")
	page.fill("#login_email", f.PORTAL_USER)
	page.fill("#login_password", f.PASSWORD)
	page.click(".btn-login")
	page.wait_for_url("**/kol")
	assert page.locator(".kol-open-proposals").get_by_text(proposal.title).is_visible()
	page.click(f"text={proposal.title}")
	page.wait_for_url(f"**/kol/proposals/{proposal.name}")
	shot(page, "portal-proposal")
	page.click(".kol-accept")

	def accepted():
		frappe.db.rollback()  # read what the web server committed
		return frappe.db.get_value("KOL Proposal", proposal.name, "workflow_state") == "Accepted"

	wait_until(accepted)
	page.wait_for_selector(".kol-proposal-state:has-text('Accepted')")
	shot(page, "portal-proposal-accepted")
	assert page.url.endswith(f"/kol/proposals/{proposal.name}")


def test_kol_submits_content_sees_changes_requested_and_resubmits(
	base_url, new_page, shot, committed_records, tmp_path
):
	from frappe.model.workflow import apply_workflow

	from kol_crm.kol_crm.doctype.kol_proposal.kol_proposal import make_partnership

	update_password(f.PORTAL_USER, f.PASSWORD)
	frappe.db.set_value("User", f.PORTAL_USER, "language", "en")
	kol = f.make_kol(operator=f.OPERATOR_A)
	f.link_portal_user(kol.name)
	proposal = f.make_proposal(kol.name)
	f.accept_proposal(proposal)
	partnership = make_partnership(proposal.name).insert()
	committed_records.extend(
		[("KOL", kol.name), ("KOL Proposal", proposal.name), ("KOL Partnership", partnership.name)]
	)
	frappe.db.commit()

	page = new_page()
	page.goto(base_url + f"/login?redirect-to=/kol/partnerships/{partnership.name}")
	page.fill("#login_email", f.PORTAL_USER)
	page.fill("#login_password", f.PASSWORD)
	page.click(".btn-login")
	page.wait_for_url(f"**/kol/partnerships/{partnership.name}")
	form = page.locator(".kol-content-form").first
	form.locator("[name=title]").fill("Unboxing script")
	form.locator("[name=body]").fill("First cut: open the box, then talk.")
	script = tmp_path / "script.txt"
	script.write_text("the script")
	form.locator("[name=file]").set_input_files(str(script))
	shot(page, "portal-content-draft")
	form.locator("button[name=submit]").click()

	def content():
		frappe.db.rollback()  # read what the web server committed
		return frappe.db.get_value(
			"KOL Content", {"partnership": partnership.name}, ["name", "workflow_state", "current_version"]
		)

	wait_until(lambda: content() and content()[1] == "Submitted")
	name = content()[0]
	committed_records.append(("KOL Content", name))
	assert frappe.db.get_value("KOL Content", name, "attachment").startswith("/private/files/")

	# the operator asks for changes in the desk
	frappe.set_user(f.OPERATOR_A)
	doc = frappe.get_doc("KOL Content", name)
	doc.reviewer_comment = "Open on the product, please."
	doc.save()
	apply_workflow(doc.as_json(), "Request Changes")
	frappe.set_user("Administrator")
	frappe.db.commit()

	page.reload()
	assert page.locator(".kol-reviewer-comment").get_by_text("Open on the product, please.").is_visible()
	shot(page, "portal-content-changes-requested")
	form = page.locator(f".kol-content[data-name='{name}'] .kol-content-form")
	form.locator("[name=body]").fill("Second cut: the product first.")
	form.locator("button[name=submit]").click()
	wait_until(lambda: content()[1:] == ("Submitted", 2))
	page.wait_for_selector(".kol-content-state:has-text('Submitted')")
	page.click(".kol-content-versions summary")
	assert page.locator(".kol-content-versions li").count() == 2
	shot(page, "portal-content-resubmitted")

	# the same page in Chinese
	frappe.db.set_value("User", f.PORTAL_USER, "language", "zh")
	frappe.db.commit()
	try:
		page.reload()
		assert page.get_by_text("您的内容").is_visible()
		assert page.get_by_text("版本历史").first.is_visible()
	finally:
		frappe.db.set_value("User", f.PORTAL_USER, "language", "en")
		frappe.db.commit()


def test_operator_requests_changes_in_the_desk_and_is_asked_for_the_comment(
	base_url, new_page, shot, committed_records
):
	from frappe.model.workflow import apply_workflow

	from kol_crm.kol_crm.doctype.kol_proposal.kol_proposal import make_partnership
	from tests.browser.test_desk import login, menu_action

	kol = f.make_kol(operator=f.OPERATOR_A)
	proposal = f.make_proposal(kol.name)
	f.accept_proposal(proposal)
	partnership = make_partnership(proposal.name).insert()
	content = frappe.get_doc(
		{
			"doctype": "KOL Content",
			"kol": kol.name,
			"partnership": partnership.name,
			"deliverable": partnership.deliverables[0].name,
			"title": "Desk review",
			"body": "A draft to review.",
		}
	).insert()
	apply_workflow(content.as_json(), "Submit for Review")
	committed_records.extend(
		[
			("KOL", kol.name),
			("KOL Proposal", proposal.name),
			("KOL Partnership", partnership.name),
			("KOL Content", content.name),
		]
	)
	frappe.db.commit()

	page = new_page()
	login(page, base_url, f.OPERATOR_A)
	page.goto(base_url + f"/app/kol-content/{content.name}")
	page.wait_for_selector(".indicator-pill:has-text('Submitted')")
	menu_action(page, "Request Changes")
	dialog = page.locator(".modal.show")
	dialog.locator("textarea[data-fieldname='comment']").fill("Cut the intro to five seconds.")
	shot(page, "desk-content-request-changes")
	dialog.locator(".btn-primary").click()

	def state():
		frappe.db.rollback()  # read what the web server committed
		return frappe.db.get_value("KOL Content", content.name, ["workflow_state", "reviewer_comment"])

	wait_until(lambda: state()[0] == "Changes Requested")
	assert state() == ("Changes Requested", "Cut the intro to five seconds.")
	page.wait_for_selector(".indicator-pill:has-text('Changes Requested')")
	shot(page, "desk-content-changes-requested")


def test_operator_creates_content_by_picking_the_deliverable(base_url, new_page, shot, committed_records):
	from kol_crm.kol_crm.doctype.kol_proposal.kol_proposal import make_partnership
	from tests.browser.test_desk import login

	kol = f.make_kol(operator=f.OPERATOR_A)
	proposal = f.make_proposal(kol.name)
	f.accept_proposal(proposal)
	partnership = make_partnership(proposal.name)
	partnership.append(
		"deliverables", {"deliverable_type": "Post", "description": "Launch post", "quantity": 1}
	)
	partnership.insert()
	committed_records.extend(
		[("KOL", kol.name), ("KOL Proposal", proposal.name), ("KOL Partnership", partnership.name)]
	)
	frappe.db.commit()

	page = new_page()
	login(page, base_url, f.OPERATOR_A)
	page.goto(base_url + f"/app/kol-content/new?partnership={partnership.name}")
	dialog = page.locator(".modal.show")
	dialog.locator("select[data-fieldname='deliverable']").select_option(label="Post: Launch post")
	dialog.locator(".btn-primary").click()
	page.locator(".frappe-control[data-fieldname='title'] input").fill("Launch post draft")
	page.locator(".frappe-control[data-fieldname='body'] textarea").fill(
		"Written by the operator for the KOL."
	)
	shot(page, "desk-content-new")
	page.keyboard.press("Control+s")
	page.wait_for_url("**/app/kol-content/KOL-CONT-*")
	name = page.url.rsplit("/", 1)[-1]
	committed_records.append(("KOL Content", name))
	frappe.db.rollback()  # read what the web server committed
	doc = frappe.get_doc("KOL Content", name)
	launch = next(r for r in partnership.deliverables if r.description == "Launch post")
	assert (doc.kol, doc.deliverable, doc.workflow_state, doc.deliverable_description) == (
		kol.name,
		launch.name,
		"Draft",
		"Post: Launch post",
	)
