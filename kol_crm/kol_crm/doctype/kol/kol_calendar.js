// Desk calendar: see kol_crm/calendars.py (events are read with the user's row rules).
frappe.views.calendar["KOL"] = {
	field_map: {
		start: "start",
		end: "end",
		id: "name",
		title: "title",
		allDay: "allDay",
	},
	options: {
		editable: false,
	},
	get_events_method: "kol_crm.calendars.get_occasion_events",
};
