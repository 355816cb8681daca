"""Recomputing stored scores and tiers: every KOL (nightly, after a settings or tier change) or one.

Scoring (``scoring``) and tier assignment (``tiers``) are pure steps on a document; this module
runs them over stored KOLs and writes only what changed.

Every KOL at once is a *run* made of chunks, each a job on the long queue:

- A chunk is the next ``chunk_size()`` open KOLs by name after the run's checkpoint. It is read in
  two queries (the KOLs, then their platform accounts), scored in memory with the settings, tiers
  and category tree read once, and written in one transaction: KOLs whose scores moved but not
  their tier in one UPDATE per 100 rows (``modified`` is kept: a rescore is not an edit); KOLs
  whose tier moved in a few more statements with their privileges, tier history and timeline
  comment (``move_tiers``). When that fails, and for a KOL whose stored tier no longer exists,
  one KOL at a time (``move_tier``), each in a savepoint so that one failure is logged and
  counted without undoing the chunk.
- The checkpoint (run, last KOL done, counts, heartbeat; in KOL CRM Settings) is written in the
  chunk's transaction. A worker killed in the middle of a chunk leaves neither its scores nor its
  checkpoint, and the chunk is done again by the job that resumes the run. A job whose run or
  checkpoint is no longer the stored one does nothing (a duplicate, or a run replaced by a newer one).
- The next chunk is queued after the commit. ``resume_stalled`` (every five minutes) queues again a
  run whose heartbeat is older than ``STALL_MINUTES``: its worker died with the job.
- The settings form shows the run's status and progress; the desk gets a progress bar.
"""

import frappe
from frappe import _
from frappe.model.naming import set_new_name
from frappe.query_builder import Case
from frappe.utils import add_to_date, cint, get_datetime, now_datetime, sanitize_html

from kol_crm.intelligence import scoring, tiers
from kol_crm.utils.settings import COMPONENTS, get_settings

SETTINGS = "KOL CRM Settings"
CLOSED_STATES = ("Declined", "Dropped", "Offboarded")
DEFAULT_CHUNK_SIZE = 500
WRITE_BATCH = 100
STALL_MINUTES = 10
RUNNING, FINISHED = "Running", "Finished"
# the run's checkpoint in KOL CRM Settings (read-only fields)
STATE_FIELDS = (
	"recompute_status",
	"recompute_progress",
	"recompute_run",
	"recompute_after",
	"recompute_done",
	"recompute_total",
	"recompute_changed",
	"recompute_failed",
	"recompute_heartbeat",
)
SCORE_FIELDS = (
	"score_overall",
	*(f"score_{c}" for c in COMPONENTS),
	"score_unknown",
	"score_unknown_components",
	"score_explanation",
)
# what scoring and tier assignment read, besides the platform accounts
INPUT_FIELDS = (
	"name",
	"kol_name",
	"privilege_status",
	"category",
	"intake_path",
	"intake_purpose",
	"follower_quality",
	"audience_portability",
	"platform_user",
	"platform_account_id",
	"on_platform_posts",
	"on_platform_content",
	"last_active_on_platform",
	"content_quality_rating",
	"fit_rating",
	"tier",
	"tier_pinned",
	"tier_pin_reason",
	"tier_reason",
	*SCORE_FIELDS,
)


def chunk_size() -> int:
	"""KOLs per chunk: site config ``kol_recompute_chunk_size`` (default 500)."""
	return max(cint(frappe.conf.get("kol_recompute_chunk_size")) or DEFAULT_CHUNK_SIZE, 1)


def open_kols(after: str = "", limit: int | None = None) -> list[str]:
	"""Names of the KOLs still in the programme, by name, after ``after``."""
	filters = {"workflow_state": ("not in", CLOSED_STATES)}
	if after:
		filters["name"] = (">", after)
	return frappe.get_all("KOL", filters=filters, pluck="name", order_by="name", limit=limit or 0)


def count_open_kols() -> int:
	return frappe.db.count("KOL", {"workflow_state": ("not in", CLOSED_STATES)})


# ------------------------------------------------------------------ a chunk of KOLs


