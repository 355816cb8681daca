"""The generated programme's KOLs, their workflow history and their interactions, as table rows.

The workflow history goes in twice, as the app leaves it: the Version rows of each transition and
the KOL State Change log (the KOL's first state at its creation, then one row per transition),
which KOL Pipeline reads.

Rows are plain tuples in the order of their ``*_COLS`` so they can go in with multi-row INSERTs.
Proposals and partnerships are in ``deals``; ``build.generate`` puts all of it together.
"""

import itertools
import json
import random
from datetime import date, datetime, timedelta

from kol_crm.benchmarks.masters import TIERS
from kol_crm.kol_crm.report.utils import FUNNEL
from kol_crm.workflows import state_log
from kol_crm.workflows.kol_lifecycle import EXTERNAL, INTERNAL
from kol_crm.workflows.state_log import seconds_between

PREFIX = "KOLB-"
INTERACTION_BASE = 10**12  # benchmark interactions are numbered from here
STATE_CHANGE_BASE = 10**12  # and their state changes (in the order they happened, per KOL)
DAYS = 730
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
INTERACTION_TYPES = ("Email", "Call", "Meeting", "WeChat", "DM", "Community Event", "Gift", "Other")
PURPOSES = ("Acquisition", "Activation", "Conversion")
TIER_CHOICES = [t[0] for t in TIERS] + [None]  # None: a KOL without a tier
TIER_WEIGHTS = [t[2] for t in TIERS] + [0.05]

STD_COLS = ["name", "creation", "modified", "owner", "modified_by", "docstatus"]
CHILD_COLS = [*STD_COLS, "parent", "parenttype", "parentfield", "idx"]
VERSION_COLS = [*STD_COLS, "ref_doctype", "docname", "data"]
STATE_CHANGE_COLS = list(state_log.COLUMNS)  # the live log's bulk-insert columns, standard ones first
KOL_COLS = [
	*STD_COLS,
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
	"last_interaction_on",  # the KOL's last interaction (kept on the KOL by the app)
]
INTERACTION_COLS = [
	*STD_COLS,
	"kol",
	"interaction_type",
	"direction",
	"interaction_on",
	"operator",
	"summary",
]


class Program:
	"""The generated rows, per table, with the columns they fill."""

	def __init__(self):
		self.tables: dict[str, tuple[list[str], list[tuple]]] = {}

	def add(self, doctype: str, columns: list[str], rows: list[tuple]):
		self.tables[doctype] = (columns, rows)

	@property
	def rows(self) -> int:
		return sum(len(rows) for _cols, rows in self.tables.values())


def std(name, ts, owner="Administrator") -> tuple:
	"""The standard columns (``STD_COLS``) of a row created and last modified at ``ts``."""
	return (name, ts, ts, owner, owner, 0)


def pick(mix, rng: random.Random):
	return rng.choices([m[0] for m in mix], weights=[m[1] for m in mix])[0]


def moment_after(created: datetime, now: datetime, rng: random.Random) -> datetime:
	"""A random moment between ``created`` and ``now``."""
	span = max(int((now - created).total_seconds()), 1)
	return created + timedelta(seconds=rng.randrange(span))


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


def kol_rows(count: int, masters: dict, rng: random.Random, now: datetime, today: date) -> tuple:
	"""``count`` KOL rows (without ``last_interaction_on``), their Version rows, their KOL State
	Change rows and (name, created, operator)."""
	kols, versions, changes, kol_info = [], [], [], []
	operators = masters["operators"]
	for i in range(count):
		name = f"{PREFIX}{i + 1:07d}"
		path = EXTERNAL if rng.random() < 0.6 else INTERNAL
		state = pick(STATE_MIX[path], rng)
		created = now - timedelta(seconds=rng.randint(0, DAYS * 86400))
		operator = rng.choice(operators)
		tier = rng.choices(TIER_CHOICES, weights=TIER_WEIGHTS)[0]
		followers = int(rng.lognormvariate(9 - TIER_CHOICES.index(tier) if tier else 7, 1.2))
		assign = json.dumps([rng.choice(operators)]) if rng.random() < 0.05 else None
		last_active = None
		if state in ("Active", "Dormant") and rng.random() < 0.9:
			last_active = today - timedelta(days=rng.randint(0, 500))
		follow_up = None
		if state not in ("Declined", "Dropped", "Offboarded") and rng.random() < 0.5:
			follow_up = today + timedelta(days=rng.randint(-30, 30))
		steps = history_for(path, state, created, now, rng)
		versions += version_rows(i, name, operator, steps)
		changes += state_change_rows(STATE_CHANGE_BASE + len(changes), name, operator, path, created, steps)
		modified = steps[-1][0] if steps else created
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
		kol_info.append((name, created, operator))
	return kols, versions, changes, kol_info


def state_change_rows(first: int, name: str, operator: str, path: str, created, steps: list[tuple]) -> list:
	"""The KOL State Change rows of KOL ``name`` (``STATE_CHANGE_COLS``), numbered from ``first``:
	its first state at its creation, then each transition with the seconds spent in the state
	it left."""
	rows = [(*std(first, created, operator), name, path, None, FUNNEL[path][0], created, operator, 0)]
	entered = created
	for n, (when, old, new) in enumerate(steps, 1):
		stay = seconds_between(entered, when)
		rows.append((*std(first + n, when, operator), name, path, old, new, when, operator, stay))
		entered = when
	return rows


def version_rows(i: int, name: str, operator: str, steps: list[tuple]) -> list[tuple]:
	"""The Version rows the workflow leaves for KOL ``name``'s transitions (``VERSION_COLS``)."""
	rows = []
	for n, (when, old, new) in enumerate(steps):
		data = json.dumps(
			{"changed": [["workflow_state", old, new]], "added": [], "removed": [], "row_changed": []}
		)
		rows.append((*std(f"vb{i:07d}{n}", when, operator), "KOL", name, data))
	return rows


def interaction_rows(count: int, kol_info: list, operators: list, rng: random.Random, now: datetime) -> tuple:
	"""``count`` interactions on random KOLs after their creation, and each KOL's last one."""
	interactions, last_by_kol = [], {}
	for i in range(count):
		kol, created, operator = kol_info[rng.randrange(len(kol_info))]
		when = moment_after(created, now, rng)
		if rng.random() < 0.1:
			operator = rng.choice(operators)
		interactions.append(
			(
				*std(INTERACTION_BASE + i, when, operator),
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
	return interactions, last_by_kol
