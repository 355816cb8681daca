"""Background work that survives a killed worker or a restarted Redis, and a helper for daily jobs.

``for_each``: the daily jobs' loop; one bad KOL is logged and skipped, never stops the run.

Resumable runs (bulk actions on KOLs, the candidate import): work split into chunks, each a
transaction of its own, with a *run record* (a document) holding the run's state:

- ``status`` ("Running" while there is work left), ``run_token`` (which run the jobs belong to),
  ``checkpoint`` (the last item done, an integer position), ``processed`` and ``total`` (shown as
  ``progress``), the run's counts, and ``heartbeat`` (when the last chunk was committed).
- A job locks the run record (``SELECT ... FOR UPDATE``), does the chunk after the checkpoint and
  writes the chunk's effects, the new checkpoint, its counts and the heartbeat in one transaction.
  A worker killed in the middle of a chunk leaves none of it; the chunk is done again by the job
  that resumes the run. A job whose token or checkpoint is not the stored one does nothing: a
  duplicate of a chunk already done, or a job of a run started again.
- A job goes on with the next chunks for about ``JOB_SECONDS`` (what it read once, such as a
  file, is kept between them), then queues the next job on the long queue and ends.
- ``resume_stalled`` (scheduler, every five minutes) queues again every run whose heartbeat is
  ``STALL_MINUTES`` old or older: its job was lost (worker killed, Redis restarted without
  persistence) and nobody else will queue it. A job still working (a slow chunk) is not harmed: the
  queued one waits for its lock, then finds the checkpoint moved and does nothing.

A kind of run subclasses ``ResumableRun`` (its DocType, what a chunk does, what its end does) and is
named in ``KINDS``; ``start`` begins a run, ``run_job`` is the queued job, and
``run_to_end`` does a whole run in the current request (small selections, tests).
"""

import time
from collections.abc import Callable, Iterable
from datetime import datetime

import frappe
from frappe import _
from frappe.utils import add_to_date, cint, get_datetime, now_datetime


def for_each(items: Iterable, fn: Callable, title: str) -> list:
	"""Call ``fn(item)`` inside a savepoint per item; failures are rolled back and logged."""
	done = []
	for item in items:
		frappe.db.savepoint("kol_job_item")
		try:
			fn(item)
		except Exception:
			frappe.db.rollback(save_point="kol_job_item")
			frappe.log_error(title=title.format(item.get("name") if isinstance(item, dict) else item))
			continue
		frappe.db.release_savepoint("kol_job_item")
		done.append(item)
	return done


# ------------------------------------------------------------------ resumable runs

RUNNING = "Running"
STALL_MINUTES = 10
JOB_SECONDS = 30
JOB_METHOD = "kol_crm.utils.jobs.run_job"
# the run record's fields the mechanism reads and writes (each run DocType has them; the
# processed and total counts are named by the kind's ``processed_field`` and ``total_field``)
STATE_FIELDS = ("status", "run_token", "checkpoint", "progress", "heartbeat")

# every kind of run, by the name its jobs carry: named here (not imported) so that a worker and
# the scheduler know them all without this package importing the packages that use it
KINDS = {
	"bulk": "kol_crm.outreach.bulk.BulkRun",
	"import": "kol_crm.intake.candidate_import.ImportRun",
}


class ResumableRun:
	"""One run record of a kind of resumable work. Subclasses set ``kind`` and ``doctype`` and
	implement ``chunk``; ``prepare`` (once per job), ``finish``, ``user`` and ``describe`` are optional."""

	kind: str = ""
	doctype: str = ""
	processed_field = "processed"
	total_field = "total"

	def __init__(self, name: str):
		self.name = name

	# -- what a kind says
	def user(self, state: frappe._dict) -> str:
		"""Whom the jobs run as: the user who started the run (their permissions apply)."""
		return state.owner

	def prepare(self, state: frappe._dict) -> None:
		"""Once per job, before its first chunk: read what every chunk needs."""

	def chunk(self, state: frappe._dict) -> tuple[int, int, dict, bool]:
		"""Do the items after ``state.checkpoint`` (the run record is locked; do not commit):
		(new checkpoint, items done, values to store on the run record, whether the run is done)."""
		raise NotImplementedError

	def finish(self, state: frappe._dict) -> dict:
		"""Values stored when the last chunk is done (a final status at least)."""
		return {"status": "Completed"}

	def after_finish(self, state: frappe._dict) -> None:
		"""After the last chunk's commit (e.g. a realtime event)."""

	def describe(self, done: int, total: int) -> str:
		return _("{0} of {1}").format(done, total)

	def progress_title(self) -> str:
		return _("Working in the background")

	def progress_on_record(self) -> bool:
		"""Whether the progress bar shows on the run record's form (else: wherever its user is in
		the desk)."""
		return True

	# -- the run record
	def read_state(self, for_update: bool = False) -> frappe._dict | None:
		return frappe.db.get_value(self.doctype, self.name, "*", as_dict=True, for_update=for_update)

	def write_state(self, values: dict) -> None:
		frappe.db.set_value(self.doctype, self.name, values, update_modified=False)


