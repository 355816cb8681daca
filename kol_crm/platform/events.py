"""What the platform's events are and what each one does.

An event is a JSON object with ``event_id`` (unique, the idempotency key), ``type`` and
``occurred_at``. Two types:

- ``activity``: an account on our platform, identified by ``platform_user_id`` (the KOL's
  Our Platform Account ID) or ``kol`` (the KOL's ID), with any of ``posts``, ``answers`` and
  ``followers`` (totals at ``occurred_at``), ``last_active_at`` and ``user_name``. On a KOL it
  updates Posts, Answers / Content Count, Followers On Our Platform and Last Active On Our Platform,
  so the scores and the inactivity review use them. An account that is no KOL is stored for the
  KOL Platform Candidates report.
- ``conversion``: ``conversion`` is ``new_user``, ``activated`` or ``paid`` (with ``amount``
  and optionally ``currency``), carrying the ``referral_code`` it came through, or else the
  ``kol`` / ``platform_user_id`` of the KOL; ``customer_ref`` names the converted user. It is
  attributed to a partnership (attribution.py), whose results are recomputed.

``ingest`` takes a batch: each event in its own savepoint, so a bad event is an error row and
never costs the valid ones; an ``event_id`` already stored (or earlier in the batch) is a
duplicate and stores nothing. Activity reaches the KOLs once the batch is stored, one save per
KOL: inline for up to ``INLINE_KOLS`` KOLs, in a background job for more (a save costs tens of
milliseconds, and a platform's nightly sync may name every KOL).
"""

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import frappe
from frappe import _
from frappe.query_builder.functions import Max
from frappe.utils import cint, cstr, flt, get_datetime, get_system_timezone, getdate, now_datetime

from kol_crm.platform import attribution

MAX_EVENTS = 1000
MAX_COUNT = 1_000_000_000
MAX_ID_LENGTH = 140
INLINE_KOLS = 100
FUTURE_TOLERANCE = timedelta(days=1)  # clocks of two systems disagree a little, never by days
EVENT_TYPES = {"activity": "Activity", "conversion": "Conversion"}
CONVERSIONS = {"new_user": "New User", "activated": "Activated", "paid": "Paid"}
ACCEPTED, DUPLICATE, ERROR = "accepted", "duplicate", "error"


class EventError(frappe.ValidationError):
	"""An event that can't be stored: its message goes back to the platform."""


def fail(message: str) -> None:
	raise EventError(message)


# ------------------------------------------------------------------ the batch


def ingest(events) -> dict:
	"""Store a batch of events; ``results`` has one entry per event, in the batch's order."""
	if not isinstance(events, list):
		frappe.throw(_("events must be a list of events."), title=_("Invalid value"))
	if not events:
		frappe.throw(_("The batch has no events."), title=_("Invalid value"))
	if len(events) > MAX_EVENTS:
		frappe.throw(
			_("A batch holds at most {0} events; this one has {1}. Split it into smaller batches.").format(
				MAX_EVENTS, len(events)
			),
			title=_("Too many events"),
		)
	seen: set[str] = set()
	touched: set[str] = set()
	on_kols: dict[str, list] = {}  # KOL -> its activity events in this batch
	results = [store_one(index, raw, seen, touched, on_kols) for index, raw in enumerate(events)]
	for partnership in sorted(touched):
		attribution.recompute_results(partnership)
	if len(on_kols) > INLINE_KOLS:
		frappe.enqueue(
			"kol_crm.platform.events.apply_activities",
			queue="long",
			kols=on_kols,
			enqueue_after_commit=True,
		)
	else:
		apply_activities(on_kols, results)
	counts = {status: sum(r["status"] == status for r in results) for status in (ACCEPTED, DUPLICATE, ERROR)}
	return {**counts, "results": results}


def store_one(index: int, raw, seen: set[str], touched: set[str], on_kols: dict[str, list]) -> dict:
	event_id = cstr(raw.get("event_id")).strip() if isinstance(raw, dict) else ""
	result = {"index": index, "event_id": event_id or None}
	if event_id and (event_id in seen or frappe.db.exists("KOL Platform Event", {"event_id": event_id})):
		return {
			**result,
			"status": DUPLICATE,
			"message": _("Event {0} was already received.").format(event_id),
		}
	frappe.db.savepoint("kol_platform_event")
	try:
		doc = store(raw)
	except frappe.DuplicateEntryError:
		# the same event arriving at the same moment in another batch
		frappe.db.rollback(save_point="kol_platform_event")
		return {
			**result,
			"status": DUPLICATE,
			"message": _("Event {0} was already received.").format(event_id),
		}
	except frappe.ValidationError as error:
		frappe.db.rollback(save_point="kol_platform_event")
		frappe.local.message_log = []
		return {**result, "status": ERROR, "message": plain(error)}
	except Exception:
		frappe.db.rollback(save_point="kol_platform_event")
		frappe.log_error(title=f"KOL platform event {event_id or index} failed")
		return {
			**result,
			"status": ERROR,
			"message": _("The event could not be stored; the error is logged."),
		}
	seen.add(event_id)
	if doc.partnership and doc.attribution == "Attributed":
		touched.add(doc.partnership)
	if doc.event_type == "Activity" and doc.kol:
		on_kols.setdefault(doc.kol, []).append(doc.name)
	answer = {**result, "status": ACCEPTED, "name": doc.name, "kol": doc.kol}
	if doc.event_type == "Conversion":
		answer.update(partnership=doc.partnership, attribution=doc.attribution, message=doc.attribution_note)
	return answer


