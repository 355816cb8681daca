"""The KOL portal in a real browser: the KOL downloads their settlement statement as a PDF, in
English and in Chinese (the statements page and Frappe's PDF, as the KOL's portal login)."""

import frappe
from frappe.utils.password import update_password

from kol_crm.settlements import statements
from tests import factories as f


def test_kol_downloads_their_statement_in_english_and_chinese(base_url, new_page, shot, committed_records):
	update_password(f.PORTAL_USER, f.PASSWORD)
	kol = f.make_kol(operator=f.OPERATOR_A)
	f.link_portal_user(kol.name)
	partnership = frappe.get_doc(
		{
			"doctype": "KOL Partnership",
			"kol": kol.name,
			"purpose": "Conversion",
			"status": "Active",
			"start_date": "2026-01-01",
			"end_date": "2026-06-30",
			"currency": "CNY",
			"benefits": [{"benefit_type": "Cash", "amount": 2500}],
			"no_proposal_reason": "Browser test",
		}
	).insert()
	name, _created = statements.make_statement(kol.name, "2026-01-01")
	statement = frappe.get_doc("KOL Settlement Statement", name)
	f.set_state(statement, "Approved")  # test set-up: approval is tested in tests/test_statements.py
	committed_records.extend([("KOL", kol.name), ("KOL Partnership", partnership.name)])
	frappe.db.set_value("User", f.PORTAL_USER, "language", "en")
	frappe.db.commit()

	page = new_page()
	page.goto(base_url + "/login?redirect-to=/kol/statements")
	page.fill("#login_email", f.PORTAL_USER)
	page.fill("#login_password", f.PASSWORD)
	page.click(".btn-login")
	page.wait_for_url("**/kol/statements")
	row = page.locator(".kol-statements tr", has_text=name)
	assert row.get_by_text("Approved").is_visible()
	shot(page, "portal-statements-en")
	with page.expect_download() as download:
		row.locator(".kol-statement-pdf").click()
	assert download.value.suggested_filename == f"{name}.pdf"
	with open(download.value.path(), "rb") as pdf:
		assert pdf.read(4) == b"%PDF"

	frappe.db.set_value("User", f.PORTAL_USER, "language", "zh")
	frappe.db.commit()
	try:
		page.goto(base_url + "/kol/statements")
		row = page.locator(".kol-statements tr", has_text=name)
		assert row.get_by_text("已批准").is_visible()
		assert page.get_by_text("下载 PDF").first.is_visible()
		shot(page, "portal-statements-zh")
		with page.expect_download() as download:
			row.locator(".kol-statement-pdf").click()
		assert "language=zh" in download.value.url
		with open(download.value.path(), "rb") as pdf:
			assert pdf.read(4) == b"%PDF"
	finally:
		frappe.db.rollback()
		frappe.db.set_value("User", f.PORTAL_USER, "language", "en")
		# an approved statement is deleted only by the app's own clean-up
		frappe.delete_doc("KOL Settlement Statement", name, force=True, ignore_permissions=True)
		frappe.db.commit()
