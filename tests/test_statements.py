"""Settlement statements (issue 13): periods, what is due (cash benefits and the revenue share of
attributed conversions, minus what other statements hold), partial settlement, the approval
workflow, the payment's reference, and who reads a statement and downloads its PDF."""

import io
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import frappe
import pypdf
import pytest
import requests
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, getdate, nowdate

from kol_crm.portal import statements as portal_statements
from kol_crm.settlements import erpnext, statements
from tests import factories as f
from tests import platform_helpers as ph
from tests.api import ApiSession

DOCTYPE = "KOL Settlement Statement"
CASH_AND_10 = [
	{"benefit_type": "Cash", "amount": 3000},
	{"benefit_type": "Revenue Share", "revenue_share_percent": 10},
]


def partnership(kol: str, benefits=None, start: str = "2026-01-01", end: str = "2026-06-30") -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "KOL Partnership",
				"kol": kol,
				"purpose": "Conversion",
				"status": "Active",
				"start_date": start,
				"end_date": end,
				"currency": "CNY",
				"benefits": benefits if benefits is not None else CASH_AND_10,
				"no_proposal_reason": "Statement test",
			}
		)
		.insert()
		.name
	)


def paid(name: str, amounts: list[float], at: str) -> None:
	ph.record_conversions(name, 0, 0, amounts, occurred_at=at)


def make(kol: str, day: str) -> frappe.model.document.Document:
	name, _created = statements.make_statement(kol, day)
	assert name, "nothing due"
	return frappe.get_doc(DOCTYPE, name)


def amounts(doc) -> dict:
	return {(line.line_type, line.partnership): line.amount for line in doc.lines}


def approve(doc, submitter: str = f.OPERATOR_A, approver: str = f.MANAGER):
	frappe.set_user(submitter)
	apply_workflow(frappe.get_doc(DOCTYPE, doc.name), "Submit for Approval")
	frappe.set_user(approver)
	apply_workflow(frappe.get_doc(DOCTYPE, doc.name), "Approve")
	frappe.set_user("Administrator")
	return frappe.get_doc(DOCTYPE, doc.name)


def mark_paid(doc, reference: str | None = "TX-1", on: str | None = None, amount: float | None = None):
	frappe.set_user(f.MANAGER)
	doc = frappe.get_doc(DOCTYPE, doc.name)
	doc.payment_reference, doc.payment_date = reference, on or nowdate()
	doc.paid_amount = amount
	try:
		doc.save()  # the payment is saved on the approved statement, then marked paid
		return apply_workflow(doc, "Mark Paid")
	finally:
		frappe.set_user("Administrator")


# ------------------------------------------------------------------ periods


def test_a_period_runs_from_the_first_to_the_last_day_of_its_month_or_quarter():
	d = getdate
	assert statements.period_bounds("2026-01-01", 1) == (d("2026-01-01"), d("2026-01-31"))
	assert statements.period_bounds("2026-01-31", 1) == (d("2026-01-01"), d("2026-01-31"))
	assert statements.period_bounds("2026-02-01", 1) == (d("2026-02-01"), d("2026-02-28"))
	assert statements.period_bounds("2028-02-15", 1) == (d("2028-02-01"), d("2028-02-29"))
	assert statements.period_bounds("2026-03-31", 3) == (d("2026-01-01"), d("2026-03-31"))
	assert statements.period_bounds("2026-04-01", 3) == (d("2026-04-01"), d("2026-06-30"))
	assert statements.period_bounds("2026-12-31", 3) == (d("2026-10-01"), d("2026-12-31"))
	# the monthly job drafts the period that just ended
	assert statements.last_ended_period("2026-03-01") == (d("2026-02-01"), d("2026-02-28"))
	assert statements.last_ended_period("2026-03-31") == (d("2026-02-01"), d("2026-02-28"))


def test_the_period_length_comes_from_the_settings():
	frappe.db.set_single_value("KOL CRM Settings", "statement_period", "Quarterly")
	assert statements.period_bounds("2026-05-15") == (getdate("2026-04-01"), getdate("2026-06-30"))
	frappe.db.set_single_value("KOL CRM Settings", "statement_period", "Monthly")
	assert statements.period_bounds("2026-05-15") == (getdate("2026-05-01"), getdate("2026-05-31"))


