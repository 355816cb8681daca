"""Bulk import of KOL candidates from a CSV, with duplicate detection.

Each row is validated by the KOL controller exactly as a single save would be (mandatory
fields, formats, links, workflow start state, scores), but duplicates are checked for the
whole file in a handful of queries and new KOLs are written with multi-row inserts, so a
10,000-row file imports in one go (see ``kol_crm.benchmarks.import_speed``). A row that matches an
existing KOL (email, phone, WeChat ID or platform + handle) is skipped or updates that KOL,
as the importer chose; every row that is not created is reported with its number and reason.
A KOL is never written without its platform accounts: they go in the same transaction.

What the importer may touch and learn:
- The file is read only from a File the importing user uploaded (a KOL Manager may use one
  another user uploaded) and that is attached to this import; every stored record of that file
  must be one the user may read (``import_file_doc``).
- A row result names a matched KOL only when the user may read it; otherwise it says only that
  the row duplicates a KOL they don't have access to (``dedupe.hidden_duplicate``).
- "Update" fills only the existing KOL's empty fields, except the columns listed in Columns To
  Overwrite; a row whose keys match more than one KOL is refused; an updated row's result lists
  the previous values (of the fields the user may read); only KOLs the user may write are updated.
"""

import csv
import io
import re

import frappe
from frappe import _
from frappe.utils import cint, now, strip_html

from kol_crm.permissions import can_access_kol, is_restricted
from kol_crm.utils.dedupe import CONTACT_KEYS, hidden_duplicate
from kol_crm.utils.validation import normalise_handle

INLINE_LIMIT = 200  # rows imported within the request; larger files go to a background job
CHUNK = 500
MAX_PLATFORMS = 5

FIELD_ALIASES = {
	"kol_name": ("kol_name", "name", "kol"),
	"display_name": ("display_name", "alias", "display_name_/_alias"),
	"intake_path": ("intake_path",),
	"intake_purpose": ("intake_purpose", "purpose"),
	"program_type": ("program_type", "program"),
	"category": ("category",),
	"operator": ("operator", "owning_operator"),
	"source": ("source",),
	"email": ("email",),
	"phone": ("phone",),
	"wechat": ("wechat", "wechat_id"),
	"strengths": ("strengths", "strengths_/_expertise"),
	"preferences": ("preferences", "preferences_and_demands"),
	"influence_domains": ("influence_domains", "domains_of_influence"),
}
PLATFORM_FIELDS = ("platform", "handle", "followers", "engagement_rate", "profile_url")
PLATFORM_UPDATE_FIELDS = ("followers", "engagement_rate", "profile_url")
NOT_UPDATED = ("doctype", "platform_accounts", "source")


class ImportFileError(frappe.ValidationError):
	pass


class ImportFileAccessError(frappe.PermissionError):
	pass


def _refuse_file() -> None:
	frappe.throw(
		_(
			"You can import only a .csv file that you uploaded to this import. Attach your file with the CSV File field's Attach button."
		),
		ImportFileAccessError,
		title=_("Not permitted"),
	)


def _files_of(file_url: str | None) -> list:
	if not file_url:
		return []
	return frappe.get_all(
		"File",
		filters={"file_url": file_url},
		fields=["name", "owner", "attached_to_doctype", "attached_to_name"],
	)


def _all_readable(files: list, user: str) -> bool:
	"""Frappe lets any user create a File record pointing at a stored file's URL (and does so itself
	when a document's Attach field is set to one): such a record proves nothing. The file is the
	user's to import only when every record of it is one they may read."""
	return all(
		frappe.has_permission("File", "read", doc=frappe.get_doc("File", f.name), user=user) for f in files
	)


def _may_use(file, user: str) -> bool:
	return file.owner == user or not is_restricted(user, "write")


def validate_import_file(import_doc, user: str | None = None) -> None:
	"""On save: the CSV File field may name only a file the user uploaded (or, for a KOL Manager,
	one they may read). Checked before Frappe attaches the file to the import."""
	user = user or frappe.session.user
	files = _files_of(import_doc.import_file)
	if not any(_may_use(f, user) for f in files) or not _all_readable(files, user):
		_refuse_file()


