// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

{% include "kol_crm/kol_crm/report/kol_report_filters.js" %}

frappe.query_reports["Inactive KOLs"] = {
	filters: [
		...kol_crm_report_filters(__("Added From"), __("Added To")),
		{
			fieldname: "min_days",
			label: __("Inactive for (days)"),
			fieldtype: "Int",
			default: 30,
		},
	],
};
