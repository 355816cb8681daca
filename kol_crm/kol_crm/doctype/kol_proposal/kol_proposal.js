// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

// kept in step with kol_crm/workflows/kol_proposal.py (TERM_FIELDS, TERM_TABLES, LOCKED_STATES)
const TERMS = [
	"kol",
	"purpose",
	"budget",
	"currency",
	"valid_from",
	"valid_until",
	"deliverables",
	"benefits",
];
const TERMS_LOCKED = ["Sent", "Countered", "Accepted", "Rejected", "Withdrawn"];
const TERMS_REOPEN = ["Pending Approval", "Approved"];

frappe.ui.form.on("KOL Proposal", {
	refresh(frm) {
		const locked = TERMS_LOCKED.includes(frm.doc.workflow_state);
		TERMS.forEach((fieldname) => frm.set_df_property(fieldname, "read_only", locked ? 1 : 0));
		if (TERMS_REOPEN.includes(frm.doc.workflow_state)) {
			frm.set_intro(
				__("Changing the terms sends this proposal back to Draft: it needs approval again."),
				"orange"
			);
		} else if (locked) {
			frm.set_intro(
				__("The terms can no longer be changed; record offers and counter-offers as negotiation rounds."),
				"blue"
			);
		} else {
			frm.set_intro("");
		}
		if (!frm.is_new() && frm.doc.workflow_state === "Accepted") {
			frm.add_custom_button(__("Create Partnership"), () => {
				frappe.model.open_mapped_doc({
					method: "kol_crm.kol_crm.doctype.kol_proposal.kol_proposal.make_partnership",
					frm: frm,
				});
			});
		}
		if (!frm.is_new()) {
			frm.add_custom_button(
				__("Log Interaction"),
				() => frappe.new_doc("KOL Interaction", { kol: frm.doc.kol, proposal: frm.doc.name }),
				__("Actions")
			);
		}
	},
});
