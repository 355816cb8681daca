"""Issue 9: each kind of hole has a test named for it (test_holeN_...).

Write paths are tried as operator A on operator B's records, in process and over HTTP; the read
paths of every endpoint are in test_security_matrix.py and the expression fuzz in
test_security_fuzz.py.
"""

import json

import frappe
import pytest
from frappe.desk.form.assign_to import add as assign_to

from tests import factories as f
from tests.api import ApiSession


@pytest.fixture(scope="module")
def b_records():
	"""Committed records of operator B (HTTP requests read them on their own connection)."""
	frappe.set_user("Administrator")
	kol = f.make_kol(
		operator=f.OPERATOR_B, phone=f.unique_phone(), wechat="wx_" + frappe.generate_hash(length=8)
	)
	mine = f.make_kol(operator=f.OPERATOR_A)
	proposal = f.make_proposal(kol.name)
	interaction = frappe.get_doc(
		{"doctype": "KOL Interaction", "kol": kol.name, "interaction_type": "Call", "summary": "B's call"}
	).insert()
	frappe.db.commit()
	yield frappe._dict(kol=kol, mine=mine, proposal=proposal, interaction=interaction)
	frappe.set_user("Administrator")
	for doctype in ("ToDo",):
		for name in frappe.get_all(
			doctype, filters={"reference_name": ["in", [kol.name, mine.name]]}, pluck="name"
		):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
	for doc in (interaction, proposal, kol, mine):
		frappe.delete_doc(doc.doctype, doc.name, force=True, ignore_permissions=True)
	frappe.db.commit()


def _stored(doctype, name, *fields):
	return frappe.db.get_value(doctype, name, list(fields), as_dict=True)


def _committed_email_from_kol(b, subject: str, content: str | None = None):
	"""An email received from B's KOL, filed on its timeline and committed (HTTP reads it)."""
	frappe.set_user("Administrator")
	comm = frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Email",
			"sent_or_received": "Received",
			"sender": b.kol.email,
			"recipients": "team@kol-test.example",
			"subject": subject,
			"content": content,
			"reference_doctype": "KOL",
			"reference_name": b.kol.name,
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()
	return comm


# ------------------------------------------------ 2. decided on the stored document


def test_hole2_operator_cannot_take_a_kol_by_setting_operator(b_records):
	frappe.set_user(f.OPERATOR_A)
	doc = frappe.get_doc("KOL", b_records.kol.name)
	doc.operator = f.OPERATOR_A
	frappe.flags.error_message = None
	with pytest.raises(frappe.PermissionError):
		doc.save()
	assert frappe.flags.error_message.startswith("Insufficient Permission for KOL")
	frappe.set_user("Administrator")
	assert _stored("KOL", b_records.kol.name, "operator").operator == f.OPERATOR_B


def test_hole2_rest_put_operator_or_assign_on_anothers_kol_is_refused(b_records):
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	for payload in ({"operator": f.OPERATOR_A}, {"_assign": json.dumps([f.OPERATOR_A])}):
		response = session.request("PUT", f"/api/resource/KOL/{b_records.kol.name}", json=payload)
		assert response.status_code == 403, response.get_data(as_text=True)
	stored = _stored("KOL", b_records.kol.name, "operator", "_assign")
	assert stored.operator == f.OPERATOR_B
	assert f.OPERATOR_A not in (stored._assign or "")


def test_hole2_operator_cannot_give_away_own_kol():
	kol = f.make_kol(operator=f.OPERATOR_A)
	frappe.set_user(f.OPERATOR_A)
	doc = frappe.get_doc("KOL", kol.name)
	doc.operator = f.OPERATOR_B
	with pytest.raises(frappe.PermissionError, match="Only a KOL Manager can change the operator"):
		doc.save()
	# nor create one in another operator's name
	with pytest.raises(frappe.PermissionError, match="You can only create KOLs that you own"):
		f.make_kol(operator=f.OPERATOR_B)


