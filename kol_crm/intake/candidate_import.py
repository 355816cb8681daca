"""Bulk import of KOL candidates from a CSV, with duplicate detection.

Every new KOL is written by ``Document.insert()`` and every updated one by ``Document.save()``,
as in the desk: the KOL's whole validation, its naming, and everything that runs after the save
(the tier change log, the Assignment Rule's round robin, the workflow action, a Version naming
the import, global search, sequences and reminders). The import adds only what surrounds the
saves: duplicates are looked up for a chunk of rows in a handful of queries instead of four
queries per row. A file of more than ``INLINE_LIMIT`` rows is imported in the background in
chunks of ``CHUNK`` rows, each committed with the import's checkpoint and counts
(``kol_crm.utils.jobs``): a worker killed or Redis restarted in the middle, the import goes on
from its checkpoint, and no row's KOL is inserted twice; the form shows the rows done so far. The
saves skip the pacing, audience overlap and internal-first notices (``skip_pacing_warning``), which
the import would drop anyway and the overlap one of which reads the category's Active KOLs. The saves cost what they cost in the
desk (mostly Frappe's own after-save work), so a large file imports at about the speed of one
``insert()`` per KOL (``kol_crm.benchmarks.import_speed``). A row that matches an existing KOL (email,
phone, WeChat ID or platform + handle) is skipped or updates that KOL, as the importer chose;
every row that is not created is reported with its number and reason. A row is written whole or
not at all (a savepoint per row): a KOL never lacks its platform accounts.

What the importer may touch and learn:
- The file is read only from a File the importing user uploaded (a KOL Manager may use one
  another user uploaded) and that is attached to this import; every stored record of that file
  must be one the user may read (``import_file_doc``).
- KOLs are created and updated as the importing user, with that user's permissions (no
  ``ignore_permissions``): an operator's import creates KOLs the operator owns.
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
from kol_crm.utils import jobs
from kol_crm.utils.dedupe import CONTACT_KEYS, hidden_duplicate
from kol_crm.utils.validation import normalise_handle

INLINE_LIMIT = 200  # rows imported within the request; larger files go to a background job
# rows per transaction in a background job: a chunk holds the KOL naming series' row lock (Frappe's
# getseries reads it FOR UPDATE) until its commit, so a KOL saved in the desk meanwhile waits for
# at most one chunk (a few seconds)
CHUNK = 100
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
	"follower_quality": ("follower_quality",),
	"audience_portability": ("audience_portability", "fans_would_follow_to_us"),
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
	"""Key -> {kol: kol_name} for the KOLs holding any key of ``rows``: a few queries in all.
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


ROW_SAVEPOINT = "kol_import_row"


