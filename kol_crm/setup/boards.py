"""The Kanban Boards kol_crm ships: KOLs by lifecycle state (one board per intake path), KOL
Proposals by approval state and KOL Content by review state.

Like the records in ``kol_crm.setup.records``, a board is created when missing on install and on
every migrate and never changed afterwards: its columns, card fields, filters and order are the
administrator's once it exists. Moving a card on these boards runs the workflow action for that
transition (``kol_crm.overrides.kanban``).
"""

import json

import frappe

from kol_crm.workflows.kol_content import DEFINITION as CONTENT_REVIEW
from kol_crm.workflows.kol_lifecycle import EXTERNAL, EXTERNAL_STATES, INTERNAL, INTERNAL_STATES
from kol_crm.workflows.kol_proposal import CLOSED_STATES as PROPOSAL_CLOSED_STATES
from kol_crm.workflows.kol_proposal import OPEN_STATES as PROPOSAL_OPEN_STATES

KOL_CARD_FIELDS = ("tier", "score_overall", "operator", "next_follow_up_on")
PROPOSAL_CARD_FIELDS = ("kol_name", "budget", "valid_until")
CONTENT_CARD_FIELDS = ("kol_name", "deliverable_description", "due_date")

EXTERNAL_BOARD = "KOL External Intake"
INTERNAL_BOARD = "KOL Internal Cultivation"
PROPOSAL_BOARD = "KOL Proposal Approval"
CONTENT_BOARD = "KOL Content Review"


def _kol_board(name: str, path: str, intake_states: tuple[str, ...], closed: str) -> dict:
	return {
		"name": name,
		"reference_doctype": "KOL",
		"filters": [["KOL", "intake_path", "=", path, False]],
		"fields": KOL_CARD_FIELDS,
		"columns": (*intake_states, "Active", "Dormant", closed, "Offboarded"),
	}


BOARDS = (
	_kol_board(EXTERNAL_BOARD, EXTERNAL, EXTERNAL_STATES, "Declined"),
	_kol_board(INTERNAL_BOARD, INTERNAL, INTERNAL_STATES, "Dropped"),
	{
		"name": PROPOSAL_BOARD,
		"reference_doctype": "KOL Proposal",
		"filters": [],
		"fields": PROPOSAL_CARD_FIELDS,
		"columns": (*PROPOSAL_OPEN_STATES, *PROPOSAL_CLOSED_STATES),
	},
	{
		"name": CONTENT_BOARD,
		"reference_doctype": "KOL Content",
		"filters": [],
		"fields": CONTENT_CARD_FIELDS,
		"columns": tuple(CONTENT_REVIEW.state_names),
	},
)
BOARD_NAMES = tuple(board["name"] for board in BOARDS)


def board_record(board: dict) -> dict:
	return {
		"doctype": "Kanban Board",
		"kanban_board_name": board["name"],
		"reference_doctype": board["reference_doctype"],
		"field_name": "workflow_state",
		"private": 0,
		"show_labels": 1,
		# Frappe's Kanban Board reads the first filter of a non-empty value: no filters is no value
		"filters": json.dumps(board["filters"]) if board["filters"] else None,
		"fields": json.dumps(list(board["fields"])),
		"columns": [{"column_name": state, "status": "Active"} for state in board["columns"]],
	}


def ensure_boards() -> None:
	"""Create the shipped boards that are missing; an existing board is the administrator's."""
	for board in BOARDS:
		if not frappe.db.exists("Kanban Board", board["name"]):
			# the app ships its boards (Kanban Board is created by whoever may write it)
			frappe.get_doc(board_record(board)).insert(ignore_permissions=True)


def remove_boards() -> None:
	"""On uninstall: the shipped boards go with the KOL, KOL Proposal and KOL Content DocTypes."""
	for name in BOARD_NAMES:
		frappe.delete_doc_if_exists("Kanban Board", name, force=True)
