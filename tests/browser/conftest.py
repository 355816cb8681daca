"""Real-browser tests: headless Chromium (Debian's package) driven by Playwright for Python,
against the test site served on loopback by ``server.py`` for the duration of the session.

Screenshots go to KOL_ARTIFACTS_DIR (scripts/test.sh sets it and copies them into the
checkout's ``test-artifacts/``).
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import frappe
import pytest

from kol_crm.permissions import LINKED_DOCTYPES

CHROMIUM = os.environ.get("KOL_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("KOL_ARTIFACTS_DIR", Path(__file__).resolve().parents[2] / "test-artifacts"))


def _missing_tools() -> str | None:
	try:
		import playwright
	except ImportError:
		return "playwright is not installed in the bench env"
	if not os.path.exists(CHROMIUM):
		return f"chromium not found at {CHROMIUM}"
	return None


def pytest_collection_modifyitems(config, items):
	reason = _missing_tools()
	if reason and not os.environ.get("CI"):
		for item in items:
			if "browser" in str(item.fspath):
				item.add_marker(pytest.mark.skip(reason=reason))


def _free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


@pytest.fixture(scope="session")
def base_url(site):
	port = _free_port()
	ARTIFACTS.mkdir(parents=True, exist_ok=True)
	log = open(ARTIFACTS / "server.log", "w")
	process = subprocess.Popen(
		[sys.executable, str(Path(__file__).with_name("server.py")), site, str(port)],
		cwd=os.getcwd(),
		stdout=log,
		stderr=subprocess.STDOUT,
	)
	url = f"http://127.0.0.1:{port}"
	deadline = time.monotonic() + 60
	while time.monotonic() < deadline:
		try:
			with urllib.request.urlopen(url + "/api/method/ping", timeout=2) as response:
				if response.status == 200:
					break
		except OSError:
			time.sleep(0.3)
	else:
		process.terminate()
		raise RuntimeError("the test web server did not start; see test-artifacts/server.log")
	yield url
	process.terminate()
	process.wait(timeout=20)
	log.close()


@pytest.fixture(scope="session")
def browser():
	reason = _missing_tools()
	if reason:
		pytest.fail(reason)
	from playwright.sync_api import sync_playwright

	with sync_playwright() as playwright:
		browser = playwright.chromium.launch(
			executable_path=CHROMIUM,
			args=[
				"--no-sandbox",
				"--disable-gpu",
				"--disable-quic",
				"--no-first-run",
				"--disable-background-networking",
				"--disable-component-update",
				"--disable-sync",
			],
		)
		yield browser
		browser.close()


@pytest.fixture
def new_page(browser):
	contexts = []

	def make():
		context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
		context.set_default_timeout(30_000)
		contexts.append(context)
		return context.new_page()

	yield make
	for context in contexts:
		context.close()


@pytest.fixture
def shot():
	def take(page, name: str) -> Path:
		path = ARTIFACTS / f"{name}.png"
		page.screenshot(path=str(path), full_page=False)
		return path

	return take


@pytest.fixture
def committed_records():
	"""Names of records the browser made (committed by the web server), deleted afterwards with
	what the app made for them on its own: the records that name a deleted KOL (an interaction
	logged for an email to the KOL, an acknowledgement, a reminder...) and the emails queued about
	a deleted record. A KOL's records outlived it before (two interactions of "Test KOL"s a run)."""
	made = []
	yield made
	frappe.db.rollback()
	frappe.set_user("Administrator")
	for doctype, name in reversed(made):
		if doctype == "KOL":
			delete_records_of_kol(name)
		if frappe.db.exists(doctype, name):
			frappe.delete_doc(doctype, name, force=True)
		for queued in frappe.get_all(
			"Email Queue", filters={"reference_doctype": doctype, "reference_name": name}, pluck="name"
		):
			frappe.delete_doc("Email Queue", queued, force=True)
	frappe.db.commit()


def delete_records_of_kol(kol: str) -> None:
	for doctype in LINKED_DOCTYPES:
		for name in frappe.get_all(doctype, filters={"kol": kol}, pluck="name"):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
