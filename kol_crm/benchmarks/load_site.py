"""The site side of the Locust load test (scripts/load.sh, tests/load/): the data, who signs in, on
which records, and afterwards whether every write the server acknowledged is stored once.

	bench --site SITE execute kol_crm.benchmarks.load_site.prepare --kwargs "{'output': '/tmp/plan.json'}"
	bench --site SITE execute kol_crm.benchmarks.load_site.prepare --kwargs "{'output': '/tmp/plan.json', 'kols': 20000}"
	bench --site SITE execute kol_crm.benchmarks.load_site.verify --kwargs "{'acknowledged': '/tmp/ack.json'}"

``prepare`` builds the demo (``kol_crm.demo``), adds a benchmark programme of ``kols`` KOLs when
asked (``kol_crm.benchmarks``; kept when one of that size is already there), gives ``portal_users``
demo KOLs a portal login, makes the platform's integration user with a new API key, and writes
the *plan* the locustfile reads: the users and their password, the API key, and for each desk
user the KOLs its virtual users act on. The KOLs a workflow action moves (Active ↔ Dormant) are
split between the logins, so that two virtual users never move the same KOL at the same moment,
and none of them gets the platform's activity events.

Use a dedicated site: the load test writes interactions, platform events and workflow moves.
"""

import json
import os

import frappe
from frappe.query_builder.functions import Count

from kol_crm import demo
from kol_crm.benchmarks.build import build_programme
from kol_crm.benchmarks.data import PREFIX
from kol_crm.benchmarks.masters import TIERS, ensure_masters
from kol_crm.demo.users import ANALYST, MANAGER, OPERATOR_1, OPERATOR_2
from kol_crm.permissions import PORTAL
from kol_crm.platform.integration import make_integration_user
from kol_crm.workflows.kol_lifecycle import refusal_reasons

INTEGRATION_USER = "load.platform@kol-load.example"
PORTAL_EMAIL = "load.kol{0}@kol-load.example"
CYCLE_STATES = ("Active", "Dormant")  # Mark Dormant / Reactivate: a move that can be made again
CLOSED_STATES = ("Declined", "Dropped", "Offboarded")
PLATFORM_KOLS = 40


