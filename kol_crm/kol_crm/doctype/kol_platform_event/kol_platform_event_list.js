// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

frappe.listview_settings["KOL Platform Event"] = {
	onload(listview) {
		if (!frappe.user.has_role(["KOL Manager", "System Manager"])) return;
		listview.page.add_inner_button(__("Import Conversions (CSV)"), () => {
			const dialog = new frappe.ui.Dialog({
				title: __("Import Conversions (CSV)"),
				fields: [
					{
						fieldtype: "HTML",
						fieldname: "help",
						options: `<p class="text-muted">${__(
							"Columns: event_id, conversion (new_user, activated or paid), occurred_at, referral_code or kol, amount, currency, customer_ref."
						)}</p><input type="file" accept=".csv,text/csv" class="kol-conversions-file">`,
					},
					{ fieldtype: "Code", fieldname: "csv_text", label: __("CSV"), reqd: 1 },
				],
				primary_action_label: __("Import"),
				primary_action({ csv_text }) {
					frappe
						.call("kol_crm.platform.api.import_conversions", { csv_text })
						.then(({ message }) => {
							dialog.hide();
							const errors = message.results
								.filter((r) => r.status === "error")
								.map((r) => `${__("Row {0}", [r.row])}: ${frappe.utils.escape_html(r.message)}`);
							frappe.msgprint(
								[
									__("{0} accepted, {1} duplicates, {2} errors", [
										message.accepted,
										message.duplicate,
										message.error,
									]),
									...errors,
								].join("<br>"),
								__("Conversions")
							);
							listview.refresh();
						});
				},
			});
			dialog.$wrapper.find(".kol-conversions-file").on("change", (event) => {
				const file = event.target.files[0];
				if (!file) return;
				const reader = new FileReader();
				reader.onload = () => dialog.set_value("csv_text", reader.result);
				reader.readAsText(file);
			});
			dialog.show();
		});
	},
};
