"""The endpoint our community platform pushes its events to (docs/platform.md).

``POST /api/method/kol_crm.platform.api.push_events`` with the API key and secret of a user
holding the KOL Integration role (``Authorization: token <api_key>:<api_secret>``) and a JSON
body ``{"events": [...]}`` of at most 1,000 events. Every other caller gets HTTP 403: guests,
KOL Managers, operators and analysts alike (the platform's data has one way in, and a desk
session cookie is not a platform).
"""

import base64
import binascii
import json

import frappe
from frappe import _

from kol_crm.permissions import is_integration_user
from kol_crm.platform.events import ingest

TOKEN_TYPES = ("token", "basic")


@frappe.whitelist(methods=["POST"])
def push_events(events: list | str | None = None) -> dict:
	"""Store a batch of events; one result per event (accepted, duplicate or error)."""
	authorise()
	if isinstance(events, str):
		try:
			events = json.loads(events)
		except ValueError:
			frappe.throw(_("events must be a JSON list of events."), title=_("Invalid value"))
	answer = ingest(events)
	# the KOL saves behind activity events leave desk notes (pacing, tiers): not for the platform
	frappe.local.message_log = []
	return answer


def authorise(user: str | None = None) -> None:
	"""Only the integration user, signed in with its API key and secret (in a request)."""
	user = user or frappe.session.user
	if not is_integration_user(user):
		frappe.throw(
			_("Only the platform's integration user (role KOL Integration) may push platform events."),
			frappe.PermissionError,
			title=_("Not permitted"),
		)
	if getattr(frappe.local, "request", None) and api_key_user() != user:
		frappe.throw(
			_(
				"Push platform events with the integration user's API key and secret (header Authorization: token <api_key>:<api_secret>), not a login session."
			),
			frappe.PermissionError,
			title=_("Not permitted"),
		)


def api_key_user() -> str | None:
	"""The user whose API key the request's Authorization header carries (Frappe checked the
	secret before the method ran), or None for a request without one."""
	header = frappe.get_request_header("Authorization") or ""
	auth_type, _sep, credentials = header.strip().partition(" ")
	if auth_type.lower() not in TOKEN_TYPES or not credentials:
		return None
	if auth_type.lower() == "basic":
		try:
			credentials = base64.b64decode(credentials).decode()
		except (binascii.Error, UnicodeDecodeError):
			return None
	api_key = credentials.split(":", 1)[0].strip()
	if not api_key:
		return None
	return frappe.db.get_value("User", {"api_key": api_key, "enabled": 1}, "name")