def test_hole2_manager_may_reassign_a_kol():
	kol = f.make_kol(operator=f.OPERATOR_A)
	frappe.set_user(f.MANAGER)
	doc = frappe.get_doc("KOL", kol.name)
	doc.operator = f.OPERATOR_B
	doc.save()
	assert _stored("KOL", kol.name, "operator").operator == f.OPERATOR_B


def test_hole2_assign_sent_in_a_save_is_ignored():
	kol = f.make_kol(operator=f.OPERATOR_A)
	frappe.set_user(f.OPERATOR_A)
	doc = frappe.get_doc("KOL", kol.name)
	doc.set("_assign", json.dumps([f.OPERATOR_B]))
	doc.save()
	assert _stored("KOL", kol.name, "_assign")._assign in (None, "", "[]")


def test_hole2_bulk_update_cannot_take_kols(b_records):
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	response = session.post(
		"/api/method/frappe.desk.doctype.bulk_update.bulk_update.submit_cancel_or_update_docs",
		data={
			"doctype": "KOL",
			"action": "update",
			"docnames": json.dumps([b_records.kol.name]),
			"data": json.dumps({"operator": f.OPERATOR_A}),
		},
	)
	assert response.status_code in (200, 403, 417), response.get_data(as_text=True)
	assert _stored("KOL", b_records.kol.name, "operator").operator == f.OPERATOR_B


def test_hole2_relinking_a_record_to_or_from_anothers_kol_is_refused(b_records):
	frappe.set_user(f.OPERATOR_A)
	# take B's interaction by pointing it at my KOL
	doc = frappe.get_doc("KOL Interaction", b_records.interaction.name)
	doc.kol = b_records.mine.name
	with pytest.raises(frappe.PermissionError):
		doc.save()
	# push my interaction onto B's KOL
	own = frappe.get_doc(
		{"doctype": "KOL Interaction", "kol": b_records.mine.name, "interaction_type": "Call", "summary": "x"}
	).insert()
	own.kol = b_records.kol.name
	with pytest.raises(frappe.PermissionError):
		own.save()
	frappe.set_user("Administrator")
	assert _stored("KOL Interaction", b_records.interaction.name, "kol").kol == b_records.kol.name
	assert _stored("KOL Interaction", own.name, "kol").kol == b_records.mine.name


def test_hole2_rest_put_kol_on_anothers_proposal_is_refused(b_records):
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	response = session.request(
		"PUT", f"/api/resource/KOL Proposal/{b_records.proposal.name}", json={"kol": b_records.mine.name}
	)
	assert response.status_code == 403
	assert _stored("KOL Proposal", b_records.proposal.name, "kol").kol == b_records.kol.name


# ------------------------------------------------ 3. self-assignment


def test_hole3_todo_insert_cannot_assign_anothers_kol(b_records):
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	response = session.post(
		"/api/resource/ToDo",
		json={
			"allocated_to": f.OPERATOR_A,
			"reference_type": "KOL",
			"reference_name": b_records.kol.name,
			"description": "mine now",
			"assignment_rule": "KOL Operator Round Robin",
		},
	)
	assert response.status_code == 403, response.get_data(as_text=True)
	stored = _stored("KOL", b_records.kol.name, "operator", "_assign")
	assert stored.operator == f.OPERATOR_B
	assert f.OPERATOR_A not in (stored._assign or "")


def test_hole3_assign_to_api_needs_write_access(b_records):
	# an analyst reads every KOL, but may not hand one to an operator
	session = ApiSession(f.ANALYST, f.PASSWORD)
	response = session.post(
		"/api/method/frappe.desk.form.assign_to.add",
		data={"doctype": "KOL", "name": b_records.kol.name, "assign_to": json.dumps([f.OPERATOR_A])},
	)
	assert response.status_code == 403, response.get_data(as_text=True)
	assert f.OPERATOR_A not in (_stored("KOL", b_records.kol.name, "_assign")._assign or "")


