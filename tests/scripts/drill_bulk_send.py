"""The steps of tests/scripts/drill_bulk_send.sh, run with the bench's Python from its sites folder:

	python drill_bulk_send.py SITE STEP

setup    drill KOLs (committed) and, when the site has no outgoing Email Account, a drill one
         (its emails stay in the Email Queue: no mail server is contacted)
start    a bulk outreach send to every drill KOL, as Administrator: a KOL Bulk Run, its first job queued
state    the run's state, as JSON
stall    the run's heartbeat put 11 minutes back (as if its worker had died 11 minutes ago)
resume   the scheduler's task that resumes stalled runs
verify   how many emails (Communications, Email Queue rows) each drill KOL got; JSON
cleanup  the drill's KOLs, their emails and interactions, its runs and its Email Account deleted
"""

import drill_steps
import frappe
from frappe.query_builder.functions import Count

KOLS = 60
PREFIX = "Drill Bulk KOL"
ACCOUNT = "KOL Drill Outbox"
TEMPLATE = "KOL First Outreach"
ACTION = "send_outreach"


def drill_kols() -> list[str]:
	return frappe.get_all("KOL", filters={"kol_name": ("like", PREFIX + "%")}, pluck="name", order_by="name")


def drill_runs() -> list[str]:
	"""The bulk runs of the drill's KOLs, newest first."""
	parents = frappe.get_all(
		"KOL Bulk Run Row", filters={"kol": ("in", drill_kols() or [""])}, pluck="parent", distinct=True
	)
	return frappe.get_all(
		"KOL Bulk Run", filters={"name": ("in", parents or [""])}, pluck="name", order_by="creation desc"
	)


def current_run() -> str | None:
	runs = drill_runs()
	return runs[0] if runs else None


def setup() -> dict:
	cleanup()
	if not frappe.db.exists("Email Account", {"enable_outgoing": 1, "default_outgoing": 1}):
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": ACCOUNT,
				"email_id": "kol-drill@drill.example",
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": "smtp.drill.example",
				"no_smtp_authentication": 1,
				"awaiting_password": 1,
			}
		).insert(ignore_permissions=True)
	for i in range(KOLS):
		frappe.get_doc(
			{
				"doctype": "KOL",
				"kol_name": f"{PREFIX} {i:03d}",
				"intake_path": "External Intake",
				"intake_purpose": "Acquisition",
				"program_type": "Paid",
				"email": f"drill-bulk-{i}@drill.example",
				"platform_accounts": [
					{"platform": "Bilibili", "handle": f"@drillbulk{i}", "followers": 100 + i}
				],
			}
		).insert(ignore_permissions=True)
	frappe.db.commit()
	return {"kols": len(drill_kols())}


def start() -> dict:
	from kol_crm.outreach import bulk

	started = bulk.send_outreach(drill_kols(), TEMPLATE)  # more than INLINE_LIMIT: a run, queued
	frappe.db.commit()
	return {**started, **state()}


def state() -> dict:
	run = current_run()
	if not run:
		return {}
	return frappe.db.get_value(
		"KOL Bulk Run",
		run,
		["name", "status", "checkpoint", "processed", "total", "done_count", "skipped_count", "failed_count"],
		as_dict=True,
	)


def stall() -> dict:
	drill_steps.stall_run("KOL Bulk Run", current_run())
	return state()


def resume() -> dict:
	return {"resumed": drill_steps.resume_runs("bulk"), **state()}


def verify() -> dict:
	names = drill_kols()
	comm = frappe.qb.DocType("Communication")
	sent = dict(
		frappe.qb.from_(comm)
		.select(comm.reference_name, Count("*"))
		.where((comm.reference_doctype == "KOL") & comm.reference_name.isin(names))
		.groupby(comm.reference_name)
		.run()
	)
	queue = frappe.qb.DocType("Email Queue")
	queued = dict(
		frappe.qb.from_(queue)
		.join(comm)
		.on(comm.name == queue.communication)
		.select(comm.reference_name, Count("*"))
		.where((comm.reference_doctype == "KOL") & comm.reference_name.isin(names))
		.groupby(comm.reference_name)
		.run()
	)
	counts = [sent.get(n, 0) for n in names]
	queues = [queued.get(n, 0) for n in names]
	results = frappe.get_all(
		"KOL Bulk Run Row",
		filters={"parent": current_run()},
		fields=["result", "count(name) as n"],
		group_by="result",
	)
	return {
		"kols": len(names),
		"emailed_once": counts.count(1),
		"never_emailed": counts.count(0),
		"most_emails_of_one_kol": max(counts, default=0),
		"most_queued_of_one_kol": max(queues, default=0),
		"queued_once": queues.count(1),
		"rows": {r.result: r.n for r in results},
		"state": state(),
	}


def cleanup() -> dict:
	names = drill_kols()
	comms = frappe.get_all(
		"Communication",
		filters={"reference_doctype": "KOL", "reference_name": ("in", names or [""])},
		pluck="name",
	)
	for queue in frappe.get_all(
		"Email Queue", filters={"communication": ("in", comms or [""])}, pluck="name"
	):
		frappe.db.delete("Email Queue Recipient", {"parent": queue})
		frappe.db.delete("Email Queue", {"name": queue})
	frappe.db.delete("KOL Interaction", {"kol": ("in", names or [""])})
	frappe.db.delete("Communication Link", {"parent": ("in", comms or [""])})
	frappe.db.delete("Communication", {"name": ("in", comms or [""])})
	for run in drill_runs():
		frappe.db.delete("KOL Bulk Run Row", {"parent": run})
		frappe.db.delete("KOL Bulk Run", {"name": run})
	for name in names:
		frappe.delete_doc("KOL", name, ignore_permissions=True, force=True)
	if frappe.db.exists("Email Account", ACCOUNT):
		frappe.delete_doc("Email Account", ACCOUNT, ignore_permissions=True, force=True)
	frappe.db.commit()
	return {"deleted": len(names), "emails": len(comms)}


STEPS = {f.__name__: f for f in (setup, start, state, stall, resume, verify, cleanup)}

if __name__ == "__main__":
	drill_steps.main(STEPS)
