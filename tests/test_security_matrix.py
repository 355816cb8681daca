"""The endpoint x role x DocType matrix (issue 9, "Tests (the contract)").

The endpoints are generated, not hand-picked: every module of Frappe and kol_crm is imported
so that ``frappe.whitelisted`` holds every whitelisted function, and each one that takes a
DocType, a record name, fields, filters, sorting, grouping or a search text (by its signature,
or by reading them from the request as ``frappe.desk.reportview`` does) is called over HTTP
with the DocTypes of the "KOL CRM" module (child tables included), as operator A, as an
analyst and, for the methods a guest may call, as a guest. ``/api/resource`` and ``/api/v2``
are called the same way. A Frappe upgrade that adds a method is covered without a change here.
Every whitelisted method of kol_crm is in the matrix whatever its parameters (a portal action,
the Code of Conduct's guest link); a method none of whose parameters names a DocType, a record
or fields is called once per role, with B's records in its arguments (``OVERRIDES``).

Operator B owns a KOL and everything that hangs off it, with a marker in every text field
(``tests/security_fixture.py``). For every call:

(a) operator A (and a guest) finds none of B's values in the response, names of B's records
    included (an error message that repeats what the caller sent does not count);
(b) an analyst finds none of B's personal values (email, phone, WeChat, address, agent contact,
    the applicant's email and address);
(c) a count filtered on B's record is 0 (or refused) for operator A and a guest;
(d) nothing of B's changed: B's rows, and the ToDos, comments, shares, tags, files, emails and
    versions on them, and the records filed on B's KOL, are as they were (an analyst may like
    and comment on a record they may read, as Frappe lets every reader; nothing else).
    Rows another process added on B's records before the call started (another test run or
    the scheduler on the same site) are provably not the call's and are put away without
    blame (``_made_by_others``).

Arguments come from the parameter names (``ARGUMENTS``); the few methods whose parameters mean
something else get theirs in ``OVERRIDES``; a required parameter nobody knows gets a probe
string. Methods that would break the test site are left out by ``DENY``, each with its reason.
Test ids read ``method|role|DocType|variant``: ``-k "frappe.client.get_list and opA"`` re-runs
a slice.

The full matrix is about 36,000 cases (20-25 minutes on 2 cores): it runs with ``KOL_MATRIX=full``.
By default (the README's test command, CI) a sample runs, about a fifth of it: every endpoint
with every role, every DocType with every role through the REST routes and the core read and
write methods (``EVERY_DOCTYPE``), and about one in eight of the other cases, chosen by hashing
each case's id with ``KOL_MATRIX_SEED`` (default: today's date, so each day tries another share;
the end-of-run summary prints the seed: ``KOL_MATRIX_SEED=2026-12-03 scripts/test.sh -k ...``
reruns that day's sample, ``KOL_MATRIX=full ... -k ...`` any case).
"""

import base64
import dataclasses
import hashlib
import importlib
import inspect
import json
import os
import pkgutil
import re
import time
from urllib.parse import unquote

import frappe
import pytest
from frappe.utils import nowdate

from tests import factories as f
from tests import security_fixture as sf
from tests.api import ApiSession

# ------------------------------------------------------------------ what is enumerated

DOCTYPE_PARAMS = frozenset({"doctype", "dt", "reference_doctype"})
# parameters that name one (or more) of B's records
NAME_PARAMS = frozenset(
	{
		"name",
		"docname",
		"doc_name",
		"dn",
		"old",
		"old_name",
		"reference_name",
		"source_name",
		"document",
		"names",
		"docnames",
		"source_names",
		"items",
	}
)
# a whitelisted function is in the matrix when it takes one of these...
KEY_PARAMS = (
	DOCTYPE_PARAMS
	| NAME_PARAMS
	| {"fields", "filters", "order_by", "group_by", "txt", "fieldname", "doc", "docs", "kol"}
)
# ...or reads its arguments from the request itself (frappe.desk.reportview.get and friends)
READS_REQUEST_RE = re.compile(r"\bform_dict\b|\bget_form_params\(")
REQUEST_KEY_RE = re.compile(
	r"""(?:form_dict|form_params|args)\s*(?:\.get\(|\.pop\(|\[)\s*["'](\w+)["']|form_dict\.(\w+)"""
)

# left out, each for a reason: they would break the test site or the session, not because they
# are safe (every other whitelisted method is called)
DENY = {
	# test helpers: ui_test_helpers refuses to load in a request outside a dev server; they
	# create DocTypes and users on the site (their modules are not imported either)
	r"^frappe\.tests\.": "test helpers",
	# sign-in flows: they replace the session the matrix runs in
	r"^frappe\.www\.login\.login_via_token$": "signs in",
	r"^frappe\.integrations\.doctype\.ldap_settings\.ldap_settings\.login$": "signs in",
	r"^frappe\.integrations\.oauth2\.": "OAuth sign-in flow",
	r"^frappe\.integrations\.doctype\.dropbox_settings\.": "OAuth sign-in flow",
	# real email and printers
	r"^frappe\.email\.doctype\.email_queue\.email_queue\.send_now$": "sends real email",
	r"^frappe\.email\.doctype\.auto_email_report\.auto_email_report\.send_now$": "sends real email",
	r"^frappe\.utils\.print_format\.print_by_server$": "sends to a network printer",
}