def test_hole3_repointing_own_todo_at_anothers_kol_is_refused(b_records):
	frappe.set_user(f.OPERATOR_A)
	todo = frappe.get_doc(
		{
			"doctype": "ToDo",
			"allocated_to": f.OPERATOR_A,
			"reference_type": "KOL",
			"reference_name": b_records.mine.name,
			"description": "follow up",
		}
	).insert()
	todo.reference_name = b_records.kol.name
	with pytest.raises(frappe.PermissionError, match="You can only assign KOL records that you may edit"):
		todo.save()


def test_hole3_child_rows_are_assigned_with_their_parent():
	"""A KOL's occasion row is the KOL's data: an analyst (who reads it) may not assign it, not
	even to themselves; the owning operator may. (Unchecked, the first ToDo on a child table made
	Frappe add its ``_assign`` column, and that ALTER TABLE committed the refused request.)"""
	from frappe.database.schema import add_column

	if not frappe.db.has_column("KOL Occasion", "_assign"):
		add_column("KOL Occasion", "_assign", "Text")  # DDL commits: before this test's records
	kol = f.make_kol(
		operator=f.OPERATOR_B, occasions=[{"occasion_date": "2000-05-17", "occasion": "Birthday"}]
	)
	row = kol.occasions[0].name
	frappe.set_user(f.ANALYST)
	assert frappe.has_permission("KOL Occasion", "read", doc=kol.occasions[0])
	with pytest.raises(frappe.PermissionError, match="You can only assign KOL Occasion records"):
		assign_to({"doctype": "KOL Occasion", "name": row, "assign_to": [f.ANALYST]})
	assert not frappe.get_all("ToDo", filters={"reference_type": "KOL Occasion", "reference_name": row})
	frappe.set_user(f.OPERATOR_B)
	assign_to({"doctype": "KOL Occasion", "name": row, "assign_to": [f.OPERATOR_B]})
	assert frappe.get_all(
		"ToDo", filters={"reference_type": "KOL Occasion", "reference_name": row}, pluck="allocated_to"
	) == [f.OPERATOR_B]


def test_hole3_operator_may_still_assign_own_kol():
	kol = f.make_kol(operator=f.OPERATOR_A)
	frappe.set_user(f.OPERATOR_A)
	assign_to({"doctype": "KOL", "name": kol.name, "assign_to": [f.OPERATOR_B]})
	assert f.OPERATOR_B in json.loads(_stored("KOL", kol.name, "_assign")._assign)


def test_hole3_assignment_rule_todo_for_an_owned_kol_is_refused(b_records):
	rule = frappe.get_doc("Assignment Rule", "KOL Operator Round Robin")
	rule.disabled = 0
	rule.set("users", [{"user": f.OPERATOR_A}])
	rule.flags.ignore_permissions = True
	rule.save()
	frappe.set_user(f.OPERATOR_A)
	todo = frappe.get_doc(
		{
			"doctype": "ToDo",
			"allocated_to": f.OPERATOR_A,
			"reference_type": "KOL",
			"reference_name": b_records.kol.name,
			"assignment_rule": "KOL Operator Round Robin",
			"description": "round robin",
		}
	)
	with pytest.raises(frappe.PermissionError, match="You can only assign KOL records"):
		todo.insert(ignore_permissions=True)


# ------------------------------------------------ 6. child tables and records with no row rule


@pytest.mark.parametrize(
	"child,parent",
	[
		("KOL Platform Account", "KOL"),
		("KOL Deliverable", "KOL Proposal"),
		("KOL Benefit", "KOL Proposal"),
	],
)
def test_hole6_child_rows_follow_their_parents_row_rule(b_records, child, parent):
	parent_name = b_records.kol.name if parent == "KOL" else b_records.proposal.name
	frappe.set_user(f.OPERATOR_A)
	rows = frappe.get_list(
		child, filters={"parent": parent_name}, fields=["name"], parent_doctype=parent, limit_page_length=0
	)
	assert rows == []
	frappe.set_user(f.MANAGER)
	rows = frappe.get_list(
		child, filters={"parent": parent_name}, fields=["name"], parent_doctype=parent, limit_page_length=0
	)
	assert len(rows) >= 1