def prepare(output: str, kols: int = 0, portal_users: int = 4, seed: int = 42) -> dict:
	"""Demo data (+ a benchmark programme of ``kols``), the load users, and the plan at ``output``."""
	frappe.set_user("Administrator")
	demo.setup()
	if int(kols):
		ensure_benchmark_programme(int(kols), seed)
	password = demo.PASSWORD
	portal = ensure_portal_users(int(portal_users), password)
	integration = make_integration_user(INTEGRATION_USER)  # commits
	plan = make_plan(password, portal, integration)
	frappe.db.commit()
	output = os.path.abspath(output)
	# it holds the load users' password and the integration user's API secret: the owner's only
	with open(os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
		json.dump(plan, f, indent=1, default=str)
	os.chmod(output, 0o600)
	print(
		f"load plan written to {output}: {plan['kols']} KOLs, "
		f"{sum(len(v) for v in plan['workflow_kols'].values())} in the workflow pools, "
		f"{len(plan['portal_users'])} portal users"
	)
	return {"output": output, "kols": plan["kols"]}


def ensure_benchmark_programme(kols: int, seed: int) -> None:
	"""A benchmark programme of ``kols`` KOLs (kept when the site has one of that size)."""
	if frappe.db.count("KOL", {"name": ("like", f"{PREFIX}%")}) == kols:
		print(f"keeping the benchmark programme of {kols} KOLs")
		return
	size = {"kols": kols, "interactions": kols * 10, "proposals": kols // 2, "partnerships": kols // 10}
	ensure_benchmark_tiers()
	masters = ensure_masters(20)
	frappe.db.commit()
	build_programme(size, masters, seed, 0, True, print)
	frappe.db.commit()


def ensure_benchmark_tiers() -> None:
	"""The benchmark's tiers, ranked below the demo's (a rank is unique; ``ensure_masters`` would
	give them ranks 1 to 4, which the demo's tiers hold)."""
	bench_tiers = [t[0] for t in TIERS]
	below = max(
		frappe.get_all("KOL Tier", filters={"name": ("not in", bench_tiers)}, pluck="rank"), default=0
	)
	for tier_name, rank, _share in TIERS:
		if not frappe.db.exists("KOL Tier", tier_name):
			doc = frappe.get_doc({"doctype": "KOL Tier", "tier_name": tier_name, "rank": below + rank})
			doc.flags.ignore_mandatory = True
			doc.insert(ignore_permissions=True)  # the administrator's set-up command, as ensure_masters


def ensure_portal_users(count: int, password: str) -> list[dict]:
	"""``count`` demo KOLs with proposals get a portal login (a Website User with the portal role)."""
	kols = frappe.get_all(
		"KOL",
		filters={
			"email": ("like", f"%@{demo.KOL_EMAIL_DOMAIN}"),
			"workflow_state": ("not in", CLOSED_STATES),
		},
		fields=["name", "portal_user"],
		order_by="name",
	)
	proposals = proposal_names([k.name for k in kols])
	kols = [k for k in kols if proposals.get(k.name)][:count]
	users = []
	for i, kol in enumerate(kols, start=1):
		email = PORTAL_EMAIL.format(i)
		if not frappe.db.exists("User", email):
			user = frappe.get_doc(
				{
					"doctype": "User",
					"email": email,
					"first_name": f"Load KOL {i}",
					"user_type": "Website User",
					"send_welcome_email": 0,
					"roles": [{"role": PORTAL}],
				}
			)
			user.new_password = password
			user.insert(ignore_permissions=True)  # the administrator's set-up command, not a request
		# the login follows the KOL picked this time (unique across KOLs)
		frappe.db.set_value("KOL", {"portal_user": email, "name": ("!=", kol.name)}, "portal_user", None)
		frappe.db.set_value("KOL", kol.name, "portal_user", email)
		users.append(
			{
				"user": email,
				"kol": kol.name,
				"proposals": proposals.get(kol.name, []),
				"partnerships": frappe.get_all(
					"KOL Partnership", filters={"kol": kol.name}, pluck="name", order_by="name"
				),
			}
		)
	frappe.db.commit()
	return users


def proposal_names(kols: list[str]) -> dict[str, list[str]]:
	"""The proposals a portal user sees (sent or answered), per KOL."""
	rows = frappe.get_all(
		"KOL Proposal",
		filters={
			"kol": ("in", kols or [""]),
			"workflow_state": ("in", ("Sent", "Countered", "Accepted", "Rejected")),
		},
		fields=["name", "kol"],
		order_by="name",
	)
	found: dict[str, list[str]] = {}
	for row in rows:
		found.setdefault(row.kol, []).append(row.name)
	return found


def make_plan(password: str, portal: list[dict], integration: dict) -> dict:
	operators = (OPERATOR_1, OPERATOR_2)
	kols = frappe.get_all(
		"KOL",
		filters={"workflow_state": ("not in", CLOSED_STATES), "name": ("not like", f"{PREFIX}%")},
		fields=["name", "operator", "workflow_state"],
		order_by="name",
	)
	movable = [k for k in kols if k.workflow_state in CYCLE_STATES and can_cycle(k.name)]
	portal_kols = {p["kol"] for p in portal}
	movable = [k for k in movable if k.name not in portal_kols]
	workflow_kols: dict[str, list[str]] = {op: [] for op in (*operators, MANAGER)}
	for k in movable:
		owner = k.operator if k.operator in operators else MANAGER
		# every other KOL of an operator goes to the manager's pool, so both act on the workflow
		if owner != MANAGER and len(workflow_kols[owner]) > len(workflow_kols[MANAGER]):
			owner = MANAGER
		workflow_kols[owner].append(k.name)
	moved = {name for names in workflow_kols.values() for name in names}
	interaction_kols = {
		op: [k.name for k in kols if k.operator == op and k.name not in portal_kols] for op in operators
	}
	interaction_kols[MANAGER] = [k.name for k in kols if k.name not in portal_kols][:50]
	# the platform's activity saves its KOLs: none a desk user writes to (benchmark KOLs when there)
	busy = moved | portal_kols | {name for names in interaction_kols.values() for name in names}
	platform = (
		frappe.get_all(
			"KOL",
			filters={"workflow_state": ("not in", CLOSED_STATES), "name": ("like", f"{PREFIX}%")},
			pluck="name",
			order_by="name",
			limit=PLATFORM_KOLS,
		)
		or [k.name for k in kols if k.name not in busy][:PLATFORM_KOLS]
	)
	return {
		"password": password,
		"users": {
			"manager": [MANAGER],
			"operator": list(operators),
			"analyst": [ANALYST],
			"portal": [p["user"] for p in portal],
		},
		"portal_users": portal,
		"integration": {"api_key": integration["api_key"], "api_secret": integration["api_secret"]},
		"workflow_kols": workflow_kols,
		"interaction_kols": interaction_kols,
		# demo KOLs and, on a site with a benchmark programme, some of its KOLs
		"form_kols": [k.name for k in kols][:200]
		+ frappe.get_all("KOL", filters={"name": ("like", f"{PREFIX}%")}, pluck="name", limit=200),
		"platform_kols": platform,
		"filters": {
			"workflow_state": sorted({k.workflow_state for k in kols}),
			"tier": frappe.get_all("KOL Tier", pluck="name", order_by="name"),
			"category": frappe.get_all(
				"KOL Category", filters={"is_group": 0}, pluck="name", order_by="name"
			),
		},
		"kols": frappe.db.count("KOL"),
	}


def can_cycle(kol: str) -> bool:
	"""The KOL may move Dormant → Active (rules acknowledged, fit, no open conflict), so the
	Mark Dormant / Reactivate cycle of the load test is never refused for its data."""
	doc = frappe.get_doc("KOL", kol)
	return not refusal_reasons(doc, "Dormant", "Active")


def verify(acknowledged: str) -> dict:
	"""Every write the load test was told succeeded is stored exactly once: interactions by the
	unique marker in their summary, platform events by their ``event_id``. Raises when not."""
	with open(acknowledged) as f:
		ack = json.load(f)
	markers = ack.get("interactions", [])
	events = ack.get("events", [])
	stored_interactions = count_by("KOL Interaction", "summary", markers)
	stored_events = count_by("KOL Platform Event", "event_id", events)
	lost = [m for m in markers if stored_interactions.get(m, 0) == 0] + [
		e for e in events if stored_events.get(e, 0) == 0
	]
	doubled = [m for m, n in {**stored_interactions, **stored_events}.items() if n > 1]
	result = {
		"interactions_acknowledged": len(markers),
		"interactions_stored": sum(stored_interactions.values()),
		"events_acknowledged": len(events),
		"events_stored": sum(stored_events.values()),
		"lost": len(lost),
		"duplicated": len(doubled),
	}
	print(json.dumps(result))
	if lost or doubled:
		raise AssertionError(f"lost writes: {lost[:10]}; duplicated writes: {doubled[:10]}")
	return result


def count_by(doctype: str, field: str, values: list[str]) -> dict[str, int]:
	"""How many rows of ``doctype`` hold each of ``values`` in ``field``."""
	table = frappe.qb.DocType(doctype)
	found: dict[str, int] = {}
	for start in range(0, len(values), 1000):
		chunk = values[start : start + 1000]
		rows = (
			frappe.qb.from_(table)
			.select(table[field], Count("*"))
			.where(table[field].isin(chunk))
			.groupby(table[field])
			.run()
		)
		found.update({value: count for value, count in rows})
	return found
