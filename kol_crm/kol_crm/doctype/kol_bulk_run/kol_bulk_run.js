// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("KOL Bulk Run", {
	refresh(frm) {
		if (frm.doc.status !== "Running") return;
		frm.dashboard.set_headline(__("Working in the background: {0}", [frm.doc.progress || ""]));
		// the progress bar follows each chunk; reload to see the results so far
		frm.add_custom_button(__("Refresh"), () => frm.reload_doc());
	},
});
