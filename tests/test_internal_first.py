"""Internal first: the internal candidates report per role, the prompt when external intake starts in
a category that has some, the pacing report's internal pool (exhausted at zero, not at one); and
paid / unpaid: a filter of every report, and no money in an unpaid programme's offer."""

import frappe
import pytest
from frappe.desk.query_report import run as run_report

from kol_crm.intelligence import internal_first, pacing
from kol_crm.kol_crm.doctype.kol_proposal.kol_proposal import make_partnership
from kol_crm.kol_crm.report.kol_intake_pacing import kol_intake_pacing
from kol_crm.kol_crm.report.kol_internal_candidates import kol_internal_candidates as report
from tests import factories as f
from tests import ops_helpers as h
from tests import test_reports
from tests.test_reports import REPORTS, run

INTERNAL, EXTERNAL = "Internal Cultivation", "External Intake"
programme = test_reports.programme  # the fixture
PERSONAL = {"email", "phone", "wechat", "address", "other_emails", "agent_email", "agent_phone"}


def _internal(category, state="Spotted", operator=f.OPERATOR_A, **kwargs):
	kol = f.make_kol(intake_path=INTERNAL, category=category, operator=operator, **kwargs)
	f.set_state(kol, state)
	return kol.name


@pytest.fixture
def pool():
	"""A category tree with internal candidates of two operators, and KOLs that are not candidates."""
	cats = h.category_tree()
	k = frappe._dict(
		a_spotted=_internal(cats["Skincare"], "Spotted", content_quality_rating=0.8),
		a_cultivating=_internal(cats["Makeup"], "Cultivating", content_quality_rating=1.0),
		b_evaluating=_internal(cats["Skincare"], "Evaluating", f.OPERATOR_B, program_type="Unpaid"),
		active=_internal(cats["Skincare"], "Active"),
		dropped=_internal(cats["Skincare"], "Dropped"),
		external=f.make_kol(category=cats["Skincare"]).name,
	)
	return frappe._dict(cats=cats, **k)


def _kols(rows) -> set:
	return {row["kol"] for row in rows}


# ------------------------------------------------------------------ the report, per role


def test_internal_candidates_report_lists_candidates_not_yet_active_per_role(pool):
	h.settings(program_categories=[{"category": pool.cats["domain"], "audience_size": 1000}])
	filters = {"category": pool.cats["domain"]}
	candidates = {pool.a_spotted, pool.a_cultivating, pool.b_evaluating}
	columns, rows = run(report, filters)
	assert _kols(rows) == candidates
	assert next(r["kol"] for r in rows) == pool.a_cultivating  # best content first
	assert {r["programme_category"] for r in rows} == {pool.cats["domain"]}
	assert not PERSONAL & {c["fieldname"] for c in columns}

	_columns, rows = run(report, filters, f.OPERATOR_A)
	assert _kols(rows) == {pool.a_spotted, pool.a_cultivating}
	_columns, rows = run(report, filters, f.OPERATOR_B)
	assert _kols(rows) == {pool.b_evaluating}
	_columns, analyst_rows = run(report, filters, f.ANALYST)
	assert _kols(analyst_rows) == candidates
	assert all(not PERSONAL & set(row) for row in analyst_rows)

	_columns, rows = run(report, {**filters, "program_type": "Unpaid"})
	assert _kols(rows) == {pool.b_evaluating}
	_columns, rows = run(report, {"category": pool.cats["Makeup"]})
	assert _kols(rows) == {pool.a_cultivating}


def test_internal_candidates_report_runs_through_the_desk_api_for_each_role(pool):
	for user in (f.MANAGER, f.OPERATOR_A, f.ANALYST):
		frappe.set_user(user)
		result = run_report(
			"KOL Internal Candidates", filters={"category": pool.cats["domain"]}, ignore_prepared_report=True
		)
		assert {row["kol"] for row in result["result"] if isinstance(row, dict)} >= {pool.a_spotted}
	frappe.set_user(f.PORTAL_USER)
	with pytest.raises(frappe.PermissionError):
		run_report("KOL Internal Candidates", filters={}, ignore_prepared_report=True)


