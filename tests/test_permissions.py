"""Who sees what: operators see only their own (or assigned) KOLs and everything linked to them;
analysts read every KOL but never the personal (permlevel 1) fields. Checked through the Python
API and over HTTP as a logged-in user of each role."""

import json

import frappe
import pytest
from frappe.desk.form.assign_to import add as assign_to

from tests import factories as f
from tests.api import ApiSession

PERSONAL = ("email", "phone", "wechat", "address")


def _kol_with_records(operator: str):
	kol = f.make_kol(
		operator=operator, phone=f.unique_phone(), wechat="creator_" + frappe.generate_hash(length=6)
	)
	prop = f.make_proposal(kol.name)
	f.accept_proposal(prop)
	from kol_crm.kol_crm.doctype.kol_proposal.kol_proposal import make_partnership

	partnership = make_partnership(prop.name).insert()
	interaction = frappe.get_doc(
		{"doctype": "KOL Interaction", "kol": kol.name, "interaction_type": "Call", "summary": "Intro call"}
	).insert()
	return kol, prop, partnership, interaction


def test_operator_lists_only_their_own_kols_and_linked_records():
	mine = _kol_with_records(f.OPERATOR_A)
	theirs = _kol_with_records(f.OPERATOR_B)
	frappe.set_user(f.OPERATOR_A)
	for doctype, idx in (("KOL", 0), ("KOL Proposal", 1), ("KOL Partnership", 2), ("KOL Interaction", 3)):
		names = frappe.get_list(doctype, pluck="name", limit_page_length=0)
		assert mine[idx].name in names, doctype
		assert theirs[idx].name not in names, doctype


def test_operator_cannot_read_another_operators_records():
	theirs = _kol_with_records(f.OPERATOR_B)
	frappe.set_user(f.OPERATOR_A)
	for doc in theirs:
		assert not frappe.has_permission(doc.doctype, "read", doc.name)
		with pytest.raises(frappe.PermissionError):
			frappe.get_doc(doc.doctype, doc.name).check_permission("read")


def test_operator_cannot_attach_records_to_another_operators_kol():
	theirs = f.make_kol(operator=f.OPERATOR_B)
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc(
			{"doctype": "KOL Interaction", "kol": theirs.name, "interaction_type": "Call", "summary": "x"}
		).insert()


def test_assignment_grants_an_operator_access():
	theirs = f.make_kol(operator=f.OPERATOR_B)
	frappe.set_user(f.OPERATOR_A)
	assert theirs.name not in frappe.get_list("KOL", pluck="name", limit_page_length=0)
	frappe.set_user("Administrator")
	assign_to({"doctype": "KOL", "name": theirs.name, "assign_to": [f.OPERATOR_A]})
	frappe.set_user(f.OPERATOR_A)
	assert theirs.name in frappe.get_list("KOL", pluck="name", limit_page_length=0)
	doc = frappe.get_doc("KOL", theirs.name)
	doc.check_permission("write")
	doc.display_name = "Shared with A"
	doc.save()


def test_operator_creating_a_kol_becomes_its_owner():
	frappe.set_user(f.OPERATOR_A)
	kol = f.make_kol(operator=None)
	assert kol.operator == f.OPERATOR_A


def test_manager_sees_everything():
	a = f.make_kol(operator=f.OPERATOR_A)
	b = f.make_kol(operator=f.OPERATOR_B)
	frappe.set_user(f.MANAGER)
	names = frappe.get_list("KOL", pluck="name", limit_page_length=0)
	assert {a.name, b.name} <= set(names)
	assert frappe.get_list("KOL", filters={"name": a.name}, fields=["email"])[0].email == a.email


def test_analyst_reads_every_kol_but_no_personal_fields():
	a = f.make_kol(operator=f.OPERATOR_A, phone=f.unique_phone())
	frappe.set_user(f.ANALYST)
	assert frappe.has_permission("KOL", "read", a.name)
	assert not frappe.has_permission("KOL", "write", a.name)
	rows = frappe.get_list("KOL", filters={"name": a.name}, fields=["name", "kol_name", *PERSONAL])
	assert rows and rows[0].name == a.name
	assert not any(rows[0].get(field) for field in PERSONAL)
	doc = frappe.get_doc("KOL", a.name)
	doc.apply_fieldlevel_read_permissions()
	assert not any(doc.get(field) for field in PERSONAL)


def test_analyst_cannot_change_kols():
	a = f.make_kol()
	frappe.set_user(f.ANALYST)
	doc = frappe.get_doc("KOL", a.name)
	doc.display_name = "changed"
	with pytest.raises(frappe.PermissionError):
		doc.save()


# ---------------------------------------------------------------- over HTTP


