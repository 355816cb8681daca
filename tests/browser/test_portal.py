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