class CandidateImport:
	"""One run of a KOL Candidate Import, as the session user.

	Flags set on the KOLs it writes (nothing else departs from a desk save):
	- ``dedupe_checked``: the chunk's rows were checked against the stored KOLs and against the
	  earlier rows of the file before any was written (``existing_keys``, ``seen``), so
	  ``KOL.check_duplicates`` does not look each row up again.
	- ``updater_reference``: the import, as Frappe's Data Import sets it; the KOL's Version names
	  it (Frappe records a creation in a Version only when it knows where the record came from).
	"""

	def __init__(self, import_doc):
		self.doc = import_doc
		self.results: list[dict] = []
		self.counts = {"Created": 0, "Updated": 0, "Skipped": 0, "Failed": 0}
		self.access: dict[tuple[str, str], bool] = {}
		self.existing: dict = {}
		self.seen: dict = {}
		self.reference = {
			"doctype": import_doc.doctype,
			"docname": import_doc.name,
			"label": _("via KOL Candidate Import"),
		}

	def content(self) -> str:
		file = import_file_doc(self.doc)
		content = file.get_content()
		if isinstance(content, bytes):
			content = content.decode("utf-8-sig")
		return content.lstrip("\ufeff")

	def import_chunk(self, chunk: list[tuple[int, dict]]) -> None:
		# the chunk's keys in a few queries, just before its rows are written
		self.existing.update(existing_keys([data for _n, data in chunk]))
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
			self.create(number, data)

	def create(self, number: int, data: dict) -> None:
		"""Insert the row's KOL with Document.insert(), or report why not (nothing of it is kept)."""
		frappe.db.savepoint(ROW_SAVEPOINT)
		try:
			doc = frappe.get_doc(data)
			doc.flags.dedupe_checked = True
			doc.flags.updater_reference = self.reference
			# the pacing, overlap and internal-first notices are per-row messages the import drops
			# anyway; the overlap one reads the category's Active KOLs on every row
			doc.flags.skip_pacing_warning = True
			doc.insert()
		except Exception as e:
			frappe.db.rollback(save_point=ROW_SAVEPOINT)
			self.report(number, "Failed", message=_clean(e))
			return
		finally:
			frappe.local.message_log = []  # per-row notices (e.g. pacing) are not for the importer
		self.counts["Created"] += 1
		self.existing.update({k: {doc.name: doc.kol_name} for k in keys_of(doc.as_dict())})

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
		frappe.db.savepoint(ROW_SAVEPOINT)
		try:
			changes = update_kol(kol, data, self.overwrite, self.reference)
			self.report(number, "Updated", kol=kol, message=f"{reason} {changes}")
		except Exception as e:
			frappe.db.rollback(save_point=ROW_SAVEPOINT)
			self.report(number, "Failed", kol=shown, message=_clean(e))
		finally:
			frappe.local.message_log = []

	def report(self, number: int, result: str, kol: str | None = None, message: str | None = None) -> None:
		self.counts[result] += 1
		self.results.append({"row_number": number, "result": result, "kol": kol, "message": message})

	def replay(self, rows: list[tuple[int, dict | None, str | None]]) -> None:
		"""The file's keys as the rows before a checkpoint left them (``seen``), without touching
		the database: a resumed import reports a later duplicate against the same earlier row."""
		for number, data, _error in rows:
			if data is None:
				continue
			keys = keys_of(data)
			if not any(k in self.seen for k in keys):
				self.seen.update({k: number for k in keys})

	def write_results(self, offset: int) -> None:
		"""A result row for each row of the chunk not created (the import's log: a child table
		without a controller), numbered after the ``offset`` rows written by earlier chunks, in
		one statement."""
		if not self.results:
			return
		stamp, user = now(), frappe.session.user
		row = {"parent": self.doc.name, "parenttype": self.doc.doctype, "parentfield": "results"}
		row |= {"creation": stamp, "modified": stamp, "owner": user, "modified_by": user}
		fields = [*row, "name", "idx", "row_number", "result", "kol", "message"]
		rows = [
			{**row, **r, "name": frappe.generate_hash(length=10), "idx": idx}
			for idx, r in enumerate(sorted(self.results, key=lambda r: r["row_number"]), start=offset + 1)
		]
		frappe.db.bulk_insert("KOL Candidate Import Row", fields, [[r[f] for f in fields] for r in rows])


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


def update_kol(
	name: str, data: dict, overwrite: frozenset = frozenset(), updater_reference: dict | None = None
) -> str:
	"""Update the existing KOL from a row and say what changed ("field: old → new").

	A field that is empty on the KOL takes the row's value; a filled one only when its column is
	in ``overwrite``. New platform accounts are added; an existing account's followers,
	engagement rate and profile URL follow the same rule. Fields the user may not write are left
	alone, and old values are shown only for fields the user may read. Only a user with
	unrestricted write access (a KOL Manager) may set the operator. Saved with Document.save(), as
	the user; ``updater_reference`` (the import) is named in the KOL's Version.
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
	doc.flags.updater_reference = updater_reference
	doc.flags.skip_pacing_warning = bool(updater_reference)  # an import: its notices are dropped
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
	"""The form's "Start Import" button: small files now, large ones in the background."""
	doc = frappe.get_doc("KOL Candidate Import", name)
	doc.check_permission("write")
	if doc.status in ("Queued", "Running"):
		frappe.throw(_("This import is already {0}.").format(_(doc.status)))
	rows = CandidateImport(doc).content().count("\n")
	if rows <= INLINE_LIMIT:
		run(doc)
		return {"status": doc.status, "queued": False}
	try:
		begin(doc, enqueue=True)
	except (ImportFileError, ImportFileAccessError) as e:
		doc.db_set({"status": "Failed", "error": _clean(e)})
		return {"status": "Failed", "queued": False}
	return {"status": jobs.RUNNING, "queued": True}


