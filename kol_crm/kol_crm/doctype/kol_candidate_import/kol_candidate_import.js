// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("KOL Candidate Import", {
	refresh(frm) {
		if (frm.is_new() || ["Queued", "Running"].includes(frm.doc.status)) return;
		frm.add_custom_button(__("Start Import"), () => {
			frm.call({
				method: "kol_crm.intake.candidate_import.start_import",
				args: { name: frm.doc.name },
				freeze: true,
				freeze_message: __("Importing..."),
			}).then((r) => {
				if (r.message && r.message.queued) {
					frappe.show_alert(__("Import queued; the progress bar follows it."));
				}
				frm.reload_doc();
			});
		}).addClass("btn-primary");
	},
});

