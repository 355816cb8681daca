"""The replica drill's checks (run by tests/scripts/drill_replica.sh, from the bench's sites folder,
as the bench user, on a site whose primary and replica the shell script made).

Reads go through the real WSGI app (tests/api.py) as Administrator: `frappe.desk.reportview`'s
count and list (wrapped in frappe.read_only(), so sent to the replica while it is fresh), a
Script Report through `query_report.run` (also read-only), and `frappe.client.get_count`, which
always reads the primary. The replica is made stale by stopping its SQL thread, and taken down by
killing it. Prints one line per check and a JSON summary; exits 1 on a failure.

    python drill_replica.py SITE REPLICA_CNF REPLICA_SOCKET REPLICA_PORT PRIMARY_CNF

Last, the primary is restarted while four clients keep creating KOLs over REST: the requests
made while it is down must fail with an HTTP error (none hangs), the app must recover without a
restart, and every creation that was acknowledged must be stored, once.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time

import frappe
import pymysql
from frappe.installer import update_site_config

from tests.api import ApiSession

SITE, REPLICA_CNF, REPLICA_SOCKET, REPLICA_PORT, PRIMARY_CNF = sys.argv[1:6]
PRIMARY_PIDFILE = os.path.join(os.path.dirname(PRIMARY_CNF), "mariadb.pid")
REPLICA_PIDFILE = os.path.join(os.path.dirname(REPLICA_CNF), "mariadb.pid")
results: list[tuple[str, bool, str]] = []
figures: dict[str, float | int] = {}


def check(name: str, ok: bool, detail: str = "") -> None:
	results.append((name, ok, detail))
	print(f"{'ok  ' if ok else 'FAIL'} {name}{f'  ({detail})' if detail else ''}", flush=True)


def on_replica(sql: str) -> str:
	out = subprocess.run(
		["mariadb", f"--defaults-file={REPLICA_CNF}", "-S", REPLICA_SOCKET, "-N", "-B", "-e", sql],
		capture_output=True,
		text=True,
		check=True,
	)
	return out.stdout.strip()


def set_conf(**values) -> None:
	for key, value in values.items():
		update_site_config(key, value)
	frappe.cache.delete_value("kol_crm:replica_state")


def add_kol(label: str) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "KOL",
			"kol_name": f"Replica drill {label} {frappe.generate_hash(length=6)}",
			"intake_path": "External Intake",
			"intake_purpose": "Acquisition",
			"program_type": "Paid",
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()
	return doc.name


class Reads:
	def __init__(self):
		self.api = ApiSession("Administrator", "admin")
		self.errors = 0

	def _message(self, path: str, **params):
		response = self.api.get(path, query_string=params)
		if response.status_code >= 500:
			self.errors += 1
			return None
		assert response.status_code == 200, (
			path,
			response.status_code,
			response.get_data(as_text=True)[:300],
		)
		return response.json["message"]

	def list_count(self):  # reportview: the replica while fresh
		return self._message("/api/method/frappe.desk.reportview.get_count", doctype="KOL")

	def primary_count(self):  # frappe.client: always the primary
		return self._message("/api/method/frappe.client.get_count", doctype="KOL")

	def listed(self, name: str):
		rows = self._message(
			"/api/method/frappe.desk.reportview.get",
			doctype="KOL",
			fields=json.dumps(["name"]),
			filters=json.dumps([["KOL", "name", "=", name]]),
		)
		if rows is None:
			return None
		return bool(rows.get("values") if isinstance(rows, dict) else rows)  # [] when nothing matched

	def report_ok(self) -> bool:
		response = self.api.get(
			"/api/method/frappe.desk.query_report.run", query_string={"report_name": "KOL Pipeline"}
		)
		if response.status_code >= 500:
			self.errors += 1
		return response.status_code == 200

	def status(self):
		return self._message("/api/method/kol_crm.utils.replica.status")


def start_mariadb(cnf: str) -> None:
	subprocess.Popen(
		["setsid", "mariadbd", f"--defaults-file={cnf}"],
		stdin=subprocess.DEVNULL,
		stdout=subprocess.DEVNULL,
		stderr=subprocess.DEVNULL,
		env={**os.environ, "PATH": os.environ.get("PATH", "") + ":/usr/sbin:/usr/local/sbin"},
	)


def primary_restart_under_load() -> None:
	"""Four clients create KOLs over REST while the primary stops (SIGTERM) and starts again."""
	tag = f"Restart drill {frappe.generate_hash(length=6)}"
	acknowledged: list[str] = []
	statuses: dict[int, int] = {}
	slowest = [0.0]
	stop = threading.Event()
	lock = threading.Lock()

	def client(number: int, api: ApiSession) -> None:
		i = 0
		while not stop.is_set():
			i += 1
			name = f"{tag} {number}-{i}"
			started = time.monotonic()
			try:
				status = api.post(
					"/api/resource/KOL",
					json={
						"kol_name": name,
						"intake_path": "External Intake",
						"intake_purpose": "Acquisition",
						"program_type": "Paid",
					},
				).status_code
			except KeyError:  # the exception left Frappe's WSGI app: gunicorn answers 500
				status = 500
			with lock:
				slowest[0] = max(slowest[0], time.monotonic() - started)
				statuses[status] = statuses.get(status, 0) + 1
				if status == 200:
					acknowledged.append(name)
			if status != 200:
				time.sleep(0.2)

	# With the server gone, Frappe's application() raises out of its own rollback (InterfaceError):
	# under gunicorn that is a 500 and the worker goes on; here the test client's thread ends with it.
	escaped: list[str] = []
	threading.excepthook = lambda args: escaped.append(args.exc_type.__name__)
	# sessions made here: ApiSession reads the site from this thread's frappe.local
	threads = [
		threading.Thread(target=client, args=(n, ApiSession("Administrator", "admin"))) for n in range(4)
	]
	for thread in threads:
		thread.start()
	time.sleep(3)
	pid = int(open(PRIMARY_PIDFILE).read().strip())
	os.kill(pid, signal.SIGTERM)
	while os.path.exists(f"/proc/{pid}"):
		time.sleep(0.1)
	down_at = time.monotonic()
	time.sleep(3)
	start_mariadb(PRIMARY_CNF)
	acknowledged_before = len(acknowledged)
	recovered = wait_for(lambda: len(acknowledged) > acknowledged_before + 4, 60)
	figures["primary_down_seconds"] = round(time.monotonic() - down_at - (recovered or 0), 2)
	figures["seconds_from_start_to_writes_again"] = round(recovered or -1, 2)
	time.sleep(2)
	stop.set()
	for thread in threads:
		thread.join()
	frappe.db.connect()  # this process's own connection died with the server
	stored = frappe.get_all("KOL", filters={"kol_name": ("like", f"{tag}%")}, pluck="kol_name")
	figures["restart_requests"] = sum(statuses.values())
	figures["restart_statuses"] = {str(code): count for code, count in sorted(statuses.items())}
	figures["restart_slowest_request_s"] = round(slowest[0], 2)
	figures["restart_exceptions_out_of_the_app"] = {name: escaped.count(name) for name in set(escaped)}
	check("the app recovers after the primary restarts, without a restart of its own", recovered is not None)
	check(
		"requests made while the primary was down failed with an HTTP error, none hung",
		statuses.get(200, 0) > 0
		and sum(statuses.values()) > statuses.get(200, 0)  # the outage was seen
		and set(statuses) - {200} <= {500, 502, 503, 504}
		and slowest[0] < 30,
		f"statuses {figures['restart_statuses']}, slowest {figures['restart_slowest_request_s']} s",
	)
	check(
		"every acknowledged creation is stored once, nothing unacknowledged half-made",
		sorted(stored) == sorted(acknowledged) and len(set(stored)) == len(stored),
		f"{len(acknowledged)} acknowledged, {len(stored)} stored",
	)


def wait_for(predicate, timeout: float, step: float = 0.2):
	started = time.monotonic()
	while time.monotonic() - started < timeout:
		value = predicate()
		if value:
			return time.monotonic() - started
		time.sleep(step)
	return None


def main() -> int:
	frappe.init(site=SITE, sites_path=".")
	frappe.connect()
	set_conf(kol_replica_check_interval=1, kol_replica_max_lag=5)
	reads = Reads()

	# 1. in step: both servers give the same answers, the report runs on the replica
	add_kol("fresh")
	took = wait_for(lambda: reads.status()["fresh"], 15)
	check("a fresh replica is used", took is not None, f"fresh after {took and round(took, 2)} s")
	primary = reads.primary_count()
	check(
		"lists read from the fresh replica match the primary",
		reads.list_count() == primary,
		f"{primary} KOLs",
	)
	check("a report runs on the replica", reads.report_ok())

	# 2. the reads really go to the replica: stop applying, write on the primary, allow any lag
	on_replica("STOP SLAVE SQL_THREAD")
	set_conf(kol_replica_max_lag=3600)
	unseen = add_kol("unseen")
	time.sleep(1.2)  # the shared state expires after the check interval
	state = reads.status()
	check("a stopped replica within the allowed lag is still used", state["fresh"] is True, str(state))
	check(
		"list reads come from the replica, the primary has the new row",
		(reads.list_count(), reads.primary_count()) == (primary, primary + 1),
	)
	check("the new KOL is not in the replica's list yet", reads.listed(unseen) is False)
	try:
		conn = pymysql.connect(
			host="127.0.0.1",
			port=int(REPLICA_PORT),
			user=frappe.conf.db_name,
			password=frappe.conf.db_password,
			database=frappe.conf.db_name,
		)
		with conn.cursor() as cursor:
			cursor.execute("update tabKOL set kol_name = kol_name where name = %s", (unseen,))
		refused = False
	except pymysql.err.MySQLError as e:
		refused = e.args[0] == 1290  # ER_OPTION_PREVENTS_STATEMENT: the server runs --read-only
	check("the site's user can't write on the replica (read-only)", refused)

	# 3. lagging beyond the limit: reads go to the primary, no stale answer shown as fresh
	set_conf(kol_replica_max_lag=3)
	took = wait_for(lambda: reads.list_count() == primary + 1, 10)
	figures["seconds_to_primary_when_lagging"] = round(took or -1, 2)
	state = reads.status()
	check(
		"a lagging replica is left for the primary",
		took is not None and state["reason"] == "lagging",
		str(state),
	)
	check("the new KOL is listed (from the primary)", reads.listed(unseen) is True)

	# 4. replication resumes: the replica catches up and is used again
	on_replica("START SLAVE SQL_THREAD")
	took = wait_for(lambda: reads.status()["fresh"], 15)
	figures["seconds_to_fresh_after_resume"] = round(took or -1, 2)
	check("a replica that caught up is used again", took is not None, f"after {took and round(took, 2)} s")
	check("and lists match the primary", reads.list_count() == reads.primary_count())

	# 5. the replica dies: reads go to the primary after at most one check interval
	pid = int(open(REPLICA_PIDFILE).read().strip())
	os.kill(pid, signal.SIGKILL)
	killed_at = time.monotonic()
	errors_before = reads.errors
	answers = []
	while time.monotonic() - killed_at < 4:
		answers.append(reads.list_count())
	failed = reads.errors - errors_before
	figures["requests_after_kill"] = len(answers)
	figures["failed_requests_after_kill"] = failed
	check(
		"with the replica down, lists answer from the primary after at most one check interval",
		answers[-1] == reads.primary_count() and all(a in (None, primary + 1) for a in answers),
		f"{failed} of {len(answers)} requests in the first 4 s failed",
	)
	state = reads.status()
	check("the status says the replica is down", state["reason"] == "down", str(state))
	check("a report runs with the replica down", reads.report_ok())

	# 6. the replica comes back: it catches up from where it was and is used again
	start_mariadb(REPLICA_CNF)
	add_kol("while down")
	took = wait_for(lambda: reads.status()["fresh"], 60, step=0.5)
	figures["seconds_to_fresh_after_restart"] = round(took or -1, 2)
	check(
		"a restarted replica catches up and is used again",
		took is not None,
		f"after {took and round(took, 2)} s",
	)
	check("and lists match the primary", reads.list_count() == reads.primary_count())

	# 7. the primary restarts under load
	primary_restart_under_load()

	failures = [name for name, ok, _ in results if not ok]
	print(json.dumps({"checks": len(results), "failures": failures, "figures": figures}), flush=True)
	frappe.destroy()
	return 1 if failures else 0


if __name__ == "__main__":
	sys.exit(main())
