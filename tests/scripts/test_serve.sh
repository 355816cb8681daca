#!/usr/bin/env bash
# scripts/serve.sh end to end, on the test site and an unused port:
#   1. start: the web server answers (a logged-in KOL Manager reads KOLs over REST), gunicorn runs
#      its workers, RQ workers run a job on the short and on the long queue, the scheduler and
#      the realtime server run
#   2. a second start starts nothing (same pids)
#   3. stop: every process and its children are gone and the port is closed; status says stopped
# Run after scripts/test.sh has built the bench and the test site (as .ci/run does).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/lib.sh

export KOL_SERVE_SITE="${KOL_TEST_SITE:-kol-test.localhost}"
export KOL_SERVE_PORT="${KOL_TEST_SERVE_PORT:-8137}"
export KOL_SERVE_WORKERS=3
ensure_user
KOL_BENCH_DIR="${KOL_BENCH_DIR:-$(bench_home)/frappe-bench}"
export KOL_BENCH_DIR
[ -f "$KOL_BENCH_DIR/sites/$KOL_SERVE_SITE/site_config.json" ] || die "no test site: run scripts/test.sh first"
tcp_open 127.0.0.1 "$KOL_SERVE_PORT" && die "port $KOL_SERVE_PORT is in use; set KOL_TEST_SERVE_PORT"

source tests/scripts/checks.sh
py() { (cd "$KOL_BENCH_DIR/sites" && as_user "$KOL_BENCH_DIR/env/bin/python" "$@"); }
pids() { cat "$KOL_BENCH_DIR"/run/kol-serve/*.pid 2>/dev/null | sort; }
group_alive() { # any process left in the process groups of the given pids
	local pid
	for pid in "$@"; do
		pgrep -g "$pid" >/dev/null && return 0
	done
	return 1
}
trap 'bash scripts/serve.sh stop >/dev/null 2>&1 || true' EXIT

echo "serve: start"
bash scripts/serve.sh start
first="$(pids)"
check "every process has a pid file" test "$(echo "$first" | wc -l)" -ge 4
check "status says running" bash -c "bash scripts/serve.sh status | grep -vq stopped"
web_pid="$(cat "$KOL_BENCH_DIR/run/kol-serve/web.pid")"
check "gunicorn runs 3 workers under its master" test "$(pgrep -P "$web_pid" | wc -l)" -eq 3

check "a KOL Manager signs in and reads KOLs over REST" py - "$KOL_SERVE_PORT" <<'EOF'
import http.cookiejar, json, sys, urllib.parse, urllib.request

base = f"http://127.0.0.1:{sys.argv[1]}"
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
data = urllib.parse.urlencode({"usr": "kol.manager@kol-test.example", "pwd": "Kol-Test-Pass-2026!"}).encode()
assert opener.open(base + "/api/method/login", data=data, timeout=10).status == 200
body = json.load(opener.open(base + "/api/resource/KOL?limit_page_length=1&fields=%5B%22name%22%5D", timeout=10))
assert isinstance(body["data"], list), body
EOF

check "RQ workers run a job from the short and from the long queue" py - "$KOL_SERVE_SITE" <<'EOF'
import sys, time

import frappe

frappe.init(site=sys.argv[1], sites_path=".")
frappe.connect()
# at the front: the queues of a test bench hold a backlog of the suite's jobs (search indexing)
jobs = [frappe.enqueue("frappe.ping", queue=q, at_front=True) for q in ("short", "long")]
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
	status = [job.get_status(refresh=True) for job in jobs]
	if all(s == "finished" for s in status):
		break
	time.sleep(0.5)
assert all(s == "finished" for s in status), status
assert [job.result for job in jobs] == ["pong", "pong"]
EOF

check "the scheduler runs" bash -c "bash scripts/serve.sh status | grep -q '^schedule .*running'"

echo "serve: start again"
bash scripts/serve.sh start 2>&1 | tee /tmp/kol-serve-again.log
check "a second start starts nothing" test "$(pids)" = "$first"
check "and says it is already running" grep -q "already running" /tmp/kol-serve-again.log

echo "serve: stop"
bash scripts/serve.sh stop
# shellcheck disable=SC2086
check "no process of any group is left" bash -c "$(declare -f group_alive); ! group_alive $(echo $first)"
check "the port is closed" bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$KOL_SERVE_PORT) 2>/dev/null"
check "status says stopped" bash -c "! bash scripts/serve.sh status | grep -q running"
trap - EXIT

checks_summary "serve"