@pytest.fixture(scope="module")
def committed():
	"""Committed records for the HTTP tests (the app reads them on its own connection)."""
	frappe.set_user("Administrator")
	token = frappe.generate_hash(length=6)
	a = f.make_kol(operator=f.OPERATOR_A, kol_name=f"Alpha Creator {token}", phone=f.unique_phone())
	b = f.make_kol(operator=f.OPERATOR_B, kol_name=f"Beta Creator {token}", phone=f.unique_phone())
	frappe.db.commit()
	yield {"a": a, "b": b, "token": token}
	frappe.set_user("Administrator")
	for doc in (a, b):
		frappe.delete_doc("KOL", doc.name, force=True)
	frappe.db.commit()


def _list(session, doctype="KOL", **params):
	params.setdefault("limit_page_length", 0)
	query = {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in params.items()}
	response = session.get(f"/api/resource/{doctype}", query_string=query)
	assert response.status_code == 200, response.get_data(as_text=True)
	return session.json(response)["data"]


def test_rest_operator_sees_only_own_kols(committed):
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	names = [row["name"] for row in _list(session)]
	assert committed["a"].name in names
	assert committed["b"].name not in names
	assert session.get(f"/api/resource/KOL/{committed['a'].name}").status_code == 200
	assert session.get(f"/api/resource/KOL/{committed['b'].name}").status_code == 403


def test_rest_operator_cannot_search_or_export_other_operators_kols(committed):
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	response = session.get(
		"/api/method/frappe.desk.search.search_link",
		query_string={"doctype": "KOL", "txt": committed["token"]},
	)
	assert response.status_code == 200, response.get_data(as_text=True)
	found = [row["value"] for row in session.json(response)["message"]]
	assert committed["a"].name in found and committed["b"].name not in found

	response = session.post(
		"/api/method/frappe.desk.reportview.export_query",
		data={
			"doctype": "KOL",
			"file_format_type": "CSV",
			"fields": json.dumps(["`tabKOL`.`name`", "`tabKOL`.`kol_name`"]),
			"filters": json.dumps([["KOL", "kol_name", "like", f"%{committed['token']}%"]]),
		},
	)
	assert response.status_code == 200, response.get_data(as_text=True)
	exported = response.get_data(as_text=True)
	assert committed["a"].name in exported
	assert committed["b"].name not in exported


def test_rest_analyst_gets_no_personal_fields(committed):
	session = ApiSession(f.ANALYST, f.PASSWORD)
	response = session.get(f"/api/resource/KOL/{committed['b'].name}")
	assert response.status_code == 200
	doc = session.json(response)["data"]
	assert doc["kol_name"] == committed["b"].kol_name
	assert not any(doc.get(field) for field in PERSONAL)
	rows = _list(session, fields=["name", "email", "phone"], filters={"name": committed["b"].name})
	assert rows and not any(row.get("email") or row.get("phone") for row in rows)


def test_rest_operator_reads_personal_fields_of_own_kol(committed):
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	doc = session.json(session.get(f"/api/resource/KOL/{committed['a'].name}"))["data"]
	assert doc["email"] == committed["a"].email
	assert doc["phone"] == committed["a"].phone


def test_rest_guest_reads_nothing(committed):
	session = ApiSession()
	assert session.get(f"/api/resource/KOL/{committed['a'].name}").status_code == 403
	assert session.get("/api/resource/KOL").status_code == 403


@pytest.mark.parametrize("field", ["email", "phone"])
def test_analyst_cannot_narrow_down_personal_fields_by_filtering_or_sorting(field):
	a = f.make_kol(phone=f.unique_phone())
	frappe.set_user(f.ANALYST)
	with pytest.raises(frappe.PermissionError):
		frappe.get_list("KOL", filters={field: ["like", a.get(field)[:6] + "%"]})
	with pytest.raises(frappe.PermissionError):
		frappe.get_list("KOL", or_filters=[["KOL", field, "=", a.get(field)]])
	with pytest.raises(frappe.PermissionError):
		frappe.get_list("KOL", order_by=f"{field} asc")
	# the operator who owns the KOL may
	frappe.set_user(f.OPERATOR_A)
	assert frappe.get_list("KOL", filters={field: a.get(field)}, pluck="name") == [a.name]


def test_counts_respect_row_and_field_permissions(committed):
	operator = ApiSession(f.OPERATOR_A, f.PASSWORD)
	manager = ApiSession(f.MANAGER, f.PASSWORD)
	analyst = ApiSession(f.ANALYST, f.PASSWORD)
	names = {"name": ["in", [committed["a"].name, committed["b"].name]]}

	def count(session, filters):
		response = session.get(
			"/api/method/frappe.client.get_count",
			query_string={"doctype": "KOL", "filters": json.dumps(filters)},
		)
		return response.status_code, session.json(response).get("message")

	assert count(manager, names) == (200, 2)
	assert count(operator, names) == (200, 1)
	status, _ = count(analyst, {"phone": committed["b"].phone})
	assert status == 403
