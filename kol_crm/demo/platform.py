"""What our community platform sent the demo, through the endpoint's own function
(``kol_crm.platform.events.ingest``, what ``push_events`` runs): referral codes on the
partnerships and the conversions that came through them (the partnerships' results), activity of
the KOLs' accounts on our platform, high-output users who are not KOLs yet (KOL Platform
Candidates), a code revoked with a conversion after it, and a late conversion."""

import random
from datetime import datetime, time

import frappe
from frappe.utils import add_days, date_diff, getdate, nowdate

from kol_crm.demo.common import SEED, DemoState, day
from kol_crm.platform import referral_codes
from kol_crm.platform.events import MAX_EVENTS, ingest

CONVERSION_KEYS = {
	"new_user": "result_new_users",
	"activated": "result_activated_users",
	"paid": "result_paid_conversions",
}
# platform users with some influence who are no KOL yet: (id, name, posts, answers, followers, days since active)
CANDIDATES = (
	("UID-700101", "桔子说游戏", 96, 58, 4200, 1),
	("UID-700102", "Priya Codes", 41, 73, 1800, 3),
	("UID-700103", "阿木的相机包", 33, 12, 950, 6),
	("UID-700104", "Tom the Tinkerer", 18, 9, 610, 2),
	("UID-700105", "夜读小林", 12, 4, 300, 40),
)


def rng() -> random.Random:
	"""Its own generator, so the rest of the demo draws the same numbers as before."""
	if not getattr(frappe.local, "kol_demo_platform_rng", None):
		frappe.local.kol_demo_platform_rng = random.Random(SEED + 12)
	return frappe.local.kol_demo_platform_rng


def reset_rng() -> None:
	frappe.local.kol_demo_platform_rng = None


def send(events: list[dict]) -> dict:
	"""The events in batches, as the platform sends them."""
	totals = {"accepted": 0, "duplicate": 0, "error": 0}
	for start in range(0, len(events), MAX_EVENTS):
		answer = ingest(events[start : start + MAX_EVENTS])
		errors = [r for r in answer["results"] if r["status"] == "error"]
		if errors:
			frappe.throw(f"demo platform events refused: {errors[:3]}")
		for key in totals:
			totals[key] += answer[key]
	return totals


def at(day_value, hour: int) -> str:
	return datetime.combine(getdate(day_value), time(hour % 24, 0)).isoformat()


def record_results(doc, wanted: dict, revenue: float) -> None:
	"""The partnership's results, as conversions through a referral code of it (made while it
	runs; the KOL when it gets none), on days within its term up to today."""
	r = rng()
	try:
		who = {"referral_code": referral_codes.make_code(doc.name).name}
	except frappe.ValidationError:
		who = {"kol": doc.kol}  # an offboarded KOL gets no code: its conversions name the KOL
	start = getdate(doc.start_date)
	end = min(getdate(doc.end_date), getdate(nowdate())) if doc.end_date else getdate(nowdate())
	span = max(date_diff(end, start), 0)
	events = []
	paid = wanted.get("paid", 0)
	for key, number in wanted.items():
		for i in range(number):
			event = {
				"event_id": f"demo-{doc.name}-{key}-{i}",
				"type": "conversion",
				"conversion": key,
				"occurred_at": at(add_days(start, r.randint(0, span)), r.randint(8, 22)),
				**who,
				"customer_ref": f"demo-user-{r.randint(100000, 999999)}",
			}
			if key == "paid":
				event["amount"] = round(revenue / paid, 2)
			events.append(event)
	send(events)


def add_platform_data(state: DemoState) -> None:
	add_activity(state)
	add_candidates()
	add_revoked_and_late(state)


def add_activity(state: DemoState) -> None:
	"""Each KOL with an account here reports its figures, as the platform's nightly sync does."""
	r = rng()
	events = []
	for entry in state.kols.values():
		kol = frappe.db.get_value(
			"KOL",
			entry.doc.name,
			[
				"name",
				"platform_account_id",
				"on_platform_posts",
				"on_platform_content",
				"last_active_on_platform",
			],
			as_dict=True,
		)
		if not kol.platform_account_id:
			continue
		last = kol.last_active_on_platform or day(30)
		events.append(
			{
				"event_id": f"demo-activity-{kol.name}",
				"type": "activity",
				"occurred_at": at(nowdate(), 2),
				"platform_user_id": kol.platform_account_id,
				"posts": kol.on_platform_posts or 0,
				"answers": kol.on_platform_content or 0,
				"followers": r.randint(200, 20000),
				"last_active_at": at(last, r.randint(9, 23)),
			}
		)
	send(events)


def add_candidates() -> None:
	events = []
	for uid, name, posts, answers, followers, idle in CANDIDATES:
		for week in (3, 0):  # two syncs: three weeks ago and today
			share = 0.7 if week else 1.0
			events.append(
				{
					"event_id": f"demo-candidate-{uid}-{week}",
					"type": "activity",
					"occurred_at": at(day(week * 7), 3),
					"platform_user_id": uid,
					"user_name": name,
					"posts": int(posts * share),
					"answers": int(answers * share),
					"followers": int(followers * share),
					"last_active_at": at(day(max(idle, week * 7)), 20),
				}
			)
	send(events)


def add_revoked_and_late(state: DemoState) -> None:
	"""A code of an active partnership leaked and was revoked: a sign-up through it afterwards is
	recorded but not attributed. A completed partnership gets a conversion after its end: late."""
	active = [p for ps in state.partnerships.values() for p in ps if p.status == "Active"]
	completed = [p for ps in state.partnerships.values() for p in ps if p.status == "Completed"]
	events = []
	if active:
		doc = active[0]
		code = referral_codes.make_code(doc.name)
		referral_codes.revoke(code, "Posted on a public coupon site")
		events.append(
			{
				"event_id": f"demo-revoked-{code.name}",
				"type": "conversion",
				"conversion": "new_user",
				"occurred_at": frappe.utils.now_datetime().isoformat(),
				"referral_code": code.name,
			}
		)
	if completed:
		doc = completed[0]
		code = frappe.db.get_value("KOL Referral Code", {"partnership": doc.name}, "name")
		events.append(
			{
				"event_id": f"demo-late-{doc.name}",
				"type": "conversion",
				"conversion": "paid",
				"amount": 49,
				"occurred_at": at(add_days(doc.end_date, 2), 12),
				"referral_code": code,
			}
		)
	send(events)


def result_counts(results: dict) -> dict:
	"""The conversions that give these results: {conversion: number}."""
	return {key: int(results.get(field) or 0) for key, field in CONVERSION_KEYS.items() if results.get(field)}
