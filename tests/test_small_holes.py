"""Issue 9, hole 9: shared outreach sequences, single-address email fields, interactions in
another operator's name. Checked through the Python API and over HTTP."""

import frappe
import pytest

from tests import factories as f
from tests.api import ApiSession


def _sequence(owner: str):
	frappe.set_user(owner)
	try:
		return frappe.get_doc(
			{
				"doctype": "KOL Outreach Sequence",
				"sequence_name": f"Shared Sequence {frappe.generate_hash(length=6)}",
				"steps": [{"email_template": "KOL First Outreach", "wait_days": 0}],
			}
		).insert()
	finally:
		frappe.set_user("Administrator")


# ---------------------------------------------------------------- (a) outreach sequences


def test_hole9_operator_cannot_disable_edit_or_delete_a_managers_sequence():
	seq = _sequence(f.MANAGER)
	frappe.set_user(f.OPERATOR_A)
	assert frappe.has_permission("KOL Outreach Sequence", "read", seq.name) is True
	assert frappe.has_permission("KOL Outreach Sequence", "write", seq.name) is False
	doc = frappe.get_doc("KOL Outreach Sequence", seq.name)
	doc.enabled = 0
	with pytest.raises(frappe.PermissionError):
		doc.save()
	# nor by claiming it: the decision is made on the stored owner
	doc = frappe.get_doc("KOL Outreach Sequence", seq.name)
	doc.owner = f.OPERATOR_A
	doc.daily_send_cap = 5000
	with pytest.raises(frappe.PermissionError):
		doc.save()
	with pytest.raises(frappe.PermissionError):
		frappe.delete_doc("KOL Outreach Sequence", seq.name)
	assert frappe.db.get_value(
		"KOL Outreach Sequence", seq.name, ["enabled", "daily_send_cap", "owner"], as_dict=True
	) == {"enabled": 1, "daily_send_cap": 50, "owner": f.MANAGER}


def test_hole9_sequence_owner_and_managers_may_change_it():
	seq = _sequence(f.OPERATOR_B)
	for user, cap in ((f.OPERATOR_B, 10), (f.MANAGER, 20)):
		frappe.set_user(user)
		doc = frappe.get_doc("KOL Outreach Sequence", seq.name)
		doc.daily_send_cap = cap
		doc.save()
		assert frappe.db.get_value("KOL Outreach Sequence", seq.name, "daily_send_cap") == cap
	frappe.set_user(f.OPERATOR_A)
	assert frappe.has_permission("KOL Outreach Sequence", "write", seq.name) is False
	assert frappe.has_permission("KOL Outreach Sequence", "create") is True  # their own, as before
	own = _sequence(f.OPERATOR_A)
	frappe.set_user(f.OPERATOR_A)
	assert frappe.has_permission("KOL Outreach Sequence", "write", own.name) is True


@pytest.fixture
def committed_sequence():
	seq = _sequence(f.OPERATOR_B)
	frappe.db.commit()
	yield seq
	frappe.db.rollback()
	frappe.set_user("Administrator")
	frappe.delete_doc("KOL Outreach Sequence", seq.name, force=True)
	frappe.db.commit()


def test_hole9_http_sequence_edit_by_another_operator_refused(committed_sequence):
	name = committed_sequence.name
	path = f"/api/resource/KOL Outreach Sequence/{name}"
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	assert session.get(path).status_code == 200
	response = session.request("PUT", path, json={"enabled": 0})
	assert response.status_code == 403, response.get_data(as_text=True)
	response = session.post(
		"/api/method/frappe.client.set_value",
		data={"doctype": "KOL Outreach Sequence", "name": name, "fieldname": "enabled", "value": 0},
	)
	assert response.status_code == 403, response.get_data(as_text=True)
	assert session.request("DELETE", path).status_code == 403
	frappe.db.rollback()
	assert frappe.db.get_value("KOL Outreach Sequence", name, "enabled") == 1
	owner = ApiSession(f.OPERATOR_B, f.PASSWORD)
	response = owner.request("PUT", path, json={"enabled": 0})
	assert response.status_code == 200, response.get_data(as_text=True)
	assert owner.json(response)["data"]["enabled"] == 0


# ---------------------------------------------------------------- (b) one address per email field

SEVERAL_ADDRESSES = [
	"a@x.com, b@attacker.com",
	"a@x.com,b@attacker.com",
	"a@x.com; b@attacker.com",
	"a@x.com b@attacker.com",
	"a@x.com\nb@attacker.com",
	"Someone <b@attacker.com>",
]


@pytest.mark.parametrize("value", SEVERAL_ADDRESSES)
@pytest.mark.parametrize("fieldname", ["email", "agent_email"])
def test_hole9_kol_email_must_be_exactly_one_address(fieldname, value):
	kol = f.make_kol()
	before = frappe.db.get_value("KOL", kol.name, fieldname)
	doc = frappe.get_doc("KOL", kol.name)
	doc.set(fieldname, value)
	with pytest.raises(frappe.ValidationError, match="give exactly one address"):
		doc.save()
	assert frappe.db.get_value("KOL", kol.name, fieldname) == before
	with pytest.raises(frappe.ValidationError, match="give exactly one address"):
		f.make_kol(**{fieldname: value})


