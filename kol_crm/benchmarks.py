"""Benchmark: a synthetic KOL programme at scale, the reports and list APIs timed on it.

	bench --site kol-bench.localhost execute kol_crm.benchmarks.run
	bench --site kol-bench.localhost execute kol_crm.benchmarks.run --kwargs "{'kols': 20000, 'repeat': 3}"
	bench --site kol-bench.localhost execute kol_crm.benchmarks.run --kwargs "{'generate': False}"

1. Generates ``kols`` KOLs (default 100,000), ``interactions`` (default 10 per KOL),
   ``proposals`` (default one per two KOLs) and ``partnerships`` (one per ten KOLs) spread over
   both intake paths, every workflow state, four tiers, twelve categories, ``operators``
   operators and the last two years, with their child rows (benefits, negotiation rounds) and
   the workflow's version history. Rows go in with multi-row parameterised INSERTs (the fast
   path); it prints rows/second and compares that path with ``frappe.db.bulk_insert`` on the
   same rows.
2. Times each report (its ``execute``) and the main list APIs (``frappe.get_list`` of KOL with
   common filters), as a manager and as an operator, ``repeat`` times, and takes the median.
3. Runs beside each one the hand-written SQL for the same answer and prints name, median ms,
   optimal-SQL ms and their ratio. The table is also written as JSON (``output``, default the
   site's private files) so runs can be compared.

``generate=False`` times again on the programme the last run left (after a code change).
For KOL Pipeline the "optimal SQL" is the same two queries as raw SQL plus the same reduction in
Python: the medians need each KOL's sequence of states, and a pure-SQL version (string
extraction, LAG and MEDIAN window functions) took 5.7 s on 100,000 KOLs against 1.5 s.

Benchmark rows are recognisable (KOLs named ``KOLB-…``) and are replaced on every run; use a
dedicated site. Not a test: the test suite runs it at a tiny size only.
"""

import itertools
import json
import os
import random
import statistics
import time
from datetime import datetime, timedelta

import frappe
from frappe.utils import add_days, getdate, now_datetime, nowdate

from kol_crm.kol_crm.report.kol_pipeline.kol_pipeline import pipeline_rows
from kol_crm.kol_crm.report.utils import FUNNEL
from kol_crm.permissions import assign_pattern
from kol_crm.workflows.kol_lifecycle import EXTERNAL, INTERNAL

PREFIX = "KOLB-"
INTERACTION_BASE = 10**12  # benchmark interactions are numbered from here
BATCH = 2000
TIERS = (
	("Bench Platinum", 1, 0.05),
	("Bench Gold", 2, 0.15),
	("Bench Silver", 3, 0.30),
	("Bench Bronze", 4, 0.45),
)
DOMAINS = 4
NICHES = 3
STATE_MIX = {
	EXTERNAL: (
		("Identified", 15),
		("Shortlisted", 10),
		("Contacting", 12),
		("Negotiating", 8),
		("Active", 30),
		("Dormant", 8),
		("Declined", 14),
		("Offboarded", 3),
	),
	INTERNAL: (
		("Spotted", 15),
		("Evaluating", 12),
		("Cultivating", 13),
		("Active", 35),
		("Dormant", 8),
		("Dropped", 14),
		("Offboarded", 3),
	),
}
PROPOSAL_MIX = (
	("Draft", 10),
	("Pending Approval", 8),
	("Approved", 5),
	("Sent", 10),
	("Countered", 7),
	("Accepted", 30),
	("Rejected", 20),
	("Withdrawn", 10),
)
REJECTION_REASONS = (
	"Budget too low",
	"Not a fit for the audience",
	"Exclusive deal with a competitor",
	"No time this quarter",
	"Wants revenue share only",
	"",
)
INTERACTION_TYPES = ("Email", "Call", "Meeting", "WeChat", "DM", "Community Event", "Gift", "Other")
PURPOSES = ("Acquisition", "Activation", "Conversion")
DAYS = 730
BENCH_TABLES = (
	"KOL Interaction",
	"KOL Benefit",
	"KOL Deliverable",
	"KOL Negotiation Round",
	"KOL Platform Account",
	"KOL Partnership",
	"KOL Proposal",
	"KOL",
)


# ---------------------------------------------------------------- generator


