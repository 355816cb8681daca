"""What the load test calls, and the p95 budget of each (docs/operations.md, *Load test*).

Plain data, without Locust: the locustfile builds its requests from it, ``summary`` judges a run
by it, and tests/test_load_plan.py checks that every entry exists on the site (a whitelisted
method, a DocType, a report, a portal page).

Each entry: the request's name in Locust's statistics → method, path, and what the path reaches:
``("method", "dotted.path")`` a whitelisted method, ``("login", ...)`` Frappe's sign-in, ``("doctype", "KOL Interaction")`` the REST
resource of a DocType, ``("page", "kol/proposals")`` a portal page of kol_crm/www (or one of
hooks.website_route_rules' targets), ``("report", "KOL Pipeline")`` a report run through
``frappe.desk.query_report.run``.
"""

ENDPOINTS: dict[str, dict] = {
	"login": {
		"method": "POST",
		"path": "/api/method/login",
		# not a whitelisted method: frappe.auth.LoginManager answers the "login" command itself
		"target": ("login", "frappe.auth.LoginManager"),
	},
	"KOL list": {
		"method": "POST",
		"path": "/api/method/frappe.desk.reportview.get",
		"target": ("method", "frappe.desk.reportview.get"),
	},
	"KOL list count": {
		"method": "POST",
		"path": "/api/method/frappe.desk.reportview.get_count",
		"target": ("method", "frappe.desk.reportview.get_count"),
	},
	"KOL form": {
		"method": "GET",
		"path": "/api/method/frappe.desk.form.load.getdoc",
		"target": ("method", "frappe.desk.form.load.getdoc"),
	},
	"save interaction": {
		"method": "POST",
		"path": "/api/resource/KOL Interaction",
		"target": ("doctype", "KOL Interaction"),
	},
	"workflow action": {
		"method": "POST",
		"path": "/api/method/frappe.model.workflow.apply_workflow",
		"target": ("method", "frappe.model.workflow.apply_workflow"),
	},
	"report KOL Pipeline": {
		"method": "POST",
		"path": "/api/method/frappe.desk.query_report.run",
		"target": ("report", "KOL Pipeline"),
	},
	"report KOL Partnership Performance": {
		"method": "POST",
		"path": "/api/method/frappe.desk.query_report.run",
		"target": ("report", "KOL Partnership Performance"),
	},
	"portal /kol": {"method": "GET", "path": "/kol", "target": ("page", "kol/index")},
	"portal /kol/proposals": {"method": "GET", "path": "/kol/proposals", "target": ("page", "kol/proposals")},
	"portal /kol/proposals/[name]": {
		"method": "GET",
		"path": "/kol/proposals/{name}",
		"target": ("page", "kol/proposal"),
	},
	"portal /kol/partnerships": {
		"method": "GET",
		"path": "/kol/partnerships",
		"target": ("page", "kol/partnerships"),
	},
	"portal /kol/partnerships/[name]": {
		"method": "GET",
		"path": "/kol/partnerships/{name}",
		"target": ("page", "kol/partnership"),
	},
	"portal /kol/profile": {"method": "GET", "path": "/kol/profile", "target": ("page", "kol/profile")},
	"push_events": {
		"method": "POST",
		"path": "/api/method/kol_crm.platform.api.push_events",
		"target": ("method", "kol_crm.platform.api.push_events"),
	},
}

# p95 budgets in milliseconds, per request name; "Aggregated" is every request together: a run
# over one of them fails. Set for the default run (20 users, 60 s, scripts/load.sh) on a 2-core
# server that does nothing else; KOL_LOAD_P95_FACTOR scales them all for a slower or shared one
# (docs/operations.md#load-test). The target for 50 users on 100k KOLs (p95 < 500 ms for
# list, form and workflow actions) is lower still.
DEFAULT_P95_MS = 1500
P95_BUDGET_MS: dict[str, int] = {
	"login": 2000,
	"KOL list": 1000,
	"KOL list count": 1000,
	"KOL form": 1000,
	"save interaction": 1500,
	"workflow action": 1500,
	"report KOL Pipeline": 3000,
	"report KOL Partnership Performance": 2000,
	"portal /kol": 1000,
	"portal /kol/proposals": 1000,
	"portal /kol/proposals/[name]": 1000,
	"portal /kol/partnerships": 1000,
	"portal /kol/partnerships/[name]": 1000,
	"portal /kol/profile": 1000,
	"push_events": 5000,  # a batch of 20 events, 5 of them saving a KOL
	"Aggregated": 1500,
}


def budget(name: str) -> int:
	return P95_BUDGET_MS.get(name, DEFAULT_P95_MS)
