"""Fuzzing the field rule and the row rule of KOL list queries (issue 9, "Tests (the contract)").

Hypothesis writes field, filter, sort and group-by expressions against the personal fields of a
KOL (email, phone, WeChat, address, the agent's email and phone): case variants, backticks,
table prefixes, SQL functions, arithmetic, aliases, subqueries, raw SQL strings as filters and
filters as dicts, lists and nested lists. Each input must be refused (any exception; HTTP 4xx
or 5xx) or harmless:

- an analyst finds no personal value in the answer, and the answer does not depend on the
  personal values: it is the same when the personal fields of the two KOLs in play hold other
  values (in another order, or equal) -- so no filter, sort or group-by works as an oracle;
- operator A finds none of B's values (or record names) in the answer, and the answer is the
  same when B's KOL holds other values or does not exist at all -- so B's row is neither shown
  nor counted.

Those "states" are set inside the test's transaction (a savepoint undoes them) for the calls
in-process through ``frappe.get_list``; the smaller sample over HTTP
(``frappe.desk.reportview.get``) commits them and puts B's rows back afterwards.
Hypothesis runs derandomized, without an example database: the same inputs on every run.
"""

import json

import frappe
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests import factories as f
from tests import security_fixture as sf
from tests.api import ApiSession

PROTECTED = sf.PERSONAL_FIELDS
SETTINGS = dict(
	deadline=None,
	derandomize=True,
	database=None,
	suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# ------------------------------------------------------------------ the expressions


def _case(name: str, flips: list[bool]) -> str:
	return "".join(
		c.upper() if flip else c for c, flip in zip(name, flips + [False] * len(name), strict=False)
	)


cased = st.one_of(
	st.sampled_from(PROTECTED),
	st.sampled_from(PROTECTED).map(str.upper),
	st.sampled_from(PROTECTED).map(str.title),
	st.builds(_case, st.sampled_from(PROTECTED), st.lists(st.booleans(), max_size=12)),
)
QUOTES = ["{}", "`{}`", "`tabKOL`.`{}`", "tabKOL.{}", "`tabKOL`.{}", "tabKOL.`{}`", " {} ", "`TABKOL`.`{}`"]
reference = st.builds(lambda name, quote: quote.format(name), cased, st.sampled_from(QUOTES))
WRAPPERS = [
	"ifnull({},'')",
	"IFNULL({}, '')",
	"coalesce({},'')",
	"replace(kol_name,kol_name,{})",
	"concat({},'')",
	"concat_ws('',{})",
	"lower({})",
	"upper({})",
	"substr({},1,3)",
	"substring({},1,3)",
	"left({},3)",
	"right({},3)",
	"hex({})",
	"md5({})",
	"sha1({})",
	"length({})",
	"char_length({})",
	"locate('@',{})",
	"instr({},'@')",
	"ascii({})",
	"trim({})",
	"reverse({})",
	"cast({} as char)",
	"binary {}",
	"({})",
	"{}+0",
	"{}*1",
	"-{}",
	"{} || ''",
	"if({} like 'mkb%',1,0)",
	"case when {} like 'mkb%' then 1 else 0 end",
]
expression = st.recursive(
	reference,
	lambda inner: st.builds(lambda wrap, e: wrap.format(e), st.sampled_from(WRAPPERS), inner),
	max_leaves=3,
)
subquery = st.builds(
	lambda e, form: form.format(e),
	expression,
	st.sampled_from(
		[
			"(select {} from `tabKOL` limit 1)",
			"(select group_concat({}) from `tabKOL`)",
			"(select max({}) from tabKOL)",
			"(select count(*) from `tabKOL` where {} like 'mkb%')",
		]
	),
)
any_expression = st.one_of(expression, expression, subquery)
field_list = st.one_of(
	st.builds(lambda e: [e], any_expression),
	st.builds(lambda e: ["name", e], any_expression),
	st.builds(lambda e: [f"{e} as x"], any_expression),
	st.builds(lambda e: ["name", f"{e} AS `kol_name`"], any_expression),
	st.builds(lambda e: ["count(*) as n", f"{e} as x"], expression),
)
VALUES = ["mkb%", "%mkb%", "%@%", "+86%", "%1%", "%", "zz%"]
value = st.one_of(
	st.sampled_from(VALUES).map(lambda v: ["like", v]),
	st.sampled_from(VALUES).map(lambda v: ["not like", v]),
	st.just(["is", "set"]),
	st.just(["!=", ""]),
	st.just([">", "m"]),
	st.sampled_from(VALUES).map(lambda v: v.replace("%", "")),
)
RAW = [
	"{} like 'mkb%'",
	"{} is not null",
	"ifnull({},'') != ''",
	"{} > 'm'",
	"name in (select name from `tabKOL` where {} like 'mkb%')",
	"exists(select 1 from `tabKOL` k where k.name = `tabKOL`.name and k.{} like 'mkb%')",
]
raw_filter = st.one_of(
	st.builds(lambda form, e: form.format(e), st.sampled_from(RAW), expression),
	st.just("1=1 or 1=1"),
	st.just("1=1) or (1=1"),
)
filters = st.one_of(
	st.builds(lambda ref, v: {ref: v}, st.one_of(reference, expression), value),
	st.builds(
		lambda ref, v: [["KOL", ref, v[0], v[1]]] if isinstance(v, list) else [["KOL", ref, "=", v]],
		reference,
		value,
	),
	st.builds(
		lambda ref, v: [[ref, *(v if isinstance(v, list) else ["=", v])]],
		st.one_of(reference, expression),
		value,
	),
	st.builds(lambda r: [r], raw_filter),
	raw_filter,
	st.builds(lambda a, b: [a, b], raw_filter, raw_filter),
)
order_by = st.builds(
	lambda e, direction, form: form.format(e, direction),
	any_expression,
	st.sampled_from(["asc", "desc", ""]),
	st.sampled_from(["{} {}", "name, {} {}", "`tabKOL`.modified desc, {} {}"]),
)
group_by = st.one_of(expression, st.builds(lambda e: f"name, {e}", expression))
query = st.one_of(
	st.fixed_dictionaries({"fields": field_list}),
	st.fixed_dictionaries({"filters": filters}),
	st.fixed_dictionaries({"order_by": order_by}),
	st.fixed_dictionaries({"group_by": group_by, "fields": st.just(["count(*) as n"])}),
	st.fixed_dictionaries(
		{"fields": field_list, "filters": filters, "order_by": order_by, "group_by": st.none() | group_by}
	),
)


# ------------------------------------------------------------------ the states


@pytest.fixture(scope="module")
def world():
	frappe.db.rollback()
	w = sf.build()
	yield w
	sf.destroy(w)


def _personal(kol: str, label: str, n: int) -> dict:
	"""Other personal values: same shape, none of B's, a length and sort order of their own."""
	fill = label * n
	return {
		"email": f"{fill}@alt{n}.example",
		"phone": f"+1 {n}{n}{n} 555 {n}{n}{n}{n}",
		"wechat": f"{fill}wx",
		"address": f"{fill} street",
		"agent_email": f"{fill}agent@alt.example",
		"agent_phone": f"+1 {n}{n}{n} 777",
	}


def _states(world: sf.World, role: str):
	"""Yield the states the answer must not depend on, each set in the database (uncommitted)."""
	yield "as stored"
	if role == "analyst":
		frappe.db.set_value("KOL", world.kol, _personal(world.kol, "a", 3), update_modified=False)
		frappe.db.set_value("KOL", world.a_kol, _personal(world.a_kol, "z", 7), update_modified=False)
		yield "other values, other order"
		same = _personal(world.kol, "q", 5)
		frappe.db.set_value("KOL", world.kol, same, update_modified=False)
		frappe.db.set_value("KOL", world.a_kol, same, update_modified=False)
		yield "equal values"
	else:
		frappe.db.set_value("KOL", world.kol, _personal(world.kol, "a", 3), update_modified=False)
		yield "B's KOL with other values"
		frappe.db.sql("delete from `tabKOL` where name = %s", (world.kol,))
		yield "without B's KOL"


def _restricted(query: dict, world: sf.World, http: bool = False) -> dict:
	"""Only the two KOLs in play (B's and A's), whatever form the filters take. (Over HTTP a
	raw SQL filter goes alone, in a list: Frappe 15 fails on a string mixed with a list filter
	there; the other KOLs on the site are the same in every state, so the check still holds.)"""
	only = ["KOL", "name", "in", [world.kol, world.a_kol]]
	filters = query.get("filters")
	if http and (isinstance(filters, str) or any(isinstance(item, str) for item in filters or [])):
		return {**query, "filters": [filters] if isinstance(filters, str) else filters}
	if filters is None:
		filters = [only]
	elif isinstance(filters, dict):
		filters = {**filters, "name": ["in", [world.kol, world.a_kol]]} if "name" not in filters else filters
	elif isinstance(filters, str):
		filters = [filters, only]
	else:
		filters = [*filters, only]
	return {**query, "filters": filters}


def _outcome(user: str, query: dict):
	frappe.set_user(user)
	try:
		rows = frappe.get_list("KOL", limit_page_length=0, **query)
		return "answer", json.dumps(rows, default=str, sort_keys=True)
	except Exception as e:  # refused: by the permission engine, the query builder or the database
		return "refused", type(e).__name__
	finally:
		frappe.set_user("Administrator")
		frappe.local.message_log = []


def check_in_process(world: sf.World, role: str, query: dict) -> None:
	user = f.ANALYST if role == "analyst" else f.OPERATOR_A
	query = _restricted(query, world)
	frappe.db.savepoint("fuzz")
	try:
		outcomes = {}
		for state in _states(world, role):
			outcomes[state] = _outcome(user, query)
	finally:
		frappe.db.rollback(save_point="fuzz")
	first = next(iter(outcomes.values()))
	if first[0] == "answer":
		leaked = world.leaked(first[1], personal_only=role == "analyst")
		assert not leaked, f"{role}: {query} answered with {leaked}"
	assert len(set(outcomes.values())) == 1, (
		f"{role}: the answer to {query} depends on "
		+ ("the personal fields" if role == "analyst" else "B's KOL")
		+ f": {outcomes}"
	)


# the holes issue 9 names, always tried first (then what Hypothesis generates)
ANALYST_EXAMPLES = [
	{"fields": ["replace(kol_name,kol_name,email) as e"]},
	{"filters": {"EMAIL": ["like", "mkb%"]}},
	{"filters": {"ifnull(email,'')": ["like", "mkb%"]}},
	{"filters": "email like 'mkb%'"},
	{"order_by": "EMAIL asc"},
	{"group_by": "EMAIL", "fields": ["count(*) as n"]},
]
OPERATOR_EXAMPLES = [{"filters": "1=1 or 1=1"}, {"filters": ["1=1 or 1=1"]}]


def _examples(examples):
	def decorate(test):
		for q in reversed(examples):
			test = example(query=q)(test)
		return test

	return decorate


# ------------------------------------------------------------------ in-process


@settings(max_examples=300, **SETTINGS)
@given(query=query)
@_examples(ANALYST_EXAMPLES)
def test_analyst_list_queries_never_read_personal_fields(world, query):
	check_in_process(world, "analyst", query)


@settings(max_examples=200, **SETTINGS)
@given(query=query)
@_examples(OPERATOR_EXAMPLES)
def test_operator_list_queries_never_read_another_operators_kol(world, query):
	check_in_process(world, "opA", query)


# ------------------------------------------------------------------ over HTTP

_sessions: dict[str, ApiSession] = {}


def _session(user: str) -> ApiSession:
	if user not in _sessions:
		_sessions[user] = ApiSession(user, f.PASSWORD)
	return _sessions[user]


def _http_outcome(user: str, query: dict) -> tuple:
	"""The report view's rows and the count of the same filters (frappe.client.get_count): for
	each, the status and, when answered, the body."""
	frappe.db.commit()
	data = {"doctype": "KOL", "fields": json.dumps(query.get("fields") or ["name"]), "limit_page_length": 0}
	for key in ("filters", "order_by", "group_by"):
		if query.get(key) is not None:
			value = query[key]
			data[key] = value if isinstance(value, str) else json.dumps(value)
	s = _session(user)
	rows = s.post("/api/method/frappe.desk.reportview.get", data=data)
	count = s.post("/api/method/frappe.client.get_count", data={"doctype": "KOL", "filters": data["filters"]})
	return tuple(
		(r.status_code, r.get_data(as_text=True) if r.status_code < 400 else "") for r in (rows, count)
	)


def check_over_http(world: sf.World, role: str, query: dict) -> None:
	user = f.ANALYST if role == "analyst" else f.OPERATOR_A
	query = _restricted(query, world, http=True)
	# two states over HTTP: as stored, and the one that tells most (an analyst: other values in
	# another order; operator A: without B's KOL)
	wanted = {"as stored", "other values, other order", "without B's KOL"}
	outcomes = {}
	try:
		for state in _states(world, role):
			if state in wanted:
				outcomes[state] = _http_outcome(user, query)
	finally:
		sf.restore(world)
	answered = " ".join(body for _status, body in next(iter(outcomes.values())))
	leaked = world.leaked(answered, personal_only=role == "analyst", sent=json.dumps(query))
	assert not leaked, f"{role}: {query} answered with {leaked}"
	assert len(set(outcomes.values())) == 1, (
		f"{role}: the answer to {query} over HTTP depends on "
		+ ("the personal fields" if role == "analyst" else "B's KOL")
		+ f": {[(state, [(st, body[:200]) for st, body in o]) for state, o in outcomes.items()]}"
	)


@settings(max_examples=40, **SETTINGS)
@given(query=query)
@_examples(ANALYST_EXAMPLES)
def test_analyst_reportview_never_reads_personal_fields(world, query):
	check_over_http(world, "analyst", query)


@settings(max_examples=25, **SETTINGS)
@given(query=query)
@_examples(OPERATOR_EXAMPLES)
def test_operator_reportview_never_reads_another_operators_kol(world, query):
	check_over_http(world, "opA", query)
