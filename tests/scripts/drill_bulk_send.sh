#!/usr/bin/env bash
# Fault drill: a bulk outreach send (kol_crm/outreach/bulk.py, a KOL Bulk Run in chunks, each
# committed with its checkpoint: kol_crm/utils/jobs.py) survives a killed worker and a restarted Redis:
#   1. 60 drill KOLs on the test site; chunks of 5 KOLs; a send to all of them starts a run
#   2. one RQ worker on the long queue works through it; after 3 chunks or more, the worker and
#      its work horse are killed (SIGKILL); the checkpoint holds whole chunks only
#   3. the worker starts again; the run's heartbeat is put 11 minutes back and the scheduler's
#      resume task queues it again, as it would 10 minutes after the crash
#   4. a few chunks later Redis is stopped and started again (no persistence: the queued job is
#      lost; stopped for a second or two, other sites share it); the worker is started again, and
#      the resume task brings the run back
#   5. the run finishes: every drill KOL was emailed exactly once (one Communication, one Email
#      Queue row), none twice, none left out
# The drill's KOLs, emails, run and Email Account are removed at the end, even on failure.
# Redis is restarted with the command this machine's Redis runs with (KOL_DRILL_REDIS_START).
# Run after scripts/test.sh has built the bench and the test site (as .ci/run does).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/lib.sh
source tests/scripts/checks.sh
source tests/scripts/drills.sh
drill_init bulk_send
REDIS_PORT=6379
REDIS_START="${KOL_DRILL_REDIS_START:-redis-server --daemonize yes --bind 127.0.0.1 -::1 --port $REDIS_PORT --save \"\" --appendonly no --dir /var/lib/redis}"

redis_up() { redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; }
start_redis() { # with no descriptor but the standard ones: a daemon must not keep the drill's lock
	python3 -c 'import subprocess, sys; sys.exit(subprocess.call(sys.argv[1], shell=True, close_fds=True))' \
		"$REDIS_START" </dev/null >/dev/null 2>&1
}
finish() {
	kill_worker
	redis_up || start_redis || true
	bench_cmd --site "$SITE" set-config kol_bulk_chunk_size None >/dev/null 2>&1 || true
	step cleanup >/dev/null 2>&1 || true
}
trap finish EXIT
refuse_beside_a_worker

echo "drill: set up $SITE"
bench_cmd --site "$SITE" set-config -p kol_bulk_chunk_size 5 >/dev/null
check "60 drill KOLs" test "$(field "$(step setup)" kols)" = 60

echo "drill: a bulk send starts a run; one worker works through it"
started="$(step start)"
echo "  $started"
run="$(field "$started" run)"
check "the send is queued as a KOL Bulk Run" test -n "$run" -a "$(field "$started" queued)" = True
start_worker
done_before="$(wait_for 90 state processed 15)"
kill_worker
check "the worker was killed once 3 chunks or more were done ($done_before KOLs seen)" test "$done_before" -ge 15
check "in the middle of a chunk (its work horse was killed too)" test "$horses_killed" -ge 1

echo "drill: after the kill"
sleep 1
state="$(step state)"
after_kill="$(field "$state" processed)"
check "the checkpoint holds whole chunks only ($after_kill KOLs done)" test $((after_kill % 5)) = 0
check "the checkpoint is the KOLs done" test "$(field "$state" checkpoint)" = "$after_kill"
check "the run is still Running" test "$(field "$state" status)" = Running

echo "drill: the worker starts again; the scheduler resumes the stalled run"
start_worker
step stall >/dev/null
check "the resume task queues the run again" test "$(field "$(step resume)" resumed)" = "['$run']"
target=$((after_kill + 10))
before_redis="$(wait_for 90 state processed "$target")"
check "the run went on from its checkpoint ($before_redis KOLs done)" test "$before_redis" -ge "$target"

echo "drill: Redis stopped and started again in the middle of the run"
redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
# the worker goes down with it (a server restart takes both): without this, the job already
# running would go on through its chunks for up to 30 s without Redis and, on a fast machine,
# finish the run before the drill looks
kill_worker
sleep 1
redis_up || start_redis
for _ in 1 2 3 4 5 6 7 8 9 10; do redis_up && break; sleep 0.3; done
check "Redis answers again" redis_up
sleep 2
state="$(step state)"
after_redis="$(field "$state" processed)"
check "the checkpoint holds whole chunks only ($after_redis KOLs done)" test $((after_redis % 5)) = 0
if [ "$(field "$state" status)" = Running ]; then
	start_worker
	step stall >/dev/null
	check "the resume task brings the run back" test "$(field "$(step resume)" resumed)" = "['$run']"
else
	fail "the run was still going when Redis stopped (stopped too late: $after_redis KOLs done)"
fi
wait_for_status 90 state status Completed || true

result="$(step verify)"
echo "  $result"
check "the run completed, every KOL processed" python3 -c 'import json,sys; s=json.loads(sys.argv[1])["state"]; assert s["status"]=="Completed" and s["processed"]==60 and s["done_count"]==60, s' "$result"
check "every drill KOL was emailed exactly once" test "$(field "$result" emailed_once)" = 60
check "no KOL was emailed twice" test "$(field "$result" most_emails_of_one_kol)" = 1
check "one Email Queue row per KOL" test "$(field "$result" queued_once)" = 60 -a "$(field "$result" most_queued_of_one_kol)" = 1

echo "drill: clean up"
kill_worker
trap - EXIT
finish
check "no RQ worker left behind" no_worker
checks_summary "drill (bulk send)"
