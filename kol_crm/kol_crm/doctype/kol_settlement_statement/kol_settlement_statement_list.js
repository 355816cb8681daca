// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

frappe.listview_settings["KOL Settlement Statement"] = {
	onload(listview) {
		if (!frappe.user.has_role("KOL Manager")) return;
		listview.page.add_inner_button(__("Make Statements for Period"), () => {
			frappe.prompt(
				{
					fieldname: "period_start",
					fieldtype: "Date",
					label: __("Period Start"),
					reqd: 1,
					default: frappe.datetime.add_months(frappe.datetime.month_start(), -1),
				},
				({ period_start }) =>
					frappe
						.call("kol_crm.settlements.statements.make_statements_for_period", { period_start })
						.then((r) => {
							const made = r.message || {};
							frappe.msgprint(
								__("{0} statements drafted, {1} already made.", [
									(made.created || []).length,
									(made.existing || []).length,
								])
							);
							listview.refresh();
						}),
				__("Make Statements for Period"),
				__("Make")
			);
		});
	},
};
