// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

// The reviewer's comment is required to request changes (the server refuses without it,
// kol_crm/workflows/kol_content.py): the action asks for it and saves it first.
frappe.ui.form.on("KOL Content", {
	before_workflow_action(frm) {
		if (
			frm.selected_workflow_action !== "Request Changes" ||
			(frm.doc.reviewer_comment || "").trim()
		) {
			return;
		}
		frappe.dom.unfreeze();
		return new Promise((resolve) => {
			frappe.prompt(
				{
					fieldname: "comment",
					fieldtype: "Small Text",
					label: __("Reviewer's Comment"),
					reqd: 1,
					description: __(
						"What the KOL should change. Required to request changes; the KOL reads it on the portal and by email."
					),
				},
				(values) => {
					frm.set_value("reviewer_comment", values.comment);
					frm.save().then(() => {
						frappe.dom.freeze();
						resolve();
					});
				},
				__("Request Changes"),
				__("Request Changes")
			);
		});
	},
	refresh(frm) {
		if (!frm.is_new() && frm.doc.partnership) {
			frm.add_custom_button(__("Partnership"), () =>
				frappe.set_route("Form", "KOL Partnership", frm.doc.partnership)
			);
		}
	},
});
