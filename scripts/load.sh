#!/usr/bin/env bash
# Load test: Locust (tests/load/locustfile.py) against a site served the production way
# (scripts/serve.sh: gunicorn with its workers, RQ workers, the scheduler), bounded in time.
# Not part of CI: it runs only when asked.
#
#   KOL_LOAD=1 scripts/load.sh      or      scripts/load.sh run
#
# 1. makes the site if needed (KOL_LOAD_SITE) and prepares it (kol_crm/benchmarks/load_site.py):
#    the demo data, a benchmark programme of KOL_LOAD_KOLS KOLs when set, portal logins for four
#    demo KOLs and the platform's integration user with a new API key; writes the load plan
#    (who signs in, on which KOLs);
# 2. installs Locust from PyPI into its own venv (not the bench env), once;
# 3. serves the site with scripts/serve.sh on KOL_LOAD_PORT (stopped at the end), unless
#    KOL_LOAD_URL names a server already running;
# 4. warms the workers up (KOL_LOAD_WARMUP with 5 users; not judged), then runs Locust headless
#    with KOL_LOAD_USERS users for KOL_LOAD_DURATION, writing its CSV files;
# 5. prints requests/s, p50/p95/p99 and failures per request (tests/load/summary.py) and checks
#    that every interaction and platform event the server acknowledged is stored exactly once.
#
# Exits 1 when any request failed, any answer was a 5xx, a p95 is over its budget
# (tests/load/endpoints.py, docs/operations.md#load-test) or a write was lost or stored twice.
#
# Settings (environment variables, all optional; the bench ones are in scripts/lib.sh):
#   KOL_LOAD_SITE       site to load (default: kol-load.localhost; it gets written to: don't
#                       point it at a site you care about)
#   KOL_LOAD_KOLS       add a benchmark programme of that many KOLs (default: 0, the demo only)
#   KOL_LOAD_USERS      concurrent virtual users (default: 20)
#   KOL_LOAD_SPAWN_RATE users started per second (default: 5)
#   KOL_LOAD_DURATION   how long the judged run lasts (default: 60s)
#   KOL_LOAD_WARMUP     the warm-up before it (default: 15s; 0 for none)
#   KOL_LOAD_PORT       port to serve on (default: 8790)
#   KOL_LOAD_URL        load this running server instead of starting one (e.g. http://127.0.0.1:8000;
#                       it must serve KOL_LOAD_SITE)
#   KOL_LOAD_OUT        folder for the plan, the CSV files and the logs (default:
#                       the bench's logs/kol-load-DATE-TIME)
#   KOL_LOAD_P95_FACTOR multiplies every p95 budget (default: 1), for a slower or shared machine
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LOCUST_VERSION="2.47.0"
KOL_LOAD_SITE="${KOL_LOAD_SITE:-kol-load.localhost}"
KOL_LOAD_KOLS="${KOL_LOAD_KOLS:-0}"
KOL_LOAD_USERS="${KOL_LOAD_USERS:-20}"
KOL_LOAD_SPAWN_RATE="${KOL_LOAD_SPAWN_RATE:-5}"
KOL_LOAD_DURATION="${KOL_LOAD_DURATION:-60s}"
KOL_LOAD_WARMUP="${KOL_LOAD_WARMUP:-15s}"
KOL_LOAD_PORT="${KOL_LOAD_PORT:-8790}"
KOL_LOAD_URL="${KOL_LOAD_URL:-}"

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }

case "${1:-}" in
	run) ;;
	-h | --help)
		usage
		exit 0
		;;
	"")
		if [ "${KOL_LOAD:-0}" != 1 ]; then
			usage
			die "the load test runs only when asked: KOL_LOAD=1 scripts/load.sh, or scripts/load.sh run"
		fi
		;;
	*) die "unknown command: $1 (see --help)" ;;
esac

ensure_bench
ensure_site "$KOL_LOAD_SITE"
APP_DIR="$KOL_BENCH_DIR/apps/kol_crm" # the app as the bench serves it, tests/load included
LOCUST_ENV="$(bench_home)/.local/share/kol_crm/locust"
KOL_LOAD_OUT="${KOL_LOAD_OUT:-$KOL_BENCH_DIR/logs/kol-load-$(date +%Y%m%d-%H%M%S)}"
as_user mkdir -p "$KOL_LOAD_OUT"

