"""The KOL portal in a real browser: the KOL logs in and accepts a proposal."""

import frappe
import pytest
from frappe.utils.password import update_password

from kol_crm.portal import actor as portal_actor
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


# ------------------------------------------------------------------ the whole path, in en and zh

# what the KOL reads at each step, in their language (the zh column is kol_crm's zh.csv)
TEXTS = {
	"en": {
		"home": "My KOL profile",
		"Sent": "Sent",
		"Accepted": "Accepted",
		"acknowledged": "You have acknowledged the current rules.",
		"Submitted": "Submitted",
		"waiting": "Waiting for your operator's review.",
		"Changes Requested": "Changes Requested",
		"changes requested": "Changes requested",
		"resubmit": "Resubmit for review",
		"Approved": "Approved",
		"approved": "Approved: you can publish it.",
		"your content": "Your content",
	},
	"zh": {
		"home": "我的KOL档案",
		"Sent": "已发送",
		"Accepted": "已接受",
		"acknowledged": "您已确认当前规则。",
		"Submitted": "已提交",
		"waiting": "等待您的运营审核。",
		"Changes Requested": "需要修改",
		"changes requested": "需要修改",
		"resubmit": "重新提交审核",
		"Approved": "已批准",
		"approved": "已通过：可以发布了。",
		"your content": "您的内容",
	},
}


def committed_value(doctype: str, name, fields):
	frappe.db.rollback()  # read what the web server committed
	return frappe.db.get_value(doctype, name, fields)