def import_file_doc(import_doc, user: str | None = None):
	"""The File the import reads: uploaded by ``user`` (any uploader for a KOL Manager) and
	attached to this import; refused otherwise."""
	user = user or frappe.session.user
	files = _files_of(import_doc.import_file)
	attached = [
		f
		for f in files
		if f.attached_to_doctype == import_doc.doctype
		and f.attached_to_name == import_doc.name
		and _may_use(f, user)
	]
	if not attached or not _all_readable(files, user):
		_refuse_file()
	return frappe.get_doc("File", attached[0].name)


def overwrite_fields(text: str | None) -> frozenset[str]:
	"""The KOL fields named in Columns To Overwrite (file column names, aliases accepted)."""
	aliases = {alias: field for field, names in FIELD_ALIASES.items() for alias in names}
	fields, unknown = set(), []
	for part in re.split(r"[,\n]", text or ""):
		key = _normalise(part)
		if not key:
			continue
		base, _sep, slot = key.rpartition("_")
		if slot.isdigit() and base in PLATFORM_UPDATE_FIELDS:
			key = base
		if key in aliases and aliases[key] not in NOT_UPDATED:
			fields.add(aliases[key])
		elif key in PLATFORM_UPDATE_FIELDS:
			fields.add(key)
		else:
			unknown.append(part.strip())
	if unknown:
		frappe.throw(
			_("Columns To Overwrite: {0} cannot be overwritten. Columns that can: {1}.").format(
				", ".join(frappe.bold(u) for u in unknown),
				", ".join([*(k for k in FIELD_ALIASES if k not in NOT_UPDATED), *PLATFORM_UPDATE_FIELDS]),
			),
			ImportFileError,
			title=_("Invalid value"),
		)
	return frozenset(fields)


def _normalise(header: str) -> str:
	return "_".join(header.strip().lower().replace("(%)", "").split())


def column_map(headers: list[str]) -> dict[int, tuple[str, int | None]]:
	"""Column index -> (field, platform slot or None). Unknown or repeated columns refuse the file."""
	aliases = {alias: field for field, names in FIELD_ALIASES.items() for alias in names}
	mapping, unknown, seen = {}, [], set()
	for idx, header in enumerate(headers):
		key = _normalise(header)
		if not key:
			continue
		if key in aliases:
			target = (aliases[key], None)
		else:
			base, _sep, slot = key.rpartition("_")
			if slot.isdigit() and base in PLATFORM_FIELDS and 1 <= int(slot) <= MAX_PLATFORMS:
				target = (base, int(slot))
			elif key in PLATFORM_FIELDS:
				target = (key, 1)
			else:
				unknown.append(header)
				continue
		if target in seen:
			frappe.throw(_("Column {0} appears twice.").format(frappe.bold(header)), ImportFileError)
		seen.add(target)
		mapping[idx] = target
	if unknown:
		frappe.throw(
			_(
				"Unknown columns: {0}. Known columns: {1}, and platform, handle, followers, engagement_rate, profile_url (add _2 ... _5 for more platforms)."
			).format(", ".join(frappe.bold(h) for h in unknown), ", ".join(FIELD_ALIASES)),
			ImportFileError,
			title=_("Wrong columns"),
		)
	if ("kol_name", None) not in seen:
		frappe.throw(_("The file needs a {0} column.").format(frappe.bold("kol_name")), ImportFileError)
	return mapping


def read_rows(content: str) -> list[tuple[int, dict | None, str | None]]:
	"""(row number as in a spreadsheet, KOL data or None, error or None) per data row."""
	reader = csv.reader(io.StringIO(content))
	try:
		headers = next(reader)
	except StopIteration:
		frappe.throw(_("The file is empty."), ImportFileError)
	mapping = column_map(headers)
	rows = []
	for number, cells in enumerate(reader, start=2):
		if not any(c.strip() for c in cells):
			continue
		if len(cells) != len(headers):
			rows.append(
				(number, None, _("Row has {0} cells, the header has {1}.").format(len(cells), len(headers)))
			)
			continue
		try:
			rows.append((number, row_to_kol(cells, mapping), None))
		except ValueError as e:
			rows.append((number, None, str(e)))
	return rows


def row_to_kol(cells: list[str], mapping: dict) -> dict:
	data, platforms = {"doctype": "KOL"}, {}
	for idx, (field, slot) in mapping.items():
		value = cells[idx].strip()
		if not value:
			continue
		if slot is None:
			data[field] = value
		else:
			platforms.setdefault(slot, {})[field] = _number(field, value) if field in NUMBERS else value
	data["platform_accounts"] = [platforms[slot] for slot in sorted(platforms)]
	data.setdefault("source", "Import")
	return data


