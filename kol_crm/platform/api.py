"""The endpoint our community platform pushes its events to (docs/platform.md).

``POST /api/method/kol_crm.platform.api.push_events`` with the API key and secret of a user
holding the KOL Integration role (``Authorization: token <api_key>:<api_secret>``) and a JSON
body ``{"events": [...]}`` of at most 1,000 events. Every other caller gets HTTP 403: guests,
KOL Managers, operators and analysts alike (the platform's data has one way in, and a desk
session cookie is not a platform).
"""

import base64
import binascii
import csv
import io
import json
import random
import time

import frappe
from frappe import _

from kol_crm.permissions import is_integration_user, is_manager
from kol_crm.platform.events import MAX_EVENTS, ingest

TOKEN_TYPES = ("token", "basic")
DEADLOCK_ATTEMPTS = 3


@frappe.whitelist(methods=["POST"])
def push_events(events: list | str | None = None) -> dict:
	"""Store a batch of events; one result per event (accepted, duplicate or error)."""
	authorise()
	if isinstance(events, str):
		try:
			events = json.loads(events)
		except ValueError:
			frappe.throw(_("events must be a JSON list of events."), title=_("Invalid value"))
	answer = ingest_retrying(events)
	# the KOL saves behind activity events leave desk notes (pacing, tiers): not for the platform
	frappe.local.message_log = []
	return answer


def ingest_retrying(events) -> dict:
	"""``ingest``, run again when MariaDB made this request's transaction a deadlock's victim. It
	then rolled all of it back, the batch's events included, so running the batch again stores
	each event once. The load test found one (docs/operations.md#load-test): two KOL saves at the same
	moment deadlocked on the KOL Privilege rows a tier change rewrote, which no longer happens
	(``tiers.sync_privileges``); a batch saves several KOLs in one transaction, so two batches can
	still lock the same KOLs in another order."""
	for attempt in range(1, DEADLOCK_ATTEMPTS + 1):
		try:
			return ingest(events)
		except frappe.QueryDeadlockError:
			frappe.db.rollback()
			if attempt == DEADLOCK_ATTEMPTS:
				raise
			time.sleep(random.uniform(0.05, 0.25) * attempt)  # the other transaction finishes first
	return {}  # not reached


CSV_COLUMNS = (
	"event_id",
	"conversion",
	"occurred_at",
	"referral_code",
	"kol",
	"amount",
	"currency",
	"customer_ref",
)


@frappe.whitelist(methods=["POST"])
def import_conversions(csv_text: str) -> dict:
	"""Conversions from a CSV file (a KOL Manager's, for a platform that can't call the endpoint):
	one row per conversion with the columns of CSV_COLUMNS (``event_id``, ``conversion`` and
	``occurred_at`` required), stored and attributed exactly as pushed events are."""
	if not is_manager():
		frappe.throw(
			_("Only a KOL Manager can import conversions."), frappe.PermissionError, title=_("Not permitted")
		)
	rows = list(csv.DictReader(io.StringIO((csv_text or "").lstrip("\ufeff"))))
	headers = {(h or "").strip().lower() for h in (rows[0].keys() if rows else [])}
	missing = [c for c in ("event_id", "conversion", "occurred_at") if c not in headers]
	if not rows or missing:
		frappe.throw(
			_("The CSV needs a header row with {0} and one row per conversion.").format(
				", ".join(CSV_COLUMNS[:3])
			),
			title=_("Invalid value"),
		)
	if len(rows) > MAX_EVENTS:
		frappe.throw(
			_("A CSV holds at most {0} conversions; this one has {1}. Split it into smaller files.").format(
				MAX_EVENTS, len(rows)
			),
			title=_("Too many events"),
		)
	events = []
	for row in rows:
		values = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
		event = {"type": "conversion", **{k: v for k, v in values.items() if k in CSV_COLUMNS and v}}
		if "amount" in event and event["amount"].replace(".", "", 1).isdigit():
			event["amount"] = float(event["amount"])
		events.append(event)
	answer = ingest_retrying(events)
	for result in answer["results"]:
		result["row"] = result["index"] + 2  # the header is row 1
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
