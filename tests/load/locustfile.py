"""Locust load test of kol_crm: the desk users of each role, KOL portal users and the platform's
integration, doing what they do all day over REST. Run by scripts/load.sh (docs/operations.md,
*Load test*), which prepares the site and its plan (kol_crm/benchmarks/load_site.py), serves it
with gunicorn and judges the run (tests/load/summary.py). By hand, in Locust's own venv:

	KOL_LOAD_PLAN=/tmp/plan.json KOL_LOAD_OUT=/tmp/load locust -f tests/load/locustfile.py \
		--headless -u 20 -r 5 -t 60s --host http://127.0.0.1:8000 --csv /tmp/load

Users (class weight: share of the virtual users) and their tasks (task weight):

| user | weight | tasks |
| --- | --- | --- |
| operator (the two demo operators) | 5 | KOL list with a filter (+ its count) 4, open a KOL form 4, save an interaction 3, workflow action 1, KOL Pipeline 1 |
| manager | 2 | KOL list 3, open a KOL form 3, KOL Pipeline 2, KOL Partnership Performance 2, workflow action 1, save an interaction 1 |
| analyst | 2 | KOL list 2, open a KOL form 2, KOL Pipeline 3, KOL Partnership Performance 3 |
| KOL (portal user) | 2 | /kol 3, proposals 2, a proposal 2, partnerships 2, a partnership 2, profile 1 |
| platform integration (API key) | 1 | push_events: a batch of 20 activity events, 5 of them on KOLs |

Desk and portal users wait 2 to 6 s between tasks (reading the page), the platform 5 to 15 s
between batches. A workflow action opens the KOL's form, then moves it Active → Dormant or back
(Mark Dormant / Reactivate). The KOLs each login moves are its own (the plan splits them), and a
virtual user takes one out of its login's pool while it acts on it, so two never move the same
KOL at once.

Every answer other than 2xx/3xx is a failure in Locust's statistics, a 5xx one named
"HTTP 5xx". At the end it writes, beside the CSV files (KOL_LOAD_OUT), ``_status.json`` (count of
each status code per request) and ``_acknowledged.json`` (the interactions and platform events
the server said it stored, for ``load_site.verify``).
"""

import itertools
import json
import os
import random
import sys
import uuid
from collections import Counter, defaultdict
from datetime import datetime, timezone

from locust import HttpUser, between, events, task

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
from tests.load.endpoints import ENDPOINTS

with open(os.environ["KOL_LOAD_PLAN"]) as _f:
	PLAN = json.load(_f)
OUT = os.environ.get("KOL_LOAD_OUT", "")
BATCH = 20  # events per push_events call

STATUS: dict[str, Counter] = defaultdict(Counter)  # request name → status code → count
ACKNOWLEDGED = {"interactions": [], "events": []}
LOGINS = {role: itertools.cycle(users) for role, users in PLAN["users"].items() if users}
NUMBERS = itertools.count()
LIST_FIELDS = ["name", "kol_name", "workflow_state", "tier", "category", "total_followers", "modified"]


class Pool:
	"""The KOLs of one login, taken out while a virtual user acts on one (gevent: no thread switch
	between the pop and the append, so no lock is needed)."""

	def __init__(self, names: list[str]):
		self.free = list(names)
		random.shuffle(self.free)

	def take(self) -> str | None:
		return self.free.pop() if self.free else None

	def give_back(self, name: str) -> None:
		self.free.insert(0, name)


WORKFLOW_POOLS = {login: Pool(names) for login, names in PLAN["workflow_kols"].items()}


def error_text(response) -> str:
	try:
		body = response.json()
	except ValueError:
		return (response.text or "")[:120]
	return str(body.get("exc_type") or body.get("_server_messages") or body)[:160]


class KolUser(HttpUser):
	abstract = True
	wait_time = between(2, 6)  # a person reads what the page shows before the next click

	def call(self, name: str, path_args: dict | None = None, **kwargs):
		"""One request of ENDPOINTS[name]; the answer's JSON (None when it failed or is a page)."""
		spec = ENDPOINTS[name]
		path = spec["path"].format(**(path_args or {}))
		with self.client.request(spec["method"], path, name=name, catch_response=True, **kwargs) as response:
			code = response.status_code
			STATUS[name][str(code)] += 1
			if code >= 500:
				response.failure(f"HTTP 5xx ({code}): {error_text(response)}")
			elif code == 0 or code >= 400:
				response.failure(f"HTTP {code}: {error_text(response)}")
			else:
				response.success()
				if "json" in response.headers.get("Content-Type", ""):
					return response.json()
				return {}
		return None

	def sign_in(self, role: str) -> None:
		self.login = next(LOGINS[role])
		self.call("login", data={"usr": self.login, "pwd": PLAN["password"]})


