# shellcheck shell=bash
# What the fault drills in tests/scripts/ share (sourced after scripts/lib.sh and checks.sh):
#   drill_init NAME           the site (KOL_TEST_SITE, default kol-test.localhost), the bench, the
#                             drill's Python steps (tests/scripts/drill_NAME.py) and its worker log
#   step STEP [ARGS]          runs a step of the drill's Python file on the site; prints its JSON
#   field JSON KEY            one value of a step's JSON
#   start_worker              one RQ worker on the long queue, in a session of its own
#   kill_worker               SIGKILL to the worker and its work horse (horses_killed counts them)
#   refuse_beside_a_worker    stops the drill when another RQ worker runs on this machine
#   no_worker                 true when no RQ worker runs (after kill_worker)
#   wait_for / wait_for_status  poll a step until a count reaches a minimum / a field a value
# KOL_DRILL_PYTHONPATH (optional): put first on the PYTHONPATH of the worker and of the steps, to
# drill a checkout's code (and a site of its own) before it is in the bench's copy of the app.

drill_init() {
	SITE="${KOL_TEST_SITE:-kol-test.localhost}"
	ensure_user
	KOL_BENCH_DIR="${KOL_BENCH_DIR:-$(bench_home)/frappe-bench}"
	export KOL_BENCH_DIR
	[ -f "$KOL_BENCH_DIR/sites/$SITE/site_config.json" ] || die "no test site: run scripts/test.sh first"
	DRILL="$PWD/tests/scripts/drill_$1.py"
	# a checkout the bench user can't read (a private folder): the bench's copy of it (scripts/test.sh)
	as_user test -r "$DRILL" || DRILL="$KOL_BENCH_DIR/apps/kol_crm/tests/scripts/drill_$1.py"
	WORKER_LOG="$KOL_BENCH_DIR/logs/kol-drill-$1-worker.log"
	worker_pid=""
	horses_killed=0
}

drill_env() { # as_user's command, with the drill's PYTHONPATH when one is given
	if [ -n "${KOL_DRILL_PYTHONPATH:-}" ]; then
		as_user env PYTHONPATH="$KOL_DRILL_PYTHONPATH" "$@"
	else
		as_user "$@"
	fi
}

step() { (cd "$KOL_BENCH_DIR/sites" && drill_env "$KOL_BENCH_DIR/env/bin/python" "$DRILL" "$SITE" "$@" | tail -1); }
field() { python3 -c 'import json, sys; print(json.loads(sys.argv[1]).get(sys.argv[2]))' "$1" "$2"; }

start_worker() {
	worker_pid="$(cd "$KOL_BENCH_DIR/sites" && drill_env bash -c \
		'setsid "$2/env/bin/python" -m frappe.utils.bench_helper frappe worker --queue long >>"$1" 2>&1 </dev/null & echo $!' \
		_ "$WORKER_LOG" "$KOL_BENCH_DIR")"
}

kill_worker() { # the worker and its work horse (RQ forks it into a session of its own), no grace
	[ -n "$worker_pid" ] || return 0
	local horse
	horses_killed=0
	for horse in $(pgrep -P "$worker_pid"); do
		horses_killed=$((horses_killed + 1))
		kill -KILL -- "-$horse" 2>/dev/null || kill -KILL "$horse" 2>/dev/null || true
	done
	kill -KILL -- "-$worker_pid" 2>/dev/null || kill -KILL "$worker_pid" 2>/dev/null || true
	worker_pid=""
}

no_worker() { ! pgrep -f "frappe worker" >/dev/null; }

refuse_beside_a_worker() {
	if ! no_worker; then
		die "an RQ worker is already running on this machine (scripts/serve.sh stop?): the drill needs the only one"
	fi
}

wait_for() { # wait_for SECONDS STEP KEY MIN: until the step's KEY is at least MIN; prints the last value
	local deadline=$((SECONDS + $1)) value=0
	while [ "$SECONDS" -lt "$deadline" ]; do
		value="$(field "$(step "$2")" "$3")"
		[ "$value" -ge "$4" ] 2>/dev/null && break
		sleep 0.3
	done
	echo "$value"
}

wait_for_status() { # wait_for_status SECONDS STEP KEY VALUE
	local deadline=$((SECONDS + $1))
	while [ "$SECONDS" -lt "$deadline" ]; do
		[ "$(field "$(step "$2")" "$3")" = "$4" ] && return 0
		sleep 1
	done
	return 1
}