class Program:
	"""The generated rows, per table, with the columns they fill."""

	def __init__(self):
		self.tables: dict[str, tuple[list[str], list[tuple]]] = {}

	def add(self, doctype: str, columns: list[str], rows: list[tuple]):
		self.tables[doctype] = (columns, rows)

	@property
	def rows(self) -> int:
		return sum(len(rows) for _cols, rows in self.tables.values())


def ensure_masters(operators: int) -> dict:
	"""Tiers, a category tree, operator and manager users (created once, through the framework)."""
	for tier_name, rank, _share in TIERS:
		if not frappe.db.exists("KOL Tier", tier_name):
			doc = frappe.get_doc({"doctype": "KOL Tier", "tier_name": tier_name, "rank": rank})
			doc.flags.ignore_mandatory = True
			doc.insert(ignore_permissions=True)
	leaves = []
	for d in range(1, DOMAINS + 1):
		domain = f"Bench Domain {d}"
		if not frappe.db.exists("KOL Category", domain):
			frappe.get_doc({"doctype": "KOL Category", "category_name": domain, "is_group": 1}).insert(
				ignore_permissions=True
			)
		for n in range(1, NICHES + 1):
			niche = f"Bench Niche {d}.{n}"
			if not frappe.db.exists("KOL Category", niche):
				frappe.get_doc(
					{"doctype": "KOL Category", "category_name": niche, "parent_kol_category": domain}
				).insert(ignore_permissions=True)
			leaves.append(niche)
	# the manager first: on a site without a System Manager, Frappe makes the first new user one
	manager = ensure_user("bench.manager@kol-bench.example", "KOL Manager")
	users = [ensure_user(f"bench.operator{i}@kol-bench.example", "KOL Operator") for i in range(operators)]
	return {"tiers": TIERS, "categories": leaves, "operators": users, "manager": manager}


def ensure_user(email: str, role: str) -> str:
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": email.split("@")[0], "send_welcome_email": 0}
		)
		user.append("roles", {"role": role})
		user.insert(ignore_permissions=True)
	return email


def only_benchmark_data() -> bool:
	like = f"{PREFIX}%"
	return frappe.db.count("KOL") == frappe.db.count("KOL", {"name": ("like", like)}) and frappe.db.count(
		"KOL Interaction"
	) == frappe.db.count("KOL Interaction", {"kol": ("like", like)})


def clear_previous(commit: bool = True) -> None:
	"""Remove the rows of an earlier benchmark run (recognised by the KOLB- prefix)."""
	like = f"{PREFIX}%"
	if commit and only_benchmark_data():
		# a dedicated benchmark site: empty the tables outright (TRUNCATE commits, so never in a test)
		for doctype in BENCH_TABLES:
			frappe.db.truncate(doctype)
		frappe.db.sql("delete from `tabVersion` where ref_doctype = 'KOL' and docname like %s", like)
		return
	frappe.db.sql("delete from `tabKOL Interaction` where kol like %s", like)
	frappe.db.sql("delete from `tabVersion` where ref_doctype = 'KOL' and docname like %s", like)
	for parenttype in ("KOL Proposal", "KOL Partnership"):
		for child in ("KOL Benefit", "KOL Deliverable", "KOL Negotiation Round"):
			frappe.db.sql(
				f"delete c from `tab{child}` c inner join `tab{parenttype}` p on p.name = c.parent "
				"where c.parenttype = %s and p.kol like %s",
				(parenttype, like),
			)
	frappe.db.sql("delete from `tabKOL Partnership` where kol like %s", like)
	frappe.db.sql("delete from `tabKOL Proposal` where kol like %s", like)
	frappe.db.sql("delete from `tabKOL` where name like %s", like)


def pick(mix, rng):
	return rng.choices([m[0] for m in mix], weights=[m[1] for m in mix])[0]


def history_for(path: str, state: str, created: datetime, now: datetime, rng) -> list[tuple]:
	"""The workflow transitions that bring a new KOL to ``state``: (when, old, new)."""
	funnel = FUNNEL[path]
	exit_state = "Declined" if path == EXTERNAL else "Dropped"
	if state in funnel:
		chain = list(funnel[: funnel.index(state) + 1])
	elif state == "Dormant":
		chain = [*funnel, "Dormant"]
	elif state == "Offboarded":
		chain = [*funnel, "Offboarded"]
	else:  # declined / dropped at some stage
		chain = [*funnel[: rng.randint(1, len(funnel) - 1)], exit_state]
	steps, when = [], created
	for old, new in itertools.pairwise(chain):
		when = min(when + timedelta(days=rng.uniform(0.5, 30)), now)
		steps.append((when, old, new))
	return steps


