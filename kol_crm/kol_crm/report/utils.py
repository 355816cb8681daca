"""Shared building blocks of the KOL CRM reports, number cards and dashboard charts.

Every report filters KOLs the same way (period, category with its sub-categories, tier,
operator, intake path, programme type) and applies the same row-level rule as ``kol_crm.permissions``: a
restricted user (an operator) only counts the KOLs they own or are assigned to. Queries are
built with ``frappe.qb``, one aggregated query per report section; personal fields
(permlevel 1) are never selected.
"""

import statistics
from collections.abc import Callable, Iterable

import frappe
from frappe import _
from frappe.query_builder import Criterion
from frappe.utils import add_days, cint, formatdate, getdate, nowdate
from pypika.terms import CustomFunction

from kol_crm.permissions import is_restricted, own_kols_criterion
from kol_crm.workflows.kol_lifecycle import EXTERNAL, EXTERNAL_STATES, INTERNAL, INTERNAL_STATES

CLOSED_STATES = ("Declined", "Dropped", "Offboarded")
PATHS = (EXTERNAL, INTERNAL)
# the forward stages of each pipeline, ending in Active
FUNNEL = {EXTERNAL: (*EXTERNAL_STATES, "Active"), INTERNAL: (*INTERNAL_STATES, "Active")}
EXIT_STATE = {EXTERNAL: "Declined", INTERNAL: "Dropped"}
BEYOND_ACTIVE = ("Dormant", "Offboarded")
INTERACTION_TYPES = ("Email", "Call", "Meeting", "WeChat", "DM", "Community Event", "Gift", "Other")

# MariaDB: the Monday of a date's week
WeekStart = CustomFunction("SUBDATE", ["date", "days"])
Weekday = CustomFunction("WEEKDAY", ["date"])
DateOf = CustomFunction("DATE", ["value"])


def column(
	fieldname: str, label: str, fieldtype: str = "Data", width: int = 120, options: str | None = None
) -> dict:
	"""A report column; ``label`` is already translated (``_()`` at the caller, where it is found)."""
	col = {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, "width": width}
	if options:
		col["options"] = options
	return col


def kol_columns(with_state: bool = False) -> list[dict]:
	"""The columns that name a KOL in the per-KOL reports: the KOL, its name, (state,) tier, category, operator."""
	return [
		column("kol", _("KOL"), "Link", 120, "KOL"),
		column("kol_name", _("KOL Name"), "Data", 180),
		*([column("workflow_state", _("State"), "Data", 110)] if with_state else []),
		column("tier", _("Tier"), "Link", 100, "KOL Tier"),
		column("category", _("Category"), "Link", 130, "KOL Category"),
		column("operator", _("Operator"), "Link", 180, "User"),
	]


def kol_fields(kol, with_state: bool = False) -> list:
	"""The selected fields of a KOL table that fill ``kol_columns`` (same names, same order)."""
	return [
		kol.name.as_("kol"),
		kol.kol_name,
		*([kol.workflow_state] if with_state else []),
		kol.tier,
		kol.category,
		kol.operator,
	]


def int_filter(filters, key: str, default: int | None = None) -> int | None:
	"""An Int filter's value; left empty it is ``default`` (not 0)."""
	value = filters.get(key)
	return default if value in (None, "") else cint(value)


def translate_values(rows: list[dict], fields: Iterable[str]) -> list[dict]:
	"""Stored Select values (state, status...) shown in the user's language; empty ones stay as they are.

	The filters keep the stored values; each distinct value is translated once."""
	translated: dict[str, str] = {}
	fields = tuple(fields)
	for row in rows:
		for field in fields:
			if value := row.get(field):
				if value not in translated:
					translated[value] = _(value)
				row[field] = translated[value]
	return rows


def week_start(column):
	return WeekStart(DateOf(column), Weekday(column))


def parse_filters(filters) -> frappe._dict:
	filters = frappe._dict(frappe.parse_json(filters) if isinstance(filters, str) else (filters or {}))
	for key in ("from_date", "to_date"):
		if filters.get(key):
			filters[key] = getdate(filters[key])
	return filters


def own_kol_criteria(kol, user: str | None = None) -> list:
	"""The row-level rule of ``kol_crm.permissions`` as a qb criterion on a KOL table."""
	user = user or frappe.session.user
	if not is_restricted(user):
		return []
	return [own_kols_criterion(user, kol)]


