"""In the desk, an operator sees why a KOL is in its tier and whether it is a conflict."""

import frappe

from tests import factories as f
from tests.browser.test_desk import login


def test_operator_sees_the_tier_reason_scores_and_conflict(base_url, new_page, shot, committed_records):
	token = frappe.generate_hash(length=6)
	tier = frappe.get_doc(
		{
			"doctype": "KOL Tier",
			"tier_name": f"Browser Tier {token}",
			"rank": 9001,
			"min_score": 0,
			"benefits": [{"benefit_type": "Privilege", "benefit": f"Beta access {token}"}],
		}
	).insert()
	committed_records.append(("KOL Tier", tier.name))
	kol = f.make_kol(
		kol_name=f"Tiered Creator {token}",
		conflict_of_interest=1,
		conflict_reason=f"Sells the same serum {token}",
	)
	committed_records.append(("KOL", kol.name))
	frappe.db.commit()
	assert kol.tier and kol.tier_reason

	page = new_page()
	login(page, base_url, f.OPERATOR_A)
	page.goto(base_url + f"/app/kol/{kol.name}")
	# the form's message area says why the KOL is in its tier and that it is a conflict, with the reason
	page.wait_for_selector(f"text=Tier: {kol.tier} (rank 9001): the overall score")
	page.wait_for_selector(f"text=Conflict of interest: Sells the same serum {token}")
	page.wait_for_selector("text=Unknown scores (no data yet, left out of the overall score)")
	# the score explanation and the privileges are on the form
	page.wait_for_selector(".frappe-control[data-fieldname='score_explanation']:has-text('Reach:')")
	shot(page, "10-kol-tier-and-conflict")
	page.locator(".frappe-control[data-fieldname='score_explanation']").scroll_into_view_if_needed()
	shot(page, "11-kol-score-explanation")
	# unknown scores are not shown as zeros
	assert page.locator(".frappe-control[data-fieldname='score_reach']").first.is_visible()
	assert not page.locator(".frappe-control[data-fieldname='score_fit']").first.is_visible()
