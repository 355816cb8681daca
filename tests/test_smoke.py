import frappe
from frappe.model.workflow import apply_workflow

from tests import factories as f


def test_new_kols_start_in_their_paths_first_state():
	external = f.make_kol()
	internal = f.make_kol(intake_path="Internal Cultivation")
	assert external.workflow_state == "Identified"
	assert internal.workflow_state == "Spotted"
	assert external.total_followers == 12000


def test_operator_moves_own_kol():
	kol = f.make_kol()
	frappe.set_user(f.OPERATOR_A)
	kol = apply_workflow(frappe.get_doc("KOL", kol.name), "Shortlist")
	assert kol.workflow_state == "Shortlisted"
