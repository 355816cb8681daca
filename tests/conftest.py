"""pytest against a real Frappe site.

Run through ``scripts/test.sh`` (it creates the bench and the test site). The site name
comes from KOL_TEST_SITE and pytest runs from the bench's ``sites`` folder.

Every test runs as Administrator inside a transaction that is rolled back afterwards;
users and other shared records are created once per session and committed.
"""

import os

import frappe
import pytest

SITE = os.environ.get("KOL_TEST_SITE", "kol-test.localhost")


@pytest.fixture(scope="session", autouse=True)
def site():
	frappe.init(site=SITE, sites_path=os.environ.get("KOL_SITES_PATH", os.getcwd()))
	frappe.connect()
	frappe.flags.in_test = True
	frappe.clear_cache()
	from tests import factories

	factories.ensure_users()
	frappe.db.commit()
	yield SITE
	frappe.db.rollback()
	frappe.destroy()


@pytest.fixture(autouse=True)
def rollback(site):
	frappe.set_user("Administrator")
	frappe.local.message_log = []
	yield
	frappe.db.rollback()
	# cached documents a rolled-back test saved would outlive the rollback
	frappe.clear_document_cache("KOL CRM Settings", "KOL CRM Settings")
	frappe.local.kol_crm_tiers = None
	# Frappe keeps the outgoing Email Account it found for the process: a rolled-back one would
	# queue the next tests' emails (and a test that commits would commit them)
	frappe.local.outgoing_email_account = {}
	frappe.set_user("Administrator")
	frappe.local.message_log = []


def pytest_terminal_summary(terminalreporter):
	"""The security matrix's size and timing, when it ran (tests/test_security_matrix.py)."""
	import sys

	matrix = sys.modules.get("tests.test_security_matrix")
	if matrix and (line := matrix.summary()):
		terminalreporter.write_line(line)