def test_internal_candidates_report_names_the_programme_categories_whose_pool_is_exhausted(pool):
	h.settings(
		program_categories=[
			{"category": pool.cats["Skincare"], "audience_size": 1000},
			{"category": pool.cats["Haircare"], "audience_size": 1000},
		]
	)
	_columns, _rows, message, _chart, summary = report.execute({"category": pool.cats["domain"]})
	assert pool.cats["Haircare"] in message and pool.cats["Skincare"] not in message
	assert summary[0]["value"] == 3


# ------------------------------------------------------------------ the prompt


def test_a_new_external_kol_in_a_category_with_internal_candidates_is_prompted(pool):
	frappe.local.message_log = []
	kol = f.make_kol(category=pool.cats["Skincare"])
	messages = " ".join(str(m) for m in frappe.local.message_log)
	assert "Internal first" in messages and "has 2 internal candidates" in messages
	frappe.local.message_log = []
	f.make_kol(category=pool.cats["Haircare"])  # no internal candidate there
	f.make_kol(intake_path=INTERNAL, category=pool.cats["Skincare"])  # an internal one: no prompt
	assert not any("Internal first" in str(m) for m in frappe.local.message_log)
	assert frappe.db.exists("KOL", kol.name)  # a prompt, never a refusal


def test_the_kol_form_shows_the_internal_candidates_of_its_category(pool):
	from frappe.desk.form.load import getdoc

	frappe.set_user(f.OPERATOR_A)
	kol = f.make_kol(category=pool.cats["domain"], operator=f.OPERATOR_A)
	getdoc("KOL", kol.name)
	onload = frappe.response.docs[0].get("__onload")
	assert onload["internal_candidates"] == {
		"category": pool.cats["domain"],
		"count": 3,
		"report": internal_first.REPORT,
	}
	assert onload["rules"]["acknowledged"] is True
	getdoc("KOL", pool.a_spotted)  # an internal KOL: no hint
	assert frappe.response.docs[-1].get("__onload")["internal_candidates"] is None


# ------------------------------------------------------------------ pacing: the internal pool


def _pacing_row(category, **filters):
	_columns, data, message, _chart, summary = kol_intake_pacing.execute(filters)
	return next(r for r in data if r["category"] == category), message, summary


def test_pacing_says_the_internal_pool_is_exhausted_at_zero_and_not_at_one():
	cats = h.category_tree()
	h.settings(program_categories=[{"category": cats["domain"], "audience_size": 10_000}])
	last = _internal(cats["Skincare"], "Cultivating")
	_internal(cats["Makeup"], "Active")
	_internal(cats["Makeup"], "Dropped")
	row, message, _summary = _pacing_row(cats["domain"])
	assert (row["internal_left"], row["internal_exhausted"]) == (1, False)
	assert row["internal_pool"] == "1 internal candidates left: develop them before external intake"
	assert message is None or cats["domain"] not in message

	f.set_state(frappe.get_doc("KOL", last), "Active")
	row, message, summary = _pacing_row(cats["domain"])
	assert (row["internal_left"], row["internal_exhausted"]) == (0, True)
	assert row["internal_pool"].startswith("Exhausted")
	assert cats["domain"] in message and "Internal pool exhausted" in message
	assert next(s for s in summary if s["label"] == "Internal pool exhausted")["value"] >= 1

	_internal(cats["Haircare"], "Spotted")  # a new candidate: the pool is open again
	row, _message, _summary = _pacing_row(cats["domain"])
	assert (row["internal_left"], row["internal_exhausted"]) == (1, False)