def test_hole6_rest_child_table_list_hides_anothers_rows(b_records):
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	handle = b_records.kol.platform_accounts[0].handle
	response = session.get(
		"/api/resource/KOL Platform Account",
		query_string={
			"fields": json.dumps(["name", "handle", "parent"]),
			"filters": json.dumps({"parent": b_records.kol.name}),
			"parent": "KOL",
			"limit_page_length": 0,
		},
	)
	assert handle not in response.get_data(as_text=True)


def test_hole6_child_query_conditions_cover_every_child_table():
	from kol_crm.permissions import guarded_doctypes

	hooks = frappe.get_hooks("permission_query_conditions")
	missing = sorted(dt for dt in guarded_doctypes() if dt not in hooks)
	assert missing == []


def test_hole6_operator_sees_only_own_candidate_imports():
	frappe.set_user(f.OPERATOR_B)
	theirs = frappe.get_doc({"doctype": "KOL Candidate Import"}).insert(ignore_mandatory=True)
	frappe.set_user(f.OPERATOR_A)
	assert theirs.name not in frappe.get_list("KOL Candidate Import", pluck="name", limit_page_length=0)
	assert not frappe.has_permission("KOL Candidate Import", "read", theirs.name)
	frappe.set_user(f.MANAGER)
	assert theirs.name in frappe.get_list("KOL Candidate Import", pluck="name", limit_page_length=0)


def test_hole6_operator_sees_applications_of_own_kols_only():
	mine = f.make_kol(operator=f.OPERATOR_A)
	theirs = f.make_kol(operator=f.OPERATOR_B)
	apps = {}
	for kol in (mine, theirs):
		app = frappe.get_doc(
			{
				"doctype": "KOL Application",
				"applicant_name": "Applicant",
				"email": f.unique() + "@apply.example",
				"platforms": [{"platform": "Bilibili", "handle": "@" + f.unique()}],
			}
		)
		app.flags.ignore_permissions = True
		app.insert()
		frappe.db.set_value("KOL Application", app.name, "kol", kol.name)
		apps[kol.name] = app.name
	frappe.set_user(f.OPERATOR_A)
	visible = frappe.get_list("KOL Application", pluck="name", limit_page_length=0)
	assert apps[mine.name] in visible
	assert apps[theirs.name] not in visible


# ------------------------------------------------ 1. SQL in filters


@pytest.mark.parametrize(
	"filters",
	[
		'"1=1 or 1=1"',
		'["1=1 or 1=1"]',
		'[["KOL", "name", "like", "%"], "`tabKOL`.operator is not null or 1=1"]',
	],
)
def test_hole1_get_count_refuses_sql_string_filters(b_records, filters):
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	response = session.get(
		"/api/method/frappe.client.get_count", query_string={"doctype": "KOL", "filters": filters}
	)
	assert response.status_code == 403, response.get_data(as_text=True)
	assert "must be conditions on fields, not SQL" in response.get_data(as_text=True)


def test_hole1_get_count_still_counts_own_rows(b_records):
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	names = [b_records.kol.name, b_records.mine.name]
	response = session.get(
		"/api/method/frappe.client.get_count",
		query_string={"doctype": "KOL", "filters": json.dumps({"name": ["in", names]})},
	)
	assert session.json(response)["message"] == 1


def test_hole1_string_filter_refused_in_get_list_for_every_role():
	frappe.set_user(f.MANAGER)
	with pytest.raises(frappe.PermissionError, match="must be conditions on fields, not SQL"):
		frappe.get_list("KOL", filters=["1=1 or (select 1 from tabSessions limit 1)"])


