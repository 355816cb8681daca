"""ROI per partnership and per KOL (issue 13): the formula, the KOL form's headline over REST.

The KOL Partnership Performance report's ROI columns and chart are tested in tests/test_reports.py.
"""

import json

import frappe
import pytest
from frappe.utils import add_days
from frappe.utils.password import update_password

from kol_crm.deals.roi import GRAPH_PARTNERSHIPS, kol_roi, kol_roi_chart, kol_totals, roi_figures
from kol_crm.kol_crm.doctype.kol.kol_dashboard import get_data as kol_form_dashboard
from tests import factories as f
from tests import platform_helpers as ph
from tests.api import ApiSession

# ------------------------------------------------------------------ the formula


def test_roi_is_the_return_over_the_cost_not_over_the_revenue():
	# cost 4,000 of benefits + 200 revenue share = 4,200; revenue 2,000: (2,000 - 4,200) / 4,200
	# (over the revenue it would be -110.0, and cost - revenue over the cost +52.4)
	figures = roi_figures(4000, 200, 2000, paid_conversions=8, new_users=80)
	assert figures == {
		"cost": 4200,
		"revenue": 2000,
		"roi": -52.4,
		"cost_per_paid_conversion": 525,
		"cost_per_new_user": 52.5,
	}
	# a profitable one: (2,500 - 1,000) / 1,000 = 150 % (over the revenue it would be 60 %)
	assert roi_figures(1000, 0, 2500, paid_conversions=5)["roi"] == 150.0


def test_roi_at_break_even_and_either_side():
	assert roi_figures(1000, 0, 1000)["roi"] == 0.0
	assert roi_figures(1000, 0, 1000.01)["roi"] == 0.0  # rounded to 1 decimal: 0.001 %
	assert roi_figures(1000, 0, 1001)["roi"] == 0.1
	assert roi_figures(1000, 0, 999)["roi"] == -0.1
	assert roi_figures(300, 0, 400)["roi"] == 33.3
	assert roi_figures(1000, 0, 0)["roi"] == -100.0


def test_no_cost_has_no_roi_and_no_result_has_no_cost_per_result():
	assert roi_figures(0, 0, 500, paid_conversions=0, new_users=0) == {
		"cost": 0,
		"revenue": 500,
		"roi": None,
		"cost_per_paid_conversion": None,
		"cost_per_new_user": None,
	}
	# revenue share alone is a cost
	assert roi_figures(0, 50, 500, paid_conversions=2)["roi"] == 900.0
	assert roi_figures(0, 50, 500, paid_conversions=2)["cost_per_paid_conversion"] == 25.0


# ------------------------------------------------------------------ per KOL


def partnership(kol: str, benefits: list[dict], paid: list[float] | None = None, new_users: int = 0) -> str:
	name = (
		frappe.get_doc(
			{
				"doctype": "KOL Partnership",
				"kol": kol,
				"purpose": "Conversion",
				"status": "Active",
				"start_date": "2026-01-01",
				"end_date": "2026-06-30",
				"benefits": benefits,
				"no_proposal_reason": "ROI test",
			}
		)
		.insert()
		.name
	)
	if paid or new_users:
		ph.record_conversions(name, new_users, 0, paid or [], occurred_at="2026-03-01T10:00:00")
	return name


