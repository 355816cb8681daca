"""Conversions attributed to partnerships, and the partnership results computed from them.

A conversion is attributed:
- by its **referral code** to the code's partnership, or, without a code,
- by its **KOL** to the one partnership of that KOL whose term covers the day it happened (two or
  more: not attributed, the platform should send the code; guessing would move money).

It is stored but **not attributed**, with the reason in Attribution Note, when:
- the code was revoked before the conversion happened (one that happened before the revocation
  and arrives later still counts);
- it happened before the partnership started, or after it ended (a late conversion);
- a paid conversion's currency is not the partnership's.
A conversion that happened within the term but arrives after the partnership ended is attributed,
and the partnership's results are recomputed even though it is closed.

Results (``result_new_users``, ``result_activated_users``, ``result_paid_conversions``,
``result_revenue``) are counts and sums of the attributed conversions, never typed;
``revenue_share_due`` is ``result_revenue`` x the revenue share % of the partnership's benefits / 100
(``revenue_share``; settlement statements settle it period by period with the same function).
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Sum
from frappe.utils import flt, get_datetime, getdate

from kol_crm.deals.terms import revenue_share_percent

ATTRIBUTED, NOT_ATTRIBUTED = "Attributed", "Not Attributed"
RESULT_FIELDS = {
	"New User": "result_new_users",
	"Activated": "result_activated_users",
	"Paid": "result_paid_conversions",
}


def attribute(event) -> None:
	"""Set the event's partnership, attribution and note (before it is stored)."""
	on = getdate(event.occurred_on)
	if event.referral_code:
		code = frappe.db.get_value(
			"KOL Referral Code",
			event.referral_code,
			["partnership", "status", "revoked_on", "revoked_reason"],
			as_dict=True,
		)
		event.partnership = code.partnership
		if code.status == "Revoked" and get_datetime(code.revoked_on) <= get_datetime(event.occurred_on):
			return not_attributed(
				event,
				_(
					"Referral code {0} was revoked on {1} ({2}): the conversion is recorded, not attributed."
				).format(
					event.referral_code, frappe.format(code.revoked_on, "Datetime"), code.revoked_reason or ""
				),
			)
		how = _("by referral code {0}").format(event.referral_code)
	else:
		covering = covering_partnerships(event.kol, on)
		if not covering:
			return not_attributed(
				event,
				_("No partnership of KOL {0} covers {1}: the conversion is recorded, not attributed.").format(
					event.kol, frappe.format(on, "Date")
				),
			)
		if len(covering) > 1:
			return not_attributed(
				event,
				_(
					"KOL {0} has {1} partnerships covering {2} ({3}): send the referral code to attribute the conversion."
				).format(event.kol, len(covering), frappe.format(on, "Date"), ", ".join(covering)),
			)
		event.partnership = covering[0]
		how = _("by KOL (no referral code)")
	partnership = frappe.db.get_value(
		"KOL Partnership", event.partnership, ["start_date", "end_date", "currency"], as_dict=True
	)
	if partnership.start_date and on < getdate(partnership.start_date):
		return not_attributed(
			event,
			_(
				"The conversion on {0} is before partnership {1} started ({2}): recorded, not attributed."
			).format(
				frappe.format(on, "Date"), event.partnership, frappe.format(partnership.start_date, "Date")
			),
		)
	if partnership.end_date and on > getdate(partnership.end_date):
		return not_attributed(
			event,
			_(
				"Late: the conversion on {0} is after partnership {1} ended ({2}): recorded, not attributed."
			).format(
				frappe.format(on, "Date"), event.partnership, frappe.format(partnership.end_date, "Date")
			),
		)
	if event.amount and event.currency and partnership.currency and event.currency != partnership.currency:
		return not_attributed(
			event,
			_("The amount is in {0}; partnership {1} is in {2}: recorded, not attributed.").format(
				event.currency, event.partnership, partnership.currency
			),
		)
	event.attribution = ATTRIBUTED
	event.attribution_note = _("Attributed to partnership {0} {1}.").format(event.partnership, how)
	if partnership.end_date and getdate(event.received_on or on) > getdate(partnership.end_date):
		event.attribution_note += " " + _(
			"It arrived after the partnership ended; it happened within its term, so its results were recomputed."
		)