def chunk_docs(names: list[str]) -> list[frappe._dict]:
	"""The KOLs ``names`` as light rows carrying what scoring reads, in two queries."""
	if not names:
		return []
	rows = frappe.get_all("KOL", filters={"name": ("in", names)}, fields=list(INPUT_FIELDS), order_by="name")
	accounts = frappe.get_all(
		"KOL Platform Account",
		filters={"parenttype": "KOL", "parentfield": "platform_accounts", "parent": ("in", names)},
		fields=["parent", "followers", "engagement_rate", "last_active_on"],
		order_by="parent, idx",
	)
	by_kol: dict[str, list] = {}
	for row in accounts:
		by_kol.setdefault(row.parent, []).append(row)
	for row in rows:
		row.platform_accounts = by_kol.get(row.name, [])
		row.flags = frappe._dict()
	return rows


def rescore_chunk(names: list[str], s=None) -> dict:
	"""Rescore the KOLs ``names``; write what changed. Counts of changed and failed KOLs."""
	s = s or get_settings()
	cache: dict = {}
	tier_list = tiers.all_tiers()
	updates: dict[str, dict] = {}
	tier_moves: list[frappe._dict] = []
	for row in chunk_docs(names):
		before = {f: row.get(f) for f in ("tier", *SCORE_FIELDS)}
		scoring.apply_scores(row, s, cache=cache)
		tiers.assign_tier(row, tier_list)
		if row.tier != before["tier"]:
			row.old_tier = before["tier"]
			tier_moves.append(row)  # tier history and privileges too
		elif any(before[f] != row.get(f) for f in SCORE_FIELDS):
			updates[row.name] = {f: row.get(f) for f in (*SCORE_FIELDS, "tier_reason", "scored_on")}
	write_scores(updates)
	known_tiers = {t.name for t in tier_list}
	# a KOL whose stored tier no longer exists goes alone, through the checks of its links
	alone = [row for row in tier_moves if row.old_tier and row.old_tier not in known_tiers]
	together = [row for row in tier_moves if row not in alone]
	frappe.db.savepoint("kol_rescore")
	try:
		move_tiers(together)
	except Exception:
		frappe.db.rollback(save_point="kol_rescore")
		alone, together = tier_moves, []
	changed, failed = len(updates) + len(together), 0
	for row in alone:
		frappe.db.savepoint("kol_rescore")
		try:
			move_tier(row)
			changed += 1
		except Exception:
			frappe.db.rollback(save_point="kol_rescore")
			failed += 1
			frappe.log_error(title=_("KOL score recompute failed for {0}").format(row.name))
	return {"changed": changed, "failed": failed}


MOVED_FIELDS = (*SCORE_FIELDS, "tier", "tier_reason", "scored_on")