def category_and_descendants(category: str) -> list[str]:
	bounds = frappe.db.get_value("KOL Category", category, ["lft", "rgt"], as_dict=True)
	if not bounds:
		return [category]
	return frappe.get_all(
		"KOL Category",
		filters={"lft": (">=", bounds.lft), "rgt": ("<=", bounds.rgt)},
		pluck="name",
	)


def kol_criteria(kol, filters: frappe._dict, period_field: str | None = "creation") -> list:
	"""Criteria on a KOL table for the common report filters plus the user's row-level access."""
	criteria = []
	if filters.get("category"):
		criteria.append(kol.category.isin(category_and_descendants(filters.category)))
	for field in ("tier", "operator", "intake_path", "program_type"):
		if filters.get(field):
			criteria.append(kol[field] == filters[field])
	if period_field:
		criteria.extend(period_criteria(kol[period_field], filters))
	criteria.extend(own_kol_criteria(kol))
	return criteria


def period_criteria(column, filters: frappe._dict, is_datetime: bool = True) -> list:
	criteria = []
	if filters.get("from_date"):
		criteria.append(column >= filters.from_date)
	if filters.get("to_date"):
		end = add_days(filters.to_date, 1) if is_datetime else filters.to_date
		criteria.append(column < end if is_datetime else column <= end)
	return criteria


def where(query, criteria: Iterable):
	criteria = list(criteria)
	return query.where(Criterion.all(criteria)) if criteria else query


def median(values: list[float]) -> float | None:
	return round(statistics.median(values), 1) if values else None


def median_of_counts(counts: dict[int, int]) -> float | None:
	"""Median of a distribution given as {value: how many times}."""
	total = sum(counts.values())
	if not total:
		return None
	values = sorted(counts)

	def nth(n: int) -> int:
		seen = 0
		for value in values:
			seen += counts[value]
			if seen > n:
				return value
		return values[-1]

	if total % 2:
		return float(nth(total // 2))
	return (nth(total // 2 - 1) + nth(total // 2)) / 2


def ratio(part, whole, digits: int = 1) -> float | None:
	return round(100.0 * part / whole, digits) if whole else None


def per(amount, count, digits: int = 2) -> float | None:
	return round(amount / count, digits) if count else None


def today():
	return getdate(nowdate())


# KOL Pipeline reads the KOL State Change log in a few aggregated queries: well under a second
# live at 100,000 KOLs (kol_crm.benchmarks). Only above this many KOLs does it become a prepared
# report, run in the background.
PREPARED_PIPELINE_ABOVE = 1_000_000


def use_prepared_reports(threshold: int = PREPARED_PIPELINE_ABOVE) -> bool:
	"""Daily: switch KOL Pipeline to a prepared report once the programme is large.

	Never switches it back off: a manager may have chosen it for a smaller programme."""
	if frappe.db.count("KOL") <= threshold:
		return False
	if not frappe.db.get_value("Report", "KOL Pipeline", "prepared_report"):
		frappe.db.set_value("Report", "KOL Pipeline", "prepared_report", 1)
	return True


# ------------------------------------------------------------------ weekly dashboard charts

CHART_WEEKS = 12


def weeks_back(n: int = CHART_WEEKS) -> list:
	"""The Mondays of the last ``n`` weeks, this week last."""
	monday = add_days(today(), -today().weekday())
	return [add_days(monday, -7 * i) for i in range(n - 1, -1, -1)]


def week_labels(weeks: list) -> list[str]:
	return [formatdate(w) for w in weeks]


def chart_source(doctype: str) -> Callable:
	"""Make ``build(filters) -> chart data`` the whitelisted ``get`` of a Dashboard Chart Source.

	Frappe calls a source's ``get`` with every chart argument; the chart needs only the filters,
	and the user must be able to read ``doctype`` (row rules apply inside ``build``).
	"""

	def make(build: Callable[[frappe._dict], dict]) -> Callable:
		@frappe.whitelist()
		def get(
			chart_name: str | None = None,
			chart: str | dict | None = None,
			no_cache: str | int | None = None,
			filters: str | dict | list | None = None,
			from_date: str | None = None,
			to_date: str | None = None,
			timespan: str | None = None,
			time_interval: str | None = None,
			heatmap_year: str | int | None = None,
			refresh: str | int | None = None,
		) -> dict:
			frappe.has_permission(doctype, "read", throw=True)
			return build(parse_filters(filters if isinstance(filters, dict) else None))

		# addressable as the source module's own ``get`` (dashboard charts and the API call it so)
		get.__module__, get.__qualname__, get.__doc__ = build.__module__, "get", build.__doc__
		return get

	return make
