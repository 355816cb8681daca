"""Our platform's data flowing in (issue 12): the events endpoint, activity on KOLs, platform
candidates. Through the endpoint over HTTP as the integration user with its API key, and through
kol_crm.platform's functions inside the test transaction."""

import base64

import frappe
import pytest
from frappe.utils import add_days, getdate, nowdate

from kol_crm.kol_crm.report.kol_platform_candidates import kol_platform_candidates
from kol_crm.platform import candidates
from kol_crm.platform import events as platform_events
from kol_crm.platform.events import MAX_EVENTS, ingest
from tests import factories as f
from tests import platform_helpers as ph
from tests.api import ApiSession


def results_by_id(answer: dict) -> dict:
	return {r["event_id"]: r for r in answer["results"]}


# ------------------------------------------------------------------ activity on a KOL


def test_activity_updates_the_kols_figures_on_our_platform_and_its_scores():
	kol = f.make_kol(platform_account_id=f.unique("uid"))
	before = kol.score_activity
	answer = ingest(
		[
			ph.activity(
				f.unique("e"),
				days_ago=1,
				platform_user_id=kol.platform_account_id,
				posts=42,
				answers=17,
				followers=3500,
				last_active_at=ph.iso(1),
			)
		]
	)
	assert (answer["accepted"], answer["error"]) == (1, 0)
	assert answer["results"][0]["kol"] == kol.name
	kol.reload()
	assert (kol.on_platform_posts, kol.on_platform_content, kol.on_platform_followers) == (42, 17, 3500)
	assert kol.last_active_on_platform == getdate(add_days(nowdate(), -1))
	assert kol.score_activity > (before or 0)  # active yesterday: the activity score counts it


def test_an_older_activity_event_arriving_late_changes_no_figure_and_last_active_only_moves_forward():
	kol = f.make_kol()
	ingest([ph.activity(f.unique("e"), days_ago=1, kol=kol.name, posts=50, last_active_at=ph.iso(1))])
	ingest([ph.activity(f.unique("e"), days_ago=5, kol=kol.name, posts=10, last_active_at=ph.iso(5))])
	kol.reload()
	assert kol.on_platform_posts == 50
	assert kol.last_active_on_platform == getdate(add_days(nowdate(), -1))


def test_one_save_per_kol_the_newest_event_of_the_batch_wins_and_many_kols_go_to_the_background(
	monkeypatch,
):
	one, two = f.make_kol(), f.make_kol()
	token = f.unique("bg")
	ingest(
		[
			ph.activity(f"{token}-new", days_ago=1, kol=one.name, posts=30, followers=900),
			ph.activity(
				f"{token}-old", days_ago=4, kol=one.name, posts=5, answers=2, last_active_at=ph.iso(4)
			),
		]
	)
	one.reload()
	# each figure from the newest event that carries it, the latest activity date
	assert (one.on_platform_posts, one.on_platform_content, one.on_platform_followers) == (30, 2, 900)
	assert one.last_active_on_platform == getdate(add_days(nowdate(), -4))

	monkeypatch.setattr(platform_events, "INLINE_KOLS", 1)
	answer = ingest(
		[ph.activity(f"{token}-a", kol=one.name, posts=31), ph.activity(f"{token}-b", kol=two.name, posts=7)]
	)
	assert answer["accepted"] == 2
	assert frappe.db.get_value("KOL", two.name, "on_platform_posts") == 0  # the background job's work
	platform_events.apply_activities(
		{one.name: [answer["results"][0]["name"]], two.name: [answer["results"][1]["name"]]}
	)
	assert frappe.db.get_value("KOL", one.name, "on_platform_posts") == 31
	assert frappe.db.get_value("KOL", two.name, "on_platform_posts") == 7


def test_activity_of_a_kol_with_an_open_inactivity_review_closes_it():
	kol = f.make_kol(platform_account_id=f.unique("uid"))
	frappe.db.set_value(
		"KOL",
		kol.name,
		{
			"workflow_state": "Active",
			"last_active_on_platform": add_days(nowdate(), -90),
			"inactivity_review_on": add_days(nowdate(), -3),
		},
	)
	ingest([ph.activity(f.unique("e"), platform_user_id=kol.platform_account_id, last_active_at=ph.iso(0))])
	kol.reload()
	assert kol.last_active_on_platform == getdate(nowdate())
	assert kol.inactivity_review_on is None


