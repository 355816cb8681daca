"""Kanban boards kol_crm ships (issue 15): created on install/migrate, kept once an administrator
edits them, and a card move is the workflow action for that transition (roles, row rules, guards).
"""

import json

import frappe
import pytest
from frappe.utils.fixtures import sync_fixtures

from kol_crm.overrides import kanban
from kol_crm.setup import boards, install
from tests import factories as f
from tests.api import ApiSession

SINGLE = "/api/method/frappe.desk.doctype.kanban_board.kanban_board.update_order_for_single_card"
BULK = "/api/method/frappe.desk.doctype.kanban_board.kanban_board.update_order"


@pytest.fixture
def clean_cache():
	yield
	frappe.db.rollback()
	frappe.clear_cache()


def board_values(name: str) -> dict:
	board = frappe.get_doc("Kanban Board", name)
	return {
		"reference_doctype": board.reference_doctype,
		"field_name": board.field_name,
		"filters": json.loads(board.filters) if board.filters else None,
		"fields": json.loads(board.fields),
		"columns": [(c.column_name, c.status) for c in board.columns],
	}


def move(kol_name: str, to_state: str, board: str = boards.EXTERNAL_BOARD):
	return kanban.update_order_for_single_card(board, kol_name, "", to_state, 0, 0)


# ---------------------------------------------------------------- shipped records


def test_boards_are_created_on_install_and_migrate(clean_cache):
	for name in boards.BOARD_NAMES:
		frappe.delete_doc("Kanban Board", name, force=True)
	install.after_install()
	assert board_values(boards.EXTERNAL_BOARD) == {
		"reference_doctype": "KOL",
		"field_name": "workflow_state",
		"filters": [["KOL", "intake_path", "=", "External Intake", False]],
		"fields": ["tier", "score_overall", "operator", "next_follow_up_on"],
		"columns": [
			(state, "Active")
			for state in (
				"Identified",
				"Shortlisted",
				"Contacting",
				"Negotiating",
				"Active",
				"Dormant",
				"Declined",
				"Offboarded",
			)
		],
	}
	assert board_values(boards.INTERNAL_BOARD) == {
		"reference_doctype": "KOL",
		"field_name": "workflow_state",
		"filters": [["KOL", "intake_path", "=", "Internal Cultivation", False]],
		"fields": ["tier", "score_overall", "operator", "next_follow_up_on"],
		"columns": [
			(state, "Active")
			for state in (
				"Spotted",
				"Evaluating",
				"Cultivating",
				"Active",
				"Dormant",
				"Dropped",
				"Offboarded",
			)
		],
	}
	assert board_values(boards.PROPOSAL_BOARD) == {
		"reference_doctype": "KOL Proposal",
		"field_name": "workflow_state",
		"filters": None,
		"fields": ["kol_name", "budget", "valid_until"],
		"columns": [
			(state, "Active")
			for state in (
				"Draft",
				"Pending Approval",
				"Approved",
				"Sent",
				"Countered",
				"Accepted",
				"Rejected",
				"Withdrawn",
			)
		],
	}

	frappe.delete_doc("Kanban Board", boards.PROPOSAL_BOARD, force=True)
	sync_fixtures("kol_crm")
	install.after_migrate()
	assert board_values(boards.PROPOSAL_BOARD)["columns"][0] == ("Draft", "Active")


def test_migrate_keeps_an_administrators_board_edits(clean_cache):
	board = frappe.get_doc("Kanban Board", boards.EXTERNAL_BOARD)
	board.fields = json.dumps(["tier"])
	board.filters = json.dumps(
		[["KOL", "intake_path", "=", "External Intake", False], ["KOL", "tier", "=", "A"]]
	)
	board.columns[-1].status = "Archived"
	board.save()
	expected = board_values(boards.EXTERNAL_BOARD)

	sync_fixtures("kol_crm")
	install.after_migrate()

	assert board_values(boards.EXTERNAL_BOARD) == expected
	assert expected["fields"] == ["tier"]
	assert expected["columns"][-1] == ("Offboarded", "Archived")


# ---------------------------------------------------------------- moves (in process)


