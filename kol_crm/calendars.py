"""The desk calendars (issue 15): follow-ups, occasions, partnership terms and deliverable due dates.

Each calendar's ``get_events`` reads through ``frappe.get_list``, so row rules apply (an operator
sees only the events of their own KOLs). Child rows (occasions, deliverables) are read only for
parents the user may list. Events carry the record's name, its title (the KOL's name, never a
personal field), the dates and the DocType the desk opens on a click.

=========================  ==========================  ==========================================
calendar (desk)            method                      events
=========================  ==========================  ==========================================
KOL Reminder               get_follow_up_events        open KOL Reminders (their ToDo is Open)
                                                       and KOL next follow-up dates
KOL                        get_occasion_events         KOL Occasion rows; yearly ones repeat in
                                                       every year of the range
KOL Partnership            get_partnership_events      partnership terms (start to end) and the
                                                       due dates of their deliverables
=========================  ==========================  ==========================================
"""

import datetime

import frappe
from frappe import _
from frappe.utils import getdate


def _range(start: str, end: str) -> tuple[datetime.date, datetime.date]:
	start_date, end_date = getdate(start), getdate(end)
	if end_date < start_date:
		frappe.throw(_("The calendar range ends before it starts."))
	return start_date, end_date


def _filters(filters: str | list | dict | None) -> list:
	parsed = frappe.parse_json(filters) if filters else []
	if isinstance(parsed, dict):
		return [[key, "=", value] for key, value in parsed.items()]
	return list(parsed or [])


def _event(doctype: str, name: str, title: str, start, end=None) -> dict:
	return {
		"doctype": doctype,
		"name": name,
		"title": title,
		"start": str(start),
		"end": str(end or start),
		"allDay": 1,
		# dates, not times: no time-zone shift; read-only (the dates belong to their records)
		"convertToUserTz": 0,
		"calendar_editable": 0,
	}


@frappe.whitelist()
def get_follow_up_events(start: str, end: str, filters: str | list | dict | None = None) -> list[dict]:
	start_date, end_date = _range(start, end)
	reminders = frappe.get_list(
		"KOL Reminder",
		filters=[*_filters(filters), ["due_on", "between", [start_date, end_date]]],
		fields=["name", "kol_name", "reminder_type", "due_on", "todo"],
		order_by="due_on asc, name asc",
		limit_page_length=0,
	)
	todos = {row.todo for row in reminders if row.todo}
	open_todos = set(
		frappe.get_all("ToDo", filters={"name": ("in", list(todos)), "status": "Open"}, pluck="name")
		if todos
		else []
	)
	events = [
		_event("KOL Reminder", row.name, f"{_(row.reminder_type)}: {row.kol_name}", row.due_on)
		for row in reminders
		if row.todo in open_todos
	]
	kols = frappe.get_list(
		"KOL",
		filters=[["next_follow_up_on", "between", [start_date, end_date]]],
		fields=["name", "kol_name", "next_follow_up_on"],
		order_by="next_follow_up_on asc, name asc",
		limit_page_length=0,
	)
	events += [
		_event("KOL", row.name, _("Follow up: {0}").format(row.kol_name), row.next_follow_up_on)
		for row in kols
	]
	return events


def occasion_dates(
	occasion_date: datetime.date, repeats_yearly: bool, start: datetime.date, end: datetime.date
) -> list[datetime.date]:
	"""The dates of an occasion within ``start``..``end`` (inclusive); a yearly one from its first year.

	A yearly occasion on 29 February falls on 28 February in other years.
	"""
	if not repeats_yearly:
		return [occasion_date] if start <= occasion_date <= end else []
	dates = []
	for year in range(max(start.year, occasion_date.year), end.year + 1):
		try:
			day = occasion_date.replace(year=year)
		except ValueError:
			day = occasion_date.replace(year=year, day=28)
		if start <= day <= end:
			dates.append(day)
	return dates


@frappe.whitelist()
def get_occasion_events(start: str, end: str, filters: str | list | dict | None = None) -> list[dict]:
	start_date, end_date = _range(start, end)
	fields = ["parent", "occasion", "occasion_date", "repeats_yearly"]
	child = [["parenttype", "=", "KOL"], ["parentfield", "=", "occasions"]]
	# KOL Occasion through get_list: the child row rule applies, and the range is pushed down
	occasions = frappe.get_list(
		"KOL Occasion",
		parent_doctype="KOL",
		filters=[*child, ["repeats_yearly", "=", 0], ["occasion_date", "between", [start_date, end_date]]],
		fields=fields,
		limit_page_length=0,
	) + frappe.get_list(
		"KOL Occasion",
		parent_doctype="KOL",
		filters=[*child, ["repeats_yearly", "=", 1], ["occasion_date", "<=", end_date]],
		fields=fields,
		limit_page_length=0,
	)
	if not occasions:
		return []
	kols = {
		row.name: row.kol_name
		for row in frappe.get_list(
			"KOL",
			filters=[*_filters(filters), ["name", "in", sorted({row.parent for row in occasions})]],
			fields=["name", "kol_name"],
			limit_page_length=0,
		)
	}
	events = [
		_event("KOL", row.parent, f"{row.occasion}: {kols[row.parent]}", day)
		for row in occasions
		if row.occasion_date and row.parent in kols
		for day in occasion_dates(getdate(row.occasion_date), bool(row.repeats_yearly), start_date, end_date)
	]
	return sorted(events, key=lambda event: (event["start"], event["name"], event["title"]))


@frappe.whitelist()
def get_partnership_events(start: str, end: str, filters: str | list | dict | None = None) -> list[dict]:
	start_date, end_date = _range(start, end)
	partnerships = frappe.get_list(
		"KOL Partnership",
		filters=_filters(filters),
		fields=["name", "kol_name", "start_date", "end_date"],
		order_by="name asc",
		limit_page_length=0,
	)
	events = []
	for row in partnerships:
		if not row.start_date:
			continue
		term_end = getdate(row.end_date) if row.end_date else getdate(row.start_date)
		if getdate(row.start_date) <= end_date and term_end >= start_date:
			events.append(
				_event(
					"KOL Partnership",
					row.name,
					_("Partnership: {0}").format(row.kol_name),
					row.start_date,
					term_end,
				)
			)
	names = {row.name: row.kol_name for row in partnerships}
	if names:
		deliverables = frappe.get_all(
			"KOL Deliverable",
			filters={
				"parenttype": "KOL Partnership",
				"parentfield": "deliverables",
				"parent": ("in", list(names)),
				"due_date": ("between", [start_date, end_date]),
			},
			fields=["parent", "deliverable_type", "due_date"],
			order_by="due_date asc, parent asc, idx asc",
		)
		events += [
			_event(
				"KOL Partnership",
				row.parent,
				_("{0} due: {1}").format(_(row.deliverable_type), names[row.parent]),
				row.due_date,
			)
			for row in deliverables
		]
	return events
