// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

frappe.query_reports["KOL Intake Pacing"] = {
	filters: [
		{
			fieldname: "program_type",
			label: __("Program Type"),
			fieldtype: "Select",
			options: ["", "Paid", "Unpaid"],
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "advice" && data) {
			const colour = { "Speed up": "blue", "Slow down": "orange", "On pace": "green" }[data.advice_key];
			if (colour) value = `<span class="indicator-pill ${colour}">${value}</span>`;
		}
		if (column.fieldname === "internal_pool" && data && data.internal_exhausted) {
			value = `<span class="indicator-pill red">${value}</span>`;
		}
		return value;
	},
};
