"""Communication (Frappe): an email to or from a KOL becomes a KOL Interaction."""

from kol_crm.outreach import interactions


def after_insert(comm, method=None) -> None:
	interactions.on_communication(comm)
