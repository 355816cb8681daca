"""Scheduler entry points (thin): the logic lives in kol_crm.kol_crm.*."""

from kol_crm.intelligence import reminders, reviews, scoring, tiers
from kol_crm.kol_crm.report import utils as reporting


def daily() -> None:
	reporting.use_prepared_reports()
	tiers.lift_expired_suspensions()
	reviews.run_inactivity_review()
	reminders.run_follow_ups()
	reminders.run_occasion_reminders()


def nightly_scores() -> None:
	scoring.recompute_all()


def send_sequence_steps() -> None:
	from kol_crm.outreach import sequences

	sequences.send_due_steps()


def process_received_applications() -> None:
	from kol_crm.intake import applications

	applications.process_received_applications()
