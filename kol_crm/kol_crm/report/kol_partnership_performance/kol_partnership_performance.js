// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

frappe.query_reports["KOL Partnership Performance"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
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
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: ["Partnership", "KOL"],
			default: "Partnership",
		},
		{
			fieldname: "status",
			label: __("Status"),
			fieldtype: "Select",
			options: ["", "Active", "Paused", "Completed", "Terminated"],
		},
		{
			fieldname: "purpose",
			label: __("Purpose"),
			fieldtype: "Select",
			options: ["", "Acquisition", "Activation", "Conversion"],
		},
	],
};
