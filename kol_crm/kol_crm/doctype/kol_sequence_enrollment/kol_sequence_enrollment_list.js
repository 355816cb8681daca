// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

frappe.listview_settings["KOL Sequence Enrollment"] = {
	add_fields: ["status", "stopped_reason"],
	get_indicator(doc) {
		const colour = { Active: "blue", Stopped: "red", Completed: "green" }[doc.status] || "gray";
		return [__(doc.status), colour, `status,=,${doc.status}`];
	},
};
