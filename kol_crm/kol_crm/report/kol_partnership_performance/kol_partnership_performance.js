// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

{% include "kol_crm/kol_crm/report/kol_report_filters.js" %}

frappe.query_reports["KOL Partnership Performance"] = {
	filters: [
		...kol_crm_report_filters(__("From Date"), __("To Date")),
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
