"""The demo KOL's portal login: the KOL whose content is in review logs in at ``/kol`` as
``PORTAL_USER`` with the demo password, and finds a proposal to accept, the rules to acknowledge
(they acknowledged an earlier version; the rules changed since) and their content in review."""

import frappe
from frappe.utils import add_to_date

from kol_crm.demo.common import DemoState
from kol_crm.demo.proposals import Offer, add_proposal
from kol_crm.demo.users import KOL_PORTAL as PORTAL_USER
from kol_crm.intelligence import rules

OPEN_OFFER = ("Autumn launch teaser", 2, 3000)  # title, days ago, budget: sent, waiting for the KOL
RULES_CHANGED_DAYS = 30  # the KOL's acknowledgement is of the rules as they were this long ago


def add_portal_login(state: DemoState) -> str | None:
	"""Link the demo portal login to the KOL whose content is in review; the KOL's name."""
	entries = {entry.doc.name: entry for entry in state.kols.values()}
	in_review = frappe.get_all(
		"KOL Content",
		filters={"kol": ("in", list(entries) or [""]), "workflow_state": "Submitted"},
		pluck="kol",
		limit=1,
	)
	if not in_review:
		return None
	entry = entries[in_review[0]]
	kol = frappe.get_doc("KOL", entry.doc.name)
	kol.portal_user = PORTAL_USER  # KOL.validate checks it is a portal login of no other KOL
	kol.save()
	title, days_ago, budget = OPEN_OFFER
	add_proposal(state, Offer(entry.creator.name, title, "Sent", days_ago, budget))
	acknowledged_an_earlier_version(kol.name)
	return kol.name


def acknowledged_an_earlier_version(kol: str) -> None:
	"""The KOL acknowledged the rules before they last changed, so the portal asks again."""
	latest = rules.latest_acknowledgement(kol)
	current = rules.current_version()
	if latest and current:
		frappe.db.set_value(
			"KOL Rule Acknowledgement",
			latest.name,
			"rules_version",
			add_to_date(current, days=-RULES_CHANGED_DAYS),
			update_modified=False,
		)
