"""Deliverables and benefits, shared by KOL Proposal and KOL Partnership."""

import frappe
from frappe import _
from frappe.utils import cstr, escape_html, flt, fmt_money

from kol_crm.utils import validation as v

# benefits that pay the KOL money: an unpaid programme (moderators, guide writers, community
# hosts) offers recognition, support, traffic and products instead
PAID_ONLY_BENEFITS = ("Cash", "Revenue Share")


def validate_benefits(doc) -> None:
	validate_programme_benefits(doc)
	for row in doc.get("benefits") or []:
		label = v.row_label(row)
		if row.benefit_type == "Cash" and flt(row.amount) <= 0:
			v.invalid(_("{0}a Cash benefit needs an Amount greater than 0.").format(label))
		if row.benefit_type == "Revenue Share":
			if not 0 < flt(row.revenue_share_percent) <= 100:
				v.invalid(
					_("{0}a Revenue Share benefit needs a Revenue Share (%) between 0 and 100.").format(label)
				)
		elif row.revenue_share_percent:
			row.revenue_share_percent = 0
		if flt(row.amount) < 0:
			v.invalid(_("{0}Amount cannot be negative.").format(label))


def validate_programme_benefits(doc) -> None:
	"""The KOL's programme type (stored on the KOL) decides which benefits may be offered."""
	if not doc.get("kol"):
		return
	if frappe.db.get_value("KOL", doc.kol, "program_type") != "Unpaid":
		return
	for row in doc.get("benefits") or []:
		if row.benefit_type in PAID_ONLY_BENEFITS:
			v.invalid(
				_(
					"{0}{1} can't be offered: {2} is in the unpaid programme, which offers no money. Offer personal brand, platform support, traffic, endorsement or products, or move the KOL to the paid programme (Program Type)."
				).format(v.row_label(row), _(row.benefit_type), frappe.bold(doc.get("kol_name") or doc.kol))
			)


def validate_deliverables(doc) -> None:
	for row in doc.get("deliverables") or []:
		if (row.quantity or 0) < 1:
			v.invalid(_("{0}Quantity must be at least 1.").format(v.row_label(row)))


def refuse_row_saved_alone(row) -> None:
	"""KOL Benefit, KOL Deliverable and KOL Negotiation Round rows change only with their proposal
	or partnership, whose checks (terms locked once submitted, benefits within the accepted terms,
	negotiation rounds kept) compare the whole stored document. A row saved or deleted on its own
	(``PUT /api/resource/KOL Benefit/<row>``) would slip past them: a parent's own save writes its
	rows without running this."""
	frappe.throw(
		_("{0} rows are changed through their {1} ({2}), not on their own.").format(
			_(row.doctype), _(row.parenttype or ""), row.parent
		),
		frappe.PermissionError,
		title=_("Not permitted"),
	)


def revenue_share_percent(doc) -> float:
	return sum(
		flt(r.revenue_share_percent) for r in doc.get("benefits") or [] if r.benefit_type == "Revenue Share"
	)


def benefits_value(doc) -> float:
	"""Money value of the benefits (cash and valued products); revenue share is paid on results."""
	return sum(flt(r.amount) for r in doc.get("benefits") or [])


def benefit_totals(rows) -> dict[str, tuple[int, float, float]]:
	"""Per benefit type: (rows, total amount, total revenue share %)."""
	totals: dict[str, tuple[int, float, float]] = {}
	for row in rows or []:
		count, amount, percent = totals.get(row.benefit_type, (0, 0.0, 0.0))
		totals[row.benefit_type] = (
			count + 1,
			amount + flt(row.amount),
			percent + flt(row.revenue_share_percent),
		)
	return totals


def _percent(value: float) -> str:
	return f"{flt(value, 2):g}"


def benefits_beyond(currency: str | None, rows, agreed: list[tuple[str | None, list]]) -> list[str]:
	"""Why ``rows`` (in ``currency``) give more than the ``agreed`` (currency, rows) sets allow.

	Per benefit type, no more rows, total amount or total revenue share than the most any agreed
	set gives, no type none of them has, no more money in all, and an agreed currency.
	(Select values are checked after the controller's validate: escape what is echoed back.)"""
	reasons = []
	currencies = {cstr(c) for c, _rows in agreed}
	if cstr(currency) not in currencies:
		reasons.append(
			_("Currency {0} is not the accepted terms' currency ({1}).").format(
				escape_html(currency or "-"), escape_html(", ".join(sorted(c or "-" for c in currencies)))
			)
		)
	ceiling: dict[str, tuple[int, float, float]] = {}
	for _currency, agreed_rows in agreed:
		for benefit_type, totals in benefit_totals(agreed_rows).items():
			previous = ceiling.get(benefit_type, (0, 0.0, 0.0))
			ceiling[benefit_type] = tuple(max(a, b) for a, b in zip(previous, totals, strict=True))
	for benefit_type, (count, amount, percent) in benefit_totals(rows).items():
		label = escape_html(_(cstr(benefit_type)))
		if benefit_type not in ceiling:
			reasons.append(_("{0} is not among the accepted benefits.").format(label))
			continue
		max_count, max_amount, max_percent = ceiling[benefit_type]
		if count > max_count:
			reasons.append(_("{0}: {1} rows, the accepted terms have {2}.").format(label, count, max_count))
		if flt(amount, 2) > flt(max_amount, 2):
			reasons.append(
				_("{0}: {1} in total, above the accepted {2}.").format(
					label, fmt_money(amount), fmt_money(max_amount)
				)
			)
		if flt(percent, 2) > flt(max_percent, 2):
			reasons.append(
				_("{0}: {1}% revenue share in total, above the accepted {2}%.").format(
					label, _percent(percent), _percent(max_percent)
				)
			)
	total = sum(flt(row.amount) for row in rows or [])
	most = max(sum(flt(row.amount) for row in agreed_rows or []) for _currency, agreed_rows in agreed)
	if flt(total, 2) > flt(most, 2):
		reasons.append(
			_("All benefits: {0} in total, above the accepted {1}.").format(fmt_money(total), fmt_money(most))
		)
	return reasons
