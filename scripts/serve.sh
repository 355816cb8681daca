#!/usr/bin/env bash
# Serve a kol_crm site the production way, on loopback: gunicorn with N workers, RQ workers for
# the short/default and long queues, the scheduler and the realtime (socket.io) server, each in
# the background with its own log and process group; stop them all cleanly.
#
#   scripts/serve.sh start     start what is not running (a second start changes nothing)
#   scripts/serve.sh stop      stop what `start` started (TERM, then KILL after the grace period)
#   scripts/serve.sh status    one line per process: running or stopped
#   scripts/serve.sh restart   stop, then start
#
# The site must exist (scripts/demo.sh --no-serve makes the demo site). Every request is served
# by that site, whatever its Host header, as `bench serve --site` does, so http://127.0.0.1:PORT
# works. For several sites on one machine, use Frappe's own production setup (nginx + supervisor,
# `bench setup production`): see docs/operations.md.
#
# Settings (environment variables, all optional; the bench ones are in scripts/lib.sh):
#   KOL_SERVE_SITE     site to serve (default: kol-demo.localhost)
#   KOL_SERVE_PORT     web port (default: 8000)
#   KOL_SERVE_WORKERS  gunicorn workers (default: 2 x CPUs + 1, at most 9)
#   KOL_SERVE_TIMEOUT  seconds a request may take before gunicorn restarts its worker (default: 120)
#   KOL_SERVE_RQ       RQ workers per queue group: short,default and long (default: 1)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KOL_SERVE_SITE="${KOL_SERVE_SITE:-kol-demo.localhost}"
KOL_SERVE_PORT="${KOL_SERVE_PORT:-8000}"
KOL_SERVE_TIMEOUT="${KOL_SERVE_TIMEOUT:-120}"
KOL_SERVE_RQ="${KOL_SERVE_RQ:-1}"
if [ -z "${KOL_SERVE_WORKERS:-}" ]; then
	KOL_SERVE_WORKERS=$((2 * $(nproc) + 1))
	[ "$KOL_SERVE_WORKERS" -gt 9 ] && KOL_SERVE_WORKERS=9
fi

ensure_user
KOL_BENCH_DIR="${KOL_BENCH_DIR:-$(bench_home)/frappe-bench}"
RUN_DIR="$KOL_BENCH_DIR/run/kol-serve"
LOG_DIR="$KOL_BENCH_DIR/logs"
GRACE=30

# name -> command (bash; run from the bench's sites folder as the bench user)
processes() {
	local env="$KOL_BENCH_DIR/env/bin"
	printf 'web\t%s\n' "exec $env/gunicorn --bind 127.0.0.1:$KOL_SERVE_PORT --workers $KOL_SERVE_WORKERS --timeout $KOL_SERVE_TIMEOUT --graceful-timeout $GRACE --preload --pythonpath $KOL_BENCH_DIR/apps/kol_crm/scripts serve_wsgi:application"
	local i
	for i in $(seq 1 "$KOL_SERVE_RQ"); do
		printf 'worker-short-%s\t%s\n' "$i" "exec $env/python -m frappe.utils.bench_helper frappe worker --queue short,default"
		printf 'worker-long-%s\t%s\n' "$i" "exec $env/python -m frappe.utils.bench_helper frappe worker --queue long,default,short"
	done
	printf 'schedule\t%s\n' "exec $env/python -m frappe.utils.bench_helper frappe schedule"
	if command -v node >/dev/null || [ -x "$(bench_home)/.local/share/kol_crm/node/bin/node" ]; then
		printf 'socketio\t%s\n' "cd $KOL_BENCH_DIR && exec node apps/frappe/socketio.js"
	fi
}

pid_of() {
	local file="$RUN_DIR/$1.pid" pid
	[ -f "$file" ] || return 1
	pid="$(cat "$file")"
	kill -0 "$pid" 2>/dev/null || return 1
	echo "$pid"
}

wait_for_web() {
	local deadline=$((SECONDS + 60))
	until as_user "$KOL_BENCH_DIR/env/bin/python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
		"http://127.0.0.1:$KOL_SERVE_PORT/api/method/ping" 2>/dev/null; do
		if [ "$SECONDS" -ge "$deadline" ] || ! pid_of web >/dev/null; then
			die "the web server did not answer on port $KOL_SERVE_PORT; see $LOG_DIR/kol-serve-web.log"
		fi
		sleep 0.5
	done
}

start() {
	[ -f "$KOL_BENCH_DIR/sites/$KOL_SERVE_SITE/site_config.json" ] ||
		die "no site $KOL_SERVE_SITE in $KOL_BENCH_DIR: run scripts/demo.sh --no-serve first (or set KOL_SERVE_SITE)"
	ensure_services
	as_user mkdir -p "$RUN_DIR" "$LOG_DIR"
	if ! pid_of web >/dev/null && tcp_open 127.0.0.1 "$KOL_SERVE_PORT"; then
		die "port $KOL_SERVE_PORT is in use by something else; stop it or set KOL_SERVE_PORT"
	fi
	bench_cmd --site "$KOL_SERVE_SITE" enable-scheduler >/dev/null
	local name command pid started=0
	while IFS=$'\t' read -r name command; do
		if pid="$(pid_of "$name")"; then
			continue
		fi
		# setsid: the process leads its own group, so stop reaches its children (gunicorn's workers)
		pid="$(cd "$KOL_BENCH_DIR/sites" && as_user env KOL_SERVE_SITE="$KOL_SERVE_SITE" bash -c \
			'setsid bash -c "$2" >>"$1" 2>&1 </dev/null & echo $!' _ "$LOG_DIR/kol-serve-$name.log" "$command")"
		echo "$pid" | as_user tee "$RUN_DIR/$name.pid" >/dev/null
		started=$((started + 1))
	done < <(processes)
	wait_for_web
	if [ "$started" = 0 ]; then
		log "already running: http://127.0.0.1:$KOL_SERVE_PORT ($KOL_SERVE_SITE)"
	else
		log "serving $KOL_SERVE_SITE at http://127.0.0.1:$KOL_SERVE_PORT with $KOL_SERVE_WORKERS web workers," \
			"$((2 * KOL_SERVE_RQ)) RQ workers and the scheduler (logs: $LOG_DIR/kol-serve-*.log);" \
			"stop with: scripts/serve.sh stop"
	fi
}

stop() {
	local file name pid deadline stopped=0
	for file in "$RUN_DIR"/*.pid; do
		[ -e "$file" ] || continue
		name="$(basename "$file" .pid)"
		if pid="$(pid_of "$name")"; then
			kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
			deadline=$((SECONDS + GRACE))
			while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
			kill -KILL -- "-$pid" 2>/dev/null || true
			stopped=$((stopped + 1))
		fi
		rm -f "$file"
	done
	log "stopped $stopped processes"
}

status() {
	local name command pid
	while IFS=$'\t' read -r name command; do
		if pid="$(pid_of "$name")"; then
			printf '%-16s running (pid %s)\n' "$name" "$pid"
		else
			printf '%-16s stopped\n' "$name"
		fi
	done < <(processes)
}

case "${1:-}" in
	start) start ;;
	stop) stop ;;
	status) status ;;
	restart)
		stop
		start
		;;
	-h | --help | "")
		sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
		[ -n "${1:-}" ]
		;;
	*) die "unknown command: $1 (see --help)" ;;
esac