ensure_locust() {
	if as_user "$LOCUST_ENV/bin/locust" --version 2>/dev/null | grep -q "$LOCUST_VERSION"; then
		return
	fi
	log "installing Locust $LOCUST_VERSION into $LOCUST_ENV"
	as_user "$(pick_python)" -m venv "$LOCUST_ENV"
	as_user "$LOCUST_ENV/bin/pip" install -q "locust==$LOCUST_VERSION"
}

server_started=0
stop_server() {
	if [ "$server_started" = 1 ]; then
		bash "$KOL_APP_SRC/scripts/serve.sh" stop || true
	fi
}

serve() {
	if [ -n "$KOL_LOAD_URL" ]; then
		log "loading the server at $KOL_LOAD_URL (not started by this script)"
		return
	fi
	if bash "$KOL_APP_SRC/scripts/serve.sh" status | grep -q running; then
		die "scripts/serve.sh is already serving a site; stop it (scripts/serve.sh stop) or set KOL_LOAD_URL to load it"
	fi
	KOL_LOAD_URL="http://127.0.0.1:$KOL_LOAD_PORT"
	trap stop_server EXIT
	server_started=1
	KOL_SERVE_SITE="$KOL_LOAD_SITE" KOL_SERVE_PORT="$KOL_LOAD_PORT" bash "$KOL_APP_SRC/scripts/serve.sh" start
}

locust_run() { # locust_run NAME USERS DURATION: one headless run, CSV files at $KOL_LOAD_OUT/NAME_*.csv
	(cd "$APP_DIR" && as_user env KOL_LOAD_PLAN="$KOL_LOAD_OUT/plan.json" KOL_LOAD_OUT="$KOL_LOAD_OUT/$1" \
		"$LOCUST_ENV/bin/locust" -f tests/load/locustfile.py --headless --only-summary \
		--users "$2" --spawn-rate "$KOL_LOAD_SPAWN_RATE" --run-time "$3" --stop-timeout 30 \
		--host "$KOL_LOAD_URL" --csv "$KOL_LOAD_OUT/$1" --logfile "$KOL_LOAD_OUT/$1.log" \
		>"$KOL_LOAD_OUT/$1.out" 2>&1)
}

log "preparing $KOL_LOAD_SITE (demo data, $KOL_LOAD_KOLS benchmark KOLs, load users)"
bench_cmd --site "$KOL_LOAD_SITE" execute kol_crm.benchmarks.load_site.prepare \
	--kwargs "{'output': '$KOL_LOAD_OUT/plan.json', 'kols': $KOL_LOAD_KOLS}"
ensure_locust
serve

if [ "$KOL_LOAD_WARMUP" != 0 ] && [ "$KOL_LOAD_WARMUP" != 0s ]; then
	log "warming up: 5 users for $KOL_LOAD_WARMUP (not judged)"
	locust_run warmup 5 "$KOL_LOAD_WARMUP" || true
fi
log "load test: $KOL_LOAD_USERS users for $KOL_LOAD_DURATION against $KOL_LOAD_URL ($KOL_LOAD_SITE, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
locust_run run "$KOL_LOAD_USERS" "$KOL_LOAD_DURATION" || true # judged below, from its files

failed=0
(cd "$APP_DIR" && as_user env KOL_LOAD_P95_FACTOR="${KOL_LOAD_P95_FACTOR:-1}" \
	"$LOCUST_ENV/bin/python" -m tests.load.summary "$KOL_LOAD_OUT/run") || failed=1
log "checking that every acknowledged write is stored once"
bench_cmd --site "$KOL_LOAD_SITE" execute kol_crm.benchmarks.load_site.verify \
	--kwargs "{'acknowledged': '$KOL_LOAD_OUT/run_acknowledged.json'}" || failed=1
log "plan, CSV files and Locust's log: $KOL_LOAD_OUT (load after the run: $(cut -d' ' -f1-3 /proc/loadavg))"
[ "$failed" = 0 ] || die "the load test failed (see above)"
log "the load test passed"