def test_single_addresses_are_still_accepted_and_trimmed():
	kol = f.make_kol(email="  Creator.One+kol@Example.COM ", agent_email="agent@agency.example")
	assert frappe.db.get_value("KOL", kol.name, ["email", "agent_email"]) == (
		"Creator.One+kol@Example.COM",
		"agent@agency.example",
	)


@pytest.mark.parametrize("value", SEVERAL_ADDRESSES)
def test_hole9_application_email_must_be_exactly_one_address(value):
	app = frappe.get_doc(
		{
			"doctype": "KOL Application",
			"applicant_name": "Creator",
			"email": value,
			"platforms": [{"platform": "Douyin", "handle": "ok_handle", "followers": 10}],
		}
	)
	with pytest.raises(frappe.ValidationError, match="give exactly one address"):
		app.insert(ignore_permissions=True)


@pytest.fixture
def committed_kol():
	frappe.set_user("Administrator")
	kol = f.make_kol(operator=f.OPERATOR_A)
	frappe.db.commit()
	yield kol
	frappe.db.rollback()
	frappe.set_user("Administrator")
	for name in frappe.get_all("KOL Interaction", {"kol": kol.name}, pluck="name"):
		frappe.delete_doc("KOL Interaction", name, force=True)
	frappe.delete_doc("KOL", kol.name, force=True)
	frappe.db.commit()


def test_hole9_http_comma_email_refused(committed_kol):
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	response = session.request(
		"PUT", f"/api/resource/KOL/{committed_kol.name}", json={"email": "a@x.com, b@attacker.com"}
	)
	assert response.status_code == 417, response.get_data(as_text=True)
	assert "give exactly one address" in response.get_data(as_text=True)
	frappe.db.rollback()
	assert frappe.db.get_value("KOL", committed_kol.name, "email") == committed_kol.email


# ---------------------------------------------------------------- (c) interactions in someone's name


def _interaction(kol: str, **kwargs):
	return frappe.get_doc(
		{"doctype": "KOL Interaction", "kol": kol, "interaction_type": "Call", "summary": "Call", **kwargs}
	)


def test_hole9_operator_cannot_log_an_interaction_in_another_operators_name():
	kol = f.make_kol(operator=f.OPERATOR_A)
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.PermissionError, match="in your own name"):
		_interaction(kol.name, operator=f.OPERATOR_B).insert()
	assert frappe.db.count("KOL Interaction", {"kol": kol.name}) == 0
	assert _interaction(kol.name).insert().operator == f.OPERATOR_A
	mine = _interaction(kol.name, operator=f.OPERATOR_A).insert()
	assert mine.operator == f.OPERATOR_A
	# nor hand an existing one to someone else
	doc = frappe.get_doc("KOL Interaction", mine.name)
	doc.operator = f.OPERATOR_B
	with pytest.raises(frappe.PermissionError, match="in your own name"):
		doc.save()
	assert frappe.db.get_value("KOL Interaction", mine.name, "operator") == f.OPERATOR_A
	# other fields stay editable
	doc = frappe.get_doc("KOL Interaction", mine.name)
	doc.outcome = "Agreed to a second call"
	doc.save()


def test_manager_may_log_an_interaction_for_an_operator():
	kol = f.make_kol(operator=f.OPERATOR_B)
	frappe.set_user(f.MANAGER)
	doc = _interaction(kol.name, operator=f.OPERATOR_B).insert()
	assert frappe.db.get_value("KOL Interaction", doc.name, "operator") == f.OPERATOR_B
	doc.operator = f.OPERATOR_A
	doc.save()
	assert frappe.db.get_value("KOL Interaction", doc.name, "operator") == f.OPERATOR_A


def test_hole9_http_interaction_in_anothers_name_refused(committed_kol):
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	values = {"kol": committed_kol.name, "interaction_type": "Call", "summary": "Intro call"}
	response = session.post("/api/resource/KOL Interaction", json={**values, "operator": f.OPERATOR_B})
	assert response.status_code == 403, response.get_data(as_text=True)
	assert "in your own name" in response.get_data(as_text=True)
	frappe.db.rollback()
	assert frappe.db.count("KOL Interaction", {"kol": committed_kol.name}) == 0
	response = session.post("/api/resource/KOL Interaction", json=values)
	assert response.status_code == 200, response.get_data(as_text=True)
	created = session.json(response)["data"]
	assert created["operator"] == f.OPERATOR_A
	response = session.request(
		"PUT", f"/api/resource/KOL Interaction/{created['name']}", json={"operator": f.OPERATOR_B}
	)
	assert response.status_code == 403, response.get_data(as_text=True)
	frappe.db.rollback()
	assert frappe.db.get_value("KOL Interaction", created["name"], "operator") == f.OPERATOR_A