def test_kanban_move_to_the_next_state_applies_the_workflow():
	kol = f.make_kol()
	frappe.set_user(f.OPERATOR_A)
	board = move(kol.name, "Shortlisted")
	assert frappe.db.get_value("KOL", kol.name, "workflow_state") == "Shortlisted"
	# apply_workflow records the action on the KOL, a plain set_value would not
	assert frappe.get_all(
		"Comment",
		filters={"reference_doctype": "KOL", "reference_name": kol.name, "comment_type": "Workflow"},
		pluck="content",
	) == ["Shortlisted"]
	order = {c.column_name: json.loads(c.order) for c in board.columns}
	assert order["Shortlisted"][0] == kol.name
	assert kol.name not in order["Identified"]


def test_kanban_move_runs_the_workflow_guards():
	kol = f.make_kol()
	f.set_state(kol, "Negotiating")
	f.make_proposal(kol.name)  # a draft is not an accepted proposal
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.ValidationError, match="accepted KOL Proposal"):
		move(kol.name, "Active")
	assert frappe.db.get_value("KOL", kol.name, "workflow_state") == "Negotiating"


def test_kanban_move_without_a_transition_is_refused():
	kol = f.make_kol()
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.ValidationError, match=f"moves {kol.name} from Identified to Active"):
		move(kol.name, "Active")
	assert frappe.db.get_value("KOL", kol.name, "workflow_state") == "Identified"


def test_kanban_offboard_needs_the_manager_role():
	kol = f.make_kol()
	f.set_state(kol, "Active")
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.ValidationError, match="from Active to Offboarded"):
		move(kol.name, "Offboarded")
	assert frappe.db.get_value("KOL", kol.name, "workflow_state") == "Active"
	frappe.set_user(f.MANAGER)
	move(kol.name, "Offboarded")
	assert frappe.db.get_value("KOL", kol.name, "workflow_state") == "Offboarded"


def test_kanban_bulk_order_runs_the_workflow():
	kol = f.make_kol()
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.ValidationError, match="from Identified to Contacting"):
		kanban.update_order(boards.EXTERNAL_BOARD, json.dumps({"Contacting": [kol.name]}))
	assert frappe.db.get_value("KOL", kol.name, "workflow_state") == "Identified"
	_board, updated = kanban.update_order(boards.EXTERNAL_BOARD, json.dumps({"Shortlisted": [kol.name]}))
	assert updated == [{"name": kol.name, "column": "Shortlisted"}]
	assert frappe.db.get_value("KOL", kol.name, "workflow_state") == "Shortlisted"


def test_kanban_proposal_move_submits_for_approval():
	kol = f.make_kol()
	proposal = f.make_proposal(kol.name, with_terms=False)
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.ValidationError, match="at least one deliverable"):
		kanban.update_order_for_single_card(
			boards.PROPOSAL_BOARD, proposal.name, "", "Pending Approval", 0, 0
		)
	assert frappe.db.get_value("KOL Proposal", proposal.name, "workflow_state") == "Draft"
	frappe.set_user("Administrator")
	ready = f.make_proposal(kol.name)
	frappe.set_user(f.OPERATOR_A)
	kanban.update_order_for_single_card(boards.PROPOSAL_BOARD, ready.name, "", "Pending Approval", 0, 0)
	assert frappe.db.get_value("KOL Proposal", ready.name, "workflow_state") == "Pending Approval"


def test_kanban_other_boards_are_frappes_own():
	kol = f.make_kol()
	board = frappe.get_doc(
		{
			"doctype": "Kanban Board",
			"kanban_board_name": f"Purpose {f.unique()}",
			"reference_doctype": "KOL",
			"field_name": "intake_purpose",
			"columns": [{"column_name": "Acquisition"}, {"column_name": "Activation"}],
		}
	).insert()
	assert kanban.is_workflow_board(board) is False
	assert kanban.is_workflow_board(frappe.get_doc("Kanban Board", boards.EXTERNAL_BOARD)) is True
	kanban.update_order_for_single_card(board.name, kol.name, "Acquisition", "Activation", 0, 0)
	assert frappe.db.get_value("KOL", kol.name, "intake_purpose") == "Activation"


# ---------------------------------------------------------------- over HTTP, as each role


