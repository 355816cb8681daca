// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("KOL", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(
			__("Proposal"),
			() => frappe.new_doc("KOL Proposal", { kol: frm.doc.name, purpose: frm.doc.intake_purpose }),
			__("Create")
		);
		frm.add_custom_button(
			__("Interaction"),
			() => frappe.new_doc("KOL Interaction", { kol: frm.doc.name }),
			__("Create")
		);
		// the server decides (a manager or the KOL's own operator); the button is offered to writers
		if (frm.perm[1] && frm.perm[1].write) {
			frm.add_custom_button(
				frm.doc.portal_user ? __("Portal Login Sent") : __("Invite to Portal"),
				() =>
					frappe
						.call({
							method: "kol_crm.portal.invite.invite_to_portal",
							args: { name: frm.doc.name },
							freeze: true,
						})
						.then((r) => {
							frappe.show_alert({ message: r.message.message, indicator: "green" });
							frm.reload_doc();
						}),
				__("Actions")
			);
		}
		kol_crm_rules.refresh(frm);
		kol_crm_roi.refresh(frm);
		kol_crm_community.refresh(frm);
		if (frappe.user.has_role(["KOL Manager", "System Manager"])) {
			frm.page.add_menu_item(__("Merge a Duplicate into This KOL"), () => kol_crm_merge.choose(frm));
			kol_crm_merge.show_possible_duplicates(frm);
		}
		if (frm.doc.tier_reason) {
			frm.dashboard.add_comment(
				`${__("Tier")}: ${frappe.utils.escape_html(frm.doc.tier_reason)}`,
				frm.doc.privilege_status === "Active" ? "blue" : "orange",
				true
			);
		}
		if (frm.doc.score_unknown) {
			frm.dashboard.add_comment(
				__("Unknown scores (no data yet, left out of the overall score): {0}", [
					frappe.utils.escape_html(frm.doc.score_unknown),
				]),
				"yellow",
				true
			);
		}
		if (frm.doc.do_not_contact) {
			frm.dashboard.add_comment(
				`${__("Do Not Contact")}: ${frappe.utils.escape_html(frm.doc.do_not_contact_reason || "")}`,
				"red",
				true
			);
		}
		if (frm.doc.outreach_suggestion) {
			frm.dashboard.add_comment(frappe.utils.escape_html(frm.doc.outreach_suggestion), "orange", true);
		}
		if (frm.doc.conflict_of_interest) {
			frm.dashboard.set_headline_alert(
				`<span class="indicator red">${__("Conflict of interest")}: ${frappe.utils.escape_html(
					frm.doc.conflict_reason || ""
				)}</span>`
			);
		}
	},
});

// Rules at the start and internal first (kol_crm/intelligence/rules.py, internal_first.py)
const kol_crm_rules = {
	refresh(frm) {
		const status = (frm.doc.__onload || {}).rules;
		if (frm.perm[0] && frm.perm[0].write) {
			frm.add_custom_button(
				__("Send Code of Conduct"),
				() =>
					frappe
						.call({
							method: "kol_crm.portal.code_of_conduct.send_code_of_conduct",
							args: { kol: frm.doc.name },
							freeze: true,
						})
						.then((r) => {
							frappe.show_alert({ message: r.message.message, indicator: "green" });
							frm.reload_doc();
						}),
				__("Actions")
			);
			frm.add_custom_button(
				__("Record Rules Acknowledgement"),
				() => frappe.new_doc("KOL Rule Acknowledgement", { kol: frm.doc.name }),
				__("Actions")
			);
		}
		if (status && status.rules_version) {
			const latest = status.latest;
			const text = status.acknowledged
				? __("Rules acknowledged (version of {0}, {1})", [
						status.rules_version_label,
						latest ? latest.method : "",
				  ])
				: latest
				? __("The rules changed on {0}: the KOL must acknowledge them again before activation or a new partnership", [
						status.rules_version_label,
				  ])
				: __("Rules not acknowledged yet (version of {0}): needed before activation or a new partnership", [
						status.rules_version_label,
				  ]);
			frm.dashboard.add_comment(frappe.utils.escape_html(text), status.acknowledged ? "green" : "orange", true);
		}
		const internal = (frm.doc.__onload || {}).internal_candidates;
		if (internal) {
			frm.dashboard.add_comment(
				__("Internal first: {0} internal candidates not yet Active in {1}. {2}", [
					internal.count,
					frappe.utils.escape_html(internal.category),
					`<a href="/app/query-report/${encodeURIComponent(internal.report)}?category=${encodeURIComponent(
						internal.category
					)}">${__("See them")}</a>`,
				]),
				"orange",
				true
			);
		}
	},
};

