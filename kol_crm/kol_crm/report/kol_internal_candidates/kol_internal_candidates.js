// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

{% include "kol_crm/kol_crm/report/kol_report_filters.js" %}

frappe.query_reports["KOL Internal Candidates"] = {
	// the internal path only: the shared intake path filter would say nothing here
	filters: kol_crm_report_filters(__("Added From"), __("Added To")).filter((f) => f.fieldname !== "intake_path"),
};
