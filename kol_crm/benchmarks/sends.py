"""Sends per hour: how fast a bulk outreach is queued and how fast the queue goes out.

	bench --site kol-load.localhost execute kol_crm.benchmarks.sends.run --kwargs "{'kols': 500}"

1. **Queueing.** A bulk outreach to ``kols`` benchmark KOLs (``KOLB-…``, which ``scripts/load.sh``
   or ``kol_crm.benchmarks.run`` made; those without an address get one at ``kol-bench.example``) starts a KOL Bulk Run, and this process works through it
   as one RQ worker would (``kol_crm.utils.jobs.work``: chunks of ``kol_bulk_chunk_size`` KOLs,
   each rendered, recorded as a Communication and an interaction, queued in Email Queue and
   committed). KOLs per second, per hour.
2. **Sending.** The Email Queue flushed to the outgoing account's SMTP server as Frappe's scheduler
   does it (``frappe.email.queue.flush``: ``email_queue_batch_size`` emails a call, default 500,
   once per ``scheduler_interval``, default 240 s). Emails per second, and the ceiling those two
   settings put on a site: ``batch / interval * 3600`` an hour.

It needs an outgoing Email Account: the demo's, on the local SMTP server of ``scripts/mail.sh``
(``scripts/demo.sh`` sets both up). Use a dedicated site: it emails the benchmark KOLs, and removes
what it made afterwards (Communications, their interactions and Email Queue rows; not the KOL
Bulk Run, nor the KOLs' ``last_interaction_on``). Not a test.
"""

import time

import frappe
from frappe.email.queue import flush as flush_queue
from frappe.query_builder.functions import Concat, IfNull, Lower
from frappe.utils import cint, now_datetime

from kol_crm.benchmarks.data import PREFIX
from kol_crm.outreach import bulk
from kol_crm.outreach import email as outreach
from kol_crm.utils import jobs

DEFAULT_INTERVAL = 240  # Frappe's scheduler_interval: its "all" events, Email Queue flush among them
DEFAULT_BATCH = 500  # Frappe's email_queue_batch_size
FIRST_OUTREACH = "KOL First Outreach"  # the template kol_crm installs


def run(kols: int = 500, template: str = FIRST_OUTREACH, flush: bool = True, cleanup: bool = True) -> dict:
	frappe.set_user("Administrator")
	names = frappe.get_all(
		"KOL",
		filters={"name": ("like", f"{PREFIX}%"), "do_not_contact": 0},
		pluck="name",
		order_by="name",
		limit=int(kols),
	)
	if not names:
		frappe.throw(
			f"No benchmark KOLs ({PREFIX}…) on {frappe.local.site}: run kol_crm.benchmarks.run first"
		)
	_give_addresses(names)
	outreach.ensure_outgoing_account()
	started = now_datetime()
	queued_before = frappe.db.count("Email Queue", {"status": "Not Sent"})

	t0 = time.perf_counter()
	result = bulk.start_run("send_outreach", names, {"template": template})
	frappe.db.commit()
	state = frappe.db.get_value(bulk.RUN, result["run"], ["run_token"], as_dict=True)
	jobs.run_to_end(bulk.BulkRun(result["run"]), state.run_token, commit=True)
	queue_seconds = time.perf_counter() - t0
	run_doc = frappe.db.get_value(
		bulk.RUN, result["run"], ["status", "done_count", "skipped_count", "failed_count"], as_dict=True
	)
	queued = frappe.db.count("Email Queue", {"status": "Not Sent"}) - queued_before

	figures = {
		"kols": len(names),
		"run": result["run"],
		"status": run_doc.status,
		"done": run_doc.done_count,
		"skipped": run_doc.skipped_count,
		"failed": run_doc.failed_count,
		"queued_emails": queued,
		"queue_seconds": round(queue_seconds, 2),
		"queued_per_hour": round(run_doc.done_count / queue_seconds * 3600) if queue_seconds else None,
		"chunk_size": bulk.chunk_size(),
	}
	if flush:
		batch = cint(frappe.conf.email_queue_batch_size) or DEFAULT_BATCH
		interval = cint(frappe.conf.scheduler_interval) or DEFAULT_INTERVAL
		t0 = time.perf_counter()
		calls = 0
		while (
			frappe.db.count("Email Queue", {"status": "Not Sent", "creation": (">=", started)})
			and calls < 100
		):
			flush_queue()
			frappe.db.commit()
			calls += 1
		send_seconds = time.perf_counter() - t0
		sent = frappe.db.count("Email Queue", {"status": "Sent", "creation": (">=", started)})
		figures.update(
			sent=sent,
			send_seconds=round(send_seconds, 2),
			sent_per_hour=round(sent / send_seconds * 3600) if send_seconds else None,
			flush_calls=calls,
			batch_size=batch,
			scheduler_interval=interval,
			scheduler_ceiling_per_hour=round(batch / interval * 3600),
		)
	if cleanup:
		_remove(names, started)
	print(figures)
	return figures


def _give_addresses(names: list[str]) -> None:
	"""The generator leaves benchmark KOLs without an address: one on a reserved domain each."""
	kol = frappe.qb.DocType("KOL")
	(
		frappe.qb.update(kol)
		.set(kol.email, Concat(Lower(kol.name), "@kol-bench.example"))
		.where(kol.name.isin(names) & (IfNull(kol.email, "") == ""))
	).run()
	frappe.db.commit()


def _remove(names: list[str], since) -> None:
	"""What the run made: the Communications to these KOLs since ``since``, their interactions and
	queued emails (the KOL Bulk Run stays, as the record of the run)."""
	comms = frappe.get_all(
		"Communication",
		filters={"reference_doctype": "KOL", "reference_name": ("in", names), "creation": (">=", since)},
		pluck="name",
	)
	for start in range(0, len(comms), 500):
		part = comms[start : start + 500]
		frappe.db.delete("KOL Interaction", {"communication": ("in", part)})
		frappe.db.delete("Communication Link", {"parent": ("in", part)})
		queues = frappe.get_all("Email Queue", filters={"communication": ("in", part)}, pluck="name")
		if queues:
			frappe.db.delete("Email Queue Recipient", {"parent": ("in", queues)})
			frappe.db.delete("Email Queue", {"name": ("in", queues)})
		frappe.db.delete("Communication", {"name": ("in", part)})
	frappe.db.commit()