def run_class(kind: str) -> type[ResumableRun]:
	if kind not in KINDS:
		frappe.throw(_("Unknown kind of background run: {0}").format(kind))
	return frappe.get_attr(KINDS[kind])


def start(run: ResumableRun, total: int, values: dict | None = None, enqueue: bool = True) -> str:
	"""Begin (or begin again) the run from its first item; queue its first job unless
	``enqueue`` is false (``run_to_end`` does the work now). The run's token."""
	token = frappe.generate_hash(length=10)
	run.write_state(
		{
			**(values or {}),
			"status": RUNNING,
			"run_token": token,
			"checkpoint": 0,
			run.processed_field: 0,
			run.total_field: total,
			"progress": run.describe(0, total),
			"heartbeat": now_datetime(),
		}
	)
	if enqueue:
		enqueue_job(run, token, 0)
	return token


def enqueue_job(run: ResumableRun, token: str, after: int, after_commit: bool = True, resumed: bool = False):
	job_id = f"kol_crm:{run.kind}:{run.name}:{token}:{after}"
	if resumed:  # the lost job's id may still be in a registry
		job_id += ":" + frappe.generate_hash(length=6)
	frappe.enqueue(
		JOB_METHOD,
		queue="long",
		timeout=1800,
		job_id=job_id,
		deduplicate=True,
		enqueue_after_commit=after_commit,
		kind=run.kind,
		name=run.name,
		token=token,
		after=after,
	)


def run_job(
	kind: str,
	name: str,
	token: str,
	after: int = 0,
	commit: bool = True,
	enqueue_next: bool = True,
	max_chunks: int | None = None,
) -> int:
	"""Background job: the chunks of run ``name`` from checkpoint ``after``, for about
	``JOB_SECONDS``, then the next job is queued. The number of chunks done (0: a stale job)."""
	return work(run_class(kind)(name), token, after, commit, enqueue_next, max_chunks)


def work(
	run: ResumableRun,
	token: str,
	after: int,
	commit: bool = True,
	enqueue_next: bool = True,
	max_chunks: int | None = None,
) -> int:
	"""``run_job`` for a run object."""
	deadline = time.monotonic() + JOB_SECONDS
	chunks, prepared = 0, False
	while True:
		state = run.read_state(for_update=True)
		if (
			not state
			or state.status != RUNNING
			or state.run_token != token
			or cint(state.checkpoint) != cint(after)
		):
			if commit:
				frappe.db.commit()  # release the lock
			return chunks
		if frappe.session.user != (user := run.user(state)):
			frappe.set_user(user)
		if not prepared:
			run.prepare(state)
			prepared = True
		after, done, values, finished = run.chunk(state)
		processed = cint(state[run.processed_field]) + done
		total = max(cint(state[run.total_field]), processed)
		values = {
			**values,
			"checkpoint": after,
			run.processed_field: processed,
			run.total_field: total,
			"progress": run.describe(processed, total),
			"heartbeat": now_datetime(),
		}
		if finished:
			values.update(run.finish(frappe._dict({**state, **values})))
		run.write_state(values)
		if commit:
			frappe.db.commit()
		chunks += 1
		frappe.publish_progress(
			100 if finished else processed * 100 / max(total, 1),
			title=run.progress_title(),
			description=values["progress"],
			**({"doctype": run.doctype, "docname": run.name} if run.progress_on_record() else {}),
		)
		if finished:
			run.after_finish(frappe._dict({**state, **values}))
			return chunks
		if (max_chunks and chunks >= max_chunks) or time.monotonic() > deadline:
			if enqueue_next:
				enqueue_job(run, token, after, after_commit=False)
			return chunks


def run_to_end(run: ResumableRun, token: str, commit: bool = False) -> None:
	"""Every chunk of a run just started with ``start(..., enqueue=False)``, in this request."""
	while True:
		state = run.read_state()
		if not state or state.status != RUNNING or state.run_token != token:
			return
		work(run, token, cint(state.checkpoint), commit=commit, enqueue_next=False)


def resume_stalled(now: datetime | None = None) -> list[tuple[str, str]]:
	"""Scheduler, every five minutes: queue again, from its checkpoint, every run whose heartbeat
	is ``STALL_MINUTES`` old or older (its job was lost). The (kind, name) of each run resumed."""
	now = now or now_datetime()
	cutoff = add_to_date(now, minutes=-STALL_MINUTES)
	resumed = []
	for kind in KINDS:
		cls = run_class(kind)
		names = frappe.get_all(
			cls.doctype,
			filters={"status": RUNNING, "heartbeat": ("<=", cutoff)},
			pluck="name",
			order_by="name",
		)
		for name in names:
			run = cls(name)
			state = run.read_state(for_update=True)  # waits for a chunk still being written
			beat = state.heartbeat and get_datetime(state.heartbeat)
			if state.status != RUNNING or (beat and beat > cutoff):
				continue
			run.write_state({"heartbeat": now_datetime()})  # one resume per stall
			enqueue_job(run, state.run_token, cint(state.checkpoint), resumed=True)
			resumed.append((kind, name))
	return resumed
