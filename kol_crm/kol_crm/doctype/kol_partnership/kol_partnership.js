// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("KOL Partnership", {
	refresh(frm) {
		if (!frm.is_new()) {
			frm.add_custom_button(__("Log Interaction"), () =>
				frappe.new_doc("KOL Interaction", { kol: frm.doc.kol, partnership: frm.doc.name })
			);
		}
	},
});