def test_a_conversion_on_the_last_day_counts_in_its_month_and_one_on_the_first_in_the_next():
	kol = f.make_kol().name
	p = partnership(kol)
	later = partnership(kol, [{"benefit_type": "Cash", "amount": 800}], start="2026-02-01")
	paid(p, [1000], "2026-01-31T23:59:00")
	paid(p, [500], "2026-02-01T00:00:00")
	january = make(kol, "2026-01-15")
	assert (str(january.period_start), str(january.period_end)) == ("2026-01-01", "2026-01-31")
	# the partnership starting on 1 February is not in January
	assert amounts(january) == {("Cash Benefit", p): 3000, ("Revenue Share", p): 100}
	share = next(line for line in january.lines if line.line_type == "Revenue Share")
	assert (share.conversions, share.revenue, share.revenue_share_percent) == (1, 1000, 10)
	assert (january.cash_total, january.revenue_share_total, january.total_due) == (3000, 100, 3100)
	february = make(kol, "2026-02-01")
	assert amounts(february) == {("Cash Benefit", later): 800, ("Revenue Share", p): 50}
	assert february.total_due == 850
	# the partnership's own figure is the sum of what the statements settle
	assert frappe.db.get_value("KOL Partnership", p, "revenue_share_due") == 150


def test_a_new_statement_starts_after_the_last_one_of_the_kol():
	kol = f.make_kol().name
	partnership(kol)
	make(kol, "2026-02-01")
	# February took everything due by its end: January has nothing left, and can't be made after it
	assert statements.make_statement(kol, "2026-01-01") == (None, False)
	with pytest.raises(frappe.ValidationError, match="a new statement starts after it ends"):
		frappe.get_doc({"doctype": DOCTYPE, "kol": kol, "period_start": "2026-01-01"}).insert()
	doc = frappe.get_doc({"doctype": DOCTYPE, "kol": kol, "period_start": "2026-02-10"})
	with pytest.raises(frappe.ValidationError, match="already has statement"):
		doc.insert()


# ------------------------------------------------------------------ no double counting


def test_a_statement_made_again_counts_nothing_twice():
	kol = f.make_kol().name
	p = partnership(kol)
	paid(p, [1000, 200], "2026-01-10T10:00:00")
	january = make(kol, "2026-01-01")
	assert january.total_due == 3120
	# made again: the same statement, the same amounts (a draft recomputes on save)
	assert statements.make_statement(kol, "2026-01-20") == (january.name, False)
	january.save()
	assert january.total_due == 3120
	made = statements.make_statements("2026-01-01")
	assert january.name in made["existing"] and january.name not in made["created"]
	# February holds nothing January holds: nothing due, no statement
	assert statements.make_statement(kol, "2026-02-01") == (None, False)
	# cancelled, January's amounts go on the statement made again, once
	frappe.set_user(f.MANAGER)
	apply_workflow(frappe.get_doc(DOCTYPE, january.name), "Cancel")
	frappe.set_user("Administrator")
	again = make(kol, "2026-01-01")
	assert again.name != january.name
	assert amounts(again) == {("Cash Benefit", p): 3000, ("Revenue Share", p): 120}


def test_a_conversion_arriving_after_its_period_was_stated_goes_on_the_next_statement():
	kol = f.make_kol().name
	p = partnership(kol)
	paid(p, [1000], "2026-01-10T10:00:00")
	january = approve(make(kol, "2026-01-01"))
	paid(p, [400], "2026-01-20T10:00:00")  # happened in January, arrived after it was approved
	assert frappe.get_doc(DOCTYPE, january.name).total_due == 3100  # an approved statement is kept
	february = make(kol, "2026-02-01")
	assert amounts(february) == {("Revenue Share", p): 40}
	assert february.lines[0].conversions == 1


def test_lines_and_totals_are_computed_never_typed():
	kol = f.make_kol().name
	partnership(kol)
	doc = make(kol, "2026-01-01")
	doc.lines[0].amount = 99999
	doc.total_due = 99999
	doc.save()
	assert doc.total_due == 3000 and doc.lines[0].amount == 3000
	doc = approve(doc)
	frappe.set_user(f.MANAGER)
	doc.total_due = 1
	doc.append("lines", {"line_type": "Cash Benefit", "amount": 5})
	doc.save()
	doc.reload()
	assert doc.total_due == 3000 and len(doc.lines) == 1


# ------------------------------------------------------------------ partial settlement


