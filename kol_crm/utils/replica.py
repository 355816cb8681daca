"""Reads from a MariaDB replica only while the replica is fresh.

With `read_from_replica` in the site config, Frappe v15 sends the reads of list views, counts,
reports and the desk's sidebar (the functions wrapped in `frappe.read_only()`) to the server at
`replica_host`/`replica_db_port`, and never asks whether that server is still replicating: a
stopped or lagging replica serves old rows as if they were current, and a replica that is down
fails every list and report.

`before_request` and `before_job` (hooks) keep `read_from_replica` on for the request or job only
while the replica answers and holds everything the primary had committed at most
`kol_replica_max_lag` seconds ago (site config, default 10); otherwise that request reads the
primary. The check is shared by every process of the site through Redis and made at most every
`kol_replica_check_interval` seconds (default 2).

How stale the replica is, in seconds, without any privilege beyond the site's own database user:
each check samples the primary's binlog position (`@@global.gtid_binlog_pos`) with its time, and
reads the replica's applied position (`@@global.gtid_slave_pos`). The replica holds everything the
primary had at the newest sample it has reached, so its data is at most `now - that sample's time`
old. With no sample reached yet (a replica that just started, or one that has stopped for longer
than the samples kept), the age is unknown and the replica is not used.
"""

import time
from typing import Any

import frappe
import pymysql

STATE_KEY = "kol_crm:replica_state"
SAMPLES_KEY = "kol_crm:replica_samples"
MAX_SAMPLES = 300  # about ten minutes of samples at the default interval
DEFAULT_MAX_LAG = 10.0
DEFAULT_INTERVAL = 2.0
CONNECT_TIMEOUT = 1  # seconds: a replica that doesn't answer in that time is treated as down

Position = dict[int, int]  # GTID domain -> sequence number


def parse_gtid(value: str | None) -> Position:
	"""'0-1-42,1-2-7' -> {0: 42, 1: 7} (MariaDB's GTID position: domain-server-sequence, per domain)."""
	position: Position = {}
	for part in (value or "").split(","):
		part = part.strip()
		if not part:
			continue
		domain, _server, sequence = part.split("-")
		position[int(domain)] = max(position.get(int(domain), 0), int(sequence))
	return position


def reached(replica: Position, primary: Position) -> bool:
	"""True when the replica has applied every transaction of the primary's position."""
	return all(replica.get(domain, 0) >= sequence for domain, sequence in primary.items())


def staleness(replica: Position, samples: list[tuple[float, Position]], now: float) -> float | None:
	"""At most how many seconds old the replica's data is, or None when that can't be known.

	``samples`` are (time, primary position) pairs, oldest first; the newest is the primary now.
	The replica holds everything the primary had at the newest sample it has reached, so whatever
	it lacks was committed after that sample's time.
	"""
	if not samples:
		return None
	if reached(replica, samples[-1][1]):
		return 0.0
	for at, position in reversed(samples[:-1]):
		if reached(replica, position):
			return max(0.0, now - at)
	return None


def decide(max_lag: float, age: float | None, error: str | None = None) -> dict[str, Any]:
	"""The state stored for every process: whether reads may go to the replica, and why."""
	if error:
		return {"fresh": False, "lag": None, "reason": "down", "error": error}
	if age is None:
		return {"fresh": False, "lag": None, "reason": "unknown"}
	if age > max_lag:
		return {"fresh": False, "lag": round(age, 3), "reason": "lagging"}
	return {"fresh": True, "lag": round(age, 3), "reason": "fresh"}


def _conf_float(key: str, default: float) -> float:
	value = frappe.conf.get(key)
	return float(value) if value not in (None, "") else default


def _replica_position() -> Position:
	conf = frappe.conf
	user, password = conf.db_name, conf.db_password
	if conf.different_credentials_for_replica:
		user, password = conf.replica_db_name, conf.replica_db_password
	connection = pymysql.connect(
		host=conf.replica_host,
		port=int(conf.replica_db_port or 3306),
		user=user,
		password=password,
		connect_timeout=CONNECT_TIMEOUT,
		read_timeout=CONNECT_TIMEOUT,
	)
	try:
		with connection.cursor() as cursor:
			cursor.execute("select @@global.gtid_slave_pos")
			return parse_gtid(cursor.fetchone()[0])
	finally:
		connection.close()


def check() -> dict[str, Any]:
	"""Samples the primary, asks the replica, stores and returns the state (for every process)."""
	now = time.time()
	primary = parse_gtid(frappe.db.sql("select @@global.gtid_binlog_pos")[0][0])
	samples = [
		(at, {int(d): s for d, s in pos.items()}) for at, pos in frappe.cache.get_value(SAMPLES_KEY) or []
	]
	samples = [*samples, (now, primary)][-MAX_SAMPLES:]
	frappe.cache.set_value(SAMPLES_KEY, samples)
	try:
		replica = _replica_position()
	except (pymysql.err.MySQLError, OSError) as e:
		state = decide(0, None, error=str(e)[:200])
	else:
		state = decide(_conf_float("kol_replica_max_lag", DEFAULT_MAX_LAG), staleness(replica, samples, now))
	state["checked_at"] = now
	previous = frappe.cache.get_value(STATE_KEY, expires=True)
	if not previous or previous.get("reason") != state["reason"]:
		frappe.logger("kol_crm.replica").warning(f"replica reads: {state['reason']} ({state})")
	frappe.cache.set_value(
		STATE_KEY,
		state,
		expires_in_sec=max(1, int(_conf_float("kol_replica_check_interval", DEFAULT_INTERVAL))),
	)
	return state


def current_state() -> dict[str, Any]:
	return frappe.cache.get_value(STATE_KEY, expires=True) or check()


def guard_replica_reads() -> None:
	"""before_request / before_job: this request reads the primary unless the replica is fresh."""
	if not frappe.conf.get("read_from_replica"):
		return
	if not current_state()["fresh"]:
		frappe.local.conf.read_from_replica = False


@frappe.whitelist()
def status() -> dict[str, Any]:
	"""Where this site's reads go now, and why (System Manager or KOL Manager)."""
	frappe.only_for(("System Manager", "KOL Manager"))
	if not frappe.get_site_config().get("read_from_replica"):  # as configured, not as this request has it
		return {"configured": False}
	state = check()
	return {"configured": True, **{key: state[key] for key in ("fresh", "lag", "reason")}}
