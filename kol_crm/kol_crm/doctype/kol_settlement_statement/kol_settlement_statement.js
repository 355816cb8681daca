// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("KOL Settlement Statement", {
	refresh(frm) {
		// the optional ERPNext integration: only when ERPNext is installed, for a manager
		const approved = ["Approved", "Paid"].includes(frm.doc.workflow_state);
		if (
			approved &&
			!frm.doc.purchase_invoice &&
			frappe.boot.versions &&
			frappe.boot.versions.erpnext &&
			frappe.user.has_role("KOL Manager")
		) {
			frm.add_custom_button(__("Create Purchase Invoice"), () =>
				frappe
					.call("kol_crm.settlements.erpnext.make_purchase_invoice", { statement: frm.doc.name })
					.then((r) => {
						frappe.show_alert({ message: __("Purchase Invoice {0} created", [r.message]), indicator: "green" });
						frm.reload_doc();
					})
			);
		}
	},
});