NUMBERS = {"followers": int, "engagement_rate": float}


def _number(field: str, value: str):
	try:
		return NUMBERS[field](value.replace(",", "").replace("%", ""))
	except ValueError:
		raise ValueError(_("{0}: {1} is not a number.").format(field, value))


def keys_of(data: dict) -> set:
	keys = {(key, str(data[key]).strip().lower()) for key in CONTACT_KEYS if data.get(key)}
	keys |= {
		("handle", (row.get("platform") or "").lower(), normalise_handle(row.get("handle")).lower())
		for row in data.get("platform_accounts") or []
		if row.get("handle")
	}
	return keys


def existing_keys(rows: list[dict]) -> dict:
	"""Key -> {kol: kol_name} for the KOLs holding any key of the file: a few queries in all.
	(Usually one KOL per key; data loaded around the dedupe check may hold a key twice.)"""
	found = {}
	for key in CONTACT_KEYS:
		values = list({str(r[key]).strip() for r in rows if r.get(key)})
		for chunk in _chunks(values, 1000):
			for name, kol_name, value in frappe.get_all(
				"KOL", filters={key: ["in", chunk]}, fields=["name", "kol_name", key], as_list=True
			):
				found.setdefault((key, str(value).lower()), {})[name] = kol_name
	handles = list(
		{
			normalise_handle(a.get("handle"))
			for r in rows
			for a in r.get("platform_accounts") or []
			if a.get("handle")
		}
	)
	acc, kol = frappe.qb.DocType("KOL Platform Account"), frappe.qb.DocType("KOL")
	for chunk in _chunks(handles, 1000):
		for platform, handle, name, kol_name in (
			frappe.qb.from_(acc)
			.join(kol)
			.on(kol.name == acc.parent)
			.select(acc.platform, acc.handle, kol.name, kol.kol_name)
			.where((acc.parenttype == "KOL") & acc.handle.isin(chunk))
			.run()
		):
			found.setdefault(("handle", (platform or "").lower(), handle.lower()), {})[name] = kol_name
	return found


def _chunks(items: list, size: int):
	for start in range(0, len(items), size):
		yield items[start : start + size]


def describe_key(key: tuple) -> str:
	if key[0] == "handle":
		return _("{0} handle {1}").format(key[1].title(), key[2])
	return _("{0} {1}").format(_(frappe.get_meta("KOL").get_label(key[0])), key[1])