// ROI of the KOL's partnerships: cost (benefits valued + revenue share due) against attributed
// revenue (kol_crm/deals/roi.py); for readers of partnerships, not the KOL's portal login
const kol_crm_roi = {
	refresh(frm) {
		if (!frappe.model.can_read("KOL Partnership")) return;
		frappe.xcall("kol_crm.deals.roi.kol_roi", { kol: frm.doc.name }).then((r) => {
			if (!r || !r.partnerships || frm.doc.name !== frm.docname) return;
			const priced = r.roi !== null && r.roi !== undefined;
			const roi = priced ? `${format_number(r.roi, null, 1)}%` : __("no cost yet");
			frm.dashboard.add_indicator(`${__("Partnership Cost")}: ${format_currency(r.cost)}`, "blue");
			frm.dashboard.add_indicator(`${__("Attributed Revenue")}: ${format_currency(r.revenue)}`, "blue");
			frm.dashboard.add_indicator(`${__("ROI")}: ${roi}`, !priced ? "gray" : r.roi >= 0 ? "green" : "red");
		});
	},
};

// Merging: the KOL on the form is kept; the chosen duplicate folds into it and is deleted
// (kol_crm/intake/merge.py).
const kol_crm_merge = {
	method: "kol_crm.intake.merge",

	show_possible_duplicates(frm) {
		frappe
			.xcall(`${this.method}.possible_duplicates`, { kol: frm.doc.name })
			.then((found) => {
				if (!found || !found.length || frm.doc.name !== frm.docname) return;
				const links = found.map(
					(d) =>
						`<a class="kol-merge-candidate" data-name="${frappe.utils.escape_html(d.name)}">` +
						`${frappe.utils.escape_html(d.name)}: ${frappe.utils.escape_html(d.kol_name || "")}</a>` +
						` (${frappe.utils.escape_html(d.reasons.join(", "))})`
				);
				frm.dashboard.add_comment(
					`${__("Possible duplicates")}: ${links.join(", ")} · ${__("click one to merge it into this KOL")}`,
					"yellow",
					true
				);
				frm.$wrapper.off("click.kol_merge").on("click.kol_merge", ".kol-merge-candidate", (e) => {
					this.preview(frm, $(e.currentTarget).attr("data-name"));
				});
			});
	},

	choose(frm) {
		const d = new frappe.ui.Dialog({
			title: __("Merge a Duplicate into {0}", [frm.doc.kol_name]),
			fields: [
				{
					fieldname: "source",
					fieldtype: "Link",
					options: "KOL",
					label: __("Duplicate KOL"),
					reqd: 1,
					description: __("Its records move to this KOL, then it is deleted."),
					get_query: () => ({ filters: { name: ["!=", frm.doc.name] } }),
				},
			],
			primary_action_label: __("Next"),
			primary_action: (values) => {
				d.hide();
				this.preview(frm, values.source);
			},
		});
		d.show();
	},

	preview(frm, source) {
		frappe.xcall(`${this.method}.get_merge_preview`, { source, target: frm.doc.name }).then((p) => {
			const esc = frappe.utils.escape_html;
			const moved = Object.entries(p.linked)
				.map(([dt, n]) => `${n} × ${esc(__(dt))}`)
				.join(", ");
			const summary = [
				`<p>${__("{0} ({1}) will be merged into this KOL and deleted.", [
					`<b>${esc(p.source.name)}</b>`,
					esc(p.source.kol_name || ""),
				])}</p>`,
				`<p>${__("Records moved here")}: ${moved || __("none")}</p>`,
				`<p>${__("Platform accounts added")}: ${p.platform_accounts} · ${__(
					"Occasions added"
				)}: ${p.occasions}</p>`,
				p.fills.length
					? `<p>${__("Filled from the duplicate")}: ${p.fills.map((f) => esc(f.label)).join(", ")}</p>`
					: "",
				p.conflicts.length ? `<p>${__("Both KOLs have a different value: choose which to keep.")}</p>` : "",
			].join("");
			const fields = [{ fieldtype: "HTML", fieldname: "summary", options: summary }];
			p.conflicts.forEach((c) => {
				fields.push({
					fieldname: c.fieldname,
					fieldtype: "Select",
					label: c.label,
					options: [
						{ value: "target", label: `${__("This KOL")}: ${c.target_value}` },
						{ value: "source", label: `${p.source.name}: ${c.source_value}` },
					],
					default: "target",
				});
			});
			const d = new frappe.ui.Dialog({
				title: __("Merge {0} into {1}", [p.source.name, p.target.name]),
				fields,
				primary_action_label: __("Merge"),
				primary_action: (values) => {
					const take = p.conflicts.filter((c) => values[c.fieldname] === "source").map((c) => c.fieldname);
					frappe
						.xcall(`${this.method}.merge_kols`, {
							source,
							target: frm.doc.name,
							take_from_source: take,
						})
						.then(() => {
							d.hide();
							frappe.show_alert({ message: __("Merged {0} into this KOL", [source]), indicator: "green" });
							frm.reload_doc();
						});
				},
			});
			d.show();
		});
	},
};