def generate(size: dict, masters: dict, seed: int = 42) -> Program:
	rng = random.Random(seed)
	now = now_datetime().replace(microsecond=0)
	today = getdate(nowdate())
	program = Program()
	operators = masters["operators"]
	tiers = [t[0] for t in TIERS] + [None]
	tier_weights = [t[2] for t in TIERS] + [0.05]

	def std(name, ts, owner="Administrator"):
		return (name, ts, ts, owner, owner, 0)

	std_cols = ["name", "creation", "modified", "owner", "modified_by", "docstatus"]

	# KOLs
	kols, versions, kol_info = [], [], []
	for i in range(size["kols"]):
		name = f"{PREFIX}{i + 1:07d}"
		path = EXTERNAL if rng.random() < 0.6 else INTERNAL
		state = pick(STATE_MIX[path], rng)
		created = now - timedelta(seconds=rng.randint(0, DAYS * 86400))
		operator = rng.choice(operators)
		tier = rng.choices(tiers, weights=tier_weights)[0]
		followers = int(rng.lognormvariate(9 - tiers.index(tier) if tier else 7, 1.2))
		assign = None
		if rng.random() < 0.05:
			assign = json.dumps([rng.choice(operators)])
		last_active = None
		if state in ("Active", "Dormant") and rng.random() < 0.9:
			last_active = today - timedelta(days=rng.randint(0, 500))
		follow_up = None
		if state not in ("Declined", "Dropped", "Offboarded") and rng.random() < 0.5:
			follow_up = today + timedelta(days=rng.randint(-30, 30))
		steps = history_for(path, state, created, now, rng)
		modified = steps[-1][0] if steps else created
		for n, (when, old, new) in enumerate(steps):
			data = json.dumps(
				{"changed": [["workflow_state", old, new]], "added": [], "removed": [], "row_changed": []}
			)
			versions.append((f"vb{i:07d}{n}", when, when, operator, operator, 0, "KOL", name, data))
		kols.append(
			(
				name,
				created,
				modified,
				operator,
				operator,
				0,
				"KOL-.#####",
				f"Bench KOL {i + 1}",
				path,
				rng.choice(PURPOSES),
				"Paid" if rng.random() < 0.5 else "Unpaid",
				state,
				rng.choice(masters["categories"]),
				tier,
				operator,
				followers,
				last_active,
				follow_up,
				assign,
			)
		)
		kol_info.append((name, created, operator, state))
	kol_cols = [
		*std_cols,
		"naming_series",
		"kol_name",
		"intake_path",
		"intake_purpose",
		"program_type",
		"workflow_state",
		"category",
		"tier",
		"operator",
		"total_followers",
		"last_active_on_platform",
		"next_follow_up_on",
		"_assign",
	]

	# interactions
	interactions, last_by_kol = [], {}
	n_kols = len(kol_info)
	for i in range(size["interactions"]):
		kol, created, operator, _state = kol_info[rng.randrange(n_kols)]
		span = max(int((now - created).total_seconds()), 1)
		when = created + timedelta(seconds=rng.randrange(span))
		if rng.random() < 0.1:
			operator = rng.choice(operators)
		interactions.append(
			(
				INTERACTION_BASE + i,
				when,
				when,
				operator,
				operator,
				0,
				kol,
				rng.choice(INTERACTION_TYPES),
				"Outbound" if rng.random() < 0.7 else "Inbound",
				when,
				operator,
				"Bench interaction",
			)
		)
		if when > last_by_kol.get(kol, created - timedelta(days=1)):
			last_by_kol[kol] = when
	interaction_cols = [
		*std_cols,
		"kol",
		"interaction_type",
		"direction",
		"interaction_on",
		"operator",
		"summary",
	]
	# the KOL's last interaction (kept on the KOL by the app)
	kol_cols.append("last_interaction_on")
	kols = [(*row, last_by_kol.get(row[0])) for row in kols]

	# proposals with benefits and negotiation rounds
	proposals, benefits, rounds, accepted = [], [], [], []
	child_cols = [*std_cols, "parent", "parenttype", "parentfield", "idx"]
	for i in range(size["proposals"]):
		kol, created, operator, _state = kol_info[rng.randrange(n_kols)]
		span = max(int((now - created).total_seconds()), 1)
		when = created + timedelta(seconds=rng.randrange(span))
		name = f"KOLB-PROP-{i + 1:07d}"
		state = pick(PROPOSAL_MIX, rng)
		closed = state in ("Accepted", "Rejected", "Withdrawn")
		reason = rng.choice(REJECTION_REASONS) if state == "Rejected" else None
		budget = rng.choice((1000, 2000, 5000, 10000, 20000))
		proposals.append(
			(
				*std(name, when, operator),
				"KOL-PROP-.YYYY.-.#####",
				f"Bench proposal {i + 1}",
				kol,
				rng.choice(PURPOSES),
				state,
				when.date(),
				(when + timedelta(days=30)).date(),
				budget,
				state if closed else None,
				(when + timedelta(days=rng.randint(1, 40))).date() if closed else None,
				reason,
			)
		)
		share = rng.choice((5, 10, 15))
		benefits.append(
			(*std(f"bb{i:07d}a", when, operator), name, "KOL Proposal", "benefits", 1, "Cash", budget, 0)
		)
		benefits.append(
			(
				*std(f"bb{i:07d}b", when, operator),
				name,
				"KOL Proposal",
				"benefits",
				2,
				"Revenue Share",
				0,
				share,
			)
		)
		if state not in ("Draft", "Pending Approval", "Approved"):
			for r in range(rng.randint(0, 4)):
				rounds.append(
					(
						*std(f"br{i:07d}{r}", when, operator),
						name,
						"KOL Proposal",
						"negotiation_rounds",
						r + 1,
						(when + timedelta(days=r)).date(),
						"KOL" if r % 2 == 0 else "Us",
						"Bench offer",
						budget,
					)
				)
		if state == "Accepted":
			accepted.append((name, kol, when, budget, share))
	proposal_cols = [
		*std_cols,
		"naming_series",
		"title",
		"kol",
		"purpose",
		"workflow_state",
		"valid_from",
		"valid_until",
		"budget",
		"outcome",
		"outcome_on",
		"outcome_reason",
	]

	# partnerships from accepted proposals
	partnerships = []
	kol_names = {k[0]: k[7] for k in kols}
	for i, (proposal, kol, when, budget, share) in enumerate(accepted[: size["partnerships"]]):
		name = f"KOLB-PART-{i + 1:07d}"
		start = when.date() + timedelta(days=rng.randint(0, 20))
		status = rng.choices(("Active", "Paused", "Completed", "Terminated"), weights=(50, 10, 30, 10))[0]
		end = start + timedelta(days=rng.choice((90, 180, 365)))
		targets = [rng.choice((100, 500, 1000)), rng.choice((50, 200, 500)), rng.choice((10, 50, 100))]
		results = [int(t * rng.uniform(0, 1.5)) for t in targets]
		revenue = results[2] * rng.choice((50, 100, 200))
		partnerships.append(
			(
				*std(name, datetime.combine(start, datetime.min.time())),
				"KOL-PART-.YYYY.-.#####",
				kol,
				kol_names.get(kol),
				proposal,
				rng.choice(PURPOSES),
				status,
				start,
				end,
				*targets,
				revenue * 2,
				*results,
				revenue,
				revenue * share / 100,
			)
		)
		ts = datetime.combine(start, datetime.min.time())
		benefits.append((*std(f"pb{i:07d}a", ts), name, "KOL Partnership", "benefits", 1, "Cash", budget, 0))
		benefits.append(
			(*std(f"pb{i:07d}b", ts), name, "KOL Partnership", "benefits", 2, "Revenue Share", 0, share)
		)
		if rng.random() < 0.5:
			benefits.append(
				(*std(f"pb{i:07d}c", ts), name, "KOL Partnership", "benefits", 3, "Product", budget / 10, 0)
			)
	partnership_cols = [
		*std_cols,
		"naming_series",
		"kol",
		"kol_name",
		"proposal",
		"purpose",
		"status",
		"start_date",
		"end_date",
		"target_new_users",
		"target_activated_users",
		"target_paid_conversions",
		"target_revenue",
		"result_new_users",
		"result_activated_users",
		"result_paid_conversions",
		"result_revenue",
		"revenue_share_due",
	]

	program.add("KOL", kol_cols, kols)
	program.add("Version", [*std_cols, "ref_doctype", "docname", "data"], versions)
	program.add("KOL Interaction", interaction_cols, interactions)
	program.add("KOL Proposal", proposal_cols, proposals)
	program.add("KOL Partnership", partnership_cols, partnerships)
	program.add("KOL Benefit", [*child_cols, "benefit_type", "amount", "revenue_share_percent"], benefits)
	program.add(
		"KOL Negotiation Round",
		[*child_cols, "round_date", "party", "offer", "budget"],
		rounds,
	)
	return program


