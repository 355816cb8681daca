// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("KOL", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(
			__("Proposal"),
			() => frappe.new_doc("KOL Proposal", { kol: frm.doc.name, purpose: frm.doc.intake_purpose }),
			__("Create")
		);
		frm.add_custom_button(
			__("Interaction"),
			() => frappe.new_doc("KOL Interaction", { kol: frm.doc.name }),
			__("Create")
		);
		if (frm.doc.conflict_of_interest) {
			frm.dashboard.set_headline_alert(
				`<span class="indicator red">${__("Conflict of interest")}: ${frappe.utils.escape_html(
					frm.doc.conflict_reason || ""
				)}</span>`
			);
		}
	},
});