def test_a_partly_paid_statement_leaves_the_rest_due_on_the_next():
	kol = f.make_kol().name
	p = partnership(kol)
	paid(p, [1000], "2026-01-31T12:00:00")
	paid(p, [500], "2026-02-01T12:00:00")
	january = mark_paid(approve(make(kol, "2026-01-01")), "BANK-0131", amount=2000)
	assert (january.workflow_state, january.paid_amount, january.balance) == ("Paid", 2000, 1100)
	february = make(kol, "2026-02-01")
	assert amounts(february) == {("Revenue Share", p): 50, ("Brought Forward", None): 1100}
	assert february.brought_forward == 1100 and february.total_due == 1150
	february = mark_paid(approve(february), "BANK-0228")
	assert (february.paid_amount, february.balance) == (1150, 0)
	# everything settled: March has nothing due
	assert statements.make_statement(kol, "2026-03-01") == (None, False)


def test_a_balance_brought_forward_and_partly_paid_again_is_carried_once():
	kol = f.make_kol().name
	p = partnership(kol)
	paid(p, [1000], "2026-02-10T12:00:00")
	mark_paid(approve(make(kol, "2026-01-01")), "B-1", amount=1000)  # 3,000 due: 2,000 left
	february = mark_paid(approve(make(kol, "2026-02-01")), "B-2", amount=1500)  # 2,000 + 100
	assert february.total_due == 2100 and february.balance == 600
	march = make(kol, "2026-03-01")
	assert amounts(march) == {("Brought Forward", None): 600}


# ------------------------------------------------------------------ approval and payment


def test_an_operator_submits_but_never_approves_or_marks_paid():
	kol = f.make_kol().name
	partnership(kol)
	doc = make(kol, "2026-01-01")
	frappe.set_user(f.OPERATOR_A)
	doc = apply_workflow(frappe.get_doc(DOCTYPE, doc.name), "Submit for Approval")
	assert (doc.workflow_state, doc.submitted_by) == ("Pending Approval", f.OPERATOR_A)
	with pytest.raises(frappe.ValidationError, match="Not a valid Workflow Action"):
		apply_workflow(frappe.get_doc(DOCTYPE, doc.name), "Approve")
	doc = frappe.get_doc(DOCTYPE, doc.name)
	doc.workflow_state = "Approved"
	with pytest.raises(frappe.ValidationError):
		doc.save()
	assert frappe.db.get_value(DOCTYPE, doc.name, "workflow_state") == "Pending Approval"


def test_a_manager_does_not_approve_a_statement_they_submitted():
	kol = f.make_kol().name
	partnership(kol)
	doc = make(kol, "2026-01-01")
	with pytest.raises(frappe.ValidationError, match="another KOL Manager approves it"):
		approve(doc, submitter=f.MANAGER, approver=f.MANAGER)
	frappe.set_user("Administrator")
	assert frappe.db.get_value(DOCTYPE, doc.name, "workflow_state") == "Pending Approval"
	doc = frappe.get_doc(DOCTYPE, doc.name)
	frappe.set_user(f.MANAGER_2)
	doc = apply_workflow(doc, "Approve")
	assert (doc.workflow_state, doc.approved_by) == ("Approved", f.MANAGER_2)


def test_nothing_due_is_not_submitted():
	kol = f.make_kol().name
	doc = frappe.get_doc({"doctype": DOCTYPE, "kol": kol, "period_start": "2026-01-01"}).insert()
	assert doc.lines == [] and doc.total_due == 0
	with pytest.raises(frappe.ValidationError, match="Nothing is due"):
		apply_workflow(doc, "Submit for Approval")