def fast_insert(doctype: str, columns: list[str], rows: list[tuple], commit: bool = True) -> None:
	"""Multi-row parameterised INSERT, ``BATCH`` rows per statement (the generator's fast path)."""
	head = "insert into `tab{}` ({}) values ".format(doctype, ", ".join(f"`{c}`" for c in columns))
	one = "(" + ", ".join(["%s"] * len(columns)) + ")"
	for start in range(0, len(rows), BATCH):
		chunk = rows[start : start + BATCH]
		frappe.db.sql(head + ", ".join([one] * len(chunk)), [v for row in chunk for v in row])
		if commit:
			frappe.db.commit()


def load(program: Program, commit: bool = True) -> dict:
	timings = {}
	for doctype, (columns, rows) in program.tables.items():
		start = time.perf_counter()
		fast_insert(doctype, columns, rows, commit)
		timings[doctype] = {"rows": len(rows), "seconds": round(time.perf_counter() - start, 2)}
	return timings


def compare_with_bulk_insert(program: Program, sample: int, commit: bool = True) -> dict:
	"""Insert the same interaction rows (renumbered) with the fast path and with frappe.db.bulk_insert."""
	columns, rows = program.tables["KOL Interaction"]
	rows = rows[:sample]
	if not rows:
		return {}
	result = {"rows": len(rows)}
	for label, offset in (("fast_path", 2 * INTERACTION_BASE), ("bulk_insert", 3 * INTERACTION_BASE)):
		renumbered = [(offset + i, *row[1:]) for i, row in enumerate(rows)]
		start = time.perf_counter()
		if label == "fast_path":
			fast_insert("KOL Interaction", columns, renumbered, commit)
		else:
			frappe.db.bulk_insert("KOL Interaction", columns, renumbered)
			if commit:
				frappe.db.commit()
		seconds = time.perf_counter() - start
		result[label] = round(len(rows) / seconds)
		frappe.db.sql(
			"delete from `tabKOL Interaction` where name >= %s and name < %s", (offset, offset + len(rows))
		)
		if commit:
			frappe.db.commit()
	result["fast_path_vs_bulk_insert"] = round(result["fast_path"] / result["bulk_insert"], 2)
	return result


