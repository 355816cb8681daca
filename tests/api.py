"""HTTP requests against the real WSGI app, as a logged-in user.

Each request runs in its own thread (as Frappe's own API tests do), so the app opens its
own database connection: the records a request reads must be committed first.
"""

import json
import threading

import frappe
from frappe.app import application
from werkzeug.test import Client

from tests.factories import PASSWORD


class ApiSession:
	"""``remote_addr`` is the address the connection comes from (the WSGI ``REMOTE_ADDR``);
	``forwarded_for`` the X-Forwarded-For header each request sends (by default the same address,
	as a reverse proxy would pass it on; ``""`` sends none). Both can be changed between requests."""

	def __init__(
		self,
		user: str | None = None,
		password: str | None = None,
		remote_addr: str = "127.0.0.1",
		forwarded_for: str | None = None,
	):
		self.client = Client(application, use_cookies=True)
		self.site = frappe.local.site
		self.remote_addr = remote_addr
		self.forwarded_for = remote_addr if forwarded_for is None else forwarded_for
		if user:
			response = self.post("/api/method/login", data={"usr": user, "pwd": password})
			assert response.status_code == 200, response.get_data(as_text=True)

	def request(self, method: str, path: str, headers: dict | None = None, **kwargs):
		result = {}
		# the client address as a reverse proxy passes it on (Frappe reads X-Forwarded-For)
		sent = {"Host": self.site}
		if self.forwarded_for:
			sent["X-Forwarded-For"] = self.forwarded_for
		sent.update(headers or {})

		def run():
			result["response"] = self.client.open(
				path,
				method=method,
				headers=sent,
				environ_base={"REMOTE_ADDR": self.remote_addr},
				**kwargs,
			)
			result["response"].get_data()  # read it while the thread's request context exists

		thread = threading.Thread(target=run)
		thread.start()
		thread.join()
		return result["response"]

	def get(self, path: str, **kwargs):
		return self.request("GET", path, **kwargs)

	def post(self, path: str, **kwargs):
		return self.request("POST", path, **kwargs)

	@staticmethod
	def json(response) -> dict:
		return json.loads(response.get_data(as_text=True) or "{}")


def session_as(user: str | None = None, password: str | None = None) -> ApiSession:
	"""A session logged in as ``user`` (the test users' password by default), or a guest's."""
	return ApiSession(user, password or PASSWORD) if user else ApiSession()


def rest_list(s: ApiSession, doctype: str, expect: int = 200, **params):
	"""GET /api/resource/DOCTYPE with ``params`` (lists and dicts sent as JSON); its ``data``."""
	params.setdefault("limit_page_length", 0)
	query = {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in params.items()}
	response = s.get(f"/api/resource/{doctype}", query_string=query)
	assert response.status_code == expect, response.get_data(as_text=True)
	return s.json(response).get("data")


def rest_read(s: ApiSession, doctype: str, name: str, expect: int = 200):
	"""GET /api/resource/DOCTYPE/NAME; its ``data``."""
	response = s.get(f"/api/resource/{doctype}/{name}")
	assert response.status_code == expect, response.get_data(as_text=True)
	return s.json(response).get("data")