def move_tiers(rows: list[frappe._dict]) -> None:
	"""Store rescored KOLs whose tier moved, a few statements for all of them: what ``move_tier``
	writes for one (scores, tier, ``modified``; the new tier's privileges; a KOL Tier Change and
	a timeline comment each, as ``tiers.log_changes`` words them)."""
	if not rows:
		return
	now, user = now_datetime(), frappe.session.user
	write_scores(
		{
			row.name: {**{f: row.get(f) for f in MOVED_FIELDS}, "modified": now, "modified_by": user}
			for row in rows
		}
	)
	frappe.db.delete(
		"KOL Privilege",
		{"parenttype": "KOL", "parentfield": "privileges", "parent": ("in", [r.name for r in rows])},
	)
	privileges = {}
	common = lambda: (frappe.generate_hash(length=10), now, now, user, user)  # noqa: E731
	privilege_rows, change_rows, comment_rows = [], [], []
	for row in rows:
		if row.tier not in privileges:
			privileges[row.tier] = tiers.tier_privileges(row.tier)
		for idx, (kind, privilege) in enumerate(privileges[row.tier], 1):
			privilege_rows.append(
				(
					*common(),
					row.name,
					"KOL",
					"privileges",
					idx,
					kind,
					privilege,
					row.tier,
					row.privilege_status or tiers.ACTIVE,
				)
			)
		change = tiers.tier_change(row, row.old_tier)
		change_rows.append(
			(
				*common(),
				row.name,
				row.kol_name,
				change["changed_on"],
				user,
				row.old_tier,
				row.tier,
				row.score_overall,
				0,
				change["reason"],
			)
		)
		text = sanitize_html(
			tiers.tier_change_comment(row.old_tier, row.tier, row.tier_reason), always_sanitize=True
		)
		comment_rows.append((*common(), "Info", user, "KOL", row.name, text))
	base = ("name", "creation", "modified", "owner", "modified_by")
	frappe.db.bulk_insert(
		"KOL Privilege",
		(
			*base,
			"parent",
			"parenttype",
			"parentfield",
			"idx",
			"privilege_type",
			"privilege",
			"tier",
			"status",
		),
		privilege_rows,
	)
	frappe.db.bulk_insert(
		"KOL Tier Change",
		(
			*base,
			"kol",
			"kol_name",
			"changed_on",
			"changed_by",
			"from_tier",
			"to_tier",
			"overall_score",
			"pinned",
			"reason",
		),
		change_rows,
	)
	frappe.db.bulk_insert(
		"Comment",
		(*base, "comment_type", "comment_email", "reference_doctype", "reference_name", "content"),
		comment_rows,
	)
	for row in rows:
		frappe.clear_document_cache("KOL", row.name)


def move_tier(row: frappe._dict) -> None:
	"""Store a rescored KOL whose tier moved: its scores, tier, privileges and tier history, as
	its save would, without the rest of the save (validation of fields the rescore didn't touch,
	workflow actions, a Version row: the tier history and the timeline comment record the move)."""
	doc = frappe.get_doc("KOL", row.name, for_update=True)
	doc._doc_before_save = frappe._dict(tier=doc.tier)
	doc.update({f: row.get(f) for f in (*SCORE_FIELDS, "tier", "tier_reason", "scored_on")})
	tiers.sync_privileges(doc)
	for child in doc.privileges:
		if not child.name:
			set_new_name(child)
	doc.modified, doc.modified_by = now_datetime(), frappe.session.user
	doc.db_update()
	doc.update_child_table("privileges")
	tiers.log_changes(doc)
	doc.clear_cache()


def write_scores(updates: dict[str, dict]) -> None:
	"""Store new scores on many KOLs: one UPDATE per ``WRITE_BATCH`` KOLs, ``modified`` kept."""
	kol = frappe.qb.DocType("KOL")
	names = list(updates)
	for start in range(0, len(names), WRITE_BATCH):
		batch = names[start : start + WRITE_BATCH]
		fields = list(updates[batch[0]])
		query = frappe.qb.update(kol).where(kol.name.isin(batch))
		for field in fields:
			case = Case()
			for name in batch:
				case = case.when(kol.name == name, updates[name][field])
			query = query.set(kol[field], case)
		query.run()


# ------------------------------------------------------------------ runs


def read_state(for_update: bool = False) -> frappe._dict:
	"""The run's checkpoint, as stored (``for_update`` locks it until the transaction ends)."""
	singles = frappe.qb.DocType("Singles")
	query = (
		frappe.qb.from_(singles)
		.select(singles.field, singles.value)
		.where((singles.doctype == SETTINGS) & singles.field.isin(STATE_FIELDS))
	)
	if for_update:
		query = query.for_update()
	state = frappe._dict({f: None for f in STATE_FIELDS})
	state.update(dict(query.run()))
	for f in ("recompute_done", "recompute_total", "recompute_changed", "recompute_failed"):
		state[f] = cint(state[f])
	state.recompute_after = state.recompute_after or ""
	return state


def write_state(values: dict) -> None:
	"""Store checkpoint fields without touching the settings' ``modified`` (an open settings form
	must still save)."""
	if "recompute_done" in values or "recompute_total" in values:
		state = {**read_state(), **values}
		values = {
			**values,
			"recompute_progress": _("{0} of {1} KOLs").format(
				state["recompute_done"], state["recompute_total"]
			),
		}
	frappe.db.set_single_value(SETTINGS, values, update_modified=False)


