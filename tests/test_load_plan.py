"""The load test (scripts/load.sh) without running it: every request of the locustfile reaches
something that exists on the site, every one has a p95 budget, the run's judge fails a run with a
failed request, a 5xx or a p95 over its budget, the plan never lets two logins move the same KOL,
and the write check finds a lost and a doubled write. No timing is asserted here."""

import csv
import importlib
import json
import os
import re

import frappe
import pytest

from kol_crm.benchmarks import load_site
from kol_crm.hooks import website_route_rules
from tests import factories
from tests.load import summary
from tests.load.endpoints import ENDPOINTS, P95_BUDGET_MS, budget

LOAD_DIR = os.path.join(os.path.dirname(__file__), "load")
WWW = os.path.join(os.path.dirname(__file__), "..", "kol_crm", "www")


def locustfile_source() -> str:
	with open(os.path.join(LOAD_DIR, "locustfile.py")) as f:
		return f.read()


def test_every_request_of_the_locustfile_is_a_known_endpoint_and_every_endpoint_is_used():
	source = locustfile_source()
	called = set(re.findall(r'self\.call\(\s*"([^"]+)"', source))
	called |= {f"report {name}" for name in re.findall(r'self\.report\(\s*"([^"]+)"', source)}
	assert called, "the locustfile makes no request through self.call"
	assert called - set(ENDPOINTS) == set()
	assert set(ENDPOINTS) - called == set()
	# no request around the table: the client is only used inside KolUser.call
	assert source.count("self.client.") == 1


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_the_endpoint_exists_on_the_site(name):
	spec = ENDPOINTS[name]
	kind, target = spec["target"]
	if kind == "method":
		assert spec["path"] == f"/api/method/{target}"
		function = frappe.get_attr(target)
		assert function in frappe.whitelisted, f"{target} is not whitelisted"
		assert spec["method"] in frappe.allowed_http_methods_for_whitelisted_func[function]
	elif kind == "doctype":
		assert spec["path"] == f"/api/resource/{target}"
		assert frappe.db.exists("DocType", target)
	elif kind == "report":
		assert spec["path"] == "/api/method/frappe.desk.query_report.run"
		assert frappe.get_attr("frappe.desk.query_report.run") in frappe.whitelisted
		assert frappe.db.get_value("Report", target, "module") == "KOL CRM"
	elif kind == "login":
		assert spec["path"] == "/api/method/login"
		assert callable(frappe.get_attr(target).login)
	else:
		assert kind == "page"
		assert os.path.exists(os.path.join(WWW, f"{target}.py")), f"no page kol_crm/www/{target}.py"
		assert os.path.exists(os.path.join(WWW, f"{target}.html"))
		if "{name}" in spec["path"]:
			route = spec["path"].replace("{name}", "<name>")
			assert {"from_route": route, "to_route": target} in website_route_rules
		else:
			assert spec["path"].lstrip("/") == target.removesuffix("/index")


def test_every_endpoint_has_a_p95_budget_and_the_aggregate_too():
	assert set(ENDPOINTS) | {"Aggregated"} <= set(P95_BUDGET_MS)
	assert all(ms > 0 for ms in P95_BUDGET_MS.values())


STATS_HEADER = [
	"Type",
	"Name",
	"Request Count",
	"Failure Count",
	"Median Response Time",
	"Average Response Time",
	"Min Response Time",
	"Max Response Time",
	"Average Content Size",
	"Requests/s",
	"Failures/s",
	"50%",
	"66%",
	"75%",
	"80%",
	"90%",
	"95%",
	"98%",
	"99%",
	"99.9%",
	"99.99%",
	"100%",
]


def stats_row(name: str, count: int, failed: int = 0, p95: int = 300, method: str = "POST") -> list:
	times = [120, 150, 40, p95 + 50, 900, 2.5, 0.0]
	percentiles = [120, 140, 160, 180, 250, p95, p95 + 10, p95 + 20, p95 + 50, p95 + 50, p95 + 50]
	return [method, name, count, failed, *times, *percentiles]


def write_run(tmp_path, rows: list[list], failures: list[list] = (), statuses: dict | None = None) -> str:
	prefix = str(tmp_path / "run")
	with open(f"{prefix}_stats.csv", "w", newline="") as f:
		writer = csv.writer(f)
		writer.writerow(STATS_HEADER)
		writer.writerows(rows)
		total = sum(r[2] for r in rows)
		writer.writerow(["", *stats_row("Aggregated", total, sum(r[3] for r in rows))[1:]])
	with open(f"{prefix}_failures.csv", "w", newline="") as f:
		writer = csv.writer(f)
		writer.writerow(["Method", "Name", "Error", "Occurrences"])
		writer.writerows(failures)
	if statuses is not None:
		with open(f"{prefix}_status.json", "w") as f:
			json.dump(statuses, f)
	return prefix


def test_a_clean_run_passes_and_prints_every_request(tmp_path, capsys):
	prefix = write_run(tmp_path, [stats_row("KOL list", 40), stats_row("KOL form", 30, method="GET")])
	assert summary.main(prefix) == 0
	out = capsys.readouterr().out
	assert re.search(r"KOL form\s+30\s+0\s+", out)
	assert re.search(r"KOL list\s+40\s+0\s+2\.5\s+120\s+300\s+320\s+1000", out)
	assert "load test passed" in out


