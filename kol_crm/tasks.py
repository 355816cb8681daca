"""Scheduler entry points (thin): the logic lives in the intelligence, outreach, intake and settlements packages."""

from kol_crm.intake import applications
from kol_crm.intelligence import deliverables, recompute, reminders, reviews, tiers
from kol_crm.kol_crm.report import utils as reporting
from kol_crm.outreach import outage, sequences
from kol_crm.settlements import statements
from kol_crm.utils import jobs


def daily() -> None:
	reporting.use_prepared_reports()
	tiers.lift_expired_suspensions()
	reviews.run_inactivity_review()
	reminders.run_follow_ups()
	reminders.run_occasion_reminders()
	deliverables.run_deliverable_reminders()


def nightly_scores() -> None:
	recompute.enqueue_recompute()


def resume_stalled_recompute() -> None:
	recompute.resume_stalled()


def resume_stalled_runs() -> None:
	jobs.resume_stalled()


def send_sequence_steps() -> None:
	sequences.send_due_steps()


def process_received_applications() -> None:
	applications.process_received_applications()


def requeue_unsent_email() -> None:
	outage.requeue_unsent()


def draft_settlement_statements() -> None:
	statements.monthly()