# ------------------------------------------------ 4. search and counting endpoints


def test_hole4_search_link_ignore_user_permissions_keeps_the_row_rule(b_records):
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	for method in ("search_link", "search_widget"):
		response = session.get(
			f"/api/method/frappe.desk.search.{method}",
			query_string={
				"doctype": "KOL",
				"txt": "Test KOL",
				"ignore_user_permissions": 1,
				"page_length": 500,
			},
		)
		assert response.status_code == 200, response.get_data(as_text=True)
		body = response.get_data(as_text=True)
		assert b_records.kol.name not in body
		assert b_records.mine.name in body


def test_hole4_search_link_still_finds_what_core_finds(b_records):
	session = ApiSession(f.MANAGER, f.PASSWORD)
	response = session.get(
		"/api/method/frappe.desk.search.search_link",
		query_string={"doctype": "KOL", "txt": b_records.kol.kol_name},
	)
	assert [row["value"] for row in session.json(response)["message"]] == [b_records.kol.name]


def test_hole4_group_by_count_of_assignments_applies_the_row_rule(b_records):
	frappe.set_user("Administrator")
	assign_to({"doctype": "KOL", "name": b_records.kol.name, "assign_to": [f.MANAGER_2]})
	frappe.db.commit()
	try:
		session = ApiSession(f.OPERATOR_A, f.PASSWORD)
		response = session.get(
			"/api/method/frappe.desk.listview.get_group_by_count",
			query_string={"doctype": "KOL", "current_filters": "{}", "field": "assigned_to"},
		)
		assert response.status_code == 200
		assert f.MANAGER_2 not in response.get_data(as_text=True)
		manager = ApiSession(f.MANAGER, f.PASSWORD)
		rows = manager.json(
			manager.get(
				"/api/method/frappe.desk.listview.get_group_by_count",
				query_string={
					"doctype": "KOL",
					"current_filters": json.dumps({"name": b_records.kol.name}),
					"field": "assigned_to",
				},
			)
		)["message"]
		assert rows == [{"name": f.MANAGER_2, "count": 1}]
		# an analyst can't use the assignment counts as an oracle on a personal field
		analyst = ApiSession(f.ANALYST, f.PASSWORD)
		response = analyst.get(
			"/api/method/frappe.desk.listview.get_group_by_count",
			query_string={
				"doctype": "KOL",
				"current_filters": json.dumps({"email": ["like", b_records.kol.email[:3] + "%"]}),
				"field": "assigned_to",
			},
		)
		assert response.status_code == 403
	finally:
		frappe.set_user("Administrator")
		for name in frappe.get_all(
			"ToDo", filters={"reference_name": b_records.kol.name, "allocated_to": f.MANAGER_2}, pluck="name"
		):
			frappe.delete_doc("ToDo", name, force=True, ignore_permissions=True)
		frappe.db.set_value("KOL", b_records.kol.name, "_assign", None)
		frappe.db.commit()


def test_hole4_number_card_result_refuses_an_aggregate_of_a_personal_field(b_records):
	session = ApiSession(f.ANALYST, f.PASSWORD)
	card = {"function": "Maximum", "aggregate_function_based_on": "email", "document_type": "KOL"}
	response = session.post(
		"/api/method/frappe.desk.doctype.number_card.number_card.get_result",
		data={"doc": json.dumps(card), "filters": json.dumps([["KOL", "name", "=", b_records.kol.name]])},
	)
	assert response.status_code == 403
	assert b_records.kol.email not in response.get_data(as_text=True)


def test_hole4_get_value_of_anothers_kol_returns_nothing(b_records):
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	response = session.get(
		"/api/method/frappe.client.get_value",
		query_string={
			"doctype": "KOL",
			"fieldname": json.dumps(["email", "kol_name"]),
			"filters": b_records.kol.name,
		},
	)
	body = response.get_data(as_text=True)
	assert b_records.kol.email not in body and b_records.kol.kol_name not in body