class DeskUser(KolUser):
	abstract = True
	role = ""

	def on_start(self):
		self.sign_in(self.role)

	def form_kols(self) -> list[str]:
		return PLAN["form_kols"]

	def kol_list(self):
		key, values = random.choice([(k, v) for k, v in PLAN["filters"].items() if v] + [(None, None)])
		filters = [["KOL", key, "=", random.choice(values)]] if key else []
		common = {"doctype": "KOL", "filters": json.dumps(filters)}
		self.call(
			"KOL list",
			data={
				**common,
				"fields": json.dumps([f"`tabKOL`.`{f}`" for f in LIST_FIELDS]),
				"order_by": "`tabKOL`.`modified` desc",
				"start": 0,
				"page_length": 20,
				"view": "List",
			},
		)
		self.call("KOL list count", data={**common, "distinct": "false"})

	def open_form(self, name: str | None = None) -> dict | None:
		name = name or random.choice(self.form_kols())
		body = self.call("KOL form", params={"doctype": "KOL", "name": name})
		return (body or {}).get("docs", [None])[0]

	def save_interaction(self):
		kols = PLAN["interaction_kols"].get(self.login) or []
		if not kols:
			return
		marker = f"load test {uuid.uuid4()}"
		body = self.call(
			"save interaction",
			json={
				"kol": random.choice(kols),
				"interaction_type": random.choice(["Call", "WeChat", "Email", "Meeting"]),
				"direction": random.choice(["Outbound", "Inbound"]),
				"summary": marker,
			},
		)
		if body and body.get("data", {}).get("name"):
			ACKNOWLEDGED["interactions"].append(marker)

	def workflow_action(self):
		pool = WORKFLOW_POOLS.get(self.login)
		name = pool.take() if pool else None
		if not name:
			return
		try:
			doc = self.open_form(name)
			if not doc:
				return
			action = "Mark Dormant" if doc.get("workflow_state") == "Active" else "Reactivate"
			self.call(
				"workflow action",
				data={"doc": json.dumps({"doctype": "KOL", "name": name}), "action": action},
			)
		finally:
			pool.give_back(name)

	def report(self, report_name: str, filters: dict | None = None):
		self.call(
			f"report {report_name}",
			data={
				"report_name": report_name,
				"filters": json.dumps(filters or {}),
				"ignore_prepared_report": 0,
			},
		)


class Operator(DeskUser):
	weight = 5
	role = "operator"

	def form_kols(self) -> list[str]:
		return PLAN["interaction_kols"].get(self.login) or PLAN["form_kols"]

	@task(4)
	def list_kols(self):
		self.kol_list()

	@task(4)
	def form(self):
		self.open_form()

	@task(3)
	def interaction(self):
		self.save_interaction()

	@task(1)
	def move(self):
		self.workflow_action()

	@task(1)
	def pipeline(self):
		self.report("KOL Pipeline")


class Manager(DeskUser):
	weight = 2
	role = "manager"

	@task(3)
	def list_kols(self):
		self.kol_list()

	@task(3)
	def form(self):
		self.open_form()

	@task(2)
	def pipeline(self):
		self.report("KOL Pipeline")

	@task(2)
	def partnerships(self):
		self.report("KOL Partnership Performance", {"group_by": "Partnership"})

	@task(1)
	def move(self):
		self.workflow_action()

	@task(1)
	def interaction(self):
		self.save_interaction()


class Analyst(DeskUser):
	weight = 2
	role = "analyst"

	@task(2)
	def list_kols(self):
		self.kol_list()

	@task(2)
	def form(self):
		self.open_form()

	@task(3)
	def pipeline(self):
		self.report("KOL Pipeline")

	@task(3)
	def partnerships(self):
		self.report("KOL Partnership Performance", {"group_by": "Partnership"})


class PortalKol(KolUser):
	weight = 2

	def on_start(self):
		self.sign_in("portal")
		self.mine = next(p for p in PLAN["portal_users"] if p["user"] == self.login)

	@task(3)
	def home(self):
		self.call("portal /kol")

	@task(2)
	def proposals(self):
		self.call("portal /kol/proposals")

	@task(2)
	def proposal(self):
		if self.mine["proposals"]:
			self.call("portal /kol/proposals/[name]", {"name": random.choice(self.mine["proposals"])})

	@task(2)
	def partnerships(self):
		self.call("portal /kol/partnerships")

	@task(2)
	def partnership(self):
		if self.mine["partnerships"]:
			self.call("portal /kol/partnerships/[name]", {"name": random.choice(self.mine["partnerships"])})

	@task(1)
	def profile(self):
		self.call("portal /kol/profile")


class Platform(KolUser):
	"""The community platform pushing activity: a quarter on KOLs (each virtual user its own share of
	the plan's platform KOLs, so two batches never save the same KOL at once), the rest on accounts
	that are no KOL yet."""

	weight = 1
	wait_time = between(5, 15)

	def on_start(self):
		self.number = next(NUMBERS)
		self.kols = PLAN["platform_kols"][self.number % 4 :: 4] or PLAN["platform_kols"]
		key = PLAN["integration"]
		self.headers = {"Authorization": f"token {key['api_key']}:{key['api_secret']}"}

	@task
	def push(self):
		now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
		batch = []
		for i in range(BATCH):
			event = {
				"event_id": f"load-{uuid.uuid4()}",
				"type": "activity",
				"occurred_at": now,
				"posts": random.randint(0, 500),
				"answers": random.randint(0, 200),
				"followers": random.randint(0, 50_000),
				"last_active_at": now,
			}
			if i % 4 == 0 and self.kols:
				event["kol"] = random.choice(self.kols)
			else:
				event["platform_user_id"] = f"load-u{self.number}-{random.randint(1, 500)}"
				event["user_name"] = f"Load user {event['platform_user_id']}"
			batch.append(event)
		body = self.call("push_events", json={"events": batch}, headers=self.headers)
		results = ((body or {}).get("message") or {}).get("results", [])
		ACKNOWLEDGED["events"].extend(r["event_id"] for r in results if r.get("status") == "accepted")
		refused = [r for r in results if r.get("status") == "error"]
		if refused:
			events.request.fire(
				request_type="EVENTS",
				name="push_events refused",
				response_time=0,
				response_length=0,
				exception=AssertionError(f"{len(refused)} events refused: {refused[0].get('message')}"),
			)


@events.test_stop.add_listener
def write_counts(**_kwargs):
	if not OUT:
		return
	with open(f"{OUT}_status.json", "w") as f:
		json.dump({name: dict(codes) for name, codes in STATUS.items()}, f, indent=1, sort_keys=True)
	with open(f"{OUT}_acknowledged.json", "w") as f:
		json.dump(ACKNOWLEDGED, f)