def test_pacing_by_programme_type():
	cats = h.category_tree()
	h.settings(program_categories=[{"category": cats["domain"], "audience_size": 1000}])
	_internal(cats["Skincare"], "Spotted", program_type="Unpaid")
	_internal(cats["Skincare"], "Active", program_type="Paid")
	paid, _m, _s = _pacing_row(cats["domain"], program_type="Paid")
	unpaid, _m, _s = _pacing_row(cats["domain"], program_type="Unpaid")
	everyone, _m, _s = _pacing_row(cats["domain"])
	assert (paid["active"], paid["intake"], paid["internal_left"]) == (1, 0, 0)
	assert (unpaid["active"], unpaid["intake"], unpaid["internal_left"]) == (0, 1, 1)
	assert (everyone["active"], everyone["intake"], everyone["internal_left"]) == (1, 1, 1)
	assert pacing.pacing_rows() is not None


# ------------------------------------------------------------------ paid / unpaid in every report


@pytest.mark.parametrize("shipped", REPORTS, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_every_report_filters_by_programme_type(programme, shipped):
	"""The test programme's KOLs are all Paid: filtering on Paid changes nothing, on Unpaid leaves
	what an empty category shows."""
	p = programme
	empty = frappe.get_doc({"doctype": "KOL Category", "category_name": f"Empty {f.unique()}"}).insert()
	_columns, everything = run(shipped, {"category": p.domain})
	_columns, paid = run(shipped, {"category": p.domain, "program_type": "Paid"})
	_columns, unpaid = run(shipped, {"category": p.domain, "program_type": "Unpaid"})
	_columns, nothing = run(shipped, {"category": empty.name})
	assert paid == everything
	assert unpaid == nothing


def test_every_report_offers_the_programme_type_filter():
	from pathlib import Path

	folder = Path(report.__file__).resolve().parents[1]
	shared = (folder / "kol_report_filters.js").read_text()
	assert 'fieldname: "program_type"' in shared
	# platform users who are not KOLs yet have no programme
	not_kols = {"kol_platform_candidates.js"}
	for script in folder.glob("*/*.js"):
		if script.name in not_kols:
			continue
		text = script.read_text()
		assert "kol_report_filters.js" in text or 'fieldname: "program_type"' in text, script.name


# ------------------------------------------------------------------ unpaid: no money on offer


def test_an_unpaid_programmes_offer_with_cash_is_refused():
	kol = f.make_kol(program_type="Unpaid")
	for money in (
		{"benefit_type": "Cash", "amount": 500},
		{"benefit_type": "Revenue Share", "revenue_share_percent": 5},
	):
		with pytest.raises(frappe.ValidationError, match="unpaid programme, which offers no money"):
			f.make_proposal(kol.name, benefits=[money])
	proposal = f.make_proposal(
		kol.name,
		budget=0,
		benefits=[
			{"benefit_type": "Personal Brand", "description": "Co-branded guide series"},
			{"benefit_type": "Traffic Exposure", "description": "Home page for a week"},
			{"benefit_type": "Product", "description": "Product kit", "amount": 200},
		],
	)
	assert [b.benefit_type for b in proposal.benefits] == ["Personal Brand", "Traffic Exposure", "Product"]


def test_a_paid_programmes_offer_may_carry_cash_and_a_partnership_follows_the_stored_programme():
	kol = f.make_kol(program_type="Paid")
	proposal = f.make_proposal(kol.name)  # cash and revenue share
	assert {b.benefit_type for b in proposal.benefits} >= {"Cash", "Revenue Share"}
	f.accept_proposal(proposal)
	frappe.db.set_value("KOL", kol.name, "program_type", "Unpaid")
	with pytest.raises(frappe.ValidationError, match="unpaid programme"):
		make_partnership(proposal.name).insert()


def test_an_operator_cannot_add_cash_to_an_unpaid_offer():
	kol = f.make_kol(program_type="Unpaid", operator=f.OPERATOR_A)
	proposal = f.make_proposal(kol.name, budget=0, benefits=[{"benefit_type": "Endorsement"}])
	frappe.set_user(f.OPERATOR_A)
	doc = frappe.get_doc("KOL Proposal", proposal.name)
	doc.append("benefits", {"benefit_type": "Cash", "amount": 100})
	with pytest.raises(frappe.ValidationError, match="Cash can't be offered"):
		doc.save()