# ------------------------------------------------ 5. field-level bypasses for analysts


@pytest.mark.parametrize(
	"fields",
	[
		["name", "replace(kol_name,kol_name,email) as e"],
		["name", "EMAIL"],
		["name", "`tabKOL`.`email` as contact"],
		["name", "max(email) as m"],
		["name", "concat(email) as c"],
	],
)
def test_hole5_analyst_field_expressions_refused(b_records, fields):
	frappe.set_user(f.ANALYST)
	with pytest.raises(
		(frappe.PermissionError, frappe.DataError),
		match=r"not allowed in a query|not permitted to read|restricted",
	):
		frappe.get_list("KOL", fields=fields, filters={"name": b_records.kol.name})


@pytest.mark.parametrize(
	"kwargs",
	[
		{"filters": [["KOL", "EMAIL", "=", "x"]]},
		{"filters": {"ifnull(email,'')": ["like", "a%"]}},
		{"order_by": "EMAIL desc"},
		{"order_by": "ifnull(email,'') asc"},
		{"group_by": "`tabKOL`.`email`"},
		{"or_filters": [["KOL", "phone", "like", "+86%"]]},
	],
)
def test_hole5_analyst_filter_sort_group_variants_refused(b_records, kwargs):
	frappe.set_user(f.ANALYST)
	with pytest.raises(frappe.PermissionError, match=r"not allowed in a query|not permitted to filter"):
		frappe.get_list("KOL", **kwargs)


def test_hole5_analyst_plain_personal_fields_are_dropped_not_refused(b_records):
	frappe.set_user(f.ANALYST)
	rows = frappe.get_list(
		"KOL", fields=["name", "email", "`tabKOL`.`phone`"], filters={"name": b_records.kol.name}
	)
	assert rows == [{"name": b_records.kol.name}]


def test_hole5_version_history_masks_personal_fields_for_analysts(b_records):
	frappe.set_user("Administrator")
	kol = frappe.get_doc("KOL", b_records.kol.name)
	old_email = kol.email
	kol.email = "changed." + old_email
	kol.save(ignore_version=False)  # tests skip Version records unless asked
	frappe.db.commit()
	try:
		analyst = ApiSession(f.ANALYST, f.PASSWORD)
		response = analyst.get(
			"/api/method/frappe.desk.form.load.getdoc", query_string={"doctype": "KOL", "name": kol.name}
		)
		assert response.status_code == 200
		body = response.get_data(as_text=True)
		assert old_email not in body and kol.email not in body
		versions = analyst.json(response)["docinfo"]["versions"]
		changed = [
			row for v in versions for row in json.loads(v["data"]).get("changed", []) if row[0] == "email"
		]
		assert changed == [["email", "•••", "•••"]]
		# the owner sees the history as Frappe keeps it
		operator = ApiSession(f.OPERATOR_B, f.PASSWORD)
		body = operator.get(
			"/api/method/frappe.desk.form.load.getdoc", query_string={"doctype": "KOL", "name": kol.name}
		).get_data(as_text=True)
		assert old_email in body
	finally:
		frappe.db.set_value("KOL", b_records.kol.name, "email", old_email)
		frappe.db.commit()


def test_hole5_email_timeline_masks_addresses_for_analysts(b_records):
	comm = _committed_email_from_kol(
		b_records, "Re: collaboration", f"Reach me at {b_records.kol.phone} or {b_records.kol.email}"
	)
	try:
		analyst = ApiSession(f.ANALYST, f.PASSWORD)
		for path, params in (
			("frappe.desk.form.load.getdoc", {"doctype": "KOL", "name": b_records.kol.name}),
			("frappe.desk.form.load.get_communications", {"doctype": "KOL", "name": b_records.kol.name}),
		):
			response = analyst.get(f"/api/method/{path}", query_string=params)
			assert response.status_code == 200, response.get_data(as_text=True)
			body = response.get_data(as_text=True)
			assert "Re: collaboration" in body
			assert b_records.kol.email not in body and b_records.kol.phone not in body
	finally:
		frappe.delete_doc("Communication", comm.name, force=True, ignore_permissions=True)
		frappe.db.commit()


