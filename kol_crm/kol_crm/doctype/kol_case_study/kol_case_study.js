// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("KOL Case Study", {
	refresh(frm) {
		if (frm.doc.published && frm.doc.route) {
			frm.add_custom_button(__("See on Website"), () => window.open(`/${frm.doc.route}`));
		}
		if (frm.doc.workflow_state === "Approved" && !frm.doc.kol_consented) {
			frm.set_intro(
				__("Record the KOL's consent to publication before a KOL Manager publishes it."),
				"orange"
			);
		} else {
			frm.set_intro("");
		}
	},
});
