"""What the drills' step scripts (drill_*.py) share: running one step from the command line, and
stalling and resuming a resumable run (kol_crm/utils/jobs.py) as the scheduler would.

A step script is run by path (``python drill_x.py SITE STEP``), so this file is imported from the
script's own folder, in the checkout or in the bench's copy of the app alike.
"""

import json
import sys

import frappe
from frappe.utils import add_to_date, now_datetime

STALLED_MINUTES = 11  # past jobs.STALL_MINUTES (10): the resume task takes the run


def main(steps: dict) -> None:
	"""``python drill_x.py SITE STEP`` from the bench's sites folder: the step's answer as JSON."""
	site, step = sys.argv[1], sys.argv[2]
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		print(json.dumps(steps[step](), default=str))
	finally:
		frappe.destroy()


def stall_run(doctype: str, name: str) -> None:
	"""The run's heartbeat put ``STALLED_MINUTES`` back, as if its worker had died then."""
	frappe.db.set_value(
		doctype,
		name,
		"heartbeat",
		add_to_date(now_datetime(), minutes=-STALLED_MINUTES),
		update_modified=False,
	)
	frappe.db.commit()


def resume_runs(kind: str) -> list[str]:
	"""The scheduler's task (tasks.resume_stalled_runs): the names of the runs of ``kind`` it queued."""
	from kol_crm.utils import jobs

	resumed = jobs.resume_stalled()
	frappe.db.commit()
	return [name for run_kind, name in resumed if run_kind == kind]
