"""The demo partnerships: made from accepted proposals (``make_partnership``), with KPIs and deliverables."""

import random

from kol_crm.demo.common import DemoState, backdate, day
from kol_crm.demo.creators import Creator
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
	if offer.countered:
		# the KOL accepted our revised offer: its cash, agreed by a manager
		for row in doc.benefits:
			if row.benefit_type == "Cash":
				row.amount = latest_offer(proposal)
	doc.status = offer.partnership
	if offer.partnership == "Terminated":
		doc.end_date = day(rng.randint(5, 15))
	# the KOL acknowledged the rules before it (conduct.acknowledge): the partnership records it
	set_kpis(rng, doc, state.kols[offer.kol].creator)
	set_deliverable_status(rng, doc)
	doc.insert()
	backdate(doc, offer.days_ago)
	state.partnerships.setdefault(offer.kol, []).append(doc)


def set_kpis(rng: random.Random, doc, c: Creator) -> None:
	"""Targets for the partnership's purpose, sized by the KOL's reach, and the results so far."""
	low, high = KPI_PROGRESS[doc.status]
	progress = rng.uniform(low, high)
	target = max(int(round(c.followers / 400, -1)), 20)
	if doc.purpose == "Acquisition":
		doc.target_new_users = target
		doc.result_new_users = int(target * progress)
	elif doc.purpose == "Activation":
		doc.target_activated_users = target
		doc.result_activated_users = int(target * progress)
	else:
		price = rng.choice((29, 49, 99))
		doc.target_paid_conversions = max(target // 10, 10)
		doc.result_paid_conversions = int(doc.target_paid_conversions * progress)
		doc.target_revenue = doc.target_paid_conversions * price
		doc.result_revenue = doc.result_paid_conversions * price


def set_deliverable_status(rng: random.Random, doc) -> None:
	for i, row in enumerate(doc.deliverables):
		if doc.status == "Completed":
			row.status = "Missed" if rng.random() < 0.15 else "Delivered"
		elif doc.status == "Terminated":
			row.status = "Delivered" if i == 0 else "Missed"
		else:
			row.status = "Delivered" if i == 0 else "Pending"
