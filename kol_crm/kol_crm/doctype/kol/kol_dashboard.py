"""The KOL form's Connections: its records, including settlement statements, tier history,
reminders and violations, what our platform sent about it (events, referral codes), what the team
observed of it, its community groups and measured audience overlaps; and its graph, cost against
attributed revenue per partnership (kol_crm.deals.roi)."""

from frappe import _


def get_data():
	return {
		"fieldname": "kol",
		"graph": True,
		"graph_method": "kol_crm.deals.roi.kol_roi_chart",
		"transactions": [
			{
				"label": _("Cooperation"),
				"items": ["KOL Proposal", "KOL Partnership", "KOL Settlement Statement", "KOL Case Study"],
			},
			{"label": _("Contact"), "items": ["KOL Interaction", "KOL Reminder"]},
			{
				"label": _("Tier and Conduct"),
				"items": ["KOL Tier Change", "KOL Rule Acknowledgement", "KOL Violation"],
			},
			{"label": _("Our Platform"), "items": ["KOL Platform Event", "KOL Referral Code"]},
			{"label": _("Discovery"), "items": ["KOL Observation"]},
			{"label": _("Community"), "items": ["KOL Community Membership", "KOL Audience Overlap"]},
		],
	}