def test_activity_names_one_kol_or_is_refused():
	a, b = f.make_kol(platform_account_id=f.unique("uid")), f.make_kol()
	answer = results_by_id(
		ingest(
			[
				ph.activity("mismatch-" + a.name, kol=b.name, platform_user_id=a.platform_account_id),
				ph.activity("nobody-" + a.name, posts=3),
				ph.activity("ghost-" + a.name, kol="KOL-NO-SUCH"),
			]
		)
	)
	assert answer["mismatch-" + a.name]["message"] == (
		f"platform_user_id {a.platform_account_id} belongs to KOL {a.name}, not to {b.name}."
	)
	assert answer["nobody-" + a.name]["message"] == "An activity event needs platform_user_id or kol."
	assert answer["ghost-" + a.name]["message"] == "KOL KOL-NO-SUCH does not exist."
	assert {r["status"] for r in answer.values()} == {"error"}


# ------------------------------------------------------------------ bad events, duplicates, limits


BAD = [
	("not an object", "An event must be a JSON object."),
	({"type": "activity", "occurred_at": "2026-01-01"}, "event_id is required."),
	({"event_id": "x" * 141, "type": "activity"}, "event_id is longer than 140 characters."),
	(
		{"event_id": "{id}", "type": "purchase", "occurred_at": "2026-01-01"},
		'type must be activity or conversion, not "purchase".',
	),
	({"event_id": "{id}", "type": "activity"}, "occurred_at is required."),
	(
		{"event_id": "{id}", "type": "activity", "occurred_at": "yesterday", "platform_user_id": "u1"},
		'occurred_at must be an ISO 8601 date or date-time, not "yesterday".',
	),
	(
		{"event_id": "{id}", "type": "activity", "occurred_at": "2999-01-01", "platform_user_id": "u1"},
		"occurred_at 2999-01-01 is in the future.",
	),
	(
		{
			"event_id": "{id}",
			"type": "activity",
			"occurred_at": "2026-01-01",
			"platform_user_id": "u1",
			"posts": -1,
		},
		"posts must be a whole number from 0 to 1000000000, not -1.",
	),
	(
		{
			"event_id": "{id}",
			"type": "activity",
			"occurred_at": "2026-01-01",
			"platform_user_id": "u1",
			"followers": "many",
		},
		'followers must be a whole number from 0 to 1000000000, not "many".',
	),
	(
		{"event_id": "{id}", "type": "conversion", "conversion": "refund", "occurred_at": "2026-01-01"},
		'conversion must be new_user, activated or paid, not "refund".',
	),
	(
		{
			"event_id": "{id}",
			"type": "conversion",
			"conversion": "paid",
			"occurred_at": "2026-01-01",
			"kol": "{kol}",
		},
		"A paid conversion needs an amount above 0.",
	),
	(
		{
			"event_id": "{id}",
			"type": "conversion",
			"conversion": "paid",
			"amount": 0,
			"occurred_at": "2026-01-01",
			"kol": "{kol}",
		},
		"A paid conversion needs an amount above 0.",
	),
	(
		{
			"event_id": "{id}",
			"type": "conversion",
			"conversion": "new_user",
			"amount": 5,
			"occurred_at": "2026-01-01",
			"kol": "{kol}",
		},
		"Only a paid conversion has an amount.",
	),
	(
		{"event_id": "{id}", "type": "conversion", "conversion": "new_user", "occurred_at": "2026-01-01"},
		"A conversion needs referral_code, kol or platform_user_id.",
	),
	(
		{
			"event_id": "{id}",
			"type": "conversion",
			"conversion": "new_user",
			"occurred_at": "2026-01-01",
			"referral_code": "NOPE-12345",
		},
		"Referral code NOPE-12345 is unknown.",
	),
	(
		{
			"event_id": "{id}",
			"type": "conversion",
			"conversion": "paid",
			"amount": 9,
			"currency": "XXQ",
			"occurred_at": "2026-01-01",
			"kol": "{kol}",
		},
		"Currency XXQ is unknown.",
	),
]


