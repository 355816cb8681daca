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
		if (frm.doc.tier_reason) {
			frm.dashboard.add_comment(
				`${__("Tier")}: ${frappe.utils.escape_html(frm.doc.tier_reason)}`,
				frm.doc.privilege_status === "Active" ? "blue" : "orange",
				true
			);
		}
		if (frm.doc.score_unknown) {
			frm.dashboard.add_comment(
				__("Unknown scores (no data yet, left out of the overall score): {0}", [
					frappe.utils.escape_html(frm.doc.score_unknown),
				]),
				"yellow",
				true
			);
		}
		if (frm.doc.do_not_contact) {
			frm.dashboard.add_comment(
				`${__("Do Not Contact")}: ${frappe.utils.escape_html(frm.doc.do_not_contact_reason || "")}`,
				"red",
				true
			);
		}
		if (frm.doc.outreach_suggestion) {
			frm.dashboard.add_comment(frappe.utils.escape_html(frm.doc.outreach_suggestion), "orange", true);
		}
		if (frm.doc.conflict_of_interest) {
			frm.dashboard.set_headline_alert(
				`<span class="indicator red">${__("Conflict of interest")}: ${frappe.utils.escape_html(
					frm.doc.conflict_reason || ""
				)}</span>`
			);
		}
	},
});