class CandidateImport:
	def __init__(self, import_doc, commit: bool):
		self.doc = import_doc
		self.commit = commit
		self.names: dict[str, list[str]] = {}
		self.defaults: dict[str, dict] = {}
		self.chunk_size = CHUNK
		self.results: list[dict] = []
		self.counts = {"Created": 0, "Updated": 0, "Skipped": 0, "Failed": 0}
		self.access: dict[tuple[str, str], bool] = {}

	def run(self) -> None:
		frappe.has_permission("KOL", "create", throw=True)
		self.overwrite = overwrite_fields(self.doc.get("overwrite_columns"))
		rows = read_rows(self.content())
		valid = [data for _n, data, err in rows if data]
		self.existing = existing_keys(valid)
		self.seen: dict = {}
		for number, _data, error in rows:
			if error:
				self.report(number, "Failed", message=error)
		batch = [(n, d) for n, d, err in rows if d]
		for done, chunk in enumerate(_chunks(batch, CHUNK), start=1):
			self.import_chunk(chunk)
			if self.commit:
				frappe.db.commit()
			frappe.publish_progress(
				min(100, done * CHUNK * 100 / max(len(batch), 1)),
				title=_("Importing KOL candidates"),
				doctype=self.doc.doctype,
				docname=self.doc.name,
			)
		self.save_results(len(rows))

	def content(self) -> str:
		file = import_file_doc(self.doc)
		content = file.get_content()
		if isinstance(content, bytes):
			content = content.decode("utf-8-sig")
		return content.lstrip("\ufeff")

	def import_chunk(self, chunk: list[tuple[int, dict]]) -> None:
		new_docs = []
		for number, data in chunk:
			keys = keys_of(data)
			if dup := next((k for k in keys if k in self.seen), None):
				self.report(
					number,
					"Skipped",
					message=_("Same {0} as row {1} of this file.").format(describe_key(dup), self.seen[dup]),
				)
				continue
			self.seen.update({k: number for k in keys})
			matched = {kol: name for k in sorted(keys) for kol, name in self.existing.get(k, {}).items()}
			if matched:
				self.handle_duplicate(number, data, keys, matched)
				continue
			doc = self.validated_new_kol(number, data)
			if doc:
				new_docs.append((number, doc))
		self.insert(new_docs)

	def can(self, kol: str, ptype: str = "read") -> bool:
		if (kol, ptype) not in self.access:
			self.access[(kol, ptype)] = can_access_kol(kol, frappe.session.user, ptype)
		return self.access[(kol, ptype)]

	def describe_match(self, key: tuple, kol: str, kol_name: str) -> str:
		"""Names the KOL only for a user who may read it."""
		if self.can(kol):
			return _("{0} already belongs to KOL {1} ({2}).").format(describe_key(key), kol, kol_name)
		return hidden_duplicate(describe_key(key))

	def describe_several(self, matched: dict) -> str:
		readable = [f"{kol} ({name})" for kol, name in sorted(matched.items()) if self.can(kol)]
		hidden = len(matched) - len(readable)
		if hidden:
			readable.append(_("{0} you don't have access to").format(hidden))
		return _("The row's email, phone, WeChat ID and handles match {0} different KOLs: {1}.").format(
			len(matched), ", ".join(readable)
		)

	def handle_duplicate(self, number: int, data: dict, keys: set, matched: dict) -> None:
		key = next(k for k in sorted(keys) if k in self.existing)
		kol = sorted(self.existing[key])[0]
		shown = kol if self.can(kol) else None
		if len(matched) > 1:
			if self.doc.on_duplicate != "Update":
				self.report(number, "Skipped", kol=shown, message=self.describe_several(matched))
				return
			refused = _("A row can update only one KOL; correct the row and import it again.")
			self.report(number, "Failed", message=f"{self.describe_several(matched)} {refused}")
			return
		reason = self.describe_match(key, kol, matched[kol])
		if self.doc.on_duplicate != "Update":
			self.report(number, "Skipped", kol=shown, message=reason)
			return
		if not self.can(kol, "write"):
			message = _("You can't change KOL {0}.").format(kol) if shown else reason
			self.report(number, "Failed", kol=shown, message=message)
			return
		frappe.db.savepoint("kol_import_row")
		try:
			changes = update_kol(kol, data, self.overwrite)
			self.report(number, "Updated", kol=kol, message=f"{reason} {changes}")
		except Exception as e:
			frappe.db.rollback(save_point="kol_import_row")
			self.report(number, "Failed", kol=shown, message=_clean(e))

	def validated_new_kol(self, number: int, data: dict):
		"""Run the KOL's whole validation in memory; nothing is written yet."""
		try:
			doc = frappe.get_doc(data)
			doc.flags.dedupe_checked = True  # the file was deduplicated above, all at once
			# the steps of Document.insert() up to the write (KOL create permission was checked once)
			doc._action = "save"
			doc.set("__islocal", True)
			self.set_defaults(doc)
			doc.set_user_and_timestamp()
			doc.set_docstatus()
			doc._validate_links()
			doc.run_method("before_insert")
			self.set_name(doc)
			doc.set_parent_in_children()
			doc.validate_higher_perm_levels()
			doc.flags.in_insert = True
			doc.run_before_save_methods()
			doc._validate()
			doc.set_docstatus()
			doc.flags.in_insert = False
			return doc
		except Exception as e:
			self.report(number, "Failed", message=_clean(e))
			return None
		finally:
			frappe.local.message_log = []  # per-row notices (e.g. pacing) are not for the importer

	def set_defaults(self, doc) -> None:
		"""Document._set_defaults(), with the defaults worked out once per import instead of per row."""
		if not self.defaults:
			meta = frappe.get_meta("KOL")
			self.defaults = {"KOL": frappe.new_doc("KOL", as_dict=True)}
			for df in meta.get_table_fields():
				self.defaults[df.fieldname] = frappe.new_doc(
					df.options, parentfield=df.fieldname, as_dict=True
				)
		doc.update_if_missing(self.defaults["KOL"])
		for fieldname, defaults in self.defaults.items():
			if fieldname != "KOL":
				for row in doc.get(fieldname) or []:
					row.update_if_missing(defaults)

	def set_name(self, doc) -> None:
		"""Names from a block of the naming series reserved once per chunk, not one query per row."""
		series = doc.naming_series or ""
		prefix, _dot, hashes = series.rpartition(".")
		if not prefix or set(hashes) != {"#"} or "." in prefix:
			doc.set_new_name()  # a series with date parts etc.: Frappe's own naming, row by row
			return
		if not self.names.get(series):
			self.names[series] = reserve_series(prefix, len(hashes), self.chunk_size)
		doc.name = self.names[series].pop(0)
		for child in doc.get_all_children():
			child.name = frappe.generate_hash(length=10)

	def insert(self, docs: list) -> None:
		if not docs:
			return
		parents = [d.get_valid_dict(convert_dates_to_str=True) for _n, d in docs]
		children = [
			c.get_valid_dict(convert_dates_to_str=True) for _n, d in docs for c in d.get_all_children()
		]
		_bulk_insert("KOL", parents)
		_bulk_insert(
			"KOL Platform Account", [c for c in children if c.get("parentfield") == "platform_accounts"]
		)
		for fieldname in {c["parentfield"] for c in children} - {"platform_accounts"}:
			rows = [c for c in children if c["parentfield"] == fieldname]
			_bulk_insert(frappe.get_meta("KOL").get_field(fieldname).options, rows)
		for _number, doc in docs:
			self.counts["Created"] += 1
			self.existing.update({k: {doc.name: doc.kol_name} for k in keys_of(doc.as_dict())})

	def report(self, number: int, result: str, kol: str | None = None, message: str | None = None) -> None:
		self.counts[result] += 1
		self.results.append({"row_number": number, "result": result, "kol": kol, "message": message})

	def save_results(self, total: int) -> None:
		status = "Completed with Errors" if self.counts["Failed"] else "Completed"
		self.doc.db_set(
			{
				"status": status,
				"total_rows": total,
				"created_count": self.counts["Created"],
				"updated_count": self.counts["Updated"],
				"skipped_count": self.counts["Skipped"],
				"failed_count": self.counts["Failed"],
				"error": None,
			}
		)
		frappe.db.delete("KOL Candidate Import Row", {"parent": self.doc.name})
		rows = [
			{
				**r,
				"name": frappe.generate_hash(length=10),
				"parent": self.doc.name,
				"parenttype": self.doc.doctype,
				"parentfield": "results",
				"idx": idx,
				"creation": now(),
				"modified": now(),
				"owner": frappe.session.user,
				"modified_by": frappe.session.user,
			}
			for idx, r in enumerate(sorted(self.results, key=lambda r: r["row_number"]), start=1)
		]
		_bulk_insert("KOL Candidate Import Row", rows)


