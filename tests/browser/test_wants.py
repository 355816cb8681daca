"""The proposal form's wants section in a real browser (the case study pages are tested over HTTP
in tests/test_casestudies.py)."""

import frappe

from tests import factories as f
from tests.browser.test_desk import login


def test_the_proposal_form_shows_the_kols_wants_beside_the_offer_and_the_mismatch(
	base_url, new_page, shot, committed_records
):
	kol = f.make_kol(operator=f.OPERATOR_A, wants_traffic=1, wants_personal_brand=1)
	proposal = f.make_proposal(kol.name, benefits=[{"benefit_type": "Cash", "amount": 2000}])
	committed_records += [("KOL", kol.name), ("KOL Proposal", proposal.name)]
	frappe.db.commit()
	page = new_page()
	login(page, base_url, f.OPERATOR_A)
	page.goto(f"{base_url}/app/kol-proposal/{proposal.name}")
	section = page.locator(".frappe-control[data-fieldname='wants_vs_offer']")
	section.locator(".alert-warning").wait_for()
	text = section.inner_text()
	assert "Traffic" in text and "Personal brand" in text and "Cash" in text
	assert "Only money is offered" in text
	section.scroll_into_view_if_needed()
	shot(page, "wants-mismatch-on-proposal")
