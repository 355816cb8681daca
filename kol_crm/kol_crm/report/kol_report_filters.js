// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

// The filters every KOL CRM report shares: a period, category (with its sub-categories), tier,
// operator, intake path and programme type (paid or unpaid). Each report's script pulls this file in with an include directive,
// which Frappe resolves when it serves the report (frappe.desk.query_report.get_script).
function kol_crm_report_filters(from_label, to_label, from_default) {
	return [
		{ fieldname: "from_date", label: from_label, fieldtype: "Date", default: from_default },
		{ fieldname: "to_date", label: to_label, fieldtype: "Date" },
		{ fieldname: "category", label: __("Category"), fieldtype: "Link", options: "KOL Category" },
		{ fieldname: "tier", label: __("Tier"), fieldtype: "Link", options: "KOL Tier" },
		{ fieldname: "operator", label: __("Operator"), fieldtype: "Link", options: "User" },
		{
			fieldname: "intake_path",
			label: __("Intake Path"),
			fieldtype: "Select",
			options: ["", "External Intake", "Internal Cultivation"],
		},
		{
			fieldname: "program_type",
			label: __("Program Type"),
			fieldtype: "Select",
			options: ["", "Paid", "Unpaid"],
		},
	];
}
