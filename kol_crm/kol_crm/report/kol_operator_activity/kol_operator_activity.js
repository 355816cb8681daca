// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

{% include "kol_crm/kol_crm/report/kol_report_filters.js" %}

frappe.query_reports["KOL Operator Activity"] = {
	filters: [
		...kol_crm_report_filters(__("From Date"), __("To Date"), frappe.datetime.add_days(frappe.datetime.get_today(), -84)),
	],
	tree: true,
	name_field: "operator",
};
