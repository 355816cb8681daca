"""KOL State Change: the log of every KOL's workflow states, one row per change.

The KOL controller writes a row when a KOL is created (``from_state`` empty, ``changed_on`` its
creation) and on every save that changes its ``workflow_state``, whatever made the save: a
workflow action in the desk, a bulk transition, the Kanban board, the portal, the platform's
API, a REST ``PUT``, a review marking it Dormant, a merge. KOL Pipeline reads this log in one
indexed pass instead of parsing the KOLs' Version history.

A KOL merged into another hands its rows to the kept KOL, as Frappe's merge does with every
record that links it (and with its Versions, which KOL Pipeline used to read). A deleted KOL's
rows go with it.

``backfill`` writes the log of KOLs from before it existed, from their Version history (the
parsing KOL Pipeline used to do), in batches; a KOL that already has rows is left alone, so a
second run adds nothing.
"""

import json
import re
from collections.abc import Iterable

import frappe
from frappe.utils import get_datetime, now_datetime

from kol_crm.workflows.base import changed_state

DOCTYPE = "KOL State Change"
# the columns a bulk insert fills (the standard ones first)
COLUMNS = (
	"name",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"docstatus",
	"kol",
	"intake_path",
	"from_state",
	"to_state",
	"changed_on",
	"changed_by",
	"stay_seconds",
)
BATCH = 5000  # KOLs per backfill step


# ------------------------------------------------------------------ the live log (KOL events)


def log_first_state(doc) -> None:
	"""KOL.after_insert: the state the KOL starts in, at its creation."""
	record(doc.name, None, doc.workflow_state, doc.creation, intake_path=doc.intake_path)


def log_state_change(doc) -> None:
	"""KOL.on_update: a row when this save changed the KOL's workflow state."""
	from_state, to_state = changed_state(doc)
	if to_state:
		record(doc.name, from_state, to_state, doc.modified, intake_path=doc.intake_path)


def record(
	kol: str,
	from_state: str | None,
	to_state: str | None,
	changed_on=None,
	changed_by: str | None = None,
	intake_path: str | None = None,
):
	"""One row of the log (written by the system, whoever the user is), with how long the KOL
	was in ``from_state``: since its previous row, or its creation when it has none."""
	if not to_state:
		return None
	changed_on = get_datetime(changed_on or now_datetime())
	if not intake_path:
		intake_path = frappe.db.get_value("KOL", kol, "intake_path")
	stay = 0  # the first state ends no stay
	if from_state:
		entered = frappe.db.get_value(
			DOCTYPE,
			{"kol": kol, "changed_on": ("<=", changed_on)},
			"changed_on",
			order_by="changed_on desc, name desc",
		) or frappe.db.get_value("KOL", kol, "creation")
		stay = seconds_between(entered, changed_on)
	return frappe.get_doc(
		{
			"doctype": DOCTYPE,
			"kol": kol,
			"intake_path": intake_path,
			"from_state": from_state or None,
			"to_state": to_state,
			"changed_on": changed_on,
			"changed_by": changed_by or frappe.session.user,
			"stay_seconds": stay,
		}
	).insert(ignore_permissions=True)  # a log the system keeps: nobody creates its rows by hand


def seconds_between(start, end) -> int:
	"""Whole seconds from ``start`` to ``end``, each cut to its second (as SQL's TO_SECONDS)."""
	if not start or not end:
		return 0
	start, end = get_datetime(start).replace(microsecond=0), get_datetime(end).replace(microsecond=0)
	return int((end - start).total_seconds())


def delete_kol_changes(kol: str) -> None:
	"""KOL.on_trash: a deleted KOL's rows go with it."""
	frappe.db.delete(DOCTYPE, {"kol": kol})


# ------------------------------------------------------------------ the Version history


# ["workflow_state", "<old>", "<new>"] inside a Version's "changed" list
STATE_CHANGE = re.compile(
	r'\[\s*"workflow_state"\s*,\s*("(?:[^"\\]|\\.)*"|null)\s*,\s*("(?:[^"\\]|\\.)*"|null)\s*\]'
)