# ------------------------------------------------ 10. search_widget filter_fields injection


def test_hole10_search_widget_filter_fields_injection_refused():
	session = ApiSession(f.ANALYST, f.PASSWORD)
	injected = "name`, (select sid from tabSessions where user='Administrator' limit 1) as `x"
	for doctype in ("KOL", "KOL Category", "User"):
		response = session.get(
			"/api/method/frappe.desk.search.search_widget",
			query_string={"doctype": doctype, "txt": "", "filter_fields": json.dumps([injected])},
		)
		assert response.status_code == 403, response.get_data(as_text=True)
		assert "is not a field of" in response.get_data(as_text=True)


def test_hole10_search_widget_valid_filter_fields_still_work():
	session = ApiSession(f.ANALYST, f.PASSWORD)
	response = session.get(
		"/api/method/frappe.desk.search.search_widget",
		query_string={
			"doctype": "KOL Category",
			"txt": "",
			"filter_fields": json.dumps(["parent_kol_category"]),
			"as_dict": 1,
		},
	)
	assert response.status_code == 200, response.get_data(as_text=True)
	assert isinstance(session.json(response)["message"], list)


def test_hole5_analyst_cannot_read_a_kols_email_directly(b_records):
	comm = _committed_email_from_kol(b_records, "Direct read")
	try:
		analyst = ApiSession(f.ANALYST, f.PASSWORD)
		response = analyst.get(f"/api/resource/Communication/{comm.name}")
		assert response.status_code == 403
		assert b_records.kol.email not in response.get_data(as_text=True)
		# the owning operator reads it on the KOL's timeline, unmasked
		owner = ApiSession(f.OPERATOR_B, f.PASSWORD)
		response = owner.get(
			"/api/method/frappe.desk.form.load.get_communications",
			query_string={"doctype": "KOL", "name": b_records.kol.name},
		)
		assert [c["sender"] for c in owner.json(response)["message"]] == [b_records.kol.email]
	finally:
		frappe.delete_doc("Communication", comm.name, force=True, ignore_permissions=True)
		frappe.db.commit()


@pytest.mark.parametrize(
	"path",
	[
		"/api/method/frappe.client.get?doctype=KOL Platform Account&parent=KOL&name={row}",
		"/api/resource/KOL Platform Account/{row}?parent=KOL",
		"/api/v2/document/KOL Platform Account/{row}",
	],
)
def test_hole6_child_row_opened_by_name_follows_its_parent(b_records, path):
	row = b_records.kol.platform_accounts[0]
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	response = session.get(path.format(row=row.name))
	assert response.status_code == 403, response.get_data(as_text=True)
	assert row.handle not in response.get_data(as_text=True)
	owner = ApiSession(f.OPERATOR_B, f.PASSWORD)
	response = owner.get(path.format(row=row.name))
	assert response.status_code == 200
	assert row.handle in response.get_data(as_text=True)


def test_hole6_child_row_cannot_be_moved_to_own_kol(b_records):
	row = b_records.kol.platform_accounts[0]
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	response = session.request(
		"PUT",
		f"/api/resource/KOL Platform Account/{row.name}",
		json={"parent": b_records.mine.name, "handle": "@taken"},
	)
	assert response.status_code == 403, response.get_data(as_text=True)
	stored = _stored("KOL Platform Account", row.name, "parent", "handle")
	assert (stored.parent, stored.handle) == (b_records.kol.name, row.handle)


