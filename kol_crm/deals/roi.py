"""Return on investment of a partnership and of a KOL's partnerships (issue 13).

What a partnership costs against what it brought in, both from stored values:

- **cost** = the Amount of every KOL Benefit (cash, and the declared value of the other benefits:
  products, traffic exposure, platform support...; a benefit with no Amount counts 0)
  + the **revenue share due** (attributed revenue x the benefits' revenue share % / 100,
  ``kol_crm.platform.attribution``);
- **revenue** = the attributed revenue (``result_revenue``, from the conversions the platform sent
  through the partnership's referral codes, never typed);
- **ROI (%)** = (revenue - cost) / cost x 100, rounded to 1 decimal; none when the cost is 0
  (nothing was spent: a return "on" nothing is not a number);
- **cost per paid conversion** = cost / attributed paid conversions, **cost per new user** =
  cost / attributed new users; none when there are none.

A KOL's ROI adds up the costs and revenues of its partnerships first, then divides: it is not the
average of the partnerships' ROIs. Amounts are added as stored, in each partnership's currency.
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Sum
from frappe.utils import flt


def roi_figures(
	benefits_amount: float,
	revenue_share_due: float,
	revenue: float,
	paid_conversions: int = 0,
	new_users: int = 0,
) -> dict:
	"""Cost, revenue, ROI (%) and cost per result of one partnership (or of several, summed)."""
	# plain float arithmetic: the report calls this once per row (flt's rounding costs 10x more)
	cost = round(float(benefits_amount or 0) + float(revenue_share_due or 0), 2)
	revenue = round(float(revenue or 0), 2)
	return {
		"cost": cost,
		"revenue": revenue,
		"roi": round((revenue - cost) * 100.0 / cost, 1) if cost else None,
		"cost_per_paid_conversion": round(cost / paid_conversions, 2) if paid_conversions else None,
		"cost_per_new_user": round(cost / new_users, 2) if new_users else None,
	}


def benefits_amount_query():
	"""A sub-query: per KOL Partnership (``parent``), the total Amount of its benefits (``spend``)."""
	benefit = frappe.qb.DocType("KOL Benefit")
	return (
		frappe.qb.from_(benefit)
		.select(benefit.parent, Sum(benefit.amount).as_("spend"))
		.where(benefit.parenttype == "KOL Partnership")
		.groupby(benefit.parent)
	)


def kol_partnerships(kol: str) -> list[dict]:
	"""Each of ``kol``'s partnerships (oldest first) with its results and benefits' Amount.

	Two indexed queries (the KOL's partnerships, then their benefits), not a join on every benefit."""
	rows = frappe.get_all(
		"KOL Partnership",
		filters={"kol": kol},
		fields=[
			"name",
			"start_date",
			"revenue_share_due",
			"result_revenue",
			"result_paid_conversions",
			"result_new_users",
		],
		order_by="start_date asc, name asc",
	)
	if rows:
		benefit = frappe.qb.DocType("KOL Benefit")
		spend = dict(
			frappe.qb.from_(benefit)
			.select(benefit.parent, Sum(benefit.amount))
			.where(benefit.parenttype == "KOL Partnership")
			.where(benefit.parent.isin([r.name for r in rows]))
			.groupby(benefit.parent)
			.run()
		)
		for row in rows:
			row.spend = flt(spend.get(row.name))
	return rows


def kol_totals(kol: str) -> dict:
	"""The ROI figures of all of ``kol``'s partnerships together, and how many there are."""
	rows = kol_partnerships(kol)
	return {
		"partnerships": len(rows),
		**roi_figures(
			sum(r.spend for r in rows),
			sum(flt(r.revenue_share_due) for r in rows),
			sum(flt(r.result_revenue) for r in rows),
			sum(r.result_paid_conversions or 0 for r in rows),
			sum(r.result_new_users or 0 for r in rows),
		),
	}


# the KOL form's graph shows this many partnerships, the latest
GRAPH_PARTNERSHIPS = 12


def kol_chart(kol: str) -> dict | None:
	"""Cost against attributed revenue per partnership (the latest ones), as bars."""
	rows = kol_partnerships(kol)[-GRAPH_PARTNERSHIPS:]
	if not rows:
		return None
	figures = [roi_figures(r.spend, r.revenue_share_due, r.result_revenue) for r in rows]
	return {
		"title": _("Cost and Attributed Revenue per Partnership"),
		"data": {
			"labels": [r.name for r in rows],
			"datasets": [
				{"name": _("Cost"), "values": [f["cost"] for f in figures]},
				{"name": _("Attributed Revenue"), "values": [f["revenue"] for f in figures]},
			],
		},
		"type": "bar",
		"colors": ["#ff5858", "#28a745"],
	}


def check_kol_readable(kol) -> None:
	"""A reader of this KOL who may read partnerships (not the KOL's portal login); a KOL that
	does not exist is refused with the same message as one the user may not read."""
	if not isinstance(kol, str) or not kol:
		frappe.throw(_("Choose a KOL."))
	frappe.has_permission("KOL Partnership", "read", throw=True)
	if not frappe.db.exists("KOL", kol) or not frappe.has_permission("KOL", "read", doc=kol):
		frappe.throw(_("You can't see this KOL's partnerships."), frappe.PermissionError)


@frappe.whitelist()
def kol_roi(kol: str) -> dict:
	"""The KOL form's ROI headline: money and counts of the KOL's partnerships, no personal field."""
	check_kol_readable(kol)
	return kol_totals(kol)


@frappe.whitelist()
def kol_roi_chart(doctype: str, docname: str) -> dict | None:
	"""The KOL form's graph (``graph_method`` of kol_dashboard.py): cost and attributed revenue
	per partnership. The form dashboard calls it with the form's DocType and name."""
	if doctype != "KOL":
		frappe.throw(_("The ROI graph is for a KOL."))
	check_kol_readable(docname)
	return kol_chart(docname)
