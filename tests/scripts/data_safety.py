"""The data safety drill's side inside the site (tests/scripts/test_data_safety.sh runs it).

Run with the bench's python from the bench's sites folder, as the bench user:

	python data_safety.py seed SITE [KOLS]        demo data, files and an administrator's changes
	                                              (and a benchmark programme of KOLS KOLs)
	python data_safety.py digest SITE OUT.json    row counts and digests of the app's data, its
	                                              records in Frappe's DocTypes, and the files
	python data_safety.py compare A.json B.json SECTION...
	                                              identical? (sections: data, meta, files)
	python data_safety.py restore-key SITE CONFIG the backed-up site config's encryption key into SITE
	python data_safety.py decrypts SITE           the source's encrypted value reads back
	python data_safety.py tamper SITE             change one KOL value and one file's content
	python data_safety.py snapshot SITE OUT.json  what the app made, to look for after uninstall
	python data_safety.py orphans SITE SNAPSHOT   nothing of it left after uninstall
	python data_safety.py reinstalled SITE SNAPSHOT
	                                              a reinstall starts clean and complete

A digest covers every column of every row (ordered by name): nothing in these tables changes
legitimately between a site and its restored copy, or between two migrates. Each check prints one
indented line per finding and exits 1 when something is wrong.
"""

import hashlib
import json
import os
import sys

import frappe

MODULE = "KOL CRM"
DEMO_PASSWORD = "demo-Pass-2026"
# what seed changes in KOL CRM Settings (a reinstall must bring back the default)
SETTING, SETTING_VALUE = "inactivity_days", 45
CUSTOM_FIELD = "safety_drill_note"
# a value Frappe stores encrypted with the site's key (as an Email Account's password)
SECRET_FIELD, SECRET = "safety_drill_secret", "a secret kept through backup and restore"
SEED_FILES = (  # (file name, private)
	("drill-contract.pdf", 1),
	("drill-id-card.png", 1),
	("drill-media-kit.pdf", 0),
	("drill-avatar.png", 0),
)
# records of the same DocTypes that are not about the app's documents: an uninstall keeps them
NOT_THE_APPS = {
	"file": "drill-user-photo.png",
	"comment": "A note the drill leaves on a user",
	"todo": "A to-do the drill leaves about nothing of the app",
}
# other DocTypes' records of the app's documents, digested with its tables
LINKED_DATA = {
	"Version": "ref_doctype",
	"Communication": "reference_doctype",
	"Comment": "reference_doctype",
	"ToDo": "reference_type",
	"File": "attached_to_doctype",
	"DocShare": "share_doctype",
	"User Permission": "allow",
}
# where an uninstall may leave something behind: DocType -> field naming the app's DocType
POINTING = {
	**LINKED_DATA,
	"Custom Field": "dt",
	"Property Setter": "doc_type",
	"Custom DocPerm": "parent",
	"Workflow": "document_type",
	"Kanban Board": "reference_doctype",
	"Assignment Rule": "document_type",
	"Notification": "document_type",
	"Number Card": "document_type",
	"Dashboard Chart": "document_type",
	"Report": "ref_doctype",
	"Print Format": "doc_type",
	"Web Form": "doc_type",
	"Document Follow": "ref_doctype",
	"Tag Link": "document_type",
	"Communication Link": "link_doctype",
	"Dynamic Link": "link_doctype",
	"Notification Log": "document_type",
	"Email Unsubscribe": "reference_doctype",
	"Singles": "doctype",
	"__global_search": "doctype",
	"__Auth": "doctype",
}
# Module Def links Frappe deletes with the module: none may be left
MODULE_RECORDS = (
	"DocType",
	"Report",
	"Workspace",
	"Web Form",
	"Number Card",
	"Dashboard Chart",
	"Dashboard Chart Source",
	"Notification",
	"Print Format",
	"Page",
)
# logs an uninstall keeps on purpose (as kol_crm.setup.uninstall.KEPT_LOGS says)
KEPT_LOGS = (
	"Activity Log",
	"Access Log",
	"Deleted Document",
	"Email Queue",
	"Energy Point Log",
	"Error Log",
	"Integration Request",
	"Submission Queue",
)


def connect(site: str) -> None:
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")


def app_doctypes() -> list[dict]:
	return frappe.get_all(
		"DocType", filters={"module": MODULE}, fields=["name", "issingle", "is_virtual"], order_by="name"
	)


def sha(data: bytes) -> str:
	return hashlib.sha256(data).hexdigest()