def _fill(value, kol: str, index: int):
	if isinstance(value, dict):
		return {k: _fill(v, kol, index) for k, v in value.items()}
	if isinstance(value, str):
		return value.replace("{id}", f"bad-{kol}-{index}").replace("{kol}", kol)
	return value


def test_each_bad_event_gets_its_error_and_the_valid_ones_are_stored():
	kol = f.make_kol()
	good = [
		ph.activity(f.unique("good"), kol=kol.name, posts=1),
		ph.conversion(f.unique("good"), kol=kol.name),
	]
	batch = [good[0], *[_fill(raw, kol.name, i) for i, (raw, _m) in enumerate(BAD)], good[1]]
	answer = ingest(batch)
	assert (answer["accepted"], answer["duplicate"], answer["error"]) == (2, 0, len(BAD))
	for (raw, message), result in zip(BAD, answer["results"][1:-1], strict=True):
		assert (result["status"], result["message"]) == ("error", message), raw
	assert [r["status"] for r in (answer["results"][0], answer["results"][-1])] == ["accepted", "accepted"]
	assert frappe.db.count("KOL Platform Event", {"event_id": ("in", [g["event_id"] for g in good])}) == 2
	assert frappe.db.count("KOL Platform Event", {"event_id": ("like", f"bad-{kol.name}-%")}) == 0


def test_a_duplicate_in_one_batch_or_across_batches_stores_nothing_twice():
	kol = f.make_kol()
	first, second = f.unique("dup"), f.unique("dup")
	answer = ingest(
		[
			ph.activity(first, kol=kol.name, posts=5),
			ph.activity(first, kol=kol.name, posts=99),
			ph.activity(second, kol=kol.name),
		]
	)
	assert [r["status"] for r in answer["results"]] == ["accepted", "duplicate", "accepted"]
	assert answer["results"][1]["message"] == f"Event {first} was already received."
	again = ingest([ph.activity(second, kol=kol.name, posts=77)])
	assert (again["accepted"], again["duplicate"]) == (0, 1)
	assert frappe.db.count("KOL Platform Event", {"event_id": ("in", [first, second])}) == 2
	assert frappe.db.get_value("KOL", kol.name, "on_platform_posts") == 5


def test_an_event_refused_once_is_accepted_when_sent_again_fixed():
	kol = f.make_kol()
	event_id = f.unique("fix")
	assert ingest([{**ph.activity(event_id), "kol": kol.name, "posts": -3}])["error"] == 1
	assert ingest([ph.activity(event_id, kol=kol.name, posts=3)])["accepted"] == 1


def test_a_batch_is_a_non_empty_list_of_at_most_1000():
	with pytest.raises(frappe.ValidationError, match="The batch has no events"):
		ingest([])
	with pytest.raises(frappe.ValidationError, match="events must be a list of events"):
		ingest({"event_id": "x"})
	with pytest.raises(frappe.ValidationError, match="A batch holds at most 1000 events; this one has 1001"):
		ingest([ph.activity(str(i), platform_user_id="u") for i in range(MAX_EVENTS + 1)])


# ------------------------------------------------------------------ platform candidates


