// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

frappe.query_reports["KOL Platform Candidates"] = {
	filters: [
		{
			fieldname: "min_output",
			label: __("Minimum Posts and Answers"),
			fieldtype: "Int",
		},
		{
			fieldname: "active_days",
			label: __("Active Within (Days)"),
			fieldtype: "Int",
		},
	],
	get_datatable_options(options) {
		return Object.assign(options, { checkboxColumn: true });
	},
	onload(report) {
		if (!frappe.model.can_create("KOL")) return;
		report.page.add_inner_button(__("Create KOL"), () => {
			const rows = report.get_checked_items();
			if (!rows.length) {
				frappe.msgprint(__("Select the platform users to make KOLs."));
				return;
			}
			Promise.all(
				rows.map((row) =>
					frappe.call("kol_crm.platform.candidates.create_kol_from_platform_user", {
						platform_user_id: row.platform_user_id,
					})
				)
			).then((answers) => {
				frappe.show_alert({
					message: __("{0} KOLs created (Spotted)", [answers.length]),
					indicator: "green",
				});
				report.refresh();
			});
		});
	},
};