# ---------------------------------------------------------------- timings


def report(module: str):
	return frappe.get_attr(f"kol_crm.kol_crm.report.{module}.{module}.execute")


def own(user: str | None, alias: str = "k") -> tuple[str, dict]:
	"""The operator's own-KOL condition for the hand-written SQL (same rule as kol_crm.permissions)."""
	if not user:
		return "1=1", {}
	return f"({alias}.operator = %(user)s or {alias}._assign like %(pattern)s)", {
		"user": user,
		"pattern": assign_pattern(user),
	}


def sql_pipeline(user):
	cond, params = own(user)
	counts = frappe.db.sql(
		f"select k.intake_path, k.workflow_state, count(*) from `tabKOL` k where {cond} group by 1, 2",
		params,
	)
	history = frappe.db.sql(
		"select k.name, k.intake_path, k.workflow_state, to_seconds(k.creation), to_seconds(v.creation), v.data "
		"from `tabVersion` v inner join `tabKOL` k on k.name = v.docname "
		f"where v.ref_doctype = 'KOL' and v.data like '%%\"workflow_state\"%%' and {cond}",
		params,
	)
	# the medians need each KOL's sequence of states: the same reduction as the report
	return pipeline_rows({(p, s): n for p, s, n in counts}, history, [EXTERNAL, INTERNAL])


def sql_tier_pyramid(user):
	cond, params = own(user)
	return frappe.db.sql(
		"select k.tier, k.category, count(*), sum(k.total_followers) from `tabKOL` k "
		f"where k.workflow_state not in ('Declined', 'Dropped', 'Offboarded') and {cond} group by 1, 2",
		params,
	)