def encode(value) -> str:
	return json.dumps(value, default=str, sort_keys=True, ensure_ascii=False)


def table_digest(rows: list[dict], key: str = "name") -> dict:
	"""Row count, one digest of everything, a digest per row (by key) and per column."""
	columns = sorted({column for row in rows for column in row})
	return {
		"rows": len(rows),
		"sha256": sha(encode(rows).encode()),
		"by_row": {str(row.get(key)): sha(encode(row).encode()) for row in rows},
		"by_column": {c: sha(encode([row.get(c) for row in rows]).encode()) for c in columns},
	}


def select(table: str, where: str = "", values: tuple = (), order: str = "name") -> list[dict]:
	return frappe.db.sql(f"select * from `{table}` {where} order by {order}", values, as_dict=True)


def in_clause(names) -> tuple[str, tuple]:
	names = tuple(names) or ("-",)
	return "(" + ", ".join(["%s"] * len(names)) + ")", names


# --- seed ---------------------------------------------------------------------------------------


def seed(kols: int = 0) -> None:
	"""The demo data, files attached to KOLs, and what an administrator adds on a live site; with
	``kols``, a benchmark programme of that many KOLs too (kol_crm.benchmarks: ten interactions
	per KOL, a proposal per two, a partnership per ten, their version history)."""
	if kols:
		add_benchmark_programme(kols)
	from frappe.custom.doctype.custom_field.custom_field import create_custom_field
	from frappe.custom.doctype.property_setter.property_setter import make_property_setter
	from frappe.desk.form import assign_to
	from frappe.utils.password import set_encrypted_password

	from kol_crm.demo import setup

	setup(password=DEMO_PASSWORD)
	kols = frappe.get_all("KOL", order_by="name", pluck="name", limit=len(SEED_FILES))
	for (file_name, private), kol in zip(SEED_FILES, kols, strict=True):
		content = hashlib.sha256(f"kol_crm data safety drill {file_name}".encode()).digest() * 512
		frappe.get_doc(
			{
				"doctype": "File",
				"file_name": file_name,
				"attached_to_doctype": "KOL",
				"attached_to_name": kol,
				"is_private": private,
				"content": content,
			}
		).insert(ignore_permissions=True)
	create_custom_field(
		"KOL",
		{"fieldname": CUSTOM_FIELD, "label": "Drill Note", "fieldtype": "Data", "insert_after": "kol_name"},
	)
	make_property_setter("KOL", "kol_name", "bold", "1", "Check")
	frappe.db.set_value("KOL", kols[0], CUSTOM_FIELD, "kept through backup and restore")
	operator = frappe.get_all(
		"Has Role", filters={"role": "KOL Operator", "parenttype": "User"}, pluck="parent"
	)[0]
	frappe.get_doc(
		{"doctype": "User Permission", "user": operator, "allow": "KOL", "for_value": kols[1]}
	).insert(ignore_permissions=True)
	frappe.share.add_docshare("KOL", kols[2], operator, read=1, flags={"ignore_share_permission": True})
	frappe.get_doc("KOL", kols[3]).add_comment("Comment", "A note the drill leaves on a KOL")
	# an email from a KOL (it becomes the KOL's interaction) and an assignment (a ToDo)
	sender, owner = frappe.db.get_value("KOL", kols[0], ["email", "operator"])
	frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Email",
			"sent_or_received": "Received",
			"subject": "Re: our cooperation proposal",
			"content": "Thanks, the drill's reply.",
			"sender": sender,
			"reference_doctype": "KOL",
			"reference_name": kols[0],
		}
	).insert(ignore_permissions=True)
	assign_to.add(
		{
			"assign_to": [owner or operator],
			"doctype": "KOL",
			"name": kols[0],
			"description": "Drill follow-up",
		}
	)
	frappe.db.set_single_value("KOL CRM Settings", SETTING, SETTING_VALUE)
	set_encrypted_password("KOL", kols[0], SECRET, SECRET_FIELD)
	# records that are not the app's: an uninstall must leave them
	frappe.get_doc(
		{
			"doctype": "File",
			"file_name": NOT_THE_APPS["file"],
			"attached_to_doctype": "User",
			"attached_to_name": operator,
			"is_private": 1,
			"content": b"not the app's file",
		}
	).insert(ignore_permissions=True)
	frappe.get_doc("User", operator).add_comment("Comment", NOT_THE_APPS["comment"])
	frappe.get_doc({"doctype": "ToDo", "description": NOT_THE_APPS["todo"], "allocated_to": operator}).insert(
		ignore_permissions=True
	)
	frappe.db.commit()
	counts = {dt: frappe.db.count(dt, {field: ("like", "KOL%")}) for dt, field in LINKED_DATA.items()}
	print(f"  seeded {frappe.db.count('KOL')} KOLs; " + ", ".join(f"{dt}: {n}" for dt, n in counts.items()))


