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
	partnership(frm) {
		pick_deliverable(frm);
	},
	refresh(frm) {
		pick_deliverable(frm);
		if (!frm.is_new() && frm.doc.partnership) {
			frm.add_custom_button(__("Partnership"), () =>
				frappe.set_route("Form", "KOL Partnership", frm.doc.partnership)
			);
		}
	},
});

// A new piece of content is for one deliverable of the partnership: its KOL is the partnership's,
// and the operator picks the deliverable by what it is (the row's ID is what is stored; the
// server checks both against the stored partnership).
function pick_deliverable(frm) {
	if (!frm.is_new() || !frm.doc.partnership || frm.doc.deliverable || frm.__picking) {
		return;
	}
	frm.__picking = true;
	frappe.db
		.get_doc("KOL Partnership", frm.doc.partnership)
		.then((partnership) => {
			frm.set_value("kol", partnership.kol);
			const rows = partnership.deliverables || [];
			const label = (row) =>
				`${__(row.deliverable_type)}: ${row.description}` + (row.due_date ? ` (${row.due_date})` : "");
			const set = (row) => {
				frm.set_value("deliverable", row.name);
				frm.set_value("deliverable_description", label(row));
			};
			if (rows.length === 1) {
				set(rows[0]);
				return;
			}
			frappe.prompt(
				{
					fieldname: "deliverable",
					fieldtype: "Select",
					label: __("Deliverable"),
					reqd: 1,
					options: rows.map(label),
				},
				(values) => set(rows[rows.map(label).indexOf(values.deliverable)]),
				__("Deliverable"),
				__("Select")
			);
		})
		.finally(() => {
			frm.__picking = false;
		});
}