def test_platform_candidates_are_high_output_users_not_yet_kols_and_become_spotted_kols():
	token = f.unique("pu")
	kol = f.make_kol(platform_account_id=f"{token}-kol")
	# event {token}-N: platform user, days ago, posts, answers, other values
	events = [
		("low", 3, 10, 9, {"user_name": "Low"}),
		("edge", 3, 10, 5, {"user_name": "Edge"}),
		("edge", 1, 12, 8, {"user_name": "Edge", "followers": 40}),
		("kol", 2, 300, 300, {}),
		("old", 120, 500, 0, {}),
		("top", 2, 80, 40, {"user_name": "Top Writer", "last_active_at": ph.iso(2)}),
	]
	ingest(
		[
			ph.activity(
				f"{token}-{n}",
				days_ago=days_ago,
				platform_user_id=f"{token}-{user}",
				posts=posts,
				answers=answers,
				**values,
			)
			for n, (user, days_ago, posts, answers, values) in enumerate(events, start=1)
		]
	)
	found = {r["platform_user_id"]: r for r in candidates.candidates(min_output=20, active_days=90)}
	ours = {k: v for k, v in found.items() if k.startswith(token)}
	# 19 is below the minimum, 20 reaches it; a KOL's account and an account idle for 120 days are not candidates
	assert list(ours) == [f"{token}-top", f"{token}-edge"]
	assert (
		ours[f"{token}-edge"]["output"],
		ours[f"{token}-edge"]["followers"],
		ours[f"{token}-edge"]["events"],
	) == (20, 40, 2)
	assert kol.name  # the KOL's account stays out
	_columns, rows, *_rest = kol_platform_candidates.execute({"min_output": 20, "active_days": 90})
	assert [r["platform_user_id"] for r in rows if r["platform_user_id"].startswith(token)] == list(ours)

	frappe.set_user(f.ANALYST)
	with pytest.raises(frappe.PermissionError, match="Only a KOL Manager or an operator can create KOLs"):
		candidates.create_kol_from_platform_user(f"{token}-top")
	frappe.set_user(f.OPERATOR_A)
	name = candidates.create_kol_from_platform_user(f"{token}-top")
	made = frappe.get_doc("KOL", name)
	assert (made.kol_name, made.intake_path, made.workflow_state, made.operator, made.source) == (
		"Top Writer",
		"Internal Cultivation",
		"Spotted",
		f.OPERATOR_A,
		"Community",
	)
	assert (made.on_platform_posts, made.on_platform_content, made.platform_account_id) == (
		80,
		40,
		f"{token}-top",
	)
	assert frappe.db.count("KOL Platform Event", {"platform_user_id": f"{token}-top", "kol": name}) == 1
	assert f"{token}-top" not in {r["platform_user_id"] for r in candidates.candidates(20, 90)}
	with pytest.raises(frappe.ValidationError, match="No activity of platform user"):
		candidates.create_kol_from_platform_user(f"{token}-top")
	# an event of a KOL's account that arrived unlinked: B may not read that KOL, the message doesn't name it
	frappe.db.set_value("KOL Platform Event", {"event_id": f"{token}-4"}, "kol", None)
	frappe.set_user(f.OPERATOR_B)
	with pytest.raises(frappe.ValidationError, match=f"Platform user {token}-kol is already a KOL\\.$"):
		candidates.create_kol_from_platform_user(f"{token}-kol")


# ------------------------------------------------------------------ who sees the events


def test_operators_see_only_their_kols_events_and_analysts_no_personal_field():
	mine, theirs = f.make_kol(operator=f.OPERATOR_A), f.make_kol(operator=f.OPERATOR_B)
	a, b = f.unique("ev"), f.unique("ev")
	ingest(
		[
			ph.conversion(a, kol=mine.name, customer_ref="cust-a"),
			ph.conversion(b, kol=theirs.name, customer_ref="cust-b"),
		]
	)
	frappe.set_user(f.OPERATOR_A)
	seen = frappe.get_list(
		"KOL Platform Event", filters={"event_id": ("in", [a, b])}, fields=["event_id", "customer_ref"]
	)
	assert [(r.event_id, r.customer_ref) for r in seen] == [(a, "cust-a")]
	frappe.set_user(f.ANALYST)
	seen = frappe.get_list(
		"KOL Platform Event",
		filters={"event_id": ("in", [a, b])},
		fields=["event_id", "customer_ref", "payload"],
	)
	assert sorted(r.event_id for r in seen) == sorted([a, b])
	assert all(r.get("customer_ref") is None and r.get("payload") is None for r in seen)
	frappe.set_user(f.MANAGER)
	name = frappe.db.get_value("KOL Platform Event", {"event_id": a})
	doc = frappe.get_doc("KOL Platform Event", name)
	assert not frappe.has_permission("KOL Platform Event", "write", doc)
	assert not frappe.has_permission("KOL Platform Event", "create")