def test_marking_paid_needs_a_reference_a_date_and_at_most_the_total():
	kol = f.make_kol().name
	partnership(kol)
	doc = approve(make(kol, "2026-01-01"))
	# the payment is a manager's: an operator's reference is not kept
	frappe.set_user(f.OPERATOR_A)
	mine = frappe.get_doc(DOCTYPE, doc.name)
	mine.payment_reference = "typed by the operator"
	mine.save()
	assert frappe.db.get_value(DOCTYPE, doc.name, "payment_reference") is None
	frappe.set_user("Administrator")
	with pytest.raises(frappe.ValidationError, match="Payment Reference is required"):
		mark_paid(doc, reference="  ")
	with pytest.raises(frappe.ValidationError, match="Payment Date can't be in the future"):
		mark_paid(doc, on=add_days(nowdate(), 1))
	with pytest.raises(frappe.ValidationError, match="Paid Amount must be between 0 and the total due"):
		mark_paid(doc, amount=3000.01)
	assert frappe.db.get_value(DOCTYPE, doc.name, "workflow_state") == "Approved"
	doc = mark_paid(doc, reference="WIRE-42", amount=3000)
	assert (doc.workflow_state, doc.payment_reference, doc.balance) == ("Paid", "WIRE-42", 0)
	# a paid statement keeps its payment
	frappe.set_user(f.MANAGER)
	doc.payment_reference = "changed"
	doc.save()
	assert frappe.db.get_value(DOCTYPE, doc.name, "payment_reference") == "WIRE-42"


def test_an_approved_or_paid_statement_is_not_deleted():
	kol = f.make_kol().name
	partnership(kol)
	doc = approve(make(kol, "2026-01-01"))
	with pytest.raises(frappe.ValidationError, match=r"cancel it \(or reject it\) instead of deleting it"):
		frappe.delete_doc(DOCTYPE, doc.name, force=True)
	frappe.set_user(f.MANAGER)
	apply_workflow(frappe.get_doc(DOCTYPE, doc.name), "Cancel")
	frappe.set_user("Administrator")
	frappe.delete_doc(DOCTYPE, doc.name, force=True)
	assert not frappe.db.exists(DOCTYPE, doc.name)


def test_make_statements_for_period_is_a_managers_action():
	kol = f.make_kol().name
	partnership(kol)
	for user in (f.OPERATOR_A, f.ANALYST):
		frappe.set_user(user)
		with pytest.raises(frappe.PermissionError, match="Only a KOL Manager makes the statements"):
			statements.make_statements_for_period("2026-01-01")
	frappe.set_user(f.MANAGER)
	made = statements.make_statements_for_period("2026-01-01")
	mine = frappe.db.get_value(DOCTYPE, {"kol": kol}, "name")
	assert mine in made["created"]
	assert mine in statements.make_statements_for_period("2026-01-01")["existing"]
	with pytest.raises(frappe.ValidationError, match="Period Start must be a date"):
		statements.make_statements_for_period("not a date")


def test_a_purchase_invoice_needs_erpnext_and_a_manager():
	assert "erpnext" not in frappe.get_installed_apps()
	kol = f.make_kol().name
	partnership(kol)
	doc = approve(make(kol, "2026-01-01"))
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.PermissionError, match="Only a KOL Manager makes a Purchase Invoice"):
		erpnext.make_purchase_invoice(doc.name)
	frappe.set_user(f.MANAGER)
	with pytest.raises(frappe.ValidationError, match="ERPNext is not installed on this site"):
		erpnext.make_purchase_invoice(doc.name)
	assert not frappe.db.get_value(DOCTYPE, doc.name, "purchase_invoice")


# ------------------------------------------------------------------ who reads a statement


def test_row_rules_in_process():
	mine = f.make_kol(operator=f.OPERATOR_A).name
	other = f.make_kol(operator=f.OPERATOR_B).name
	partnership(mine)
	partnership(other)
	my_draft = make(mine, "2026-01-01")
	others = approve(make(other, "2026-01-01"), submitter=f.OPERATOR_B)
	f.link_portal_user(mine)
	frappe.set_user(f.OPERATOR_A)
	assert frappe.has_permission(DOCTYPE, "write", my_draft.name)
	assert not frappe.has_permission(DOCTYPE, "read", others.name)
	assert frappe.get_list(DOCTYPE, filters={"kol": ("in", [mine, other])}, pluck="name") == [my_draft.name]
	assert (
		frappe.get_list("KOL Settlement Line", filters={"parent": others.name}, parent_doctype=DOCTYPE) == []
	)
	assert (
		len(frappe.get_list("KOL Settlement Line", filters={"parent": my_draft.name}, parent_doctype=DOCTYPE))
		== 1
	)
	frappe.set_user(f.ANALYST)
	assert frappe.has_permission(DOCTYPE, "read", others.name)
	assert not frappe.has_permission(DOCTYPE, "write", others.name)
	frappe.set_user(f.PORTAL_USER)
	assert not frappe.has_permission(DOCTYPE, "read", my_draft.name)
	assert not frappe.has_website_permission(frappe.get_doc(DOCTYPE, my_draft.name))  # a draft
	frappe.set_user("Administrator")
	approve(my_draft)
	frappe.set_user(f.PORTAL_USER)
	assert frappe.has_website_permission(frappe.get_doc(DOCTYPE, my_draft.name))
	assert not frappe.has_website_permission(frappe.get_doc(DOCTYPE, others.name))
	assert [s.name for s in portal_statements.statements()] == [my_draft.name]
	frappe.set_user(f.OPERATOR_A)
	assert not frappe.has_website_permission(frappe.get_doc(DOCTYPE, others.name))
	line = frappe.get_doc(DOCTYPE, my_draft.name).lines[0]
	with pytest.raises(frappe.PermissionError, match="not on their own"):
		frappe.get_doc("KOL Settlement Line", line.name).save()


