// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

frappe.query_reports["KOL Pipeline"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("Added From"),
			fieldtype: "Date",
		},
		{
			fieldname: "to_date",
			label: __("Added To"),
			fieldtype: "Date",
		},
		{
			fieldname: "category",
			label: __("Category"),
			fieldtype: "Link",
			options: "KOL Category",
		},
		{
			fieldname: "tier",
			label: __("Tier"),
			fieldtype: "Link",
			options: "KOL Tier",
		},
		{
			fieldname: "operator",
			label: __("Operator"),
			fieldtype: "Link",
			options: "User",
		},
		{
			fieldname: "intake_path",
			label: __("Intake Path"),
			fieldtype: "Select",
			options: ["", "External Intake", "Internal Cultivation"],
		},
	],
};
