"""The platform's integration user and events for tests (kol_crm/platform)."""

import json
from datetime import timedelta

import frappe
from frappe.utils import add_days, now_datetime, nowdate

from kol_crm.kol_crm.doctype.kol_proposal.kol_proposal import make_partnership
from kol_crm.platform import events as platform_events
from kol_crm.platform import referral_codes
from kol_crm.platform.integration import make_integration_user
from tests import factories as f
from tests.api import ApiSession

INTEGRATION_USER = f.INTEGRATION
PUSH = "/api/method/kol_crm.platform.api.push_events"
_keys: dict = {}


def integration_keys() -> tuple[str, str]:
	"""(api_key, api_secret) of the integration user, made once per test session (committed)."""
	if not _keys:
		_keys.update(make_integration_user(INTEGRATION_USER))
	return _keys["api_key"], _keys["api_secret"]


def token_header(user: str | None = None) -> dict:
	"""The Authorization header of ``user`` (the integration user by default), with a new key."""
	if user is None:
		key, secret = integration_keys()
	else:
		from frappe.core.doctype.user.user import generate_keys  # a test user's own keys

		frappe.set_user("Administrator")
		secret = generate_keys(user)["api_secret"]
		key = frappe.db.get_value("User", user, "api_key")
		frappe.db.commit()
	return {"Authorization": f"token {key}:{secret}"}


def push(events, headers: dict | None = None, session: ApiSession | None = None):
	"""POST the events as JSON, with the integration user's token unless ``headers`` says else."""
	session = session or ApiSession()
	return session.post(
		PUSH,
		data=json.dumps({"events": events}),
		content_type="application/json",
		headers=token_header() if headers is None else headers,
	)


def iso(days_ago: float = 0) -> str:
	return (now_datetime() - timedelta(days=days_ago)).isoformat()


def activity(event_id: str, days_ago: float = 0, **values) -> dict:
	return {"event_id": event_id, "type": "activity", "occurred_at": iso(days_ago), **values}


def conversion(event_id: str, kind: str = "new_user", days_ago: float = 0, **values) -> dict:
	return {
		"event_id": event_id,
		"type": "conversion",
		"conversion": kind,
		"occurred_at": iso(days_ago),
		**values,
	}


def partnership(
	kol: str | None = None, start_days_ago: int = 30, end_in_days: int | None = 30, benefits=None
):
	"""An accepted proposal's partnership over [today - start_days_ago, today + end_in_days]."""
	kol = kol or f.make_kol().name
	proposal = f.make_proposal(
		kol,
		valid_from=add_days(nowdate(), -start_days_ago),
		valid_until=add_days(nowdate(), end_in_days) if end_in_days is not None else None,
		**({"benefits": benefits} if benefits is not None else {}),
	)
	f.accept_proposal(proposal)
	doc = make_partnership(proposal.name)
	doc.insert()
	return doc


def record_conversions(
	partnership_name: str, new_users=0, activated=0, paid=(), occurred_at: str | None = None
):
	"""Conversions of a partnership as the platform sends them, through a new referral code of it."""
	code = referral_codes.make_code(partnership_name).name
	token = frappe.generate_hash(length=8)
	when = {"occurred_at": occurred_at or iso(0), "referral_code": code}
	batch = [{**conversion(f"{token}-n{i}", "new_user"), **when} for i in range(new_users)]
	batch += [{**conversion(f"{token}-a{i}", "activated"), **when} for i in range(activated)]
	batch += [{**conversion(f"{token}-p{i}", "paid", amount=amount), **when} for i, amount in enumerate(paid)]
	answer = platform_events.ingest(batch)
	assert answer["error"] == 0, answer
	assert {r["attribution"] for r in answer["results"]} == {"Attributed"}, answer
	return answer