def add_benchmark_programme(kols: int) -> None:
	from kol_crm.benchmarks.build import build_programme
	from kol_crm.benchmarks.masters import ensure_masters

	size = {"kols": kols, "interactions": kols * 10, "proposals": kols // 2, "partnerships": kols // 10}
	masters = ensure_masters(20)
	frappe.db.commit()
	build_programme(size, masters, seed=42, compare_rows=0, commit=True, say=lambda line: print(f"  {line}"))
	frappe.db.commit()


# --- digest -------------------------------------------------------------------------------------


def data_digest() -> dict:
	"""Every table of the app's DocTypes (child tables included; the Single's values), and the
	other DocTypes' records of its documents."""
	doctypes = app_doctypes()
	names = [d.name for d in doctypes]
	out = {}
	for d in doctypes:
		if d.is_virtual:
			continue
		if d.issingle:
			out[d.name] = table_digest(
				select("tabSingles", "where doctype = %s", (d.name,), "field"), key="field"
			)
		else:
			out[d.name] = table_digest(select(f"tab{d.name}"))
	clause, values = in_clause(names)
	for doctype, field in LINKED_DATA.items():
		out[doctype] = table_digest(select(f"tab{doctype}", f"where `{field}` in {clause}", values))
	return out


def meta_digest() -> dict:
	"""What migrate writes: the app's DocTypes and their fields and permissions, customisations of
	them, and the records the app ships in Frappe's own DocTypes (with their child rows)."""
	from kol_crm.setup.boards import BOARD_NAMES
	from kol_crm.setup.email_templates import TEMPLATES
	from kol_crm.setup.uninstall import APP_ROLES
	from kol_crm.workflows import build_workflow_records

	doctypes = [d.name for d in app_doctypes()]
	records = build_workflow_records()
	workflows = [w["name"] for w in records["Workflow"]]
	groups = {
		"DocType": ("DocType", "module", [MODULE]),
		"DocField": ("DocField", "parent", doctypes),
		"DocPerm": ("DocPerm", "parent", doctypes),
		"Custom DocPerm": ("Custom DocPerm", "parent", doctypes),
		"Custom Field": ("Custom Field", "dt", doctypes),
		"Property Setter": ("Property Setter", "doc_type", doctypes),
		"Workflow": ("Workflow", "name", workflows),
		"Workflow Document State": ("Workflow Document State", "parent", workflows),
		"Workflow Transition": ("Workflow Transition", "parent", workflows),
		"Workflow State": ("Workflow State", "name", [r["name"] for r in records["Workflow State"]]),
		"Workflow Action Master": (
			"Workflow Action Master",
			"name",
			[r["name"] for r in records["Workflow Action Master"]],
		),
		"Role": ("Role", "name", list(APP_ROLES)),
		"Email Template": ("Email Template", "name", list(TEMPLATES)),
		"Kanban Board": ("Kanban Board", "name", list(BOARD_NAMES)),
		"Kanban Board Column": ("Kanban Board Column", "parent", list(BOARD_NAMES)),
		"Assignment Rule": ("Assignment Rule", "document_type", doctypes),
	}
	for doctype in ("Report", "Workspace", "Web Form", "Number Card", "Dashboard Chart"):
		groups[doctype] = (doctype, "module", [MODULE])
	for parent, child in (
		("Report", "Report Column"),
		("Report", "Report Filter"),
		("Report", "Has Role"),
		("Workspace", "Workspace Link"),
		("Workspace", "Workspace Shortcut"),
		("Workspace", "Workspace Chart"),
		("Workspace", "Workspace Number Card"),
		("Web Form", "Web Form Field"),
	):
		owners = frappe.get_all(parent, filters={"module": MODULE}, pluck="name")
		groups[f"{child} of {parent}"] = (child, "parent", owners)
	out = {}
	for key, (table, field, values) in groups.items():
		clause, params = in_clause(values)
		out[key] = table_digest(select(f"tab{table}", f"where `{field}` in {clause}", params))
	clause, params = in_clause(doctypes)
	out["Singles"] = table_digest(
		select("tabSingles", f"where doctype in {clause}", params, "doctype, field"), key="field"
	)
	return out


def files_digest() -> dict:
	"""SHA-256 of every file in the site's public and private files folders (backups excluded)."""
	out = {}
	for folder in ("public/files", "private/files"):
		root = frappe.get_site_path(*folder.split("/"))
		for dirpath, _dirs, files in os.walk(root):
			for name in files:
				path = os.path.join(dirpath, name)
				with open(path, "rb") as f:
					out[os.path.relpath(path, frappe.get_site_path())] = sha(f.read())
	return {"files": {"rows": len(out), "sha256": sha(encode(out).encode()), "by_row": out, "by_column": {}}}


def digest(out_path: str) -> None:
	result = {"data": data_digest(), "meta": meta_digest(), "files": files_digest()}
	with open(out_path, "w") as f:
		json.dump(result, f, indent=1, sort_keys=True)
	data = result["data"]
	print(
		f"  {len(data)} tables, {sum(t['rows'] for t in data.values())} rows;"
		f" {result['files']['files']['rows']} files"
	)


def compare(a_path: str, b_path: str, sections: list[str]) -> int:
	with open(a_path) as f:
		a = json.load(f)
	with open(b_path) as f:
		b = json.load(f)
	problems = tables = rows = 0
	for section in sections:
		for key in sorted(set(a[section]) | set(b[section])):
			left, right = a[section].get(key), b[section].get(key)
			tables += 1
			if left is None or right is None:
				print(f"    {section}/{key}: only in {'the second' if left is None else 'the first'}")
				problems += 1
				continue
			rows += left["rows"]
			if left["sha256"] == right["sha256"]:
				continue
			problems += 1
			only_a = sorted(set(left["by_row"]) - set(right["by_row"]))
			only_b = sorted(set(right["by_row"]) - set(left["by_row"]))
			changed = sorted(
				k
				for k in set(left["by_row"]) & set(right["by_row"])
				if left["by_row"][k] != right["by_row"][k]
			)
			columns = sorted(
				c
				for c in set(left["by_column"]) | set(right["by_column"])
				if left["by_column"].get(c) != right["by_column"].get(c)
			)
			print(
				f"    {section}/{key}: {left['rows']} vs {right['rows']} rows; only in first {only_a[:5]},"
				f" only in second {only_b[:5]}, changed {len(changed)} {changed[:5]}; columns {columns}"
			)
	if not problems:
		print(f"    {tables} tables, {rows} rows identical")
	return 1 if problems else 0


def restore_key(config_path: str) -> None:
	"""The source's encryption key (from its backed-up site config) into this site's config."""
	from frappe.installer import update_site_config

	with open(config_path) as f:
		key = json.load(f).get("encryption_key")
	if key:  # made on first use: a site that never encrypted anything has none
		update_site_config("encryption_key", key)
	print(f"    encryption key {'restored' if key else 'absent from the backup: nothing to restore'}")


def decrypts() -> int:
	"""The value the source site encrypted reads back here (the restored site has the source's key)."""
	from frappe.utils.password import get_decrypted_password

	kol = frappe.get_all("KOL", order_by="name", pluck="name", limit=1)[0]
	try:
		value = get_decrypted_password("KOL", kol, SECRET_FIELD, raise_exception=True)
	except Exception as e:
		print(f"    {type(e).__name__}: {e}")
		return 1
	if value != SECRET:
		print(f"    read {value!r}")
		return 1
	print("    the encrypted value reads back")
	return 0


def tamper() -> None:
	"""One changed value in one KOL and one changed byte in one file: the comparison must see both."""
	kol = frappe.get_all("KOL", order_by="name", pluck="name", limit=1)[0]
	frappe.db.sql("update `tabKOL` set kol_name = concat(kol_name, '!') where name = %s", kol)
	frappe.db.commit()
	private = frappe.get_site_path("private", "files")
	path = os.path.join(private, sorted(os.listdir(private))[0])
	with open(path, "ab") as f:
		f.write(b"!")


# --- uninstall and reinstall --------------------------------------------------------------------


def snapshot(out_path: str) -> None:
	"""What the app made, read while it is installed."""
	from kol_crm.setup.boards import BOARD_NAMES
	from kol_crm.setup.email_templates import TEMPLATES
	from kol_crm.setup.uninstall import APP_ROLES, FRAPPE_WORKFLOW_ACTIONS, FRAPPE_WORKFLOW_STATES
	from kol_crm.workflows import build_workflow_records

	records = build_workflow_records()
	kol_files = frappe.get_all(
		"File",
		filters={"attached_to_doctype": ("like", "KOL%"), "is_folder": 0},
		fields=["name", "file_url", "is_private"],
	)
	out = {
		"doctypes": [d.name for d in app_doctypes()],
		"reports": frappe.get_all("Report", filters={"module": MODULE}, pluck="name"),
		"workflows": [w["name"] for w in records["Workflow"]],
		"workflow_states": [
			r["name"] for r in records["Workflow State"] if r["name"] not in FRAPPE_WORKFLOW_STATES
		],
		"workflow_actions": [
			r["name"] for r in records["Workflow Action Master"] if r["name"] not in FRAPPE_WORKFLOW_ACTIONS
		],
		"email_templates": list(TEMPLATES),
		"boards": list(BOARD_NAMES),
		"roles": list(APP_ROLES),
		"file_paths": [
			frappe.get_site_path(
				*(("private",) if f.is_private else ("public",)), *f.file_url.lstrip("/").split("/")[-2:]
			)
			for f in kol_files
			if f.file_url
		],
	}
	with open(out_path, "w") as f:
		json.dump(out, f, indent=1)
	print(
		f"  {len(out['doctypes'])} DocTypes, {len(out['reports'])} reports, {len(kol_files)} files attached to them"
	)


def orphans(snapshot_path: str) -> int:
	"""After uninstall: nothing the app made, or that pointed at its DocTypes, is left."""
	with open(snapshot_path) as f:
		snap = json.load(f)
	doctypes = snap["doctypes"]
	clause, values = in_clause(doctypes)
	found = []

	def leftover(what: str, rows) -> None:
		rows = list(rows)
		if rows:
			found.append(f"{what}: {len(rows)} {rows[:5]}")

	leftover("tables tabKOL%", [t[0] for t in frappe.db.sql("show tables like 'tabKOL%%'")])
	for doctype in MODULE_RECORDS:
		leftover(
			f"{doctype} of the module", frappe.get_all(doctype, filters={"module": MODULE}, pluck="name")
		)
	leftover(
		"DocType named KOL%", frappe.get_all("DocType", filters={"name": ("like", "KOL%")}, pluck="name")
	)
	leftover("Report named KOL%", frappe.get_all("Report", filters={"name": ("like", "KOL%")}, pluck="name"))
	leftover("Module Def", frappe.get_all("Module Def", filters={"app_name": "kol_crm"}, pluck="name"))
	leftover("Module Def", frappe.get_all("Module Def", filters={"name": MODULE}, pluck="name"))
	for doctype, field in POINTING.items():
		table = doctype if doctype.startswith("__") else f"tab{doctype}"
		rows = frappe.db.sql(
			f"select `{field}`, count(*) from `{table}` where `{field}` in {clause} group by 1", values
		)
		leftover(f"{doctype} of the app's DocTypes", [f"{r[0]} x{r[1]}" for r in rows])
	for doctype, key in (
		("Workflow", "workflows"),
		("Workflow State", "workflow_states"),
		("Workflow Action Master", "workflow_actions"),
		("Email Template", "email_templates"),
		("Kanban Board", "boards"),
	):
		leftover(doctype, [n for n in snap[key] if frappe.db.exists(doctype, n)])
	leftover(
		"Assignment Rule KOL%",
		frappe.get_all("Assignment Rule", filters={"name": ("like", "KOL%")}, pluck="name"),
	)
	leftover(
		"Prepared Report of the app's reports",
		frappe.get_all(
			"Prepared Report", filters={"report_name": ("in", snap["reports"] or ["-"])}, pluck="name"
		),
	)
	# roles: only those a user holds stay (kol_crm.setup.uninstall), with nothing but users' rows
	for role in snap["roles"]:
		if not frappe.db.exists("Role", role):
			continue
		if not frappe.db.exists("Has Role", {"role": role, "parenttype": "User"}):
			found.append(f"Role {role}: held by no user, still there")
		leftover(
			f"Has Role {role} outside users",
			frappe.get_all("Has Role", filters={"role": role, "parenttype": ("!=", "User")}, pluck="parent"),
		)
		leftover(
			f"Custom DocPerm of {role}",
			frappe.get_all("Custom DocPerm", filters={"role": role}, pluck="parent"),
		)
	leftover("files on disk", [p for p in snap["file_paths"] if os.path.exists(p)])
	# and generically: any Link-to-DocType field of any DocType naming one of the app's DocTypes
	fields = frappe.get_all(
		"DocField", filters={"fieldtype": "Link", "options": "DocType"}, fields=["parent", "fieldname"]
	)
	for row in fields:
		if (
			row.parent in KEPT_LOGS
			or frappe.get_meta(row.parent).issingle
			or frappe.get_meta(row.parent).is_virtual
		):
			continue
		rows = frappe.db.sql(
			f"select count(*) from `tab{row.parent}` where `{row.fieldname}` in {clause}", values
		)[0][0]
		if rows:
			found.append(f"{row.parent}.{row.fieldname} naming the app's DocTypes: {rows}")
	for line in found:
		print(f"    left: {line}")
	# and what is not the app's is still there
	user_file = frappe.db.get_value(
		"File", {"file_name": NOT_THE_APPS["file"], "attached_to_doctype": "User"}, "file_url"
	)
	kept_others = {
		"a file attached to a user": bool(user_file)
		and os.path.exists(frappe.get_site_path("private", "files", user_file.split("/")[-1])),
		"a comment on a user": frappe.db.exists(
			"Comment", {"reference_doctype": "User", "content": NOT_THE_APPS["comment"]}
		),
		"a to-do about nothing of the app": frappe.db.exists("ToDo", {"description": NOT_THE_APPS["todo"]}),
	}
	for what, there in kept_others.items():
		if not there:
			print(f"    gone, although not the app's: {what}")
			found.append(what)
	kept = [r for r in snap["roles"] if frappe.db.exists("Role", r)]
	if not found:
		print(
			f"    nothing left (kept on purpose: roles users hold {kept}, logs {list(KEPT_LOGS)};"
			f" kept as not the app's: {', '.join(kept_others)})"
		)
	return 1 if found else 0


def reinstalled(snapshot_path: str) -> int:
	"""After install-app again: every table, record and default is there, and no old data."""
	with open(snapshot_path) as f:
		snap = json.load(f)
	problems = []
	tables = {t[0] for t in frappe.db.sql("show tables like 'tabKOL%%'")}
	singles = {d.name for d in app_doctypes() if d.issingle or d.is_virtual}
	missing = [d for d in snap["doctypes"] if d not in singles and f"tab{d}" not in tables]
	if missing:
		problems.append(f"tables missing: {missing}")
	for doctype, key in (
		("Workflow", "workflows"),
		("Workflow State", "workflow_states"),
		("Workflow Action Master", "workflow_actions"),
		("Email Template", "email_templates"),
		("Kanban Board", "boards"),
		("Role", "roles"),
		("Report", "reports"),
	):
		absent = [n for n in snap[key] if not frappe.db.exists(doctype, n)]
		if absent:
			problems.append(f"{doctype} missing: {absent}")
	if not frappe.db.exists("Assignment Rule", "KOL Operator Round Robin"):
		problems.append("Assignment Rule KOL Operator Round Robin missing")
	for doctype in ("KOL", "KOL Proposal", "KOL Interaction"):
		if n := frappe.db.count(doctype):
			problems.append(f"{n} {doctype} rows came back")
	value = frappe.db.get_single_value("KOL CRM Settings", SETTING)
	default = frappe.get_meta("KOL CRM Settings").get_field(SETTING).default
	if str(value) != str(default):
		problems.append(f"KOL CRM Settings {SETTING} is {value}, not the default {default}")
	if frappe.db.exists("Custom Field", {"dt": "KOL", "fieldname": CUSTOM_FIELD}):
		problems.append("the old Custom Field came back")
	for line in problems:
		print(f"    {line}")
	if not problems:
		print(
			f"    {len(snap['doctypes'])} DocTypes, workflows, templates, boards, roles and settings' defaults there; no data"
		)
	return 1 if problems else 0


def main(argv: list[str]) -> int:
	command, args = argv[0], argv[1:]
	if command == "compare":
		return compare(args[0], args[1], args[2:])
	connect(args[0])
	try:
		if command == "seed":
			seed(int(args[1]) if len(args) > 1 else 0)
		elif command == "digest":
			digest(args[1])
		elif command == "restore-key":
			restore_key(args[1])
		elif command == "decrypts":
			return decrypts()
		elif command == "tamper":
			tamper()
		elif command == "snapshot":
			snapshot(args[1])
		elif command == "orphans":
			return orphans(args[1])
		elif command == "reinstalled":
			return reinstalled(args[1])
		else:
			raise SystemExit(f"unknown command {command}")
		return 0
	finally:
		frappe.destroy()


if __name__ == "__main__":
	sys.exit(main(sys.argv[1:]))