# "portal": a KOL's portal login (a Website User) linked to operator A's KOL, not to B's
# "integration": the community platform's login (KOL Integration role), which may push events and
# read nothing
ROLES = {
	"opA": f.OPERATOR_A,
	"analyst": f.ANALYST,
	"portal": f.PORTAL_USER,
	"integration": f.INTEGRATION,
	"guest": "Guest",
}
STAR, ALL, STD = "star", "all", "std"  # fields=["*"] / every field by name / no field argument
VARIANT_PARAMS = frozenset({"fields", "fieldname", "field", "stats", "filter_fields"})


def _connect() -> None:
	"""Collection runs before the session fixture: open the site for the enumeration."""
	from tests.conftest import SITE

	if not getattr(frappe.local, "initialised", False):
		frappe.init(site=SITE, sites_path=os.environ.get("KOL_SITES_PATH", os.getcwd()))
	if not getattr(frappe.local, "db", None):
		frappe.connect()


def _import_everything() -> None:
	import kol_crm

	for package in (frappe, kol_crm):
		for module in pkgutil.walk_packages(package.__path__, package.__name__ + ".", onerror=lambda n: None):
			if ".tests." in module.name or module.name.rsplit(".", 1)[-1].startswith("test_"):
				continue  # test modules (see DENY)
			try:
				importlib.import_module(module.name)
			except BaseException:
				pass  # optional dependencies, scripts: what does not import is not served either


@dataclasses.dataclass(frozen=True)
class Endpoint:
	path: str  # dotted method path, or "GET /api/resource/{doctype}" for a route
	params: tuple[str, ...] = ()
	required: tuple[str, ...] = ()
	request_keys: tuple[str, ...] = ()  # what it reads from the request besides its parameters
	http: str = "POST"
	guest: bool = False
	takes_doctype: bool = True
	needs_record: bool = False
	# False: no parameter names a DocType, a record or fields, so the DocType under test changes
	# nothing in the call: once per role (with B's records in its ``OVERRIDES``)
	per_doctype: bool = True
	variants: tuple[str, ...] = (STD,)

	@property
	def is_route(self) -> bool:
		return " " in self.path

	@property
	def writes(self) -> bool:
		return self.path.startswith(("PUT", "PATCH", "DELETE"))

	@property
	def counts(self) -> bool:
		return "count" in self.path.rsplit(".", 1)[-1].lower() or self.path.endswith("/count")

	@property
	def keys(self) -> tuple[str, ...]:
		return tuple(dict.fromkeys(self.params + self.request_keys))