@pytest.fixture
def committed():
	"""The portal login's KOL (operator A's) with an approved and a draft statement, and operator B's
	KOL with an approved one (committed: the requests read them on their own connection)."""
	mine = f.make_kol(operator=f.OPERATOR_A, kol_name=f"Statement Mine {f.unique()}").name
	other = f.make_kol(operator=f.OPERATOR_B, kol_name=f"Statement Other {f.unique()}").name
	partnership(mine)
	partnership(mine, [{"benefit_type": "Cash", "amount": 700}], start="2026-02-01")
	partnership(other)
	f.link_portal_user(mine)
	approved = approve(make(mine, "2026-01-01"))
	draft = make(mine, "2026-02-01")
	others = approve(make(other, "2026-01-01"), submitter=f.OPERATOR_B)
	frappe.db.commit()
	yield {
		"mine": mine,
		"other": other,
		"approved": approved.name,
		"draft": draft.name,
		"others": others.name,
	}
	frappe.db.rollback()
	frappe.set_user("Administrator")
	for kol in (mine, other):
		for name in frappe.get_all(DOCTYPE, filters={"kol": kol}, pluck="name"):
			frappe.delete_doc(DOCTYPE, name, force=True, ignore_permissions=True)
		for name in frappe.get_all("KOL Partnership", filters={"kol": kol}, pluck="name"):
			frappe.delete_doc("KOL Partnership", name, force=True, ignore_permissions=True)
		frappe.delete_doc("KOL", kol, force=True, ignore_permissions=True)
	frappe.db.commit()


def pdf(session: ApiSession, name: str, language: str = "en"):
	return session.get(portal_statements.pdf_url(name, language))


def test_http_each_role_reads_only_the_statements_it_may(committed):
	c = committed
	resource = f"/api/resource/{DOCTYPE}/"
	operator_a = ApiSession(f.OPERATOR_A, f.PASSWORD)
	assert operator_a.get(resource + c["approved"]).status_code == 200
	assert operator_a.get(resource + c["others"]).status_code == 403
	listed = ApiSession.json(operator_a.get(f"/api/resource/{DOCTYPE}?limit_page_length=0"))["data"]
	assert c["others"] not in {row["name"] for row in listed}
	assert pdf(operator_a, c["others"]).status_code == 403
	operator_b = ApiSession(f.OPERATOR_B, f.PASSWORD)
	assert operator_b.get(resource + c["approved"]).status_code == 403
	assert operator_b.get(resource + c["others"]).status_code == 200
	analyst = ApiSession(f.ANALYST, f.PASSWORD)
	assert analyst.get(resource + c["others"]).status_code == 200
	refused = analyst.request("PUT", resource + c["others"], json={"payment_reference": "x"})
	assert refused.status_code == 403
	guest = ApiSession()
	assert guest.get(resource + c["approved"]).status_code == 403
	assert pdf(guest, c["approved"]).status_code == 403


@pytest.fixture(scope="module")
def served(site):
	"""The site served on loopback (``tests/browser/server.py``): Frappe's PDF (wkhtmltopdf) loads
	the print styles from the site's own address, which the in-process test client has none of."""
	with socket.socket() as sock:
		sock.bind(("127.0.0.1", 0))
		port = sock.getsockname()[1]
	server = Path(__file__).parent / "browser" / "server.py"
	process = subprocess.Popen(
		[sys.executable, str(server), site, str(port)],
		cwd=os.getcwd(),
		stdout=subprocess.DEVNULL,
		stderr=subprocess.DEVNULL,
	)
	url = f"http://127.0.0.1:{port}"
	deadline = time.monotonic() + 60
	while time.monotonic() < deadline:
		try:
			if requests.get(url + "/api/method/ping", timeout=2).status_code == 200:
				break
		except requests.RequestException:
			time.sleep(0.3)
	else:
		process.terminate()
		pytest.fail("the test web server did not start")
	yield url
	process.terminate()
	process.wait(timeout=20)


