"""Kanban moves on kol_crm's workflow boards run the workflow.

Frappe 15's Kanban (``update_order_for_single_card`` / ``update_order``) stores a moved card's
column with ``frappe.set_value`` on the board's field. On a ``workflow_state`` field that skips
the workflow's action: its role checks, conditions and the guards kol_crm runs on a transition.
For a board on a kol_crm DocType's workflow state field a move is instead the workflow action
from the card's STORED state to the target column (``frappe.model.workflow.apply_workflow``):
no transition for the user's roles, no permission on the record, or a refused guard raises the
reason and nothing is stored (the desk puts the card back). Other boards are Frappe's own.
"""

import json

import frappe
from frappe import _
from frappe.desk.doctype.kanban_board import kanban_board
from frappe.model.document import Document
from frappe.model.workflow import apply_workflow, get_transitions, get_workflow_name

from kol_crm.overrides.db_query import is_guarded


def is_workflow_board(board) -> bool:
	"""Whether ``board`` is on the workflow state field of a kol_crm DocType."""
	if not is_guarded(board.reference_doctype):
		return False
	workflow = get_workflow_name(board.reference_doctype)
	if not workflow:
		return False
	return board.field_name == frappe.get_cached_value("Workflow", workflow, "workflow_state_field")


def move_card(doctype: str, docname: str, to_state: str) -> None:
	"""Move a record to ``to_state`` through the workflow action for that transition."""
	doc = frappe.get_doc(doctype, docname)
	doc.check_permission("write")
	current = doc.get(frappe.get_cached_value("Workflow", get_workflow_name(doctype), "workflow_state_field"))
	if current == to_state:
		return
	transition = next((t for t in get_transitions(doc) if t.next_state == to_state), None)
	if not transition:
		frappe.throw(
			_("No workflow action you may take moves {0} from {1} to {2}.").format(
				docname, _(current), _(to_state)
			),
			frappe.ValidationError,
		)
	apply_workflow(doc, transition.action)


@frappe.whitelist()
def update_order_for_single_card(
	board_name: str, docname: str, from_colname: str, to_colname: str, old_index: int, new_index: int
) -> Document:
	board = frappe.get_doc("Kanban Board", board_name)
	if not is_workflow_board(board):
		return kanban_board.update_order_for_single_card(
			board_name, docname, from_colname, to_colname, old_index, new_index
		)
	board.check_permission("read")
	move_card(board.reference_doctype, docname, to_colname)
	_place_card(board, docname, to_colname, frappe.parse_json(new_index))
	return board.save(ignore_permissions=True)  # the card order, as Frappe's own move saves it


@frappe.whitelist()
def update_order(board_name: str, order: str) -> tuple[Document, list[dict]]:
	board = frappe.get_doc("Kanban Board", board_name)
	if not is_workflow_board(board):
		return kanban_board.update_order(board_name, order)
	board.check_permission("read")
	order_dict = json.loads(order)
	cards_on_board = [card for cards in order_dict.values() for card in cards]
	stored = dict(
		frappe.get_all(
			board.reference_doctype,
			filters={"name": ("in", cards_on_board)},
			fields=["name", board.field_name],
			as_list=True,
		)
		if cards_on_board
		else []
	)
	updated_cards = []
	for column_name, cards in order_dict.items():
		for card in cards:
			if stored.get(card) != column_name:
				move_card(board.reference_doctype, card, column_name)
				updated_cards.append({"name": card, "column": column_name})
		for column in board.columns:
			if column.column_name == column_name:
				column.order = json.dumps(cards)
	return board.save(ignore_permissions=True), updated_cards


def _place_card(board, docname: str, to_colname: str, new_index: int) -> None:
	for column in board.columns:
		order = [name for name in (frappe.parse_json(column.order) or []) if name != docname]
		if column.column_name == to_colname:
			order.insert(min(int(new_index or 0), len(order)), docname)
		column.order = json.dumps(order)
