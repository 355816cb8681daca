// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("KOL Partnership", {
	refresh(frm) {
		if (!frm.is_new()) {
			frm.add_custom_button(__("Log Interaction"), () =>
				frappe.new_doc("KOL Interaction", { kol: frm.doc.kol, partnership: frm.doc.name })
			);
		}
		if (!frm.is_new() && frm.perm[0]?.write && frm.doc.status === "Completed") {
			// the results told back as a case study (kol_crm/casestudies/build.py), reviewed and published
			frm.add_custom_button(__("Create Case Study"), () =>
				frappe
					.call("kol_crm.casestudies.build.make_case_study", { partnership: frm.doc.name })
					.then(({ message }) => frappe.set_route("Form", "KOL Case Study", message))
			);
		}
		if (!frm.is_new() && frm.perm[0]?.write && ["Active", "Paused"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Generate Referral Code"), () =>
				frappe
					.call("kol_crm.platform.referral_codes.generate_referral_code", {
						partnership: frm.doc.name,
					})
					.then(({ message }) => {
						frappe.msgprint(
							message.referral_link
								? __("Referral code {0}: {1}", [message.code, message.referral_link])
								: __("Referral code {0}", [message.code]),
							__("Referral Code")
						);
						frm.reload_doc();
					})
			);
		}
	},
});
