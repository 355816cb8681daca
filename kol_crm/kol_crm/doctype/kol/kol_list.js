// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

// Bulk actions on the selected KOLs. The server (kol_crm.outreach.bulk) checks every KOL and
// reports per KOL; large selections run in the background with a progress bar.

const KOL_BULK = "kol_crm.outreach.bulk.";

frappe.listview_settings["KOL"] = {
	onload(listview) {
		const add = (label, action) =>
			listview.page.add_actions_menu_item(label, () => {
				const names = listview.get_checked_items(true);
				if (!names.length) {
					frappe.msgprint(__("Select at least one KOL."));
					return;
				}
				action(names, listview);
			});

		add(__("Set Operator"), (names, lv) =>
			kol_bulk_set_field(names, lv, "operator", {
				fieldtype: "Link",
				options: "User",
				label: __("Operator"),
				get_query: () => ({ filters: { enabled: 1, user_type: "System User" } }),
			})
		);
		add(__("Set Category"), (names, lv) =>
			kol_bulk_set_field(names, lv, "category", {
				fieldtype: "Link",
				options: "KOL Category",
				label: __("Category"),
			})
		);
		add(__("Set Purpose"), (names, lv) =>
			kol_bulk_set_field(names, lv, "intake_purpose", {
				fieldtype: "Select",
				options: ["Acquisition", "Activation", "Conversion"].map((v) => ({ value: v, label: __(v) })),
				label: __("Purpose"),
				reqd: 1,
			})
		);
		add(__("Pin Tier"), (names, lv) =>
			kol_bulk_set_field(
				names,
				lv,
				"tier",
				{ fieldtype: "Link", options: "KOL Tier", label: __("Tier"), description: __("Leave empty to unpin") },
				{ fieldtype: "Small Text", fieldname: "reason", label: __("Pin Reason") }
			)
		);
		add(__("Do Not Contact"), kol_bulk_do_not_contact);
		add(__("Apply Workflow Action"), kol_bulk_transition);
		add(__("Send Outreach Email"), kol_bulk_send);
		// to each selected KOL that hasn't acknowledged the current rules (after a rule change)
		add(__("Send Code of Conduct"), (names, lv) => kol_bulk_call("send_code_of_conduct", { names }, lv));
		add(__("Enroll in Sequence"), kol_bulk_enroll);
		add(__("Add to Community Group"), kol_bulk_add_to_group);

		frappe.realtime.off("kol_bulk_action_done");
		frappe.realtime.on("kol_bulk_action_done", (summary) => {
			kol_bulk_show_summary(summary);
			listview.refresh();
		});
	},
};

function kol_bulk_call(method, args, listview) {
	return frappe.call({
		method: KOL_BULK + method,
		args,
		freeze: true,
		freeze_message: __("Working on the selected KOLs..."),
		callback(r) {
			const summary = r.message;
			if (!summary) return;
			if (summary.queued) {
				// a KOL Bulk Run: its form shows the progress and the result for each KOL
				const esc = frappe.utils.escape_html;
				const link = `<a href="/app/kol-bulk-run/${encodeURIComponent(summary.run)}">${esc(
					summary.run
				)}</a>`;
				frappe.show_alert(
					{
						message: __("{0} KOLs are being processed in the background: {1}", [
							summary.total,
							link,
						]),
						indicator: "blue",
					},
					15
				);
				return;
			}
			kol_bulk_show_summary(summary);
			listview.clear_checked_items();
			listview.refresh();
		},
	});
}

function kol_bulk_show_summary(summary) {
	const esc = frappe.utils.escape_html;
	const rows = (entries, title, color) =>
		entries.length
			? `<p class="text-${color}"><b>${esc(title)}</b></p><ul>${entries
					.map(
						(e) =>
							`<li>${esc(e.kol)}${e.kol_name ? " (" + esc(e.kol_name) + ")" : ""}${
								e.message ? ": " + esc(e.message) : ""
							}</li>`
					)
					.join("")}</ul>`
			: "";
	const message =
		`<p>${esc(
			__("{0} done, {1} skipped, {2} failed.", [
				summary.done.length,
				summary.skipped.length,
				summary.failed.length,
			])
		)}</p>` +
		rows(summary.failed, __("Failed"), "danger") +
		rows(summary.skipped, __("Skipped"), "warning");
	frappe.msgprint({
		title: __("Bulk action finished"),
		message,
		indicator: summary.failed.length ? "orange" : "green",
	});
}

function kol_bulk_set_field(names, listview, fieldname, df, extra) {
	const fields = [{ ...df, fieldname: "value" }];
	if (extra) fields.push(extra);
	const dialog = new frappe.ui.Dialog({
		title: __("{0} for {1} KOLs", [df.label, names.length]),
		fields,
		primary_action_label: __("Apply"),
		primary_action(values) {
			dialog.hide();
			kol_bulk_call(
				"set_field",
				{ names, fieldname, value: values.value || "", reason: values.reason || "" },
				listview
			);
		},
	});
	dialog.show();
}