@pytest.mark.parametrize(
	"method,data",
	[
		(
			"frappe.client.set_value",
			lambda b: {"doctype": "KOL", "name": b.kol.name, "fieldname": "operator", "value": f.OPERATOR_A},
		),
		(
			"frappe.client.set_value",
			lambda b: {"doctype": "KOL", "name": b.kol.name, "fieldname": "display_name", "value": "taken"},
		),
		(
			"frappe.client.set_value",
			lambda b: {
				"doctype": "KOL Interaction",
				"name": b.interaction.name,
				"fieldname": "kol",
				"value": b.mine.name,
			},
		),
		(
			"frappe.desk.form.save.savedocs",
			lambda b: {
				"doc": json.dumps(
					{
						**frappe.get_doc("KOL", b.kol.name).as_dict(convert_dates_to_str=True),
						"operator": f.OPERATOR_A,
					}
				),
				"action": "Save",
			},
		),
		(
			"frappe.client.save",
			lambda b: {
				"doc": json.dumps(
					{
						**frappe.get_doc("KOL", b.kol.name).as_dict(convert_dates_to_str=True),
						"display_name": "taken",
					}
				)
			},
		),
		("frappe.client.delete", lambda b: {"doctype": "KOL Interaction", "name": b.interaction.name}),
		(
			"frappe.model.rename_doc.update_document_title",
			lambda b: {"doctype": "KOL", "docname": b.kol.name, "title": "taken"},
		),
	],
)
def test_hole2_write_endpoints_refuse_operator_a_on_bs_records(b_records, method, data):
	before = {
		"kol": _stored("KOL", b_records.kol.name, "operator", "display_name", "kol_name", "modified"),
		"interaction": _stored("KOL Interaction", b_records.interaction.name, "kol", "modified"),
	}
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	response = session.post(f"/api/method/{method}", data=data(b_records))
	assert response.status_code in (403, 417), response.get_data(as_text=True)
	assert (
		_stored("KOL", b_records.kol.name, "operator", "display_name", "kol_name", "modified")
		== before["kol"]
	)
	assert _stored("KOL Interaction", b_records.interaction.name, "kol", "modified") == before["interaction"]


def test_list_views_get_the_kol_title_through_the_link_and_nothing_else():
	"""The desk's list views of proposals, partnerships, interactions... ask for the linked KOL's
	title (``kol.kol_name as kol_kol_name``, joined as `tabKOL_1`): allowed for the title field
	only, never for another field of the KOL (a personal one least of all)."""
	from frappe.desk.reportview import get as reportview_get

	kol = f.make_kol(operator=f.OPERATOR_A, kol_name="Title Through Link")
	f.make_proposal(kol.name)
	for user in (f.OPERATOR_A, f.ANALYST, f.MANAGER):
		frappe.set_user(user)
		rows = frappe.get_list(
			"KOL Proposal", filters={"kol": kol.name}, fields=["name", "kol", "kol.kol_name as kol_kol_name"]
		)
		assert [r.kol_kol_name for r in rows] == ["Title Through Link"], user
	# as the list view sends it
	frappe.set_user(f.OPERATOR_A)
	frappe.local.form_dict = frappe._dict(
		doctype="KOL Proposal",
		fields='["`tabKOL Proposal`.`name`", "kol.kol_name as kol_kol_name"]',
		filters=json.dumps([["KOL Proposal", "kol", "=", kol.name]]),
	)
	try:
		result = reportview_get()
	finally:
		frappe.local.form_dict = frappe._dict()
	assert (result["keys"], [row[1] for row in result["values"]]) == (
		["name", "kol_kol_name"],
		["Title Through Link"],
	)
	for field in ("kol.email as e", "kol.strengths as s", "kol.operator as o"):
		for user in (f.OPERATOR_A, f.ANALYST):
			frappe.set_user(user)
			with pytest.raises(frappe.PermissionError, match="KOL_1 can't be queried together"):
				frappe.get_list("KOL Proposal", fields=["name", field])