# ------------------------------------------------------------------ over HTTP, as the platform


@pytest.fixture(scope="module")
def committed():
	"""A KOL the platform's HTTP calls read (committed), and every event they made removed after."""
	frappe.set_user("Administrator")
	ph.integration_keys()
	token = f.unique("http")
	kol = f.make_kol(platform_account_id=f"{token}-uid")
	frappe.db.commit()
	yield frappe._dict(token=token, kol=kol.name, uid=f"{token}-uid")
	frappe.db.rollback()
	frappe.db.delete("KOL Platform Event", {"event_id": ("like", f"{token}%")})
	frappe.delete_doc("KOL", kol.name, force=True, ignore_permissions=True)
	frappe.db.commit()


def test_the_platform_pushes_events_with_its_api_key(committed):
	c = committed
	response = ph.push(
		[
			ph.activity(
				f"{c.token}-a1", platform_user_id=c.uid, posts=12, answers=3, last_active_at=ph.iso(0)
			),
			ph.activity(f"{c.token}-a1", platform_user_id=c.uid, posts=99),
			{
				"event_id": f"{c.token}-bad",
				"type": "activity",
				"occurred_at": "soon",
				"platform_user_id": c.uid,
			},
		]
	)
	assert response.status_code == 200, response.get_data(as_text=True)
	message = ApiSession.json(response)["message"]
	assert (message["accepted"], message["duplicate"], message["error"]) == (1, 1, 1)
	assert [r["status"] for r in message["results"]] == ["accepted", "duplicate", "error"]
	assert (
		message["results"][2]["message"] == 'occurred_at must be an ISO 8601 date or date-time, not "soon".'
	)
	assert "_server_messages" not in ApiSession.json(response)
	again = ApiSession.json(ph.push([ph.activity(f"{c.token}-a1", platform_user_id=c.uid)]))["message"]
	assert (again["accepted"], again["duplicate"]) == (0, 1)
	frappe.db.rollback()
	assert frappe.db.get_value("KOL", c.kol, ["on_platform_posts", "on_platform_content"]) == (12, 3)
	assert frappe.db.count("KOL Platform Event", {"event_id": f"{c.token}-a1"}) == 1


def test_basic_authentication_with_the_api_key_works_too(committed):
	c = committed
	key, secret = ph.integration_keys()
	basic = base64.b64encode(f"{key}:{secret}".encode()).decode()
	response = ph.push(
		[ph.activity(f"{c.token}-basic", platform_user_id=c.uid, posts=1)],
		headers={"Authorization": f"Basic {basic}"},
	)
	assert response.status_code == 200, response.get_data(as_text=True)[:300]
	assert ApiSession.json(response)["message"]["accepted"] == 1
	wrong = ph.push(
		[ph.activity(f"{c.token}-wrong", platform_user_id=c.uid)],
		headers={"Authorization": f"token {key}:not-the-secret"},
	)
	assert wrong.status_code in (401, 403), wrong.status_code
	frappe.db.rollback()
	assert not frappe.db.exists("KOL Platform Event", {"event_id": f"{c.token}-wrong"})


def test_a_batch_of_1000_is_taken_and_1001_refused_whole(committed):
	c = committed
	batch = [
		ph.activity(f"{c.token}-m{i}", platform_user_id=f"{c.token}-user{i % 50}", posts=i % 7)
		for i in range(1000)
	]
	response = ph.push(batch)
	assert response.status_code == 200, response.get_data(as_text=True)[:500]
	assert ApiSession.json(response)["message"]["accepted"] == 1000
	response = ph.push([*batch, ph.activity(f"{c.token}-over", platform_user_id=c.uid)])
	assert response.status_code == 417
	assert "A batch holds at most 1000 events; this one has 1001" in response.get_data(as_text=True)
	frappe.db.rollback()
	assert frappe.db.count("KOL Platform Event", {"event_id": ("like", f"{c.token}-m%")}) == 1000
	assert not frappe.db.exists("KOL Platform Event", {"event_id": f"{c.token}-over"})


