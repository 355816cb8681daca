// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("KOL CRM Settings", {
	refresh(frm) {
		if (!frappe.user.has_role("KOL Manager") && !frappe.user.has_role("System Manager")) return;
		frm.add_custom_button(__("Recompute Scores and Tiers"), () =>
			frappe
				.call("kol_crm.kol_crm.doctype.kol_crm_settings.kol_crm_settings.recompute_scores")
				.then((r) => frappe.show_alert({ message: r.message, indicator: "blue" }))
		);
		frm.add_custom_button(__("Make Category Assignment Rules"), () =>
			frappe
				.call("kol_crm.intake.assignment.make_category_rules")
				.then((r) =>
					frappe.msgprint(__("Assignment rules: {0}", [(r.message || []).join(", ")]))
				)
		);
	},
});
