"""The WSGI application scripts/serve.sh gives gunicorn: Frappe's own, serving KOL_SERVE_SITE for
every request whatever its Host header (as `bench serve --site` does), so that
http://127.0.0.1:PORT reaches the site."""

import os

import frappe.app

frappe.app._site = os.environ["KOL_SERVE_SITE"]
application = frappe.app.application