def plain(error: Exception) -> str:
	"""The message of a refused event, without the markup desk messages carry."""
	return frappe.utils.strip_html(cstr(error)).strip() or _("Invalid event.")


# ------------------------------------------------------------------ one event


def store(raw) -> "frappe.model.document.Document":
	"""Validate one event, store it, and let it act (activity on the KOL, attribution)."""
	values = parse(raw)
	doc = frappe.get_doc({"doctype": "KOL Platform Event", **values})
	if doc.event_type == "Conversion":
		attribution.attribute(doc)
	# the integration user has no DocPerm on the events: the endpoint checked who it is
	doc.insert(ignore_permissions=True)
	return doc


def parse(raw) -> dict:
	if not isinstance(raw, dict):
		fail(_("An event must be a JSON object."))
	event_id = cstr(raw.get("event_id")).strip()
	if not event_id:
		fail(_("event_id is required."))
	if len(event_id) > MAX_ID_LENGTH:
		fail(_("event_id is longer than {0} characters.").format(MAX_ID_LENGTH))
	event_type = EVENT_TYPES.get(cstr(raw.get("type")).strip().lower())
	if not event_type:
		fail(_("type must be activity or conversion, not {0}.").format(json.dumps(raw.get("type"))))
	values = {
		"event_id": event_id,
		"event_type": event_type,
		"occurred_on": parse_datetime(raw.get("occurred_at"), "occurred_at", required=True),
		"received_on": now_datetime(),
		"platform_user_id": text(raw, "platform_user_id"),
		"platform_user_name": text(raw, "user_name"),
		"payload": json.dumps(raw, ensure_ascii=False, default=str, sort_keys=True),
	}
	values.update(activity(raw, values) if event_type == "Activity" else conversion(raw, values))
	return values


def activity(raw: dict, values: dict) -> dict:
	kol = find_kol(raw, values["platform_user_id"])
	if not kol and not values["platform_user_id"]:
		fail(_("An activity event needs platform_user_id or kol."))
	last_active = raw.get("last_active_at")
	return {
		"kol": kol,
		"posts": count(raw, "posts"),
		"answers": count(raw, "answers"),
		"followers": count(raw, "followers"),
		"last_active_on": getdate(parse_datetime(last_active, "last_active_at")) if last_active else None,
	}


def conversion(raw: dict, values: dict) -> dict:
	kind = CONVERSIONS.get(cstr(raw.get("conversion")).strip().lower())
	if not kind:
		fail(
			_("conversion must be new_user, activated or paid, not {0}.").format(
				json.dumps(raw.get("conversion"))
			)
		)
	amount = raw.get("amount")
	if kind == "Paid":
		if isinstance(amount, bool) or not isinstance(amount, int | float | str) or flt(amount) <= 0:
			fail(_("A paid conversion needs an amount above 0."))
		if isinstance(amount, str) and not is_number(amount):
			fail(_("amount must be a number, not {0}.").format(json.dumps(amount)))
	elif amount not in (None, 0, "0", ""):
		fail(_("Only a paid conversion has an amount."))
	currency = text(raw, "currency")
	if currency:
		currency = currency.upper()
		if not frappe.db.exists("Currency", currency):
			fail(_("Currency {0} is unknown.").format(currency))
	code = text(raw, "referral_code")
	kol = find_kol(raw, values["platform_user_id"])
	if code:
		stored = frappe.db.get_value(
			"KOL Referral Code", {"code": code.upper()}, ["name", "kol"], as_dict=True
		)
		if not stored:
			fail(_("Referral code {0} is unknown.").format(code))
		if kol and kol != stored.kol:
			fail(_("Referral code {0} belongs to another KOL than {1}.").format(stored.name, kol))
		code, kol = stored.name, stored.kol
	elif not kol:
		fail(_("A conversion needs referral_code, kol or platform_user_id."))
	return {
		"kol": kol,
		"conversion_type": kind,
		"amount": flt(amount) if kind == "Paid" else 0,
		"currency": currency,
		"referral_code": code,
		"customer_ref": text(raw, "customer_ref"),
	}


def find_kol(raw: dict, platform_user_id: str | None) -> str | None:
	"""The KOL named by ``kol``, or the one whose Our Platform Account ID is ``platform_user_id``."""
	kol = text(raw, "kol")
	if kol and not frappe.db.exists("KOL", kol):
		fail(_("KOL {0} does not exist.").format(kol))
	by_account = (
		frappe.db.get_value("KOL", {"platform_account_id": platform_user_id}, "name")
		if platform_user_id
		else None
	)
	if kol and by_account and by_account != kol:
		fail(
			_("platform_user_id {0} belongs to KOL {1}, not to {2}.").format(
				platform_user_id, by_account, kol
			)
		)
	return kol or by_account


