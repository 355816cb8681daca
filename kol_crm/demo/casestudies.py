"""Results told back: a published case study of a completed partnership (with its published
video and the KOL's consent), and a draft proposal whose offer misses what the KOL wants."""

import frappe
from frappe.model.workflow import apply_workflow

from kol_crm.casestudies import build
from kol_crm.deals import wants
from kol_crm.demo.common import CURRENCY, DemoState, day
from kol_crm.demo.partnerships import published_piece

# the completed partnership (by its proposal's title) the demo's case study tells
CASE_STUDY_PROPOSAL = "AI Copilot launch review"
CASE_STUDY = {
	"title": "How a hands-on review brought AI Copilot its first paying teams",
	"summary": (
		"Marcus reviewed AI Copilot in its launch week for developers who ship small tools. "
		"His walkthrough and written tutorial brought new users and paid conversions through his referral code."
	),
	"what_worked": (
		"<ul><li>He built a real tool on camera instead of reading features out.</li>"
		"<li>The referral code was in the first minute and in the pinned comment.</li>"
		"<li>Our content team cut the long stream into three short clips.</li></ul>"
	),
	"lessons": (
		"<p>Give the KOL early access two weeks ahead: the first cut was rushed. "
		"Agree the KPI targets with the KOL, not only internally.</p>"
	),
	"consent_evidence": "Email from Marcus agreeing to a public case study with his channel name.",
}
# a paid KOL who wants more than money gets a cash-only draft: the proposal warns
MISMATCH_TITLE = "Cash-only sponsorship draft"


def add_case_study(state: DemoState) -> None:
	proposal = next((doc for offer, doc in state.offers if offer.title == CASE_STUDY_PROPOSAL), None)
	partnership = proposal and frappe.db.get_value("KOL Partnership", {"proposal": proposal.name})
	if not partnership:
		return
	doc = frappe.get_doc("KOL Partnership", partnership)
	if doc.deliverables:
		# the video was published while the partnership ran (content is made for a running one);
		# the story happened in the past: its emails to the KOL are not sent now
		frappe.db.set_value("KOL Partnership", partnership, "status", "Active", update_modified=False)
		muted, frappe.flags.mute_emails = frappe.flags.mute_emails, True
		try:
			published_piece(frappe.get_doc("KOL Partnership", partnership), doc.deliverables[0])
		finally:
			frappe.flags.mute_emails = muted
			frappe.local.outgoing_email_account = {}  # see partnerships.add_content
		doc = frappe.get_doc("KOL Partnership", partnership)
		doc.status = "Completed"
		doc.save()
	study = build.new_case_study(partnership)
	study.update({**CASE_STUDY, "kol_consented": 1})
	study.save()
	for action in ("Submit for Review", "Approve", "Publish"):
		study = apply_workflow(study, action)
	frappe.db.set_value("KOL Case Study", study.name, "published_on", day(2), update_modified=False)


def add_mismatched_proposal(state: DemoState) -> None:
	"""A Draft cash-only offer to the first paid KOL in the demo who wants something besides money."""
	for entry in state.kols.values():
		kol = entry.doc
		if kol.program_type != "Paid":
			continue
		if not any(kol.get(w) for w in wants.WANT_FIELDS if w != wants.MONEY_WANT):
			continue
		frappe.get_doc(
			{
				"doctype": "KOL Proposal",
				"title": MISMATCH_TITLE,
				"kol": kol.name,
				"purpose": entry.creator.purpose,
				"budget": 3000,
				"currency": CURRENCY,
				"valid_from": day(0),
				"valid_until": day(-30),
				"deliverables": [
					{"deliverable_type": "Post", "description": "Sponsored post", "quantity": 1}
				],
				"benefits": [{"benefit_type": "Cash", "amount": 3000, "description": "Flat fee"}],
			}
		).insert()
		return