def _json_string(token: str) -> str | None:
	if token == "null":
		return None
	return json.loads(token) if "\\" in token else token[1:-1]


def state_change(data: str) -> tuple[str | None, str | None] | None:
	"""(old, new) workflow state of a Version's data, or None when the state didn't change."""
	match = STATE_CHANGE.search(data)
	if match:
		return _json_string(match.group(1)), _json_string(match.group(2))
	for change in json.loads(data).get("changed") or []:  # unusual formatting
		if change and change[0] == "workflow_state":
			return change[1], change[2]
	return None


def rows_from_versions(kol: tuple, versions: Iterable[tuple]) -> list[tuple]:
	"""The log of one KOL from its Version history:
	(kol, intake path, from, to, changed_on, changed_by, seconds in from).

	``kol`` is (name, creation, owner, current state, intake path); ``versions`` are (creation,
	owner, data) in order. The first row is the KOL's first state at its creation: the state its
	first change left, or its current state when it never changed."""
	name, created, owner, current, path = kol
	changes, entered = [], created
	for changed_on, changed_by, data in versions:
		change = state_change(data)
		if change and change[1]:
			stay = seconds_between(entered, changed_on) if change[0] else 0
			changes.append((name, path, change[0], change[1], changed_on, changed_by, stay))
			entered = changed_on
	first = (changes[0][2] if changes else None) or current
	if not first:
		return changes
	return [(name, path, None, first, created, owner, 0), *changes]


def backfill(batch: int = BATCH, kols: list[str] | None = None) -> int:
	"""Write the log of every KOL (or of ``kols``) that has none yet, from its Version history.

	Reads the KOLs in batches of ``batch``, their state-changing Versions in one query per batch,
	and inserts each batch's rows in multi-row INSERTs. Returns how many rows it wrote."""
	kol = frappe.qb.DocType("KOL")
	log = frappe.qb.DocType(DOCTYPE)
	version = frappe.qb.DocType("Version")
	written, last = 0, ""
	while True:
		query = (
			frappe.qb.from_(kol)
			.left_join(log)
			.on(log.kol == kol.name)
			.select(kol.name, kol.creation, kol.owner, kol.workflow_state, kol.intake_path)
			.where(kol.name > last)
			.where(log.name.isnull())  # a KOL with rows keeps them: a second run adds nothing
			.groupby(kol.name)
			.orderby(kol.name)
			.limit(batch)
		)
		if kols is not None:
			query = query.where(kol.name.isin(list(kols) or [""]))
		chunk = query.run()
		if not chunk:
			return written
		last = chunk[-1][0]
		history: dict[str, list[tuple]] = {}
		for docname, creation, owner, data in (
			frappe.qb.from_(version)
			.select(version.docname, version.creation, version.owner, version.data)
			.where(version.ref_doctype == "KOL")
			.where(version.docname.isin([row[0] for row in chunk]))
			.where(version.data.like('%"workflow_state"%'))
			.orderby(version.docname)
			.orderby(version.creation)
			.orderby(version.name)
			.run()
		):
			history.setdefault(docname, []).append((creation, owner, data))
		rows = []
		for row in chunk:
			rows += rows_from_versions(row, history.get(row[0], ()))
		written += insert_rows(rows)


def insert_rows(rows: list[tuple]) -> int:
	"""Insert log rows (kol, intake path, from, to, changed_on, changed_by, seconds in from) in
	multi-row INSERTs, their names taken from the DocType's sequence in one step. Returns how many."""
	if not rows:
		return 0
	first = frappe.db.get_next_sequence_val(DOCTYPE)
	if len(rows) > 1:
		# reserve the names first .. first + n - 1: the next row the app writes gets the one after
		frappe.db.set_next_sequence_val(DOCTYPE, first + len(rows) - 1, is_val_used=True)
	now = now_datetime()
	values = [(first + i, now, now, "Administrator", "Administrator", 0, *row) for i, row in enumerate(rows)]
	frappe.db.bulk_insert(DOCTYPE, list(COLUMNS), values, chunk_size=2000)
	return len(values)
