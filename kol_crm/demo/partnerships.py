"""The demo partnerships: made from accepted proposals (``make_partnership``), with KPIs and
deliverables, and content under review for one of them (``add_content``); their results are
conversions our platform sent through their referral codes (``demo/platform.py``), never typed."""

import random

import frappe
from frappe.model.workflow import apply_workflow

from kol_crm.demo.common import DemoState, backdate, day
from kol_crm.demo.creators import Creator
from kol_crm.demo.platform import record_results, result_counts
from kol_crm.demo.proposals import Offer
from kol_crm.kol_crm.doctype.kol_proposal.kol_proposal import make_partnership
from kol_crm.workflows.kol_proposal import latest_offer

KPI_PROGRESS = {  # partnership status: the share of its targets reached so far (low, high)
	"Active": (0.3, 0.8),
	"Paused": (0.2, 0.5),
	"Completed": (0.8, 1.3),
	"Terminated": (0.05, 0.3),
}


def add_partnership(state: DemoState, offer: Offer, proposal) -> None:
	rng = state.rng
	doc = make_partnership(proposal.name)
	doc.flags.demo_status = offer.partnership
	if offer.countered:
		# the KOL accepted our revised offer: its cash, agreed by a manager
		for row in doc.benefits:
			if row.benefit_type == "Cash":
				row.amount = latest_offer(proposal)
	# running while its conversions come in; then the status the demo leaves it in
	doc.status = offer.partnership if offer.partnership == "Paused" else "Active"
	if offer.partnership == "Terminated":
		doc.end_date = day(rng.randint(5, 15))
	# the KOL acknowledged the rules before it (conduct.acknowledge): the partnership records it
	results = set_kpis(rng, doc, state.kols[offer.kol].creator)
	set_deliverable_status(rng, doc)
	doc.insert()
	record_results(doc, result_counts(results), results.get("result_revenue") or 0)
	if doc.status != offer.partnership:
		doc.reload()
		doc.status = offer.partnership
		doc.save()
	backdate(doc, offer.days_ago)
	state.partnerships.setdefault(offer.kol, []).append(doc)


def set_kpis(rng: random.Random, doc, c: Creator) -> dict:
	"""Targets for the partnership's purpose, sized by the KOL's reach, and the results so far
	(which the platform's conversions will make)."""
	low, high = KPI_PROGRESS[offer_status(doc)]
	progress = rng.uniform(low, high)
	target = max(int(round(c.followers / 10000, -1)), 20)
	if doc.purpose == "Acquisition":
		doc.target_new_users = target
		return {"result_new_users": int(target * progress)}
	if doc.purpose == "Activation":
		doc.target_activated_users = target
		return {"result_activated_users": int(target * progress)}
	price = rng.choice((29, 49, 99))
	doc.target_paid_conversions = max(target // 10, 10)
	doc.target_revenue = doc.target_paid_conversions * price
	paid = int(doc.target_paid_conversions * progress)
	return {"result_paid_conversions": paid, "result_revenue": paid * price}


def offer_status(doc) -> str:
	return doc.flags.demo_status or doc.status


def set_deliverable_status(rng: random.Random, doc) -> None:
	for i, row in enumerate(doc.deliverables):
		if offer_status(doc) == "Completed":
			row.status = "Missed" if rng.random() < 0.15 else "Delivered"
		elif offer_status(doc) == "Terminated":
			row.status = "Delivered" if i == 0 else "Missed"
		else:
			row.status = "Delivered" if i == 0 else "Pending"


# ------------------------------------------------------------------ content review

# the demo's content in review, on the first Active partnership with two deliverables or more:
# the first deliverable's piece published (with its measured results), the second one's
# resubmitted after the operator asked for changes (two versions kept, waiting for review)
REVIEW_COMMENT = "Show the product in the first ten seconds and add the launch date."


def add_content(state: DemoState) -> None:
	partnership = next(
		(
			doc
			for docs in state.partnerships.values()
			for doc in docs
			if doc.status == "Active" and len(doc.deliverables) >= 2
		),
		None,
	)
	if not partnership:
		return
	# the story happened in the past: its emails to the KOL are not sent now
	muted, frappe.flags.mute_emails = frappe.flags.mute_emails, True
	try:
		published_piece(partnership, partnership.deliverables[0])
		piece_in_review(partnership, partnership.deliverables[1])
	finally:
		frappe.flags.mute_emails = muted
		# while muted, Frappe's outgoing account lookup returns a dummy account and caches it for
		# the request (frappe.local.outgoing_email_account): forget it, or later emails fail
		frappe.local.outgoing_email_account = {}


def new_piece(partnership, row, title: str, body: str):
	return frappe.get_doc(
		{
			"doctype": "KOL Content",
			"kol": partnership.kol,
			"partnership": partnership.name,
			"deliverable": row.name,
			"title": title,
			"body": body,
		}
	).insert()


def published_piece(partnership, row) -> None:
	doc = new_piece(
		partnership,
		row,
		f"{row.description}: first cut",
		"Opening: the unboxing. Middle: three things I use every day. End: where to get it.",
	)
	doc = apply_workflow(doc, "Submit for Review")
	doc = apply_workflow(doc, "Approve")
	doc.update({"live_url": f"https://video.example/{doc.name.lower()}", "published_on": day(3)})
	doc.save()
	doc = apply_workflow(doc, "Publish")
	doc.update({"views": 18400, "likes": 1210, "comments": 164, "shares": 95, "measured_on": day(1)})
	doc.save()


def piece_in_review(partnership, row) -> None:
	doc = new_piece(
		partnership,
		row,
		f"{row.description}: draft",
		"A walk through the new features, filmed at home.",
	)
	doc = apply_workflow(doc, "Submit for Review")
	doc.reviewer_comment = REVIEW_COMMENT
	doc.save()
	doc = apply_workflow(doc, "Request Changes")
	doc.body = "Opens on the product, then the walk through. Launch date on screen: the 1st."
	doc.save()
	apply_workflow(doc, "Resubmit")