def reserve_series(prefix: str, digits: int, count: int) -> list[str]:
	"""Take ``count`` consecutive numbers of a naming series in one locked update."""
	series = frappe.qb.DocType("Series")
	current = frappe.qb.from_(series).where(series.name == prefix).for_update().select(series.current).run()
	if current:
		start = cint(current[0][0])
		frappe.qb.update(series).set(series.current, start + count).where(series.name == prefix).run()
	else:
		start = 0
		frappe.qb.into(series).columns(series.name, series.current).insert(prefix, count).run()
	return [f"{prefix}{number:0{digits}d}" for number in range(start + 1, start + count + 1)]


def _bulk_insert(doctype: str, rows: list[dict], chunk_size: int = 500) -> None:
	"""Multi-row INSERTs with parameters. (frappe.db.bulk_insert builds each statement through
	pypika, which costs more than validating the rows; the column names come from the meta.)"""
	if not rows:
		return
	valid = (
		set(frappe.get_meta(doctype).get_valid_columns())
		| set(frappe.model.default_fields)
		| set(frappe.model.child_table_fields)
	)
	fields = sorted({k for row in rows for k in row} & valid)
	columns = ", ".join(f"`{f}`" for f in fields)
	placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
	for chunk in _chunks(rows, chunk_size):
		values = [row.get(f) for row in chunk for f in fields]
		frappe.db.sql(
			f"INSERT INTO `tab{doctype}` ({columns}) VALUES {', '.join([placeholders] * len(chunk))}",  # nosemgrep
			values,
		)


def _clean(e: Exception) -> str:

	return strip_html(str(e)) or e.__class__.__name__


def _empty(value) -> bool:
	return value in (None, "", 0, 0.0)