// Community groups per KOL type and audience overlap (kol_crm/community/groups.py,
// kol_crm/intelligence/overlap.py): the server decides who may add a membership
const kol_crm_community = {
	refresh(frm) {
		const onload = frm.doc.__onload || {};
		const overlap = onload.audience_overlap;
		if (overlap && overlap.message) {
			frm.dashboard.add_comment(overlap.message, "orange", true);
		}
		const data = onload.community_groups || { current: [], suggested: [] };
		const esc = frappe.utils.escape_html;
		const link = (name) => `<a href="/app/kol-community-group/${encodeURIComponent(name)}">${esc(name)}</a>`;
		const current = data.current.length
			? `<ul>${data.current
					.map(
						(m) =>
							`<li>${link(m.community_group)} (${esc(__(m.channel || ""))}), ${esc(
								__("joined {0}", [frappe.datetime.str_to_user(m.joined_on)])
							)}</li>`
					)
					.join("")}</ul>`
			: `<p class="text-muted">${esc(__("Not in any community group yet."))}</p>`;
		const may_add = frappe.model.can_create("KOL Community Membership") && frm.perm[0] && frm.perm[0].write;
		const suggested = data.suggested.length
			? `<ul>${data.suggested
					.map(
						(g) =>
							`<li>${link(g.name)} (${esc(__(g.channel || ""))})${
								g.full
									? ` <span class="text-muted">${esc(__("full"))}</span>`
									: may_add
									? ` <button class="btn btn-xs btn-default kol-add-group" data-group="${esc(
											g.name
									  )}">${esc(__("Add to Group"))}</button>`
									: ""
							}</li>`
					)
					.join("")}</ul>`
			: `<p class="text-muted">${esc(__("No other group matches this KOL's category and programme."))}</p>`;
		const wrapper = frm.get_field("community_groups_html").$wrapper;
		wrapper.html(
			`<p><b>${esc(__("Current groups"))}</b></p>${current}<p><b>${esc(
				__("Suggested for this KOL's type")
			)}</b></p>${suggested}`
		);
		wrapper.find(".kol-add-group").on("click", (e) => {
			const group = $(e.currentTarget).attr("data-group");
			frappe
				.call({
					method: "kol_crm.outreach.bulk.add_to_group",
					args: { names: [frm.doc.name], group },
					freeze: true,
				})
				.then((r) => {
					const summary = r.message || {};
					const failed = (summary.failed || [])[0];
					if (failed) {
						frappe.msgprint(esc(failed.message));
					} else {
						frappe.show_alert({ message: __("Added to {0}", [esc(group)]), indicator: "green" });
					}
					frm.reload_doc();
				});
		});
	},
};