def sql_follow_up_due(user):
	cond, params = own(user)
	params["today"] = nowdate()
	return frappe.db.sql(
		"select k.name, k.kol_name, k.workflow_state, k.tier, k.category, k.operator, k.next_follow_up_on, "
		"k.last_interaction_on, i.interaction_type from `tabKOL` k "
		"left join `tabKOL Interaction` i on i.kol = k.name and i.interaction_on = k.last_interaction_on "
		"where k.next_follow_up_on <= %(today)s and k.workflow_state not in ('Declined', 'Dropped', 'Offboarded') "
		f"and {cond} order by k.next_follow_up_on, k.name, i.name",
		params,
	)


def sql_partnership_performance(user):
	cond, params = own(user)
	return frappe.db.sql(
		"select p.name, p.kol, k.kol_name, p.purpose, p.status, p.start_date, p.end_date, "
		"p.target_new_users, p.result_new_users, p.target_activated_users, p.result_activated_users, "
		"p.target_paid_conversions, p.result_paid_conversions, p.target_revenue, p.result_revenue, "
		"p.revenue_share_due, coalesce(b.spend, 0) as spend, "
		"coalesce(b.spend, 0) / nullif(p.result_new_users, 0), "
		"coalesce(b.spend, 0) / nullif(p.result_activated_users, 0), "
		"coalesce(b.spend, 0) / nullif(p.result_paid_conversions, 0) "
		"from `tabKOL Partnership` p inner join `tabKOL` k on k.name = p.kol "
		"left join (select parent, sum(amount) as spend from `tabKOL Benefit` "
		"where parenttype = 'KOL Partnership' group by parent) b on b.parent = p.name "
		f"where {cond} order by p.start_date, p.name",
		params,
	)


def sql_proposal_outcomes(user):
	cond, params = own(user)
	by_group = frappe.db.sql(
		"select p.purpose, k.tier, k.operator, p.workflow_state, coalesce(r.rounds, 0), count(*) "
		"from `tabKOL Proposal` p inner join `tabKOL` k on k.name = p.kol "
		"left join (select parent, count(*) as rounds from `tabKOL Negotiation Round` "
		"where parenttype = 'KOL Proposal' group by parent) r on r.parent = p.name "
		f"where {cond} group by 1, 2, 3, 4, 5",
		params,
	)
	reasons = frappe.db.sql(
		"select trim(coalesce(p.outcome_reason, '')), count(*) from `tabKOL Proposal` p "
		f"inner join `tabKOL` k on k.name = p.kol where p.workflow_state = 'Rejected' and {cond} group by 1",
		params,
	)
	return by_group, reasons


def sql_operator_activity(user):
	cond, params = own(user)
	params["from"] = add_days(nowdate(), -84)
	join = "inner join `tabKOL` k on k.name = i.kol" if user else ""
	weekly = frappe.db.sql(
		"select i.operator, subdate(date(i.interaction_on), weekday(i.interaction_on)) as week, "
		f"i.interaction_type, count(*) from `tabKOL Interaction` i {join} "
		f"where i.interaction_on >= %(from)s and {cond if user else '1=1'} group by 1, 2, 3",
		params,
	)
	kols = frappe.db.sql(
		"select k.operator, count(*) from `tabKOL` k "
		f"where k.workflow_state not in ('Declined', 'Dropped', 'Offboarded') and {cond} group by 1",
		params,
	)
	return weekly, kols


def sql_inactive_kols(user):
	cond, params = own(user)
	params["before"] = add_days(nowdate(), -30)
	return frappe.db.sql(
		"select k.name, k.kol_name, k.tier, k.category, k.operator, k.last_active_on_platform, "
		"datediff(curdate(), k.last_active_on_platform) from `tabKOL` k "
		"where k.workflow_state = 'Active' and (k.last_active_on_platform is null "
		f"or k.last_active_on_platform <= %(before)s) and {cond} order by k.last_active_on_platform, k.name",
		params,
	)


LIST_FIELDS = [
	"name",
	"kol_name",
	"workflow_state",
	"tier",
	"category",
	"total_followers",
	"next_follow_up_on",
]


