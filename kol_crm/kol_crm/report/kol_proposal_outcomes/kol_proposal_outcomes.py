"""KOL Proposal Outcomes: win rate by purpose, tier and operator; negotiation rounds; rejection reasons.

Win rate = accepted / closed (accepted + rejected + withdrawn). The median of negotiation
rounds is taken over closed proposals. Tier and operator are the KOL's. The period selects
proposals created in it.
"""

from collections import defaultdict

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce, Count, Trim

from kol_crm.kol_crm.report.utils import (
	kol_criteria,
	median_of_counts,
	parse_filters,
	period_criteria,
	ratio,
	where,
)

CLOSED = ("Accepted", "Rejected", "Withdrawn")
DIMENSIONS = (("purpose", "Purpose"), ("tier", "Tier"), ("operator", "Operator"))


def execute(filters=None):
	filters = parse_filters(filters)
	rows = outcome_rows(outcome_counts(filters)) + reason_rows(rejection_reasons(filters))
	return columns(), rows, None, chart(rows), summary(rows)


def columns() -> list[dict]:
	return [
		{"fieldname": "dimension", "label": _("By"), "fieldtype": "Data", "width": 130},
		{"fieldname": "value", "label": _("Value"), "fieldtype": "Data", "width": 220},
		{"fieldname": "proposals", "label": _("Proposals"), "fieldtype": "Int", "width": 100},
		{"fieldname": "open", "label": _("Open"), "fieldtype": "Int", "width": 80},
		{"fieldname": "accepted", "label": _("Accepted"), "fieldtype": "Int", "width": 90},
		{"fieldname": "rejected", "label": _("Rejected"), "fieldtype": "Int", "width": 90},
		{"fieldname": "withdrawn", "label": _("Withdrawn"), "fieldtype": "Int", "width": 90},
		{"fieldname": "win_rate", "label": _("Win Rate (%)"), "fieldtype": "Percent", "width": 110},
		{
			"fieldname": "median_rounds",
			"label": _("Median Negotiation Rounds"),
			"fieldtype": "Float",
			"width": 190,
		},
	]


def base_query(filters):
	proposal = frappe.qb.DocType("KOL Proposal")
	kol = frappe.qb.DocType("KOL")
	query = frappe.qb.from_(proposal).inner_join(kol).on(kol.name == proposal.kol)
	criteria = kol_criteria(kol, filters, period_field=None)
	criteria.extend(period_criteria(proposal.creation, filters))
	if filters.get("purpose"):
		criteria.append(proposal.purpose == filters.purpose)
	return proposal, kol, query, criteria


def outcome_counts(filters) -> list[tuple]:
	"""Section 1: (purpose, tier, operator, state, rounds, proposals), one grouped query."""
	proposal, kol, query, criteria = base_query(filters)
	nround = frappe.qb.DocType("KOL Negotiation Round")
	rounds = (
		frappe.qb.from_(nround)
		.select(nround.parent, Count("*").as_("rounds"))
		.where(nround.parenttype == "KOL Proposal")
		.groupby(nround.parent)
	)
	n_rounds = Coalesce(rounds.rounds, 0)
	query = (
		query.left_join(rounds)
		.on(rounds.parent == proposal.name)
		.select(proposal.purpose, kol.tier, kol.operator, proposal.workflow_state, n_rounds, Count("*"))
		.groupby(proposal.purpose, kol.tier, kol.operator, proposal.workflow_state, n_rounds)
	)
	return where(query, criteria).run()


def rejection_reasons(filters) -> list[tuple]:
	"""Section 2: (reason, proposals) of rejected proposals, most frequent first."""
	proposal, _kol, query, criteria = base_query(filters)
	reason = Trim(Coalesce(proposal.outcome_reason, ""))
	criteria.append(proposal.workflow_state == "Rejected")
	query = query.select(reason, Count("*")).groupby(reason)
	return where(query, criteria).run()


def outcome_rows(counts: list[tuple]) -> list[dict]:
	groups = defaultdict(lambda: {"proposals": 0, "open": 0, "accepted": 0, "rejected": 0, "withdrawn": 0})
	rounds = defaultdict(lambda: defaultdict(int))
	for purpose, tier, operator, state, n_rounds, n in counts:
		keys = [("Overall", "")] + [
			(label, value) for (_f, label), value in zip(DIMENSIONS, (purpose, tier, operator), strict=True)
		]
		for key in keys:
			group = groups[key]
			group["proposals"] += n
			if state in CLOSED:
				group[state.lower()] += n
				rounds[key][int(n_rounds)] += n
			else:
				group["open"] += n

	def order(key):
		dimension, value = key
		return (["Overall", "Purpose", "Tier", "Operator"].index(dimension), value is None, value or "")

	rows = []
	for key in sorted(groups, key=order):
		dimension, value = key
		group = groups[key]
		closed = group["accepted"] + group["rejected"] + group["withdrawn"]
		rows.append(
			{
				"dimension": _(dimension),
				"value": value if value is not None else _("(Not Set)"),
				**group,
				"win_rate": ratio(group["accepted"], closed),
				"median_rounds": median_of_counts(rounds[key]),
			}
		)
	return rows


def reason_rows(reasons: list[tuple]) -> list[dict]:
	reasons = sorted(reasons, key=lambda r: (-r[1], r[0]))
	return [
		{"dimension": _("Rejection Reason"), "value": reason or _("(No Reason)"), "rejected": n}
		for reason, n in reasons
	]


def chart(rows: list[dict]) -> dict:
	purposes = [row for row in rows if row["dimension"] == _("Purpose")]
	return {
		"data": {
			"labels": [row["value"] for row in purposes],
			"datasets": [{"name": _("Win Rate (%)"), "values": [row["win_rate"] or 0 for row in purposes]}],
		},
		"type": "bar",
	}


def summary(rows: list[dict]) -> list[dict]:
	overall = next((row for row in rows if row["dimension"] == _("Overall")), None)
	if not overall:
		return []
	return [
		{"label": _("Proposals"), "value": overall["proposals"], "datatype": "Int"},
		{"label": _("Win Rate (%)"), "value": overall["win_rate"] or 0, "datatype": "Percent"},
		{
			"label": _("Median Negotiation Rounds"),
			"value": overall["median_rounds"] or 0,
			"datatype": "Float",
		},
	]