class PortalWalk:
	"""A KOL's way through the portal in a real browser, one method a step; each step checks what
	the page shows (in the KOL's language) and what the server stored. The operator's side runs
	through the workflow in the test process (``operator_*``). A later step (a settlement
	statement to download) adds a method and a line in the test."""

	def __init__(self, base_url: str, page, shot, committed_records: list, language: str):
		self.base_url, self.page, self.shot = base_url, page, shot
		self.made, self.language, self.text = committed_records, language, TEXTS[language]
		self.kol = self.proposal = self.partnership = self.content = None

	def set_up(self) -> None:
		"""A KOL who hasn't acknowledged the current rules, with a proposal sent to them."""
		update_password(f.PORTAL_USER, f.PASSWORD)
		frappe.db.set_value("User", f.PORTAL_USER, "language", self.language)
		self.kol = f.make_kol(operator=f.OPERATOR_A, acknowledge_rules=False)
		f.link_portal_user(self.kol.name)
		self.proposal = f.make_proposal(self.kol.name)
		f.set_state(self.proposal, "Sent")
		self.made.extend([("KOL", self.kol.name), ("KOL Proposal", self.proposal.name)])
		frappe.db.commit()

	def state_on(self, selector: str, expected: str) -> None:
		"""Wait for ``selector`` to read exactly ``expected`` (the portal reloads after an action)."""
		locator = self.page.locator(selector).first
		locator.wait_for()
		wait_until(lambda: locator.inner_text().strip() == expected, timeout=20)
		assert locator.inner_text().strip() == expected

	def log_in(self) -> None:
		page = self.page
		page.goto(self.base_url + "/login?redirect-to=/kol")
		page.fill("#login_email", f.PORTAL_USER)
		page.fill("#login_password", f.PASSWORD)
		page.click(".btn-login")
		page.wait_for_url("**/kol")
		assert page.locator(".kol-portal-title").inner_text().strip() == self.text["home"]
		row = page.locator(".kol-open-proposals li", has_text=self.proposal.title)
		assert row.locator(".badge").inner_text().strip() == self.text["Sent"]

	def accept_proposal(self) -> None:
		page = self.page
		page.click(f".kol-open-proposals a:has-text('{self.proposal.title}')")
		page.wait_for_url(f"**/kol/proposals/{self.proposal.name}")
		assert page.locator(".kol-proposal-state").inner_text().strip() == self.text["Sent"]
		self.shot(page, f"walk-{self.language}-1-proposal")
		with page.expect_navigation():  # the page reloads after the message
			page.click(".kol-accept")
		wait_until(
			lambda: committed_value("KOL Proposal", self.proposal.name, "workflow_state") == "Accepted"
		)
		self.state_on(".kol-proposal-state", self.text["Accepted"])
		assert page.locator(".kol-accept").count() == 0

	def acknowledge_rules(self) -> None:
		from kol_crm.intelligence import rules

		page = self.page
		page.goto(self.base_url + "/kol")
		with page.expect_navigation():
			page.click(".kol-acknowledge-code")
		wait_until(lambda: frappe.db.rollback() or rules.has_acknowledged(self.kol.name))
		self.state_on(".kol-rules-acknowledged", self.text["acknowledged"])
		assert page.locator(".kol-acknowledge-code").count() == 0
		self.shot(page, f"walk-{self.language}-2-rules-acknowledged")

	def operator_makes_the_partnership(self) -> None:
		from kol_crm.kol_crm.doctype.kol_proposal.kol_proposal import make_partnership

		frappe.db.rollback()
		frappe.set_user(f.OPERATOR_A)
		try:
			self.partnership = make_partnership(self.proposal.name).insert()
		finally:
			frappe.set_user("Administrator")
		self.made.append(("KOL Partnership", self.partnership.name))
		frappe.db.commit()

	def submit_draft(self) -> None:
		page = self.page
		page.goto(self.base_url + f"/kol/partnerships/{self.partnership.name}")
		assert page.get_by_text(self.text["your content"], exact=True).is_visible()
		form = page.locator(".kol-new-content .kol-content-form").first
		form.locator("[name=title]").fill("Unboxing script")
		form.locator("[name=body]").fill("First cut: open the box, then talk.")
		with page.expect_navigation():
			form.locator("button[name=submit]").click()

		def submitted():
			frappe.db.rollback()
			return frappe.db.get_value(
				"KOL Content",
				{"partnership": self.partnership.name},
				["name", "workflow_state", "current_version"],
			)

		wait_until(lambda: (submitted() or [None, None])[1] == "Submitted")
		self.content = submitted()[0]
		self.made.append(("KOL Content", self.content))
		assert submitted()[1:] == ("Submitted", 1)
		self.state_on(f".kol-content[data-name='{self.content}'] .kol-content-state", self.text["Submitted"])
		assert page.get_by_text(self.text["waiting"], exact=True).is_visible()

	def operator_reviews(self, action: str, comment: str | None = None) -> None:
		from frappe.model.workflow import apply_workflow

		frappe.db.rollback()
		frappe.set_user(f.OPERATOR_A)
		try:
			doc = frappe.get_doc("KOL Content", self.content)
			if comment:
				doc.reviewer_comment = comment
				doc.save()
			apply_workflow(doc.as_json(), action)
		finally:
			frappe.set_user("Administrator")
		frappe.db.commit()

	def sees_changes_requested(self, comment: str) -> None:
		page = self.page
		page.reload()
		content = f".kol-content[data-name='{self.content}']"
		self.state_on(f"{content} .kol-content-state", self.text["Changes Requested"])
		assert page.locator(f"{content} .kol-reviewer-comment").inner_text().strip() == (
			f"{self.text['changes requested']}: {comment}"
		)
		assert page.locator(f"{content} button[name=submit]").inner_text().strip() == self.text["resubmit"]
		self.shot(page, f"walk-{self.language}-3-changes-requested")

	def resubmit(self) -> None:
		page = self.page
		form = page.locator(f".kol-content[data-name='{self.content}'] .kol-content-form")
		form.locator("[name=body]").fill("Second cut: the product first.")
		with page.expect_navigation():
			form.locator("button[name=submit]").click()
		wait_until(
			lambda: (
				tuple(committed_value("KOL Content", self.content, ["workflow_state", "current_version"]))
				== ("Submitted", 2)
			)
		)
		self.state_on(f".kol-content[data-name='{self.content}'] .kol-content-state", self.text["Submitted"])

	def sees_it_approved(self) -> None:
		page = self.page
		page.reload()
		content = f".kol-content[data-name='{self.content}']"
		self.state_on(f"{content} .kol-content-state", self.text["Approved"])
		assert page.locator(f"{content} .text-success").inner_text().strip() == self.text["approved"]
		page.click(f"{content} .kol-content-versions summary")
		assert page.locator(f"{content} .kol-content-versions li").count() == 2
		assert page.locator(f"{content} .kol-content-form").count() == 0  # nothing to change any more
		self.shot(page, f"walk-{self.language}-4-approved")


@pytest.fixture
def portal_language():
	"""The shared portal login's language, put back to English afterwards."""
	yield
	frappe.db.rollback()
	frappe.db.set_value("User", f.PORTAL_USER, "language", "en")
	frappe.db.commit()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_kol_walks_the_portal_from_proposal_to_approved_content(
	language, base_url, new_page, shot, committed_records, portal_language
):
	walk = PortalWalk(base_url, new_page(), shot, committed_records, language)
	walk.set_up()
	walk.log_in()
	walk.accept_proposal()
	walk.acknowledge_rules()
	walk.operator_makes_the_partnership()
	walk.submit_draft()
	comment = "Open on the product, please." if language == "en" else "请在开头展示产品。"
	walk.operator_reviews("Request Changes", comment)
	walk.sees_changes_requested(comment)
	walk.resubmit()
	walk.operator_reviews("Approve")
	walk.sees_it_approved()
	# what the walk stored, as the operator sees it
	frappe.db.rollback()
	assert frappe.db.get_value("KOL Proposal", walk.proposal.name, ["workflow_state", "modified_by"]) == (
		"Accepted",
		portal_actor.ACTOR,
	)
	assert frappe.db.get_value(
		"KOL Content", walk.content, ["workflow_state", "current_version", "owner"]
	) == (
		"Approved",
		2,
		portal_actor.ACTOR,
	)