def not_attributed(event, note: str) -> None:
	event.attribution = NOT_ATTRIBUTED
	event.attribution_note = note


def covering_partnerships(kol: str, on) -> list[str]:
	"""The KOL's partnerships whose term covers the day ``on`` (an open end covers every later day)."""
	p = frappe.qb.DocType("KOL Partnership")
	rows = (
		frappe.qb.from_(p)
		.select(p.name)
		.where((p.kol == kol) & (p.start_date <= on) & (p.end_date.isnull() | (p.end_date >= on)))
		.orderby(p.start_date)
		.run(pluck=True)
	)
	return list(rows)


# ------------------------------------------------------------------ results


def results(partnership: str | None) -> dict:
	"""The partnership's results from its attributed conversions."""
	values = {field: 0 for field in RESULT_FIELDS.values()} | {"result_revenue": 0.0}
	if not partnership:
		return values
	e = frappe.qb.DocType("KOL Platform Event")
	rows = (
		frappe.qb.from_(e)
		.select(e.conversion_type, Count("*"), Sum(e.amount))
		.where(
			(e.partnership == partnership) & (e.event_type == "Conversion") & (e.attribution == ATTRIBUTED)
		)
		.groupby(e.conversion_type)
		.run()
	)
	for kind, number, amount in rows:
		if kind in RESULT_FIELDS:
			values[RESULT_FIELDS[kind]] = int(number)
		if kind == "Paid":
			values["result_revenue"] = flt(amount, 2)
	return values


def apply_results(doc) -> None:
	"""KOL Partnership.validate: the results as the attributed conversions say, whatever was sent."""
	doc.update(results(None if doc.is_new() else doc.name))
	set_revenue_share_due(doc)


def set_revenue_share_due(doc) -> None:
	doc.revenue_share_due = revenue_share(doc.result_revenue, doc)


def revenue_share(revenue: float, doc) -> float:
	"""The revenue share due on ``revenue`` under the benefits of ``doc`` (a partnership, or any
	object with its ``benefits`` rows): revenue x their revenue share % / 100, to the cent."""
	return flt(flt(revenue) * revenue_share_percent(doc) / 100, 2)


def paid_conversions_until(partnerships: list[str], until) -> dict[str, tuple[int, float]]:
	"""Per partnership: (count, revenue) of its attributed paid conversions that happened up to the
	moment ``until`` (a datetime), the same conversions ``results`` counts."""
	if not partnerships:
		return {}
	e = frappe.qb.DocType("KOL Platform Event")
	rows = (
		frappe.qb.from_(e)
		.select(e.partnership, Count("*"), Sum(e.amount))
		.where(
			e.partnership.isin(partnerships)
			& (e.event_type == "Conversion")
			& (e.conversion_type == "Paid")
			& (e.attribution == ATTRIBUTED)
			& (e.occurred_on <= until)
		)
		.groupby(e.partnership)
		.run()
	)
	return {partnership: (int(number), flt(amount, 2)) for partnership, number, amount in rows}


def recompute_results(partnership: str) -> None:
	"""After conversions arrive: store the partnership's results (closed partnerships too, so a
	late-arriving conversion within the term counts), without the rest of a save."""
	doc = frappe.get_doc("KOL Partnership", partnership)
	doc.update(results(partnership))
	set_revenue_share_due(doc)
	frappe.db.set_value(
		"KOL Partnership",
		partnership,
		{field: doc.get(field) for field in (*RESULT_FIELDS.values(), "result_revenue", "revenue_share_due")},
	)
