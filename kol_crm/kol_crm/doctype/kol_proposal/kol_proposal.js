// Copyright (c) 2026, kol_crm contributors
// For license information, please see license.txt

// kept in step with kol_crm/workflows/kol_proposal.py (TERM_FIELDS, TERM_TABLES, LOCKED_STATES)
const TERMS = [
	"kol",
	"purpose",
	"budget",
	"currency",
	"valid_from",
	"valid_until",
	"deliverables",
	"benefits",
];
const TERMS_LOCKED = ["Sent", "Countered", "Accepted", "Rejected", "Withdrawn"];
const TERMS_REOPEN = ["Pending Approval", "Approved"];

// the KOL's wants beside the offered benefits; the mapping and the mismatch rules are the
// server's (kol_crm/deals/wants.py), asked again whenever the KOL or a benefit type changes
function show_wants(frm) {
	const field = frm.get_field("wants_vs_offer");
	if (!field) return;
	if (!frm.doc.kol) {
		field.$wrapper.empty();
		return;
	}
	const types = (frm.doc.benefits || []).map((row) => row.benefit_type).filter(Boolean);
	frappe
		.call({
			method: "kol_crm.deals.wants.wants_vs_offer",
			args: { kol: frm.doc.kol, benefit_types: types },
			type: "POST",
		})
		.then(({ message }) => {
			const esc = frappe.utils.escape_html;
			const wants = message.want_labels.length
				? message.want_labels.map(esc).join(", ")
				: __("Nothing recorded on the KOL (Preferences and Personality)");
			const offered = message.offered.length
				? message.offered.map((t) => esc(__(t))).join(", ")
				: __("No benefits yet");
			const verdict = message.mismatch
				? `<div class="alert alert-warning">${message.messages.map(esc).join("<br>")}</div>`
				: message.wants.length
				? `<div class="alert alert-success">${__("Every want of the KOL is met by a benefit.")}</div>`
				: "";
			field.$wrapper.html(`
				<div class="row">
					<div class="col-sm-6"><h6>${__("The KOL Wants")}</h6><p>${wants}</p></div>
					<div class="col-sm-6"><h6>${__("This Offer Gives")}</h6><p>${offered}</p></div>
				</div>${verdict}`);
			frm.dashboard.clear_headline();
			if (message.mismatch) {
				frm.dashboard.set_headline_alert(
					__("The offer doesn't match what the KOL wants"),
					"orange"
				);
			}
		});
}

frappe.ui.form.on("KOL Benefit", {
	benefit_type: show_wants,
	benefits_add: show_wants,
	benefits_remove: show_wants,
});

frappe.ui.form.on("KOL Proposal", {
	kol: show_wants,
	refresh(frm) {
		show_wants(frm);
		const locked = TERMS_LOCKED.includes(frm.doc.workflow_state);
		TERMS.forEach((fieldname) => frm.set_df_property(fieldname, "read_only", locked ? 1 : 0));
		if (TERMS_REOPEN.includes(frm.doc.workflow_state)) {
			frm.set_intro(
				__("Changing the terms sends this proposal back to Draft: it needs approval again."),
				"orange"
			);
		} else if (locked) {
			frm.set_intro(
				__("The terms can no longer be changed; record offers and counter-offers as negotiation rounds."),
				"blue"
			);
		} else {
			frm.set_intro("");
		}
		if (!frm.is_new() && frm.doc.workflow_state === "Accepted") {
			frm.add_custom_button(__("Create Partnership"), () => {
				frappe.model.open_mapped_doc({
					method: "kol_crm.kol_crm.doctype.kol_proposal.kol_proposal.make_partnership",
					frm: frm,
				});
			});
		}
		if (!frm.is_new()) {
			frm.add_custom_button(
				__("Log Interaction"),
				() => frappe.new_doc("KOL Interaction", { kol: frm.doc.kol, proposal: frm.doc.name }),
				__("Actions")
			);
		}
	},
});
