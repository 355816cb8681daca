"""HTTP requests against the real WSGI app, as a logged-in user.

Each request runs in its own thread (as Frappe's own API tests do), so the app opens its
own database connection: the records a request reads must be committed first.
"""

import json
import threading

import frappe
from frappe.app import application
from werkzeug.test import Client


class ApiSession:
	def __init__(self, user: str | None = None, password: str | None = None, remote_addr: str = "127.0.0.1"):
		self.client = Client(application, use_cookies=True)
		self.site = frappe.local.site
		self.remote_addr = remote_addr
		if user:
			response = self.post("/api/method/login", data={"usr": user, "pwd": password})
			assert response.status_code == 200, response.get_data(as_text=True)

	def request(self, method: str, path: str, **kwargs):
		result = {}

		def run():
			result["response"] = self.client.open(
				path,
				method=method,
				# the client address as a reverse proxy passes it on (Frappe reads X-Forwarded-For)
				headers={"Host": self.site, "X-Forwarded-For": self.remote_addr},
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