def served_session(url: str, user: str | None) -> requests.Session:
	session = requests.Session()
	if user:
		answer = session.post(url + "/api/method/login", data={"usr": user, "pwd": f.PASSWORD}, timeout=30)
		assert answer.status_code == 200, answer.text
	return session


CJK_FONT = re.compile(r"WenQuanYi|WQY|CJK|SourceHan|Source Han|DroidSansFallback|AR ?PL", re.I)
CJK_TEXT = re.compile(r"[\u4e00-\u9fff]")


def pdf_fonts_and_text(content: bytes) -> tuple[set[str], str]:
	reader = pypdf.PdfReader(io.BytesIO(content))
	fonts = set()
	for page in reader.pages:
		resources = page.get("/Resources")
		resources = resources.get_object() if resources is not None else {}
		font_dict = resources.get("/Font")
		font_dict = font_dict.get_object() if font_dict is not None else {}
		fonts.update(str(ref.get_object().get("/BaseFont")) for ref in font_dict.values())
	return fonts, "".join(page.extract_text() for page in reader.pages)


def test_http_the_kol_downloads_their_own_approved_statement_and_nothing_else(committed, served):
	c = committed
	kol = served_session(served, f.PORTAL_USER)
	for language in ("en", "zh"):
		response = kol.get(served + portal_statements.pdf_url(c["approved"], language), timeout=120)
		assert response.status_code == 200, response.text[-2000:]
		assert response.headers["Content-Type"].startswith("application/pdf")
		assert response.content[:4] == b"%PDF"
		if language == "zh":  # Chinese glyphs, not boxes: a CJK font is embedded and the text reads
			fonts, text = pdf_fonts_and_text(response.content)
			assert any(CJK_FONT.search(name) for name in fonts), fonts
			assert len(CJK_TEXT.findall(text)) >= 4, text[:500]
	for refused in (c["draft"], c["others"]):
		response = kol.get(served + portal_statements.pdf_url(refused), timeout=60)
		assert response.status_code == 403, refused
		assert not response.content.startswith(b"%PDF")
	another_operator = served_session(served, f.OPERATOR_B)
	assert (
		another_operator.get(served + portal_statements.pdf_url(c["approved"]), timeout=60).status_code == 403
	)
	assert (
		served_session(served, None)
		.get(served + portal_statements.pdf_url(c["approved"]), timeout=60)
		.status_code
		== 403
	)
	# the print view (the same template and permission check) in the KOL's two languages
	s = ApiSession(f.PORTAL_USER, f.PASSWORD)
	view = f"/printview?doctype={DOCTYPE}&name={c['approved']}&format={DOCTYPE}"
	english = s.get(view + "&_lang=en").get_data(as_text=True)
	assert "Settlement Statement" in english and "3,000.00" in english
	assert "结算单" in s.get(view + "&_lang=zh").get_data(as_text=True)
	assert s.get(f"/printview?doctype={DOCTYPE}&name={c['others']}&format={DOCTYPE}").status_code == 403
	# no desk or REST access to statements, their own included
	assert s.get(f"/api/resource/{DOCTYPE}/{c['approved']}").status_code == 403
	page = s.get("/kol/statements")
	assert page.status_code == 200
	html = page.get_data(as_text=True)
	assert c["approved"] in html and c["draft"] not in html and c["others"] not in html


def test_a_conversion_whose_share_rounds_to_nothing_is_still_listed_with_its_count():
	kol = f.make_kol().name
	p = partnership(kol)
	paid(p, [0.04], "2026-01-10T10:00:00")  # 10 % of 0.04 rounds to 0.00
	january = make(kol, "2026-01-15")
	assert amounts(january) == {("Cash Benefit", p): 3000, ("Revenue Share", p): 0}
	share = next(line for line in january.lines if line.line_type == "Revenue Share")
	assert (share.conversions, share.revenue, share.revenue_share_percent) == (1, 0.04, 10)
