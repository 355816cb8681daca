// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

frappe.query_reports["KOL Community Groups"] = {
	filters: [
		{ fieldname: "category", label: __("KOL Category"), fieldtype: "Link", options: "KOL Category" },
		{
			fieldname: "channel",
			label: __("Channel"),
			fieldtype: "Select",
			options: ["", "WeChat Group", "Discord", "Knowledge Planet", "Telegram", "Slack", "Other"],
		},
		{ fieldname: "program_type", label: __("Programme Type"), fieldtype: "Select", options: ["", "Paid", "Unpaid"] },
		{ fieldname: "enabled_only", label: __("Enabled Only"), fieldtype: "Check", default: 1 },
	],
};