def run(doc, commit: bool = False) -> None:
	"""The whole import now, chunk by chunk, as the session user (a small file, tests)."""
	try:
		token = begin(doc, enqueue=False)
		jobs.run_to_end(ImportRun(doc.name), token, commit=commit)
	except (ImportFileError, ImportFileAccessError) as e:
		doc.db_set({"status": "Failed", "error": _clean(e)})
	doc.reload()


def begin(doc, enqueue: bool) -> str:
	"""Check the file and the user, clear an earlier run's results and start the run
	(``kol_crm.utils.jobs``); its first job is queued when ``enqueue``. The run's token."""
	frappe.has_permission("KOL", "create", throw=True)
	overwrite_fields(doc.get("overwrite_columns"))
	rows = read_rows(CandidateImport(doc).content())
	frappe.db.delete("KOL Candidate Import Row", {"parent": doc.name, "parenttype": doc.doctype})
	counts = dict.fromkeys(("created_count", "updated_count", "skipped_count", "failed_count"), 0)
	values = {**counts, "error": None, "started_by": frappe.session.user}
	return jobs.start(ImportRun(doc.name), len(rows), values, enqueue=enqueue)


def chunk_size() -> int:
	"""File rows per chunk (a transaction): site config ``kol_import_chunk_size`` (default ``CHUNK``)."""
	return max(cint(frappe.conf.get("kol_import_chunk_size")) or CHUNK, 1)


COUNT_FIELDS = {
	"Created": "created_count",
	"Updated": "updated_count",
	"Skipped": "skipped_count",
	"Failed": "failed_count",
}


class ImportRun(jobs.ResumableRun):
	"""A candidate import in chunks of ``chunk_size()`` rows of its file (``kol_crm.utils.jobs``): the
	chunk's KOLs, its result rows, the import's counts and its checkpoint (rows of the file done)
	written in one transaction, so that a row's KOL is inserted once even when its chunk is done
	again after a crash. Each job reads the file once."""

	kind = "import"
	doctype = "KOL Candidate Import"
	processed_field = "processed_rows"
	total_field = "total_rows"

	def user(self, state: frappe._dict) -> str:
		return state.started_by or state.owner

	def prepare(self, state: frappe._dict) -> None:
		self.importer = CandidateImport(frappe.get_doc(self.doctype, self.name))
		self.error = None
		try:
			self.importer.overwrite = overwrite_fields(state.overwrite_columns)
			self.rows = read_rows(self.importer.content())
		except (ImportFileError, ImportFileAccessError) as e:
			self.error, self.rows = _clean(e), []
		self.importer.replay(self.rows[: cint(state.checkpoint)])

	def chunk(self, state: frappe._dict) -> tuple[int, int, dict, bool]:
		if self.error:  # the file went away or changed since the run started
			return cint(state.checkpoint), 0, {"status": "Failed", "error": self.error}, False
		after = cint(state.checkpoint)
		part = self.rows[after : after + chunk_size()]
		importer = self.importer
		importer.results, importer.counts = [], dict.fromkeys(COUNT_FIELDS, 0)
		for number, _data, error in part:
			if error:
				importer.report(number, "Failed", message=error)
		importer.import_chunk([(n, d) for n, d, err in part if d])
		written = sum(cint(state[COUNT_FIELDS[r]]) for r in ("Updated", "Skipped", "Failed"))
		importer.write_results(written)
		values = {f: cint(state[f]) + importer.counts[r] for r, f in COUNT_FIELDS.items()}
		return after + len(part), len(part), values, after + len(part) >= len(self.rows)

	def finish(self, state: frappe._dict) -> dict:
		return {"status": "Completed with Errors" if cint(state.failed_count) else "Completed", "error": None}

	def describe(self, done: int, total: int) -> str:
		return _("{0} of {1} rows").format(done, total)

	def progress_title(self) -> str:
		return _("Importing KOL candidates")


def run_job(import_name: str) -> None:
	"""A job queued by an earlier version: the import starts again as a resumable run."""
	doc = frappe.get_doc("KOL Candidate Import", import_name)
	begin(doc, enqueue=True)
	frappe.db.commit()