def test_a_5xx_fails_the_run_and_is_named(tmp_path, capsys):
	prefix = write_run(
		tmp_path,
		[stats_row("save interaction", 40, failed=2), stats_row("KOL list", 40)],
		failures=[["POST", "save interaction", "CatchResponseError('HTTP 5xx (502): ')", 2]],
		statuses={"save interaction": {"200": 38, "502": 2}, "KOL list": {"200": 40}},
	)
	assert summary.main(prefix) == 1
	out = capsys.readouterr().out
	assert "save interaction: 2 answers were 5xx" in out
	assert "save interaction: 2 of 40 requests failed" in out
	assert "KOL list:" not in out.split("LOAD TEST FAILED")[1]


def test_a_5xx_counted_only_by_status_code_still_fails():
	stats = [dict(zip(STATS_HEADER, map(str, stats_row("KOL form", 10)), strict=True))]
	assert summary.judge(stats, [], {"KOL form": {"200": 10}}) == []
	assert summary.judge(stats, [], {"KOL form": {"200": 9, "503": 1}}) == ["KOL form: 1 answers were 5xx"]


def test_a_4xx_failure_fails_the_run_without_being_called_a_5xx(tmp_path):
	prefix = write_run(
		tmp_path,
		[stats_row("workflow action", 10, failed=1)],
		failures=[["POST", "workflow action", "CatchResponseError('HTTP 417: ValidationError')", 1]],
	)
	problems = summary.judge(*summary.read_run(prefix))
	assert problems == ["workflow action: 1 of 10 requests failed"]


def test_a_p95_over_its_budget_fails_and_one_at_the_budget_passes(tmp_path):
	limit = budget("KOL list")
	at = write_run(tmp_path, [stats_row("KOL list", 40, p95=limit)])
	assert summary.judge(*summary.read_run(at)) == []
	over = write_run(tmp_path, [stats_row("KOL list", 40, p95=limit + 1)])
	assert summary.judge(*summary.read_run(over)) == [
		f"KOL list: p95 {limit + 1} ms is over its budget of {limit} ms"
	]


def test_the_factor_scales_every_budget(tmp_path, capsys):
	limit = budget("KOL list")
	prefix = write_run(tmp_path, [stats_row("KOL list", 40, p95=2 * limit)])
	assert summary.main(prefix) == 1
	assert summary.main(prefix, factor=2) == 0
	assert "budgets x 2" in capsys.readouterr().out
	assert summary.main(prefix, factor=1.99) == 1


def test_a_run_without_requests_fails(tmp_path):
	assert summary.judge(*summary.read_run(str(tmp_path / "missing"))) == ["no request was made"]
	prefix = write_run(tmp_path, [stats_row("KOL list", 0)])
	assert "no request was made" in summary.judge(*summary.read_run(prefix))


def test_the_plan_gives_each_login_its_own_kols_to_move():
	plan = load_site.make_plan("pw", [], {"api_key": "k", "api_secret": "s"})
	pools = plan["workflow_kols"]
	moved = [name for names in pools.values() for name in names]
	assert len(moved) == len(set(moved)), "a KOL is in two logins' workflow pools"
	states = dict(
		frappe.get_all(
			"KOL", filters={"name": ("in", moved or [""])}, fields=["name", "workflow_state"], as_list=True
		)
	)
	assert set(states.values()) <= set(load_site.CYCLE_STATES)
	for login in ("demo.operator1@kol-crm.example", "demo.operator2@kol-crm.example"):
		owners = set(frappe.get_all("KOL", filters={"name": ("in", pools[login] or [""])}, pluck="operator"))
		assert owners <= {login}, f"{login} would move another operator's KOL"
	assert not set(plan["platform_kols"]) & set(moved), "the platform's events would save a KOL being moved"
	written = {name for names in plan["interaction_kols"].values() for name in names}
	assert not set(plan["platform_kols"]) & written, "the platform's events would save a KOL being written"


def test_verify_finds_a_lost_and_a_doubled_write(tmp_path):
	kol = factories.make_kol()
	marker = f"load test {factories.unique()}"
	for _ in range(2):
		frappe.get_doc(
			{"doctype": "KOL Interaction", "kol": kol.name, "interaction_type": "Call", "summary": marker}
		).insert()
	once = f"load test {factories.unique()}"
	frappe.get_doc(
		{"doctype": "KOL Interaction", "kol": kol.name, "interaction_type": "Call", "summary": once}
	).insert()
	path = tmp_path / "ack.json"
	path.write_text(json.dumps({"interactions": [once], "events": []}))
	assert load_site.verify(str(path))["interactions_stored"] == 1
	path.write_text(json.dumps({"interactions": [once, marker], "events": []}))
	with pytest.raises(AssertionError, match=re.escape(f"duplicated writes: ['{marker}']")):
		load_site.verify(str(path))
	path.write_text(json.dumps({"interactions": [once], "events": ["load-never-sent"]}))
	with pytest.raises(AssertionError, match=re.escape("lost writes: ['load-never-sent']")):
		load_site.verify(str(path))


def test_summary_runs_without_frappe():
	"""scripts/load.sh runs the judge with Locust's venv, where frappe is not installed."""
	with open(os.path.join(LOAD_DIR, "summary.py")) as f:
		imports = re.findall(r"^(?:from|import) (\S+)", f.read(), flags=re.M)
	assert {i.split(".")[0] for i in imports} <= {"csv", "json", "os", "sys", "tests"}
	assert importlib.import_module("tests.load.endpoints").__file__.startswith(LOAD_DIR)