def list_active(user):
	return frappe.get_list(
		"KOL",
		filters={"workflow_state": "Active", "intake_path": EXTERNAL},
		fields=LIST_FIELDS,
		order_by="modified desc",
		limit_page_length=20,
	)


def sql_list_active(user):
	cond, params = own(user, "`tabKOL`")
	return frappe.db.sql(
		f"select {', '.join(LIST_FIELDS)} from `tabKOL` where workflow_state = 'Active' "
		f"and intake_path = 'External Intake' and {cond} order by modified desc limit 20",
		params,
	)


def list_follow_ups(user):
	return frappe.get_list(
		"KOL",
		filters={"next_follow_up_on": ("<=", nowdate())},
		fields=LIST_FIELDS,
		order_by="next_follow_up_on asc",
		limit_page_length=20,
	)


def sql_list_follow_ups(user):
	cond, params = own(user, "`tabKOL`")
	params["today"] = nowdate()
	return frappe.db.sql(
		f"select {', '.join(LIST_FIELDS)} from `tabKOL` where next_follow_up_on <= %(today)s "
		f"and {cond} order by next_follow_up_on asc limit 20",
		params,
	)


def list_tier(user):
	return frappe.get_list(
		"KOL",
		filters={"tier": TIERS[1][0], "category": "Bench Niche 1.1"},
		fields=LIST_FIELDS,
		order_by="modified desc",
		limit_page_length=20,
	)


def sql_list_tier(user):
	cond, params = own(user, "`tabKOL`")
	params.update({"tier": TIERS[1][0], "category": "Bench Niche 1.1"})
	return frappe.db.sql(
		f"select {', '.join(LIST_FIELDS)} from `tabKOL` where tier = %(tier)s and category = %(category)s "
		f"and {cond} order by modified desc limit 20",
		params,
	)


CASES = (
	# name, framework call (filters), optimal SQL
	("KOL Pipeline", lambda user: report("kol_pipeline")({}), sql_pipeline),
	("KOL Tier Pyramid", lambda user: report("kol_tier_pyramid")({}), sql_tier_pyramid),
	("KOL Follow-up Due", lambda user: report("kol_follow_up_due")({}), sql_follow_up_due),
	(
		"KOL Partnership Performance",
		lambda user: report("kol_partnership_performance")({}),
		sql_partnership_performance,
	),
	("KOL Proposal Outcomes", lambda user: report("kol_proposal_outcomes")({}), sql_proposal_outcomes),
	("KOL Operator Activity", lambda user: report("kol_operator_activity")({}), sql_operator_activity),
	("Inactive KOLs", lambda user: report("inactive_kols")({"min_days": 30}), sql_inactive_kols),
	("get_list KOL: Active, External, by modified", list_active, sql_list_active),
	("get_list KOL: follow-ups due, by date", list_follow_ups, sql_list_follow_ups),
	("get_list KOL: tier + category, by modified", list_tier, sql_list_tier),
)


def median_ms(fn, repeat: int) -> float:
	fn()  # warm-up (caches, meta)
	runs = []
	for _i in range(repeat):
		start = time.perf_counter()
		fn()
		runs.append((time.perf_counter() - start) * 1000)
	return round(statistics.median(runs), 1)


def time_cases(masters: dict, repeat: int) -> list[dict]:
	results = []
	operator = masters["operators"][0]
	for role, user in (("manager", masters["manager"]), ("operator", operator)):
		restricted = user if role == "operator" else None
		for name, call, optimal in CASES:
			frappe.set_user(user)
			app_ms = median_ms(lambda call=call, restricted=restricted: call(restricted), repeat)
			frappe.set_user("Administrator")
			sql_ms = median_ms(lambda optimal=optimal, restricted=restricted: optimal(restricted), repeat)
			results.append(
				{
					"name": name,
					"as": role,
					"median_ms": app_ms,
					"optimal_sql_ms": sql_ms,
					"ratio": round(app_ms / sql_ms, 2) if sql_ms else None,
					"prepared_report": bool(frappe.db.get_value("Report", name, "prepared_report")),
				}
			)
	frappe.set_user("Administrator")
	return results


