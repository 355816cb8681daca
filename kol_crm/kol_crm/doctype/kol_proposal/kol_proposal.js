// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("KOL Proposal", {
	refresh(frm) {
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
