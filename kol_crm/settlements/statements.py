"""Settlement statements of a KOL, period by period (issue 13).

A statement covers a KOL, one currency and a period: a calendar month, or a calendar quarter when
KOL CRM Settings say so (``statement_period``). Its lines, computed on every save while it is a
draft and never typed, are per partnership of the KOL in that currency that started by the end of
the period:

- **Cash Benefit**: the Amount of the partnership's Cash benefits;
- **Revenue Share**: the revenue share due on the attributed paid conversions that happened up to
  the end of the period (the same conversions and the same formula as the partnership's
  ``revenue_share_due``: ``kol_crm.platform.attribution``);
- **Brought Forward**: what the KOL's paid statements left unpaid (a partial payment).

Each line is what is due up to the end of the period **minus what the KOL's other live statements
(Draft, Pending Approval, Approved, Paid) already hold** for the same partnership: a benefit or a
conversion counted once is never counted again, however often a statement is re-made, and a
conversion that arrives late (it happened in a period already stated) is settled on the next
statement. A rejected or cancelled statement holds nothing: its amounts go on the next one made.
Statements of a KOL and currency follow each other: a new one starts after the last live one ends.
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Sum
from frappe.utils import add_days, add_months, flt, get_datetime, get_first_day, getdate, now_datetime

from kol_crm import permissions
from kol_crm.deals.terms import revenue_share_percent
from kol_crm.platform.attribution import paid_conversions_until, revenue_share
from kol_crm.workflows import kol_settlement as workflow

DOCTYPE = "KOL Settlement Statement"
CASH, REVENUE_SHARE, BROUGHT_FORWARD = "Cash Benefit", "Revenue Share", "Brought Forward"
TOTAL_FIELDS = {CASH: "cash_total", REVENUE_SHARE: "revenue_share_total", BROUGHT_FORWARD: "brought_forward"}
PERIOD_MONTHS = {"Monthly": 1, "Quarterly": 3}
# set by the workflow's transitions, never by a save
SYSTEM_FIELDS = ("submitted_by", "submitted_on", "approved_by", "approved_on", "balance", "purchase_invoice")
PAYMENT_FIELDS = ("payment_reference", "payment_date", "paid_amount")
COMPUTED_FIELDS = (*TOTAL_FIELDS.values(), "total_due")


# ------------------------------------------------------------------ periods


def period_months() -> int:
	setting = frappe.db.get_single_value("KOL CRM Settings", "statement_period") or "Monthly"
	return PERIOD_MONTHS.get(setting, 1)


def period_bounds(day, months: int | None = None) -> tuple:
	"""(first day, last day) of the period that holds ``day``: its calendar month, or its calendar
	quarter (January, April, July, October) for a 3-month period."""
	months = months or period_months()
	first = get_first_day(getdate(day))
	first = first.replace(month=first.month - (first.month - 1) % months)
	return first, add_days(add_months(first, months), -1)


def last_ended_period(today=None) -> tuple:
	"""The latest period that has ended by ``today`` (the monthly job's period)."""
	start, _end = period_bounds(today or getdate())
	return period_bounds(add_days(start, -1))


def default_currency() -> str:
	return frappe.db.get_default("currency") or "CNY"


# ------------------------------------------------------------------ the controller's steps


def set_period(doc) -> None:
	"""The period holding the Period Start typed (its first day), and its last day."""
	if not doc.period_start:
		frappe.throw(_("Period Start is required."), title=_("Invalid value"))
	doc.period_start, doc.period_end = period_bounds(doc.period_start)


def set_currency(doc) -> None:
	if doc.currency:
		return
	currencies = kol_currencies(doc.kol)
	if len(currencies) > 1:
		frappe.throw(
			_("KOL {0} has partnerships in {1}: choose the Currency of this statement.").format(
				doc.kol, ", ".join(currencies)
			),
			title=_("Invalid value"),
		)
	doc.currency = currencies[0] if currencies else default_currency()


def kol_currencies(kol: str) -> list[str]:
	"""The currencies of the KOL's partnerships (a partnership without one: the default)."""
	found = frappe.get_all("KOL Partnership", filters={"kol": kol}, pluck="currency", distinct=True)
	return sorted({c or default_currency() for c in found})


def is_draft(doc) -> bool:
	"""A new statement, or one stored as Draft: its lines are (re)computed."""
	if doc.is_new():
		return True
	return frappe.db.get_value(DOCTYPE, doc.name, "workflow_state") in (None, "", workflow.DRAFT)


def check_sequence(doc) -> None:
	"""One live statement per KOL, currency and period; a new one starts after the last one."""
	s = frappe.qb.DocType(DOCTYPE)
	query = (
		frappe.qb.from_(s)
		.select(s.name, s.period_start, s.period_end)
		.where(
			(s.kol == doc.kol)
			& (s.currency == doc.currency)
			& s.workflow_state.isin(workflow.LIVE_STATES)
			& (s.period_end >= doc.period_start)
		)
		.orderby(s.period_start)
		.limit(1)
	)
	if not doc.is_new():
		query = query.where(s.name != doc.name)
	clash = query.run(as_dict=True)
	if not clash:
		return
	other = clash[0]
	if getdate(other.period_start) == getdate(doc.period_start):
		message = _("KOL {0} already has statement {1} for {2} - {3} in {4}.")
	else:
		message = _(
			"KOL {0} already has statement {1} for {2} - {3} in {4}: a new statement starts after it ends."
		)
	frappe.throw(
		message.format(
			doc.kol,
			other.name,
			frappe.format(other.period_start, "Date"),
			frappe.format(other.period_end, "Date"),
			doc.currency,
		),
		title=_("Statement exists"),
	)


def keep_system_fields(doc) -> None:
	"""What the transitions set stays as stored; the payment is a manager's, on an approved statement
	(the save before Mark Paid). A statement that is no draft keeps its lines and totals."""
	before = None if doc.is_new() else doc.get_doc_before_save()
	stored_state = before.workflow_state if before else None
	for field in SYSTEM_FIELDS:
		doc.set(field, before.get(field) if before else None)
	if stored_state != workflow.APPROVED or not permissions.is_manager():
		for field in PAYMENT_FIELDS:
			doc.set(field, before.get(field) if before else None)
	if before and stored_state not in (None, "", workflow.DRAFT):
		doc.set("lines", [row.as_dict() for row in before.lines])
		for field in COMPUTED_FIELDS:
			doc.set(field, before.get(field))


def set_lines(doc) -> None:
	"""The lines of a draft and its totals, from what is stored now."""
	doc.set("lines", [])
	for line in due_lines(
		doc.kol, doc.currency, doc.period_end, exclude=doc.name if not doc.is_new() else None
	):
		doc.append("lines", line)
	set_totals(doc)


def set_totals(doc) -> None:
	for field in TOTAL_FIELDS.values():
		doc.set(field, 0)
	for row in doc.lines:
		field = TOTAL_FIELDS[row.line_type]
		doc.set(field, flt(doc.get(field) + flt(row.amount), 2))
	doc.total_due = flt(sum(flt(doc.get(field)) for field in TOTAL_FIELDS.values()), 2)


def apply_transition(doc) -> None:
	"""Who submitted and approved it and when; a payment's amount (empty: in full) and balance."""
	before = None if doc.is_new() else doc.get_doc_before_save()
	if not before or before.workflow_state == doc.workflow_state:
		return
	if doc.workflow_state == workflow.PENDING:
		doc.submitted_by, doc.submitted_on = frappe.session.user, now_datetime()
	elif doc.workflow_state == workflow.APPROVED:
		doc.approved_by, doc.approved_on = frappe.session.user, now_datetime()
	elif doc.workflow_state == workflow.DRAFT:
		doc.submitted_by = doc.submitted_on = None
	elif doc.workflow_state == workflow.PAID:
		doc.paid_amount = flt(doc.paid_amount, 2) or flt(doc.total_due, 2)
		doc.balance = flt(flt(doc.total_due) - doc.paid_amount, 2)


def check_delete(doc) -> None:
	"""Only a statement that holds nothing (Draft, Rejected, Cancelled) may be deleted: an approved
	or paid one is the record of what the KOL was owed and paid, and what later ones subtract.
	The app's own clean-ups (demo reset, tests) delete with ``ignore_permissions``."""
	if doc.flags.ignore_permissions:
		return
	state = frappe.db.get_value(DOCTYPE, doc.name, "workflow_state")
	if state in (workflow.PENDING, workflow.APPROVED, workflow.PAID):
		frappe.throw(
			_("Statement {0} is {1}: cancel it (or reject it) instead of deleting it.").format(
				doc.name, _(state)
			),
			title=_("Not permitted"),
		)


# ------------------------------------------------------------------ what is due


def due_lines(kol: str, currency: str, period_end, exclude: str | None = None) -> list[dict]:
	"""The lines due to ``kol`` in ``currency`` up to ``period_end``, less what the KOL's other live
	statements (all but ``exclude``) hold."""
	held = held_amounts(kol, currency, exclude)
	lines = []
	partnerships = [
		p
		for p in frappe.get_all(
			"KOL Partnership",
			filters={"kol": kol, "start_date": ("<=", period_end)},
			fields=["name", "currency"],
			order_by="start_date asc, name asc",
		)
		if (p.currency or default_currency()) == currency
	]
	names = [p.name for p in partnerships]
	benefits: dict[str, list] = {}
	for row in frappe.get_all(
		"KOL Benefit",
		filters={"parenttype": "KOL Partnership", "parent": ("in", names or [""])},
		fields=["parent", "benefit_type", "amount", "revenue_share_percent"],
		order_by="idx",
	):
		benefits.setdefault(row.parent, []).append(row)
	# the end of the period's last day: a conversion at 23:59 on it counts, one at 00:00 next day not
	until = get_datetime(f"{getdate(period_end)} 23:59:59.999999")
	conversions = paid_conversions_until(names, until)
	for name in names:
		rows = benefits.get(name, [])
		cash = flt(sum(flt(r.amount) for r in rows if r.benefit_type == "Cash"), 2)
		due = flt(cash - held.get((CASH, name), {}).get("amount", 0), 2)
		if due:
			lines.append(
				{"line_type": CASH, "partnership": name, "description": _("Cash benefits"), "amount": due}
			)
		terms = frappe._dict(benefits=rows)
		count, revenue = conversions.get(name, (0, 0.0))
		already = held.get((REVENUE_SHARE, name), {})
		due = flt(revenue_share(revenue, terms) - flt(already.get("amount")), 2)
		new_count = count - int(already.get("conversions") or 0)
		percent = revenue_share_percent(terms)
		if due or (new_count and percent):
			lines.append(
				{
					"line_type": REVENUE_SHARE,
					"partnership": name,
					"description": _("Revenue share on attributed paid conversions"),
					"conversions": new_count,
					"revenue": flt(revenue - flt(already.get("revenue")), 2),
					"revenue_share_percent": percent,
					"amount": due,
				}
			)
	if carried := brought_forward(kol, currency, exclude, held):
		lines.append(carried)
	return lines


def held_amounts(kol: str, currency: str, exclude: str | None) -> dict:
	"""(line type, partnership) -> amount, revenue and conversions the KOL's other live statements hold."""
	s, line = frappe.qb.DocType(DOCTYPE), frappe.qb.DocType("KOL Settlement Line")
	query = (
		frappe.qb.from_(line)
		.join(s)
		.on((line.parent == s.name) & (line.parenttype == DOCTYPE))
		.select(
			line.line_type,
			line.partnership,
			Sum(line.amount).as_("amount"),
			Sum(line.revenue).as_("revenue"),
			Sum(line.conversions).as_("conversions"),
		)
		.where((s.kol == kol) & (s.currency == currency) & s.workflow_state.isin(workflow.LIVE_STATES))
		.groupby(line.line_type, line.partnership)
	)
	if exclude:
		query = query.where(s.name != exclude)
	return {(row.line_type, row.partnership): row for row in query.run(as_dict=True)}


def brought_forward(kol: str, currency: str, exclude: str | None, held: dict) -> dict | None:
	"""What the KOL's paid statements left unpaid, less what other statements already brought forward."""
	unpaid = frappe.get_all(
		DOCTYPE,
		filters={
			"kol": kol,
			"currency": currency,
			"workflow_state": workflow.PAID,
			"balance": ("!=", 0),
			"name": ("!=", exclude or ""),
		},
		fields=["name", "balance"],
		order_by="period_start asc",
	)
	due = flt(
		sum(flt(s.balance) for s in unpaid) - flt(held.get((BROUGHT_FORWARD, None), {}).get("amount")), 2
	)
	if not due:
		return None
	return {
		"line_type": BROUGHT_FORWARD,
		"description": _("Unpaid balance of {0}").format(", ".join(s.name for s in unpaid)),
		"amount": due,
	}


# ------------------------------------------------------------------ making statements


def existing_statement(kol: str, currency: str, period_start) -> str | None:
	return frappe.db.get_value(
		DOCTYPE,
		{
			"kol": kol,
			"currency": currency,
			"period_start": period_start,
			"workflow_state": ("in", workflow.LIVE_STATES),
		},
		"name",
	)


def make_statement(kol: str, period_start, currency: str | None = None) -> tuple[str | None, bool]:
	"""(statement, created): the KOL's live statement of the period if there is one, else a new
	draft when anything is due (None when nothing is). Runs as the caller: check permission first."""
	start, _end = period_bounds(period_start)
	doc = frappe.new_doc(DOCTYPE)
	doc.update({"kol": kol, "currency": currency, "period_start": start})
	set_currency(doc)
	if name := existing_statement(kol, doc.currency, start):
		return name, False
	set_period(doc)
	set_lines(doc)
	if not doc.lines:
		return None, False
	doc.insert()
	return doc.name, True


def make_statements(period_start) -> dict:
	"""A draft for every KOL and currency with anything due in the period (idempotent)."""
	start, end = period_bounds(period_start)
	made = {"created": [], "existing": []}
	pairs = frappe.get_all(
		"KOL Partnership",
		filters={"start_date": ("<=", end)},
		fields=["kol", "currency"],
		distinct=True,
		order_by="kol asc",
	)
	for pair in {(p.kol, p.currency or default_currency()) for p in pairs}:
		try:
			name, created = make_statement(pair[0], start, currency=pair[1])
		except frappe.ValidationError:
			# a later statement exists (made by hand): nothing to draft for this KOL
			frappe.clear_last_message()
			continue
		if name:
			made["created" if created else "existing"].append(name)
	return made


def monthly() -> None:
	"""The scheduled job: drafts for the period that just ended (the code acts, not a user)."""
	start, _end = last_ended_period()
	make_statements(start)


@frappe.whitelist()
def make_statements_for_period(period_start: str) -> dict:
	"""The list's "Make Statements for Period" action: a KOL Manager's."""
	if not permissions.may_manage_statements():
		frappe.throw(
			_("Only a KOL Manager makes the statements of a period."),
			frappe.PermissionError,
			title=_("Not permitted"),
		)
	try:
		day = getdate(period_start)
	except Exception:
		day = None
	if not day:
		frappe.throw(_("Period Start must be a date."), title=_("Invalid value"))
	return make_statements(day)