# ------------------------------------------------------------------ values


def text(raw: dict, key: str) -> str | None:
	value = raw.get(key)
	if value is None:
		return None
	if not isinstance(value, str | int) or isinstance(value, bool):
		fail(_("{0} must be a string.").format(key))
	value = cstr(value).strip()
	if len(value) > MAX_ID_LENGTH:
		fail(_("{0} is longer than {1} characters.").format(key, MAX_ID_LENGTH))
	return value or None


def count(raw: dict, key: str) -> int | None:
	value = raw.get(key)
	if value is None:
		return None
	if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
		fail(
			_("{0} must be a whole number from 0 to {1}, not {2}.").format(key, MAX_COUNT, json.dumps(value))
		)
	return value


def is_number(value: str) -> bool:
	try:
		float(value)
	except ValueError:
		return False
	return True


def parse_datetime(value, key: str, required: bool = False) -> datetime | None:
	"""An ISO 8601 date or date-time; with a time zone it is converted to the site's time zone.
	Not more than a day ahead of now."""
	if value in (None, ""):
		if required:
			fail(_("{0} is required.").format(key))
		return None
	if not isinstance(value, str):
		fail(_("{0} must be an ISO 8601 date or date-time, not {1}.").format(key, json.dumps(value)))
	try:
		parsed = get_datetime(value.strip())
	except Exception:
		parsed = None
	if not isinstance(parsed, datetime | date):
		fail(_("{0} must be an ISO 8601 date or date-time, not {1}.").format(key, json.dumps(value)))
	if not isinstance(parsed, datetime):
		parsed = datetime.combine(parsed, datetime.min.time())
	if parsed.tzinfo:
		parsed = parsed.astimezone(ZoneInfo(get_system_timezone())).replace(tzinfo=None)
	if parsed > now_datetime() + FUTURE_TOLERANCE:
		fail(_("{0} {1} is in the future.").format(key, value))
	return parsed


# ------------------------------------------------------------------ activity on a KOL


def apply_activities(kols: dict[str, list], results: list[dict] | None = None) -> None:
	"""Each KOL's activity events of a batch, applied in one save per KOL. A KOL that can't be
	saved keeps its events (they are stored) and the error is logged, and told in the events'
	results when the batch is still being answered."""
	for kol, names in kols.items():
		frappe.db.savepoint("kol_platform_activity")
		try:
			apply_activity(kol, names)
		except frappe.QueryDeadlockError:
			raise  # MariaDB rolled the whole transaction back: there is no savepoint to return to
		except Exception as error:
			frappe.db.rollback(save_point="kol_platform_activity")
			frappe.log_error(title=f"KOL platform activity on {kol} failed")
			note = _("Stored, but KOL {0} could not be updated: {1}").format(kol, plain(error))
			for result in results or []:
				if result.get("name") in names:
					result["warning"] = note


def apply_activity(kol_name: str, names: list) -> None:
	"""Each of the KOL's figures on our platform follows the newest event that carries it (an
	event older than one already stored changes no figure); Last Active On Our Platform only
	moves forward. Saved as the system (scores, tier and the inactivity review
	follow), whoever the integration user is."""
	events = frappe.get_all(
		"KOL Platform Event",
		filters={"name": ("in", names)},
		fields=["name", "occurred_on", "platform_user_id", "last_active_on", "payload"],
		order_by="occurred_on desc, name desc",
	)
	if not events:
		return
	kol = frappe.get_doc("KOL", kol_name)
	table = frappe.qb.DocType("KOL Platform Event")
	stored_newest = (
		frappe.qb.from_(table)
		.select(Max(table.occurred_on))
		.where((table.kol == kol.name) & (table.event_type == "Activity") & table.name.notin(names))
		.run()[0][0]
	)
	for field, key in (
		("on_platform_posts", "posts"),
		("on_platform_content", "answers"),
		("on_platform_followers", "followers"),
	):
		# the newest event of the batch that carries this figure, unless a stored one is newer
		carrying = next((e for e in events if json.loads(e.payload or "{}").get(key) is not None), None)
		if carrying and (
			not stored_newest or get_datetime(carrying.occurred_on) >= get_datetime(stored_newest)
		):
			kol.set(field, cint(json.loads(carrying.payload)[key]))
	account = next((e.platform_user_id for e in events if e.platform_user_id), None)
	if account and not kol.platform_account_id:
		kol.platform_account_id = account
	last_active = max((getdate(e.last_active_on) for e in events if e.last_active_on), default=None)
	if last_active and (
		not kol.last_active_on_platform or last_active > getdate(kol.last_active_on_platform)
	):
		kol.last_active_on_platform = last_active
	kol.flags.ignore_permissions = True  # the platform's data, whoever owns the KOL
	kol.flags.skip_pacing_warning = True
	kol.save()
