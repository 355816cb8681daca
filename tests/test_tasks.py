"""The scheduler runs the daily jobs and the nightly rescore."""

import frappe

from kol_crm import tasks
from tests import factories as f
from tests import ops_helpers as h


def test_jobs_are_scheduled():
	events = frappe.get_hooks("scheduler_events")
	assert "kol_crm.tasks.daily" in events["daily"]
	assert any("kol_crm.tasks.nightly_scores" in jobs for jobs in events["cron"].values())


def test_daily_job_runs_every_step_under_a_frozen_clock():
	with h.frozen("2026-12-01"):
		kol = f.make_kol(
			occasions=[{"occasion": "Birthday", "occasion_date": "1990-12-05", "repeats_yearly": 1}]
		)
	with h.frozen("2026-12-02"):
		tasks.daily()  # birthday on 12-05 is within the 7 lead days
	with h.frozen("2026-12-09"):
		tasks.daily()  # the follow-up planned for 12-08 is overdue
	kinds = sorted(frappe.get_all("KOL Reminder", filters={"kol": kol.name}, pluck="reminder_type"))
	assert kinds == ["Follow-up", "Occasion"]