def start_run() -> str:
	"""A new run from the first KOL; replaces a run in progress. Its id."""
	run = frappe.generate_hash(length=10)
	write_state(
		{
			"recompute_status": RUNNING,
			"recompute_run": run,
			"recompute_after": "",
			"recompute_done": 0,
			"recompute_total": count_open_kols(),
			"recompute_changed": 0,
			"recompute_failed": 0,
			"recompute_heartbeat": now_datetime(),
		}
	)
	return run


def enqueue_recompute(after_commit: bool = True) -> str:
	"""Start a run in the background (settings or tier change, nightly, a manager's button)."""
	run = start_run()
	enqueue_chunk(run, "", after_commit=after_commit)
	return _("Recomputing the scores and tiers of every KOL in the background.")


def enqueue_chunk(run: str, after: str, after_commit: bool = True, resumed: bool = False) -> None:
	job_id = f"kol_crm:recompute:{run}:{after}"
	if resumed:  # the lost job's id may still be in a registry
		job_id += ":" + frappe.generate_hash(length=6)
	frappe.enqueue(
		"kol_crm.intelligence.recompute.run_chunk",
		queue="long",
		timeout=1800,
		job_id=job_id,
		deduplicate=True,
		enqueue_after_commit=after_commit,
		run=run,
		after=after,
	)


def run_chunk(run: str, after: str = "", commit: bool = True, enqueue_next: bool = True) -> bool:
	"""Background job: rescore the chunk after the checkpoint ``after`` of ``run`` and move the
	checkpoint. False when the job is stale (another run, or this chunk already done)."""
	state = read_state(for_update=True)
	if state.recompute_status != RUNNING or state.recompute_run != run or state.recompute_after != after:
		if commit:
			frappe.db.commit()  # release the lock
		return False
	names = open_kols(after, chunk_size())
	result = rescore_chunk(names)
	done = state.recompute_done + len(names)
	finished = len(names) < chunk_size()
	values = {
		"recompute_after": names[-1] if names else after,
		"recompute_done": done,
		"recompute_total": max(state.recompute_total, done),
		"recompute_changed": state.recompute_changed + result["changed"],
		"recompute_failed": state.recompute_failed + result["failed"],
		"recompute_heartbeat": now_datetime(),
	}
	if finished:
		values.update({"recompute_status": FINISHED, "scores_recomputed_on": now_datetime()})
	write_state(values)
	if commit:
		frappe.db.commit()
	total = values["recompute_total"]
	frappe.publish_progress(
		100 if finished else done * 100 / max(total, 1),
		title=_("Recomputing KOL scores"),
		description=_("{0} of {1} KOLs").format(done, total),
		doctype=SETTINGS,
		docname=SETTINGS,
	)
	if not finished and enqueue_next:
		enqueue_chunk(run, values["recompute_after"], after_commit=False)
	return True


def recompute_all(commit: bool = True) -> dict:
	"""Rescore every open KOL now, chunk by chunk (install patch, tests, the console)."""
	run = start_run()
	while run_chunk(run, read_state().recompute_after, commit=commit, enqueue_next=False):
		if read_state().recompute_status == FINISHED:
			break
	state = read_state()
	return {
		"kols": state.recompute_done,
		"changed": state.recompute_changed,
		"failed": state.recompute_failed,
	}


def resume_stalled() -> str | None:
	"""Scheduler, every five minutes: queue again a run whose worker died (no heartbeat for
	``STALL_MINUTES``), from its checkpoint. The run's id, when one was resumed."""
	state = read_state(for_update=True)  # waits for a chunk still being written: no deadlock
	if state.recompute_status != RUNNING or not state.recompute_run:
		return None
	beat = state.recompute_heartbeat and get_datetime(state.recompute_heartbeat)
	if beat and beat > add_to_date(now_datetime(), minutes=-STALL_MINUTES):
		return None
	write_state({"recompute_heartbeat": now_datetime()})  # one resume per stall
	enqueue_chunk(state.recompute_run, state.recompute_after, resumed=True)
	return state.recompute_run