def _method_endpoints() -> list[Endpoint]:
	found = {}
	for fn in list(frappe.whitelisted):
		if "." in fn.__qualname__:
			continue  # controller methods: run_doc_method on a document the caller may read
		path = f"{fn.__module__}.{fn.__name__}"
		if any(re.search(pattern, path) for pattern in DENY):
			continue
		try:
			signature = inspect.signature(fn)
			source = inspect.getsource(fn)
		except (TypeError, ValueError, OSError):
			continue
		named = [p for p in signature.parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
		params = tuple(p.name for p in named)
		required = tuple(p.name for p in named if p.default is p.empty)
		reads_request = bool(READS_REQUEST_RE.search(source))
		by_parameters = bool(set(params) & KEY_PARAMS or reads_request)
		if not (by_parameters or path in OVERRIDES or path.startswith("kol_crm.")):
			continue
		request_keys: tuple[str, ...] = ()
		if reads_request:
			keys = {a or b for a, b in REQUEST_KEY_RE.findall(source)}
			if "get_form_params(" in source:
				keys |= {"doctype", "fields", "filters"}
			request_keys = tuple(sorted(k for k in keys - set(params) if k in ARGUMENTS))
		keys = set(params) | set(request_keys)
		methods = frappe.allowed_http_methods_for_whitelisted_func.get(fn) or ["POST"]
		found[path] = Endpoint(
			path=path,
			params=params,
			required=required,
			request_keys=request_keys,
			http="POST" if "POST" in methods else methods[0],
			guest=fn in frappe.guest_methods,
			takes_doctype=bool(DOCTYPE_PARAMS & keys),
			needs_record=bool(NAME_PARAMS & (set(required) | set(request_keys))),
			variants=(STAR, ALL) if VARIANT_PARAMS & keys else (STD,),
			per_doctype=by_parameters,
		)
	return sorted(found.values(), key=lambda e: e.path)


def _route_endpoints() -> list[Endpoint]:
	routes = [
		Endpoint("GET /api/resource/{doctype}", variants=(STAR, ALL), guest=True),
		Endpoint("GET /api/resource/{doctype}/{name}", guest=True, needs_record=True),
		Endpoint("PUT /api/resource/{doctype}/{name}", needs_record=True),
		Endpoint("DELETE /api/resource/{doctype}/{name}", needs_record=True),
	]
	from frappe.api import v2

	rules = {rule.rule for rule in v2.url_rules}
	for rule, endpoint in (
		("/document/<doctype>", Endpoint("GET /api/v2/document/{doctype}", variants=(STAR, ALL), guest=True)),
		(
			"/document/<doctype>/<path:name>/",
			Endpoint("GET /api/v2/document/{doctype}/{name}", guest=True, needs_record=True),
		),
		(
			"/document/<doctype>/<path:name>/",
			Endpoint("PATCH /api/v2/document/{doctype}/{name}", needs_record=True),
		),
		("/doctype/<doctype>/count", Endpoint("GET /api/v2/doctype/{doctype}/count", guest=True)),
	):
		if rule in rules:
			routes.append(endpoint)
	return routes


def _owned_doctypes(doctypes: list[str]) -> list[str]:
	"""DocTypes whose records hang off a KOL (B has one of each): KOL, those linking to a KOL,
	their parents and their child tables."""
	links = {dt: {df.options for df in frappe.get_meta(dt).get_link_fields()} for dt in doctypes}
	tables = {dt: [df.options for df in frappe.get_meta(dt).get_table_fields()] for dt in doctypes}
	owned = {"KOL"} | {dt for dt in doctypes if "KOL" in links[dt]}
	owned |= {parent for parent, children in tables.items() if owned & set(children)}
	owned |= {child for parent in list(owned) for child in tables.get(parent, [])}
	return sorted(owned & set(doctypes))


# ------------------------------------------------------------------ arguments


@dataclasses.dataclass
class Ctx:
	world: sf.World
	doctype: str
	variant: str
	endpoint: Endpoint

	@property
	def b(self) -> str | None:
		name = self.world.first(self.doctype)
		return str(name) if name is not None else None

	@property
	def meta(self):
		return frappe.get_meta(self.doctype)

	@property
	def parent(self) -> tuple[str | None, str | None]:
		"""For a child table: B's row's parent DocType and name."""
		if not (self.meta.istable and self.b):
			return None, None
		row = frappe.db.get_value(self.doctype, self.b, ["parenttype", "parent"], as_dict=True)
		return row.parenttype, row.parent

	def data_fields(self) -> list[str]:
		return [df.fieldname for df in self.meta.fields if df.fieldtype not in frappe.model.no_value_fields]

	def all_fields(self) -> list[str]:
		std = ["name", "owner", "modified_by", "creation", "modified"]
		return (
			std
			+ (["parent", "parenttype", "parentfield"] if self.meta.istable else ["_assign"])
			+ self.data_fields()
		)

	def sensitive_field(self) -> str:
		"""The field a single-field argument probes: a personal one where the DocType has one,
		else B's text."""
		leveled = [df.fieldname for df in self.meta.fields if df.permlevel]
		if leveled:
			return leveled[0]
		text = [df.fieldname for df in self.meta.fields if df.fieldtype in ("Data", "Small Text", "Text")]
		return text[0] if text else "name"

	def ownership(self) -> dict:
		"""What an operator would change to take the record: the KOL it hangs off (re-linked to
		A's), its operator, or else its text. A single-field write takes the first."""
		take = {}
		if self.meta.has_field("kol"):
			take["kol"] = self.world.a_kol
		if self.meta.has_field("operator"):
			take["operator"] = f.OPERATOR_A
		return take or {self.sensitive_field(): PROBE}

	def fieldname(self):
		"""set_value & co. (a ``value`` comes with it): the field that takes the record; reading:
		the sensitive field, or every field."""
		if "value" in self.endpoint.params:
			return next(iter(self.ownership()))
		return self.sensitive_field() if self.variant != ALL else self.all_fields()

	def filters(self) -> list | dict:
		"""On B's record; a link query (it takes ``searchfield``) takes a dict, the rest a list."""
		if "searchfield" in self.endpoint.params:
			return {"name": self.b} if self.b else {}
		return [[self.doctype, "name", "=", self.b]] if self.b else []

	def doc(self) -> dict | None:
		"""B's record as stored, with the ownership change: what a save would send."""
		if not self.b:
			return None
		frappe.db.rollback()
		doc = frappe.get_doc(self.doctype, self.b).as_dict(no_default_fields=False)
		doc.update(self.ownership())
		return json.loads(sf.as_json(doc))

	def state(self) -> str | None:
		if self.meta.istable or not self.b or not self.meta.has_field("workflow_state"):
			return None
		return frappe.db.get_value(self.doctype, self.b, "workflow_state")

	def next_state(self) -> str | None:
		from frappe.model.workflow import get_workflow_name

		state = self.state()
		workflow = get_workflow_name(self.doctype) if state else None
		if not workflow:
			return None
		return (
			frappe.db.get_value("Workflow Transition", {"parent": workflow, "state": state}, "next_state")
			or state
		)

	def board(self) -> str | None:
		"""The first Kanban Board of the DocType (kol_crm ships one per workflow)."""
		boards = frappe.get_all(
			"Kanban Board", filters={"reference_doctype": self.doctype}, pluck="name", order_by="name"
		)
		return boards[0] if boards else None

	def action(self) -> str:
		from frappe.model.workflow import get_workflow_name

		workflow = None if self.meta.istable or not self.b else get_workflow_name(self.doctype)
		if not workflow:
			return "Save"
		state = frappe.db.get_value(self.doctype, self.b, "workflow_state")
		action = frappe.db.get_value("Workflow Transition", {"parent": workflow, "state": state}, "action")
		return action or "Save"


PROBE = "mkAprobe"  # what operator A writes; never one of B's values
ARGUMENTS = {
	# the DocType under test, whatever the parameter is called
	"doctype": lambda c: c.doctype,
	"dt": lambda c: c.doctype,
	"reference_doctype": lambda c: c.doctype,
	"goal_doctype": lambda c: c.doctype,
	"parent_doctype": lambda c: c.parent[0] or c.doctype,
	# B's record of that DocType
	"name": lambda c: c.b,
	"docname": lambda c: c.b,
	"doc_name": lambda c: c.b,
	"dn": lambda c: c.b,
	"old": lambda c: c.b,
	"old_name": lambda c: c.b,
	"reference_name": lambda c: c.b,
	"source_name": lambda c: c.b,
	"document": lambda c: c.b,
	"kol": lambda c: c.world.kol,
	"names": lambda c: [c.b] if c.b else None,
	"docnames": lambda c: [c.b] if c.b else None,
	"source_names": lambda c: [c.b] if c.b else None,
	"items": lambda c: [c.b] if c.b else None,
	"parent": lambda c: c.parent[0],  # frappe.client.get_list/get on a child table
	# reading
	"fields": lambda c: ["*"] if c.variant != ALL else c.all_fields(),
	"fieldname": lambda c: c.fieldname(),
	# "assigned_to": Frappe's pseudo-field (counts of ToDos) for the sidebar's group-by
	"field": lambda c: c.sensitive_field() if c.variant != ALL else "assigned_to",
	"stats": lambda c: ["_assign", "_user_tags", c.sensitive_field()] if c.variant != ALL else c.all_fields(),
	# search_widget's extra columns: none, or every field
	"filter_fields": lambda c: None if c.variant != ALL else c.data_fields(),
	"filters": lambda c: c.filters(),
	"current_filters": lambda c: c.filters(),
	"export_filters": lambda c: c.filters(),
	"txt": lambda c: c.world.token,
	"text": lambda c: c.world.token,
	"searchfield": lambda c: "name",
	"start": lambda c: 0,
	"page_len": lambda c: 20,
	"ignore_user_permissions": lambda c: 1,
	"as_dict": lambda c: 1,
	"with_data": lambda c: 1,
	"file_type": lambda c: "CSV",
	"file_format_type": lambda c: "CSV",
	"select_columns": lambda c: {c.doctype: c.all_fields()},
	"export_fields": lambda c: {c.doctype: c.all_fields()},
	"export_records": lambda c: "by_filter",
	"template": lambda c: "KOL First Outreach",
	# kanban: B's record moved on its board, to the state its workflow leads to next
	"board_name": lambda c: c.board() or PROBE,
	"from_colname": lambda c: c.state() or PROBE,
	"to_colname": lambda c: c.next_state() or PROBE,
	"old_index": lambda c: 0,
	"new_index": lambda c: 0,
	"sequence": lambda c: c.world.extra["KOL Outreach Sequence"][0],
	# writing: what an operator taking (or marking) B's record would send
	"doc": lambda c: c.doc(),
	"docs": lambda c: [{"doctype": c.doctype, "docname": c.b, **c.ownership()}] if c.b else None,
	"data": lambda c: c.ownership(),
	"value": lambda c: next(iter(c.ownership().values())),
	"values": lambda c: c.ownership(),
	"action": lambda c: c.action(),
	"user": lambda c: f.OPERATOR_A,
	"assign_to": lambda c: [f.OPERATOR_A],
	"new": lambda c: f"{c.b}{sf.RENAMED}",
	"new_name": lambda c: f"{c.b}{sf.RENAMED}",
	"read": lambda c: 1,
	"write": lambda c: 1,
	"share": lambda c: 1,
	"add": lambda c: "Yes",
	"following": lambda c: 1,
	"perm_type": lambda c: "read",
	"ptype": lambda c: "read",
	"permission_to": lambda c: "write",
	"attachments": lambda c: [],
	"send_email": lambda c: 0,
	"email": lambda c: f"{PROBE}@a.example",
	"comment_email": lambda c: f.OPERATOR_A,
	"tags": lambda c: [PROBE],
}
# parameters whose name does not say what they take, method by method
OVERRIDES = {
	# settlement statements: B's statement, and the period it covers
	"kol_crm.settlements.erpnext.make_purchase_invoice": {
		"statement": lambda c: c.world.first("KOL Settlement Statement")
	},
	"kol_crm.settlements.statements.make_statements_for_period": {"period_start": lambda c: nowdate()},
	"frappe.model.rename_doc.update_document_title": {
		"name": lambda c: f"{c.b}{sf.RENAMED}",
		"title": lambda c: PROBE,
	},
	"frappe.desk.doctype.number_card.number_card.get_result": {
		"doc": lambda c: {
			"document_type": c.doctype,
			"function": "Count",
			"parent_document_type": c.parent[0],
		},
	},
	"frappe.desk.doctype.number_card.number_card.get_percentage_difference": {
		"doc": lambda c: {"document_type": c.doctype, "function": "Count"},
		"result": lambda c: 1,
	},
	"frappe.www.printview.get_html_and_style": {"doc": lambda c: c.doctype},
	"frappe.www.printview.get_rendered_raw_commands": {"doc": lambda c: c.doctype},
	"frappe.desk.form.load.get_docinfo": {"doc": lambda c: None},
	"frappe.utils.print_format.download_pdf": {"doc": lambda c: None},
	"frappe.model.mapper.make_mapped_doc": {
		"method": lambda c: "kol_crm.kol_crm.doctype.kol_proposal.kol_proposal.make_partnership"
	},
	"frappe.desk.doctype.bulk_update.bulk_update.submit_cancel_or_update_docs": {
		"action": lambda c: "update"
	},
	"frappe.desk.form.save.savedocs": {"action": lambda c: "Save"},
	# add() and add_multiple() read doctype, name and assign_to from the request
	"frappe.desk.form.assign_to.add": {"args": lambda c: None, "assign_to": lambda c: [f.OPERATOR_A]},
	"frappe.desk.form.assign_to.add_multiple": {
		"args": lambda c: None,
		"doctype": lambda c: c.doctype,
		"name": lambda c: [c.b] if c.b else None,
		"assign_to": lambda c: [f.OPERATOR_A],
	},
	"frappe.desk.doctype.tag.tag.add_tags": {"docs": lambda c: [c.b] if c.b else None},
	"frappe.desk.form.linked_with.cancel_all_linked_docs": {
		"docs": lambda c: [{"doctype": c.doctype, "name": c.b}] if c.b else None
	},
	"frappe.model.workflow.get_common_transition_actions": {"docs": lambda c: [c.b] if c.b else None},
	"frappe.share.set_permission": {"value": lambda c: 1},
	"frappe.desk.notifications.get_open_count": {"items": lambda c: []},
	"frappe.desk.treeview.get_children": {"parent": lambda c: ""},
	"frappe.desk.treeview.get_all_nodes": {
		"parent": lambda c: "",
		"label": lambda c: "",
		"tree_method": lambda c: "frappe.desk.treeview.get_children",
	},
	"frappe.desk.calendar.get_events": {
		"start": lambda c: "2000-01-01",
		"end": lambda c: "2100-01-01",
		"field_map": lambda c: {"start": "creation", "end": "modified", "id": "name", "title": "name"},
		"fields": lambda c: None,
	},
	"frappe.desk.reportview.get_filter_dashboard_data": {
		"stats": lambda c: [
			{"name": fieldname, "type": c.meta.get_field(fieldname).fieldtype}
			for fieldname in ([c.sensitive_field()] if c.variant != ALL else c.data_fields())
			if c.meta.get_field(fieldname)
		],
	},
	# kol_crm's merge: B's KOL into operator A's (an operator or analyst must be refused)
	"kol_crm.intake.merge.merge_kols": {
		"source": lambda c: c.world.kol,
		"target": lambda c: c.world.a_kol,
		"take_from_source": lambda c: ["email", "phone"],
	},
	"kol_crm.intake.merge.get_merge_preview": {
		"source": lambda c: c.world.kol,
		"target": lambda c: c.world.a_kol,
	},
	# the platform's endpoint and the referral codes: B's code, partnership and account
	"kol_crm.platform.api.push_events": {
		"events": lambda c: [
			{
				"event_id": f"{PROBE}-conversion",
				"type": "conversion",
				"conversion": "paid",
				"amount": 1,
				"occurred_at": "2026-01-01",
				"referral_code": c.world.first("KOL Referral Code"),
			},
			{
				"event_id": f"{PROBE}-activity",
				"type": "activity",
				"occurred_at": "2026-01-01",
				"kol": c.world.kol,
				"posts": 0,
			},
		]
	},
	"kol_crm.platform.api.import_conversions": {
		"csv_text": lambda c: (
			"event_id,conversion,occurred_at,referral_code\n"
			f"{PROBE}-csv,new_user,2026-01-01,{c.world.first('KOL Referral Code')}\n"
		)
	},
	"kol_crm.platform.referral_codes.generate_referral_code": {
		"partnership": lambda c: c.world.first("KOL Partnership")
	},
	"kol_crm.platform.referral_codes.revoke_referral_code": {
		"code": lambda c: c.world.first("KOL Referral Code"),
		"reason": lambda c: PROBE,
	},
	# "Create Case Study" on B's completed partnership (B already drafted one of it)
	"kol_crm.casestudies.build.make_case_study": {
		"partnership": lambda c: frappe.db.get_value(
			"KOL Partnership", {"kol": c.world.kol, "status": "Completed"}, "name"
		)
	},
	"kol_crm.platform.candidates.create_kol_from_platform_user": {
		"platform_user_id": lambda c: frappe.db.get_value("KOL", c.world.kol, "platform_account_id")
	},
	# the KOL's portal: B's partnership, deliverable and content; B's occasion row; B's application
	"kol_crm.portal.actions.submit_content": {
		"partnership": lambda c: c.world.first("KOL Partnership"),
		"deliverable": lambda c: frappe.db.get_value(
			"KOL Deliverable",
			{"parenttype": "KOL Partnership", "parent": c.world.first("KOL Partnership")},
			"name",
		),
		"content": lambda c: c.world.first("KOL Content"),
		"title": lambda c: PROBE,
		"body": lambda c: PROBE,
	},
	"kol_crm.portal.actions.update_profile": {
		"preferences": lambda c: PROBE,
		"occasions": lambda c: [
			{"name": c.world.first("KOL Occasion"), "occasion": PROBE, "occasion_date": "2000-05-17"}
		],
	},
	"kol_crm.overrides.web_form.accept": {
		"web_form": lambda c: "kol-apply",
		"data": lambda c: {
			"doctype": "KOL Application",
			"name": c.world.first("KOL Application"),
			"applicant_name": PROBE,
			"email": f"{PROBE}@a.example",
		},
	},
	# the Code of Conduct's link: a token naming B's KOL under the signature of A's
	"kol_crm.portal.code_of_conduct.acknowledge": {"token": lambda c: _forged_token(c.world)},
	"kol_crm.overrides.kanban.update_order": {
		"order": lambda c: {c.next_state(): [c.b]} if c.next_state() else None
	},
	"frappe.workflow.doctype.workflow.workflow.get_workflow_state_count": {
		"workflow_state_field": lambda c: "workflow_state",
		"states": lambda c: frappe.get_all("Workflow State", pluck="name"),
	},
}


def _forged_token(world: sf.World) -> str:
	"""A Code of Conduct token for A's KOL (signed by the site) with B's KOL put in its payload."""
	from frappe.utils import now_datetime

	from kol_crm.intelligence import rules
	from kol_crm.portal import code_of_conduct

	signed = code_of_conduct.make_token(world.a_kol, rules.current_version() or now_datetime())
	encoded, _dot, signature = signed.partition(".")
	payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
	forged = payload.replace(world.a_kol, world.kol, 1)
	return f"{base64.urlsafe_b64encode(forged.encode()).decode().rstrip('=')}.{signature}"


def build_args(ctx: Ctx) -> dict:
	"""Keyword arguments for the call, from the parameter names (and the request keys of the
	methods that read the request); a required parameter nobody knows gets the probe string."""
	endpoint = ctx.endpoint
	overrides = OVERRIDES.get(endpoint.path, {})
	args = {}
	for key in dict.fromkeys(endpoint.keys + tuple(overrides)):
		builder = overrides.get(key) or ARGUMENTS.get(key)
		value = builder(ctx) if builder else (PROBE if key in endpoint.required else None)
		if value is not None:
			args[key] = value
	return args


def _encode(args: dict) -> dict:
	return {k: json.dumps(v) if isinstance(v, list | dict) else str(v) for k, v in args.items()}


# ------------------------------------------------------------------ the parameters


def _variants(endpoint: Endpoint, role: str, doctype: str) -> tuple[str, ...]:
	"""Fewer argument variants where they can't tell anything apart (keeps the full run near 20 min):
	- a DocType B has no record of (the shared masters): one variant;
	- operator A and a guest: the field list does not change which rows come back, so one
	  variant, unless the method's field argument is a single field (a group-by, a value);
	- an analyst on a DocType without personal (permlevel) fields: one variant."""
	if len(endpoint.variants) == 1:
		return endpoint.variants
	if doctype not in OWNED or (role == "analyst" and doctype not in PERSONAL_DOCTYPES):
		return (STAR,)
	if role != "analyst" and not {"field", "fieldname"} & set(endpoint.keys):
		return (STAR,)
	return endpoint.variants


def _doctypes(endpoint: Endpoint, role: str) -> list[str]:
	"""A method that takes a DocType: every DocType (those B has a record of when it needs
	one); a method that takes only a name: the name of each of B's records (child rows are
	addressed with their DocType only); a kol_crm method that takes neither: KOL only."""
	if not endpoint.per_doctype:
		return ["KOL"]
	if endpoint.takes_doctype:
		doctypes = OWNED if endpoint.needs_record else DOCTYPES
	else:
		doctypes = OWNED_RECORDS
	if role == "guest":
		doctypes = [dt for dt in doctypes if dt in OWNED_RECORDS]
	return doctypes


def _all_params():
	for endpoint in ENDPOINTS:
		for role in ["opA", "analyst", "portal", "integration"] + (["guest"] if endpoint.guest else []):
			for doctype in _doctypes(endpoint, role):
				for variant in _variants(endpoint, role, doctype):
					yield pytest.param(
						endpoint,
						role,
						doctype,
						variant,
						id=f"{endpoint.path}|{role}|{doctype.replace(' ', '_')}|{variant}",
					)


_connect()
_import_everything()
DOCTYPES = sorted(frappe.get_all("DocType", filters={"module": "KOL CRM"}, pluck="name"))
OWNED = _owned_doctypes(DOCTYPES)
OWNED_RECORDS = [dt for dt in OWNED if not frappe.get_meta(dt).istable]
PERSONAL_DOCTYPES = {dt for dt in DOCTYPES if any(df.permlevel for df in frappe.get_meta(dt).fields)}
ENDPOINTS = _method_endpoints() + _route_endpoints()
# ------------------------------------------------------------------ full or sampled

# the entrances every DocType is tried through by every role, also in the sampled run
EVERY_DOCTYPE = frozenset(
	{
		"frappe.client.get",
		"frappe.client.get_count",
		"frappe.client.get_list",
		"frappe.client.get_value",
		"frappe.client.set_value",
		"frappe.desk.form.load.getdoc",
		"frappe.desk.reportview.get",
		"frappe.desk.search.search_link",
	}
)
SAMPLE_SHARE = 8  # the sampled run keeps about one in this many of the other cases


def _sample_seed() -> str:
	"""KOL_MATRIX_SEED, or today's date: each day's run tries another share of the cases, and
	the summary prints the seed that reproduces it."""
	return os.environ.get("KOL_MATRIX_SEED") or frappe.utils.nowdate()


def _sampled(params: list, seed: str) -> list:
	"""Every endpoint x role (on KOL where it takes one, else on its first DocType), every DocType x
	role through the REST routes and ``EVERY_DOCTYPE``, and a stable share of the rest chosen by
	hashing each case's id with the seed."""
	kept, first = [], {}
	for param in params:
		endpoint, role, doctype, _variant = param.values
		key = (endpoint.path, role)
		first.setdefault(key, doctype)
		if doctype == "KOL":
			first[key] = "KOL"
	for param in params:
		endpoint, role, doctype, _variant = param.values
		digest = hashlib.sha256(f"{seed}|{param.id}".encode()).digest()
		if (
			first[(endpoint.path, role)] == doctype
			or endpoint.is_route
			or endpoint.path in EVERY_DOCTYPE
			or digest[0] % SAMPLE_SHARE == 0
		):
			kept.append(param)
	return kept


ALL_PARAMS = list(_all_params())
FULL = os.environ.get("KOL_MATRIX", "").lower() == "full"
SEED = "" if FULL else _sample_seed()
PARAMS = ALL_PARAMS if FULL else _sampled(ALL_PARAMS, SEED)
STATS = {"calls": 0, "seconds": 0.0, "refused": 0, "errors": 0}
SUMMARY: dict = {}


# ------------------------------------------------------------------ sessions and the world

_sessions: dict[str, ApiSession] = {}


def session(role: str) -> ApiSession:
	if role not in _sessions:
		user = ROLES[role]
		_sessions[role] = ApiSession() if user == "Guest" else ApiSession(user, f.PASSWORD)
	return _sessions[role]


def _logged_in_as(s: ApiSession) -> str | None:
	cookies = [c for (_domain, _path, key), c in s.client._cookies.items() if key == "user_id"]
	return unquote(cookies[-1].value) if cookies else None


@pytest.fixture(scope="module")
def world():
	frappe.db.rollback()
	w = sf.build()
	f.link_portal_user(w.a_kol)  # the portal user is a real KOL's login: A's KOL, never B's
	frappe.db.commit()
	yield w
	sf.destroy(w)
	_sessions.clear()


_analyst_reads: dict[str, bool] = {}


def analyst_reads(world: sf.World, doctype: str) -> bool:
	if doctype not in _analyst_reads:
		name = world.first(doctype)
		_analyst_reads[doctype] = bool(name) and frappe.has_permission(doctype, "read", name, user=f.ANALYST)
	return _analyst_reads[doctype]


def call(ctx: Ctx, role: str):
	"""The request, its body and what the caller sent (to tell an echo from a leak)."""
	endpoint, s = ctx.endpoint, session(role)
	frappe.db.rollback()  # hold no lock the request might wait for
	if endpoint.is_route:
		verb, template = endpoint.path.split(" ", 1)
		path = template.format(doctype=ctx.doctype, name=ctx.b)
		if verb == "GET":
			args = {"filters": ctx.filters(), "limit_page_length": 0, "limit": 100}
			if "{name}" not in template and not path.endswith("/count"):
				args["fields"] = ["*"] if ctx.variant != ALL else ctx.all_fields()
			kwargs = {"query_string": _encode(args)}
		elif verb == "DELETE":
			args, kwargs = {}, {}
		else:
			args = ctx.ownership()
			kwargs = {"data": json.dumps(args), "content_type": "application/json"}
		response = s.request(verb, path, **kwargs)
	else:
		args = build_args(ctx)
		path = f"/api/method/{endpoint.path}"
		if endpoint.http == "GET":
			response = s.get(path, query_string=_encode(args))
		else:
			response = s.request(endpoint.http, path, data=_encode(args))
	body = response.get_data().decode("utf-8", "replace")  # some answer with an image
	return response, body, json.dumps(args, default=str) + path


def _counts(body: str) -> list[int]:
	"""Numbers a count endpoint returned: the message itself, or each group's ``count``."""
	try:
		answer = json.loads(body)
		message = answer.get("message", answer.get("data"))
	except (ValueError, AttributeError):
		return []
	if isinstance(message, int | float):
		return [int(message)]
	found = []

	def walk(value):
		if isinstance(value, dict):
			for key, item in value.items():
				if key == "count" and isinstance(item, int | float):
					found.append(int(item))
				else:
					walk(item)
		elif isinstance(value, list):
			for item in value:
				walk(item)

	walk(message)
	return found


# ------------------------------------------------------------------ the matrix


def _made_by_others(world: sf.World, call_started) -> bool:
	"""Whether what changed on B's records was provably not done by this call: rows added by a
	user the matrix never calls as (another process on the site: another test run, the
	scheduler), created before the request started (an insert stamps ``creation`` with its own
	clock, and no argument of the matrix moves someone else's rows onto B's records), and the
	``_assign`` their ToDos imply. The matrix's requests, and the background jobs they queue
	(run as the user who queued them), act as the users of ``ROLES``: a change of theirs is
	never excused."""
	callers = set(ROLES.values())
	return sf.only_added_by(world, lambda owner: bool(owner) and owner not in callers, call_started)


@pytest.mark.parametrize("endpoint,role,doctype,variant", PARAMS)
def test_matrix(world, endpoint, role, doctype, variant):
	ctx = Ctx(world, doctype, variant, endpoint)
	call_started = frappe.utils.now_datetime()
	started = time.monotonic()
	response, body, sent = call(ctx, role)
	STATS["calls"] += 1
	STATS["seconds"] += time.monotonic() - started
	STATS["refused"] += 400 <= response.status_code < 500
	STATS["errors"] += response.status_code >= 500
	if os.environ.get("KOL_MATRIX_DEBUG"):  # a file to append every call and answer to
		with open(os.environ["KOL_MATRIX_DEBUG"], "a") as log:
			log.write(
				json.dumps([endpoint.path, role, doctype, variant, response.status_code, body[:3000]]) + "\n"
			)

	problems = []
	user = ROLES[role]
	if user != "Guest" and _logged_in_as(session(role)) not in (user, None):
		problems.append("the call ended the caller's session")
		_sessions.pop(role, None)
	leaked = world.leaked(body, personal_only=role == "analyst", sent=sent)
	if leaked:
		what = "personal data" if role == "analyst" else "B's data"
		problems.append(f"HTTP {response.status_code}: {what} in the response: {leaked[:6]}")
	if role != "analyst" and endpoint.counts and ctx.b and response.status_code < 400:
		counts = _counts(body)
		if any(counts):
			problems.append(f"HTTP {response.status_code}: counts B's record: {counts[:6]}")
	# every call is checked, refused ones too: a failed request is rolled back (frappe.app), but
	# a method can commit before it fails (an ALTER TABLE commits in MariaDB), and a change left
	# by a refused call must be blamed on that call, not on the next one that succeeds
	reader_marks = role == "analyst" and analyst_reads(world, doctype)
	changed = sf.changes(world, reader_marks=reader_marks)
	if changed and _made_by_others(world, call_started):
		print(f"security matrix: rows another process added on B's records, put away: {changed[:4]}")
		sf.restore(world)
		sf.rebase(world)
		changed = []
	if changed:
		problems.append(f"HTTP {response.status_code}: B's records changed: {changed[:4]}")
		sf.restore(world)
		sf.rebase(world)
	assert not problems, "\n".join(problems)


def test_matrix_covers_every_endpoint_role_and_doctype():
	"""The size of the matrix (printed at the end of the run by conftest)."""
	methods = {e.path for e in ENDPOINTS if not e.is_route}
	routes = {e.path for e in ENDPOINTS if e.is_route}
	assert len(DOCTYPES) >= 29, DOCTYPES
	assert {
		"KOL",
		"KOL Platform Account",
		"KOL Occasion",
		"KOL Candidate Import Row",
		"KOL Platform Event",
		"KOL Referral Code",
		"KOL Settlement Statement",
		"KOL Settlement Line",
	} <= set(OWNED)
	assert len(methods) >= 150, sorted(methods)
	for expected in (
		"frappe.client.get_list",
		"frappe.client.get_count",
		"frappe.client.get_value",
		"frappe.client.set_value",
		"frappe.client.bulk_update",
		"frappe.desk.reportview.get",
		"frappe.desk.reportview.get_count",
		"frappe.desk.reportview.export_query",
		"frappe.desk.search.search_widget",
		"frappe.desk.search.search_link",
		"frappe.desk.listview.get_group_by_count",
		"frappe.desk.doctype.number_card.number_card.get_result",
		"frappe.desk.form.load.getdoc",
		"frappe.desk.form.save.savedocs",
		"frappe.desk.form.assign_to.add",
		"frappe.model.workflow.apply_workflow",
		"kol_crm.overrides.client.get_count",
		"kol_crm.outreach.bulk.set_field",
		"kol_crm.platform.api.push_events",
		"kol_crm.platform.api.import_conversions",
		"kol_crm.platform.referral_codes.generate_referral_code",
		"kol_crm.platform.referral_codes.revoke_referral_code",
		"kol_crm.platform.candidates.create_kol_from_platform_user",
		"kol_crm.portal.actions.submit_content",
		"kol_crm.portal.code_of_conduct.acknowledge",
		"kol_crm.deals.roi.kol_roi",
		"kol_crm.casestudies.build.make_case_study",
		"kol_crm.deals.wants.wants_vs_offer",
	):
		assert expected in methods, expected
	# every whitelisted method of kol_crm, whatever its parameters
	ours = {
		f"{fn.__module__}.{fn.__name__}"
		for fn in frappe.whitelisted
		if fn.__module__.startswith("kol_crm.") and "." not in fn.__qualname__
	}
	assert ours - methods == set()
	assert {"GET /api/resource/{doctype}", "GET /api/v2/document/{doctype}/{name}"} <= routes
	roles = {p.values[1] for p in PARAMS}
	assert roles == set(ROLES)
	# the sample leaves out no endpoint x role, and no DocType x role of the REST routes and core methods
	pairs = {(p.values[0].path, p.values[1]) for p in ALL_PARAMS}
	assert {(p.values[0].path, p.values[1]) for p in PARAMS} == pairs
	core = {
		(p.values[0].path, p.values[1], p.values[2])
		for p in ALL_PARAMS
		if p.values[0].is_route or p.values[0].path in EVERY_DOCTYPE
	}
	assert core <= {(p.values[0].path, p.values[1], p.values[2]) for p in PARAMS}
	assert len(core) > 1000, len(core)
	SUMMARY.update(
		methods=len(methods),
		routes=len(routes),
		doctypes=len(DOCTYPES),
		roles=len(roles),
		cases=len(PARAMS),
		all_cases=len(ALL_PARAMS),
	)


def test_matrix_sample_is_stable_per_seed_and_moves_with_it():
	"""The same seed reruns the same cases; another seed tries another share of the rest."""
	one = [p.id for p in _sampled(ALL_PARAMS, "2026-12-03")]
	again = [p.id for p in _sampled(ALL_PARAMS, "2026-12-03")]
	other = [p.id for p in _sampled(ALL_PARAMS, "2026-12-04")]
	assert one == again
	assert set(one) != set(other)
	assert len(one) < len(ALL_PARAMS) // 2, (len(one), len(ALL_PARAMS))


def summary() -> str:
	"""One line for the end of the run (conftest's pytest_terminal_summary prints it)."""
	if not SUMMARY and not STATS["calls"]:
		return ""
	methods = SUMMARY.get("methods") or len([e for e in ENDPOINTS if not e.is_route])
	routes = SUMMARY.get("routes") or len([e for e in ENDPOINTS if e.is_route])
	scope = (
		f"{len(ALL_PARAMS)} cases, all run (KOL_MATRIX=full)"
		if FULL
		else f"{len(ALL_PARAMS)} cases, {len(PARAMS)} run: the sample of KOL_MATRIX_SEED={SEED} "
		"(KOL_MATRIX=full runs them all)"
	)
	return (
		f"security matrix: {methods + routes} endpoints ({methods} whitelisted methods + {routes} REST "
		f"routes) x {len(ROLES)} roles x {len(DOCTYPES)} DocTypes = {scope}; "
		f"{STATS['calls']} calls in {STATS['seconds']:.0f} s ({STATS['refused']} refused, "
		f"{STATS['errors']} server errors)"
	)
