// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

{% include "kol_crm/kol_crm/report/kol_report_filters.js" %}

frappe.query_reports["KOL Deliverables"] = {
	filters: [
		...kol_crm_report_filters(__("Due From"), __("Due To")),
		{
			fieldname: "status",
			label: __("Deliverable Status"),
			fieldtype: "Select",
			options: ["", "Pending", "Delivered", "Missed"].map((value) => ({
				value,
				label: value ? __(value) : "",
			})),
		},
	],
};