def test_a_kols_roi_adds_up_its_partnerships_then_divides():
	kol = f.make_kol(operator=f.OPERATOR_A).name
	# 3,000 cash + 1,000 of products + 10 % of 2,000 = 4,200 against 2,000
	partnership(
		kol,
		[
			{"benefit_type": "Cash", "amount": 3000},
			{"benefit_type": "Product", "amount": 1000, "description": "Devices"},
			{"benefit_type": "Revenue Share", "revenue_share_percent": 10},
		],
		paid=[500, 500, 500, 500],
		new_users=10,
	)
	# 800 of traffic exposure against 4,000: +400 % alone
	partnership(kol, [{"benefit_type": "Traffic Exposure", "amount": 800}], paid=[4000])
	# an unvalued benefit: no cost, no revenue
	partnership(kol, [{"benefit_type": "Endorsement"}])
	totals = kol_totals(kol)
	# (6,000 - 5,000) / 5,000 = 20 % (the average of -52.4 and 400 would be 173.8)
	assert totals == {
		"partnerships": 3,
		"cost": 5000,
		"revenue": 6000,
		"roi": 20.0,
		"cost_per_paid_conversion": 1000,
		"cost_per_new_user": 500,
	}
	none = f.make_kol(operator=f.OPERATOR_A).name
	assert kol_totals(none) == {
		"partnerships": 0,
		"cost": 0,
		"revenue": 0,
		"roi": None,
		"cost_per_paid_conversion": None,
		"cost_per_new_user": None,
	}


def test_the_kol_forms_graph_shows_cost_and_revenue_per_partnership():
	assert kol_form_dashboard()["graph_method"] == "kol_crm.deals.roi.kol_roi_chart"
	kol = f.make_kol(operator=f.OPERATOR_A).name
	assert kol_roi_chart("KOL", kol) is None  # no partnership: no graph
	first = partnership(kol, [{"benefit_type": "Cash", "amount": 1000}], paid=[2500])
	second = partnership(
		kol,
		[
			{"benefit_type": "Product", "amount": 300},
			{"benefit_type": "Revenue Share", "revenue_share_percent": 20},
		],
		paid=[100],
	)
	chart = kol_roi_chart("KOL", kol)
	assert chart["type"] == "bar"
	assert chart["data"]["labels"] == [first, second]
	# the second: 300 of products + 20 % of 100
	assert [d["values"] for d in chart["data"]["datasets"]] == [[1000, 320], [2500, 100]]
	with pytest.raises(frappe.ValidationError, match="ROI graph is for a KOL"):
		kol_roi_chart("KOL Partnership", first)


def test_kol_roi_checks_the_readers_access_to_the_kol():
	mine = f.make_kol(operator=f.OPERATOR_A).name
	theirs = f.make_kol(operator=f.OPERATOR_B).name
	partnership(theirs, [{"benefit_type": "Cash", "amount": 100}])
	frappe.set_user(f.OPERATOR_A)
	assert kol_roi(mine)["partnerships"] == 0
	with pytest.raises(frappe.PermissionError, match="can't see this KOL's partnerships"):
		kol_roi(theirs)
	with pytest.raises(frappe.PermissionError, match="can't see this KOL's partnerships"):
		kol_roi_chart("KOL", theirs)
	with pytest.raises(frappe.PermissionError, match="can't see this KOL's partnerships"):
		kol_roi("no such KOL")
	frappe.set_user(f.ANALYST)
	assert kol_roi(theirs)["cost"] == 100


# ------------------------------------------------------------------ over REST, by role

METHOD = "/api/method/kol_crm.deals.roi.kol_roi"


@pytest.fixture(scope="module")
def sessions(site):
	update_password(f.PORTAL_USER, f.PASSWORD)
	frappe.db.commit()
	users = {"opA": f.OPERATOR_A, "opB": f.OPERATOR_B, "analyst": f.ANALYST, "portal": f.PORTAL_USER}
	return {role: ApiSession(user, f.PASSWORD) for role, user in users.items()} | {"guest": ApiSession()}


@pytest.fixture
def committed_kol():
	"""Operator A's KOL (its portal login linked) with a partnership costing 1,000, committed."""
	kol = f.make_kol(operator=f.OPERATOR_A)
	f.link_portal_user(kol.name)
	name = partnership(kol.name, [{"benefit_type": "Cash", "amount": 1000}])
	frappe.db.commit()
	yield kol.name, name
	frappe.db.rollback()
	frappe.set_user("Administrator")
	frappe.delete_doc("KOL Partnership", name, force=True, ignore_permissions=True)
	frappe.delete_doc("KOL", kol.name, force=True, ignore_permissions=True)
	frappe.db.commit()