@pytest.fixture(scope="module")
def committed():
	frappe.set_user("Administrator")
	a = f.make_kol(operator=f.OPERATOR_A, phone=f.unique_phone())
	b = f.make_kol(operator=f.OPERATOR_B, phone=f.unique_phone())
	mover = f.make_kol(operator=f.OPERATOR_A, phone=f.unique_phone())
	negotiating = f.make_kol(operator=f.OPERATOR_A, phone=f.unique_phone())
	f.set_state(negotiating, "Negotiating")
	frappe.db.commit()
	yield {"a": a, "b": b, "mover": mover, "negotiating": negotiating}
	frappe.set_user("Administrator")
	for doc in (a, b, mover, negotiating):
		frappe.db.delete("Comment", {"reference_doctype": "KOL", "reference_name": doc.name})
		frappe.delete_doc("KOL", doc.name, force=True)
	frappe.db.commit()


def http_move(session, kol_name: str, to_state: str):
	return session.post(
		SINGLE,
		data={
			"board_name": boards.EXTERNAL_BOARD,
			"docname": kol_name,
			"from_colname": "Identified",
			"to_colname": to_state,
			"old_index": 0,
			"new_index": 0,
		},
	)


def stored_state(name: str) -> str:
	frappe.db.rollback()  # read what the app committed
	return frappe.db.get_value("KOL", name, "workflow_state")


def test_kanban_http_operator_cannot_move_another_operators_kol(committed):
	response = http_move(ApiSession(f.OPERATOR_A, f.PASSWORD), committed["b"].name, "Shortlisted")
	assert response.status_code == 403, response.get_data(as_text=True)
	assert stored_state(committed["b"].name) == "Identified"


def test_kanban_http_analyst_cannot_move_anything(committed):
	session = ApiSession(f.ANALYST, f.PASSWORD)
	for kol in (committed["a"], committed["b"]):
		response = http_move(session, kol.name, "Shortlisted")
		assert response.status_code == 403, response.get_data(as_text=True)
		assert stored_state(kol.name) == "Identified"
	response = session.post(
		BULK,
		data={
			"board_name": boards.EXTERNAL_BOARD,
			"order": json.dumps({"Shortlisted": [committed["a"].name]}),
		},
	)
	assert response.status_code == 403, response.get_data(as_text=True)
	assert stored_state(committed["a"].name) == "Identified"


def test_kanban_http_refused_move_gives_the_workflow_reason(committed):
	response = http_move(ApiSession(f.OPERATOR_A, f.PASSWORD), committed["negotiating"].name, "Active")
	assert response.status_code == 417, response.get_data(as_text=True)
	assert "accepted KOL Proposal" in response.get_data(as_text=True)
	assert stored_state(committed["negotiating"].name) == "Negotiating"


def test_kanban_http_operator_moves_own_kol_and_sees_only_own_cards(committed):
	session = ApiSession(f.OPERATOR_A, f.PASSWORD)
	# the board's cards are the list query with the board's filters: row rules apply
	response = session.post(
		"/api/method/frappe.desk.reportview.get",
		data={
			"doctype": "KOL",
			"fields": json.dumps(["`tabKOL`.`name`"]),
			"filters": json.dumps([["KOL", "intake_path", "=", "External Intake"]]),
			"page_length": 0,
		},
	)
	assert response.status_code == 200, response.get_data(as_text=True)
	message = session.json(response)["message"]
	names = {row[0] for row in message.get("values", [])}
	assert committed["a"].name in names
	assert committed["b"].name not in names

	response = http_move(session, committed["mover"].name, "Shortlisted")
	assert response.status_code == 200, response.get_data(as_text=True)
	assert stored_state(committed["mover"].name) == "Shortlisted"


def test_uninstall_removes_the_shipped_boards_and_install_brings_them_back():
	from kol_crm.setup.boards import BOARD_NAMES, ensure_boards, remove_boards

	remove_boards()
	assert [n for n in BOARD_NAMES if frappe.db.exists("Kanban Board", n)] == []
	ensure_boards()
	assert [n for n in BOARD_NAMES if frappe.db.exists("Kanban Board", n)] == list(BOARD_NAMES)