def format_table(rows: list[dict]) -> str:
	width = max(len(f"{r['name']} ({r['as']})") for r in rows)
	lines = [f"{'name':<{width}}  {'median ms':>10}  {'optimal SQL ms':>14}  {'ratio':>6}  note"]
	for r in rows:
		note = []
		if r["ratio"] and r["ratio"] > 1.5:
			note.append("> 1.5x")
		if r["median_ms"] >= 1000:
			note.append("prepared report" if r["prepared_report"] else "> 1 s")
		lines.append(
			f"{r['name'] + ' (' + r['as'] + ')':<{width}}  {r['median_ms']:>10.1f}  {r['optimal_sql_ms']:>14.1f}"
			f"  {r['ratio'] or 0:>6.2f}  {', '.join(note)}"
		)
	return "\n".join(lines)


# ---------------------------------------------------------------- entry point


def build_programme(size: dict, masters: dict, seed: int, compare_rows: int, commit: bool, say) -> tuple:
	"""Replace the previous benchmark rows with a new programme; its rows/s and the bulk_insert comparison."""
	clear_previous(commit)
	if commit:
		frappe.db.commit()
	start = time.perf_counter()
	program = generate(size, masters, seed)
	generated = time.perf_counter() - start
	tables = load(program, commit)
	total = time.perf_counter() - start
	inserted = sum(t["seconds"] for t in tables.values())
	generator = {
		"rows": program.rows,
		"generate_seconds": round(generated, 2),
		"insert_seconds": round(inserted, 2),
		"total_seconds": round(total, 2),
		"rows_per_second_insert": round(program.rows / inserted) if inserted else None,
		"rows_per_second_total": round(program.rows / total) if total else None,
		"tables": tables,
	}
	say(
		f"generated {program.rows:,} rows in {total:.1f} s: {generator['rows_per_second_total']:,} rows/s overall, "
		f"{generator['rows_per_second_insert']:,} rows/s inserting"
	)
	for doctype, t in tables.items():
		say(f"  {doctype:<24} {t['rows']:>10,} rows  {t['seconds']:>7.1f} s")
	comparison = compare_with_bulk_insert(program, min(compare_rows, size["interactions"]), commit)
	if comparison:
		say(
			f"same {comparison['rows']:,} KOL Interaction rows: fast path {comparison['fast_path']:,} rows/s, "
			f"frappe.db.bulk_insert {comparison['bulk_insert']:,} rows/s "
			f"(ratio {comparison['fast_path_vs_bulk_insert']})"
		)
	del program
	if commit:  # refresh the optimizer's statistics (ANALYZE TABLE commits, so not inside a test)
		frappe.db.sql("analyze table `tabKOL`, `tabKOL Interaction`, `tabKOL Proposal`, `tabKOL Partnership`")

	return generator, comparison


def run(
	kols: int = 100_000,
	interactions: int | None = None,
	proposals: int | None = None,
	partnerships: int | None = None,
	operators: int = 20,
	repeat: int = 5,
	compare_rows: int = 50_000,
	output: str | None = None,
	seed: int = 42,
	commit: bool = True,
	quiet: bool = False,
	generate: bool = True,
) -> dict:
	"""Generate the programme, time reports and lists against hand-written SQL, print and save the table."""
	say = (lambda *a: None) if quiet else print
	size = {
		"kols": int(kols),
		"interactions": int(interactions if interactions is not None else kols * 10),
		"proposals": int(proposals if proposals is not None else kols // 2),
		"partnerships": int(partnerships if partnerships is not None else kols // 10),
	}
	say(f"kol_crm benchmark on {frappe.local.site}: {size}")
	masters = ensure_masters(operators)
	if commit:
		frappe.db.commit()
	if generate:
		generator, comparison = build_programme(size, masters, seed, compare_rows, commit, say)
	else:  # time again on the programme a previous run left
		generator, comparison = {}, {}
		say("timing the existing benchmark programme (generate=False)")

	timings = time_cases(masters, int(repeat))
	table = format_table(timings)
	say(table)
	result = {
		"site": frappe.local.site,
		"ran_on": str(now_datetime()),
		"size": size,
		"generator": generator,
		"bulk_insert_comparison": comparison,
		"timings": timings,
	}
	if commit:
		path = output or frappe.get_site_path(
			"private", "files", f"kol_benchmark_{now_datetime():%Y%m%d_%H%M%S}.json"
		)
		os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
		path = os.path.abspath(path)
		with open(path, "w") as f:
			json.dump(result, f, indent=1, default=str)
		say(f"written to {path}")
		result["output"] = path
	return result if quiet else None
