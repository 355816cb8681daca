// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("KOL Referral Code", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.status !== "Active") return;
		frm.add_custom_button(__("Revoke"), () => {
			frappe.prompt(
				{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 },
				({ reason }) =>
					frappe
						.call("kol_crm.platform.referral_codes.revoke_referral_code", {
							code: frm.doc.name,
							reason,
						})
						.then(() => frm.reload_doc()),
				__("Revoke Referral Code"),
				__("Revoke")
			);
		});
	},
});
