"""The partnership form's Connections: its content and the case study told of it."""

from frappe import _


def get_data():
	return {
		"fieldname": "partnership",
		"transactions": [
			{"label": _("Results"), "items": ["KOL Content", "KOL Case Study"]},
		],
	}
