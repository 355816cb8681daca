"""KOL Lifecycle: one workflow for both intake paths, transitions conditioned on the path.

Every move to Active (Activate, Reactivate) needs the current rules acknowledged (``rules``)."""

import frappe
from frappe import _

from kol_crm.intelligence import rules, selection
from kol_crm.permissions import MANAGER, OPERATOR
from kol_crm.workflows.base import Transition, WorkflowDefinition, changed_state, refuse_guarded_change

EXTERNAL = "External Intake"
INTERNAL = "Internal Cultivation"

EXTERNAL_STATES = ("Identified", "Shortlisted", "Contacting", "Negotiating")
INTERNAL_STATES = ("Spotted", "Evaluating", "Cultivating")
INTAKE_STATES = EXTERNAL_STATES + INTERNAL_STATES
INITIAL_STATE = {EXTERNAL: "Identified", INTERNAL: "Spotted"}

IS_EXTERNAL = f'doc.intake_path == "{EXTERNAL}"'
IS_INTERNAL = f'doc.intake_path == "{INTERNAL}"'


def _path(path_condition: str, *rows: tuple[str, str, str]) -> list[Transition]:
	return [Transition(state, action, nxt, condition=path_condition) for state, action, nxt in rows]


TRANSITIONS = (
	*_path(
		IS_EXTERNAL,
		("Identified", "Shortlist", "Shortlisted"),
		("Shortlisted", "Start Outreach", "Contacting"),
		("Contacting", "Start Negotiation", "Negotiating"),
		("Negotiating", "Back to Outreach", "Contacting"),
		("Negotiating", "Activate", "Active"),
		*[(state, "Decline", "Declined") for state in EXTERNAL_STATES],
	),
	*_path(
		IS_INTERNAL,
		("Spotted", "Evaluate", "Evaluating"),
		("Evaluating", "Start Cultivation", "Cultivating"),
		("Cultivating", "Activate", "Active"),
		*[(state, "Drop", "Dropped") for state in INTERNAL_STATES],
	),
	Transition("Active", "Mark Dormant", "Dormant"),
	Transition("Dormant", "Reactivate", "Active"),
	Transition("Active", "Offboard", "Offboarded", roles=(MANAGER,)),
	Transition("Dormant", "Offboard", "Offboarded", roles=(MANAGER,)),
)

DEFINITION = WorkflowDefinition(
	name="KOL Lifecycle",
	document_type="KOL",
	states=(
		# the first state is Frappe's default for new documents; KOL.validate_workflow picks per path
		("Identified", "Info"),
		("Shortlisted", "Info"),
		("Contacting", "Primary"),
		("Negotiating", "Warning"),
		("Spotted", "Info"),
		("Evaluating", "Primary"),
		("Cultivating", "Warning"),
		("Active", "Success"),
		("Dormant", "Inverse"),
		("Declined", "Danger"),
		("Dropped", "Danger"),
		("Offboarded", "Danger"),
	),
	transitions=TRANSITIONS,
	closed_states=("Declined", "Dropped", "Offboarded"),
)


def initial_state(intake_path: str | None) -> str:
	return INITIAL_STATE.get(intake_path or EXTERNAL, INITIAL_STATE[EXTERNAL])


def has_accepted_proposal(kol: str) -> bool:
	return bool(frappe.db.exists("KOL Proposal", {"kol": kol, "workflow_state": "Accepted"}))


def refusal_reasons(doc, from_state: str, to_state: str) -> list[str]:
	"""Why ``doc`` may not move from ``from_state`` to ``to_state`` (empty when allowed)."""
	reasons = []
	if to_state == "Active" and from_state in INTAKE_STATES:
		if doc.intake_path == EXTERNAL and not has_accepted_proposal(doc.name):
			reasons.append(
				_(
					"{0} can only become Active with an accepted KOL Proposal. Record the accepted proposal first."
				).format(frappe.bold(doc.kol_name))
			)
		if doc.intake_path == INTERNAL and not (doc.cultivation_outcome or "").strip():
			reasons.append(
				_(
					"{0} can only become Active once the cultivation outcome is recorded. Fill in Cultivation Outcome first."
				).format(frappe.bold(doc.kol_name))
			)
	if unacknowledged := rules.activation_reason(doc, from_state, to_state):
		reasons.append(unacknowledged)
	if fit := selection.fit_gate_reason(doc, to_state):
		reasons.append(fit)
	if to_state == "Active" and doc.get("conflict_of_interest") and not doc.get("conflict_override"):
		reasons.append(
			_(
				"{0} is flagged as a conflict of interest ({1}). A KOL Manager must record a Conflict Override with a reason before it can become Active."
			).format(frappe.bold(doc.kol_name), doc.conflict_reason or _("no reason given"))
		)
	return reasons


def validate_transition(doc) -> None:
	"""Controller hook: refuse a guarded state change with the reason."""
	refuse_guarded_change(doc, refusal_reasons)