function kol_bulk_transition(names, listview) {
	frappe.call(KOL_BULK + "workflow_actions").then((r) => {
		const dialog = new frappe.ui.Dialog({
			title: __("Workflow action for {0} KOLs", [names.length]),
			fields: [
				{
					fieldname: "action",
					fieldtype: "Select",
					label: __("Action"),
					options: (r.message || []).map((a) => ({ value: a, label: __(a) })),
					reqd: 1,
					description: __("Each KOL is checked against the workflow; the ones it doesn't apply to are reported."),
				},
			],
			primary_action_label: __("Apply"),
			primary_action(values) {
				dialog.hide();
				kol_bulk_call("apply_transition", { names, action: values.action }, listview);
			},
		});
		dialog.show();
	});
}

function kol_bulk_send(names, listview) {
	const dialog = new frappe.ui.Dialog({
		title: __("Send outreach to {0} KOLs", [names.length]),
		size: "large",
		fields: [
			{
				fieldname: "template",
				fieldtype: "Link",
				options: "Email Template",
				label: __("Email Template"),
				reqd: 1,
				onchange: () => preview(),
			},
			{
				fieldname: "help",
				fieldtype: "HTML",
				options: `<p class="text-muted small">${frappe.utils.escape_html(
					__(
						"KOLs without an email address or marked Do Not Contact are skipped. Each email is recorded on the KOL as a Communication and an interaction."
					)
				)}</p>`,
			},
			{ fieldname: "subject", fieldtype: "Data", label: __("Subject (preview)"), read_only: 1 },
			{ fieldname: "preview", fieldtype: "HTML", label: __("Preview") },
		],
		primary_action_label: __("Send"),
		primary_action(values) {
			frappe.confirm(__("Send {0} to {1} KOLs?", [values.template, names.length]), () => {
				dialog.hide();
				kol_bulk_call("send_outreach", { names, template: values.template }, listview);
			});
		},
	});
	const preview = () => {
		const template = dialog.get_value("template");
		if (!template) return;
		frappe
			.call({ method: KOL_BULK + "preview_outreach", args: { template, kol: names[0] } })
			.then((r) => {
				const p = r.message;
				dialog.set_value("subject", p.subject);
				const wrapper = dialog.get_field("preview").$wrapper;
				wrapper.empty();
				wrapper.append(
					$("<p class='text-muted small'></p>").text(
						__("Rendered for {0} <{1}>", [p.kol_name, p.recipient || __("no email")])
					)
				);
				// the rendered email is shown in a sandboxed frame: it never runs in the desk
				const frame = $("<iframe sandbox style='width:100%;height:320px;border:1px solid var(--border-color)'>");
				wrapper.append(frame);
				frame[0].srcdoc = p.message;
			});
	};
	dialog.show();
}

function kol_bulk_enroll(names, listview) {
	const dialog = new frappe.ui.Dialog({
		title: __("Enroll {0} KOLs in a sequence", [names.length]),
		fields: [
			{
				fieldname: "sequence",
				fieldtype: "Link",
				options: "KOL Outreach Sequence",
				label: __("Sequence"),
				reqd: 1,
				get_query: () => ({ filters: { enabled: 1 } }),
			},
		],
		primary_action_label: __("Enroll"),
		primary_action(values) {
			dialog.hide();
			kol_bulk_call("enroll_in_sequence", { names, sequence: values.sequence }, listview);
		},
	});
	dialog.show();
}

function kol_bulk_do_not_contact(names, listview) {
	const dialog = new frappe.ui.Dialog({
		title: __("Do Not Contact for {0} KOLs", [names.length]),
		fields: [
			{ fieldname: "do_not_contact", fieldtype: "Check", label: __("Do Not Contact"), default: 1 },
			{
				fieldname: "reason",
				fieldtype: "Small Text",
				label: __("Do Not Contact Reason"),
				depends_on: "do_not_contact",
				mandatory_depends_on: "do_not_contact",
			},
		],
		primary_action_label: __("Apply"),
		primary_action(values) {
			dialog.hide();
			kol_bulk_call(
				"set_field",
				{
					names,
					fieldname: "do_not_contact",
					value: values.do_not_contact ? "1" : "0",
					reason: values.reason || "",
				},
				listview
			);
		},
	});
	dialog.show();
}

function kol_bulk_add_to_group(names, listview) {
	const dialog = new frappe.ui.Dialog({
		title: __("Add {0} KOLs to a Community Group", [names.length]),
		fields: [
			{
				fieldname: "group",
				fieldtype: "Link",
				options: "KOL Community Group",
				label: __("Community Group"),
				reqd: 1,
				get_query: () => ({ filters: { enabled: 1 } }),
			},
		],
		primary_action_label: __("Add"),
		primary_action(values) {
			dialog.hide();
			kol_bulk_call("add_to_group", { names, group: values.group }, listview);
		},
	});
	dialog.show();
}