EXPECTED = {
	"partnerships": 1,
	"cost": 1000,
	"revenue": 0,
	"roi": -100.0,
	"cost_per_paid_conversion": None,
	"cost_per_new_user": None,
}


GRAPH = "/api/method/kol_crm.deals.roi.kol_roi_chart"


@pytest.mark.parametrize("role", ["opA", "analyst"])
def test_the_kols_operator_and_an_analyst_get_its_roi_over_rest(sessions, committed_kol, role):
	kol, name = committed_kol
	response = sessions[role].post(METHOD, data={"kol": kol})
	assert response.status_code == 200, response.get_data(as_text=True)
	assert ApiSession.json(response)["message"] == EXPECTED
	# the form dashboard asks for its graph with GET
	response = sessions[role].get(GRAPH, query_string={"doctype": "KOL", "docname": kol})
	assert response.status_code == 200, response.get_data(as_text=True)
	graph = ApiSession.json(response)["message"]
	assert graph["data"]["labels"] == [name]
	assert [d["values"] for d in graph["data"]["datasets"]] == [[1000], [0]]


@pytest.mark.parametrize("role", ["opB", "portal", "guest"])
def test_another_operator_the_portal_login_and_a_guest_are_refused(sessions, committed_kol, role):
	kol, name = committed_kol
	for response in (
		sessions[role].post(METHOD, data={"kol": kol}),
		sessions[role].get(GRAPH, query_string={"doctype": "KOL", "docname": kol}),
	):
		assert response.status_code == 403, response.get_data(as_text=True)
		body = response.get_data(as_text=True)
		assert '"cost"' not in body and "1000" not in body and name not in body


REPORT = "/api/method/frappe.desk.query_report.run"


@pytest.mark.parametrize("role", ["opA", "opB", "analyst"])
def test_partnership_performance_over_rest_shows_roi_to_whom_may_see_it(sessions, committed_kol, role):
	_kol, name = committed_kol
	response = sessions[role].post(
		REPORT,
		data={
			"report_name": "KOL Partnership Performance",
			"filters": json.dumps({"operator": f.OPERATOR_A}),
			"ignore_prepared_report": 1,
		},
	)
	assert response.status_code == 200, response.get_data(as_text=True)
	result = ApiSession.json(response)["message"]
	rows = {r["partnership"]: r for r in result["result"] if isinstance(r, dict) and r.get("partnership")}
	if role == "opB":  # another operator's KOL: not a row, not a bar
		assert name not in rows
		assert name not in json.dumps(result.get("chart") or {})
		return
	assert (rows[name]["cost"], rows[name]["roi"], rows[name]["cost_per_paid_conversion"]) == (
		1000,
		-100.0,
		None,
	)
	assert name in result["chart"]["data"]["labels"]
	assert not {"email", "phone", "wechat", "address"} & set(rows[name])


def test_the_graph_shows_the_latest_partnerships_only():
	kol = f.make_kol(operator=f.OPERATOR_A).name
	names = [
		partnership(kol, [{"benefit_type": "Cash", "amount": 100 + i}]) for i in range(GRAPH_PARTNERSHIPS + 1)
	]
	for i, name in enumerate(names):  # the oldest first
		frappe.db.set_value("KOL Partnership", name, "start_date", add_days("2026-01-01", i))
	chart = kol_roi_chart("KOL", kol)
	assert GRAPH_PARTNERSHIPS == 12
	assert chart["data"]["labels"] == names[1:]
	assert chart["data"]["datasets"][0]["values"] == [100 + i for i in range(1, 13)]


def test_costs_per_result_are_rounded_to_the_cent():
	figures = roi_figures(100, 0, 0, paid_conversions=3, new_users=7)
	assert (figures["cost_per_paid_conversion"], figures["cost_per_new_user"]) == (33.33, 14.29)