def _same(field: str, old, new) -> bool:
	if isinstance(old, int | float) and isinstance(new, int | float):
		return float(old) == float(new)
	old, new = str(old if old is not None else "").strip(), str(new).strip()
	return old.lower() == new.lower() if field in CONTACT_KEYS else old == new


def _change(field: str, old, new, visible: bool) -> str:
	if not visible:
		return _("{0}: changed (a field you can't read)").format(field)
	return _("{0}: {1} → {2}").format(field, _("(empty)") if _empty(old) else old, new)


def update_kol(name: str, data: dict, overwrite: frozenset = frozenset()) -> str:
	"""Update the existing KOL from a row and say what changed ("field: old → new").

	A field that is empty on the KOL takes the row's value; a filled one only when its column is
	in ``overwrite``. New platform accounts are added; an existing account's followers,
	engagement rate and profile URL follow the same rule. Fields the user may not write are left
	alone, and old values are shown only for fields the user may read. Only a user with
	unrestricted write access (a KOL Manager) may set the operator.
	"""
	user = frappe.session.user
	doc = frappe.get_doc("KOL", name)
	doc.check_permission("write")
	changes, kept, refused = [], [], []

	def apply(target, field: str, value, label: str) -> None:
		df = target.meta.get_field(field)
		old = target.get(field)
		if df is None or _same(field, old, value):
			return
		writable = df.permlevel in target.meta.get_permlevel_access("write", parenttype="KOL", user=user)
		if not writable or (field == "operator" and is_restricted(user, "write")):
			refused.append(label)  # reassigning a KOL is a manager's action
			return
		if not _empty(old) and field not in overwrite:
			kept.append(label)
			return
		readable = df.permlevel in target.meta.get_permlevel_access("read", parenttype="KOL", user=user)
		target.set(field, value)
		changes.append(_change(label, old, value, readable))

	for field, value in data.items():
		if field not in NOT_UPDATED:
			apply(doc, field, value, field)
	have = {(a.platform, normalise_handle(a.handle).lower()): a for a in doc.platform_accounts}
	for account in data.get("platform_accounts") or []:
		key = (account.get("platform"), normalise_handle(account.get("handle")).lower())
		if key not in have:
			doc.append("platform_accounts", account)
			changes.append(_("added {0} handle {1}").format(account.get("platform"), account.get("handle")))
			continue
		for field in PLATFORM_UPDATE_FIELDS:
			if account.get(field) not in (None, ""):
				apply(have[key], field, account[field], f"{key[0]} {have[key].handle} {field}")
	doc.save()
	summary = [_("Changed: {0}.").format("; ".join(changes)) if changes else _("Nothing to change.")]
	if kept:
		summary.append(
			_("Kept as they were (already filled and not in Columns To Overwrite): {0}.").format(
				", ".join(kept)
			)
		)
	if refused:
		summary.append(_("Not changed, you may not change them: {0}.").format(", ".join(refused)))
	return " ".join(summary)


@frappe.whitelist()
def start_import(name: str) -> dict:
	"""The form's "Start Import" button: small files now, large ones in a background job."""
	doc = frappe.get_doc("KOL Candidate Import", name)
	doc.check_permission("write")
	if doc.status in ("Queued", "Running"):
		frappe.throw(_("This import is already {0}.").format(_(doc.status)))
	rows = CandidateImport(doc, commit=False).content().count("\n")
	if rows <= INLINE_LIMIT:
		run(doc)
		return {"status": doc.status, "queued": False}
	doc.db_set("status", "Queued")
	frappe.enqueue(run_job, queue="long", timeout=3600, import_name=name, enqueue_after_commit=True)
	return {"status": "Queued", "queued": True}


def run(doc, commit: bool = False) -> None:
	try:
		doc.db_set("status", "Running")
		CandidateImport(doc, commit=commit).run()
	except (ImportFileError, ImportFileAccessError) as e:
		doc.db_set({"status": "Failed", "error": _clean(e)})
	doc.reload()


def run_job(import_name: str) -> None:
	"""Background job: commits chunk by chunk so that progress survives a crash."""
	doc = frappe.get_doc("KOL Candidate Import", import_name)
	try:
		run(doc, commit=True)
	except Exception:
		frappe.db.rollback()
		doc.db_set({"status": "Failed", "error": _("Unexpected error; see the Error Log.")})
		frappe.log_error(title=_("KOL candidate import failed"), reference_doctype=doc.doctype)
	frappe.db.commit()
