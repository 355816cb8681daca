// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

{% include "kol_crm/kol_crm/report/kol_report_filters.js" %}

frappe.query_reports["KOL Proposal Outcomes"] = {
	filters: [
		...kol_crm_report_filters(__("Created From"), __("Created To")),
		{
			fieldname: "purpose",
			label: __("Purpose"),
			fieldtype: "Select",
			options: ["", "Acquisition", "Activation", "Conversion"],
		},
	],
};