@pytest.mark.parametrize("who", ["guest", "operator", "analyst", "manager", "manager_token"])
def test_only_the_integration_user_may_push(committed, who):
	c = committed
	event = [ph.activity(f"{c.token}-{who}", platform_user_id=c.uid, posts=1)]
	if who == "guest":
		response = ph.push(event, headers={})
	elif who == "manager_token":
		response = ph.push(event, headers=ph.token_header(f.MANAGER))
	else:
		user = {"operator": f.OPERATOR_A, "analyst": f.ANALYST, "manager": f.MANAGER}[who]
		response = ph.push(event, headers={}, session=ApiSession(user, f.PASSWORD))
	assert response.status_code == 403, response.get_data(as_text=True)[:300]
	if who != "guest":
		assert "Only the platform's integration user (role KOL Integration) may push platform events." in (
			response.get_data(as_text=True)
		)
	frappe.db.rollback()
	assert not frappe.db.exists("KOL Platform Event", {"event_id": f"{c.token}-{who}"})


def test_the_integration_user_reads_no_kol_nor_event_over_rest(committed):
	c = committed
	headers = ph.token_header()
	session = ApiSession()
	for path in (
		f"/api/resource/KOL/{c.kol}",
		'/api/resource/KOL?fields=["email","phone"]',
		"/api/resource/KOL Platform Event",
		f"/api/method/frappe.client.get_value?doctype=KOL&filters={c.kol}&fieldname=email",
	):
		response = session.get(path, headers=headers)
		assert response.status_code == 403, (path, response.get_data(as_text=True)[:300])
		assert "@creators.example" not in response.get_data(as_text=True)


def test_an_activity_event_finds_its_kol_by_platform_account_through_an_index():
	"""Every activity event of an account looks the KOL up by Our Platform Account ID: without an
	index that is a scan of every KOL per event (the load test found 45 ms per event at 5,000 KOLs)."""
	indexed = frappe.db.sql(
		"show index from `tabKOL` where Column_name = %s and Seq_in_index = 1", "platform_account_id"
	)
	assert indexed, "tabKOL has no index starting with platform_account_id"


def deadlocking(monkeypatch, times: int) -> list:
	"""apply_activity is made a deadlock's victim ``times`` times: as MariaDB does, the request's
	whole transaction is rolled back and QueryDeadlockError raised; then it runs as written."""
	calls = []
	original = platform_events.apply_activity

	def apply(kol, names):
		calls.append(kol)
		if len(calls) <= times:
			frappe.db.rollback()
			raise frappe.QueryDeadlockError("Deadlock found when trying to get lock")
		return original(kol, names)

	monkeypatch.setattr(platform_events, "apply_activity", apply)
	return calls


def test_a_batch_whose_kol_save_deadlocks_runs_again_and_stores_each_event_once(committed, monkeypatch):
	c = committed
	calls = deadlocking(monkeypatch, times=1)
	response = ph.push([ph.activity(f"{c.token}-dl1", platform_user_id=c.uid, posts=41)])
	assert response.status_code == 200, response.get_data(as_text=True)
	assert ApiSession.json(response)["message"]["accepted"] == 1
	assert calls == [c.kol, c.kol]
	frappe.db.rollback()
	assert frappe.db.count("KOL Platform Event", {"event_id": f"{c.token}-dl1"}) == 1
	assert frappe.db.get_value("KOL", c.kol, "on_platform_posts") == 41


def test_a_batch_that_deadlocks_every_time_fails_whole_and_stores_nothing(committed, monkeypatch):
	c = committed
	calls = deadlocking(monkeypatch, times=3)
	response = ph.push([ph.activity(f"{c.token}-dl3", platform_user_id=c.uid, posts=7)])
	assert response.status_code == 500
	assert "QueryDeadlockError" in response.get_data(as_text=True)
	assert len(calls) == 3  # DEADLOCK_ATTEMPTS
	frappe.db.rollback()
	assert frappe.db.count("KOL Platform Event", {"event_id": f"{c.token}-dl3"}) == 0
