"""Serve one site on loopback for the browser tests: ``python server.py SITE PORT`` (cwd: sites)."""

import os
import sys

import frappe.app
from werkzeug.middleware.shared_data import SharedDataMiddleware
from werkzeug.serving import run_simple


def main(site: str, port: int) -> None:
	frappe.app._site = site
	frappe.app._sites_path = "."
	application = SharedDataMiddleware(frappe.app.application, {"/assets": os.path.abspath("assets")})
	run_simple("127.0.0.1", port, application, threaded=True, use_reloader=False, use_debugger=False)


if __name__ == "__main__":
	main(sys.argv[1], int(sys.argv[2]))
