#!/usr/bin/env bash
# Fault drill: an RQ worker killed (SIGKILL, with its work horse) in the middle of a run that
# rescores every KOL, then started again (kol_crm/intelligence/recompute.py):
#   1. 300 drill KOLs and two drill tiers on the test site; chunks of 25 KOLs
#   2. a settings change queues the run; one RQ worker on the long queue works through it
#   3. once a few chunks are done, the worker's process group is killed mid-run
#   4. the checkpoint holds only whole chunks; the run is still Running
#   5. the worker is started again; the run's heartbeat is put 11 minutes back and the
#      scheduler's resume task runs, as it would 10 minutes after the crash
#   6. the run finishes: every drill KOL's scores are current, and no tier move was recorded twice
# The drill's KOLs, tiers and settings change are removed at the end, even on failure.
# Run after scripts/test.sh has built the bench and the test site (as .ci/run does).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/lib.sh

source tests/scripts/checks.sh
source tests/scripts/drills.sh
drill_init recompute

finish() {
	kill_worker
	bench_cmd --site "$SITE" set-config kol_recompute_chunk_size None >/dev/null 2>&1 || true
	step cleanup >/dev/null 2>&1 || true
}
trap finish EXIT

refuse_beside_a_worker

echo "drill: set up $SITE"
bench_cmd --site "$SITE" set-config -p kol_recompute_chunk_size 25 >/dev/null
check "300 drill KOLs" test "$(field "$(step setup)" kols)" = 300

echo "drill: a settings change starts the run; one worker works through it"
started="$(step start)"
echo "  $started"
run="$(field "$started" recompute_run)"
check "the run is queued" test -n "$run"
start_worker
done_before="$(wait_for 180 state recompute_done 75)"
kill_worker
check "the worker was killed after $done_before KOLs (3 or more chunks)" test "$done_before" -ge 75
check "in the middle of a chunk (its work horse was killed too)" test "$horses_killed" -ge 1

echo "drill: after the kill"
sleep 1
state="$(step state)"
after_kill="$(field "$state" recompute_done)"
check "the checkpoint holds whole chunks only ($after_kill KOLs done)" test $((after_kill % 25)) = 0
check "the run is still Running, not Finished" test "$(field "$state" recompute_status)" = Running
check "the run is the one started" test "$(field "$state" recompute_run)" = "$run"

echo "drill: the worker starts again; the scheduler resumes the stalled run"
start_worker
step stall >/dev/null
check "the resume task queues the run again" test "$(field "$(step resume)" recompute_run)" = "$run"
wait_for_status 240 state recompute_status Finished || true
result="$(step verify)"
echo "  $result"
check "the run finished, every drill KOL counted" python3 -c 'import json,sys; r=json.loads(sys.argv[1]); s=r["state"]; assert s["recompute_status"]=="Finished" and s["recompute_done"]>=300, s' "$result"
check "every drill KOL's scores are current" test "$(field "$result" still_stale)" = 0
check "some KOLs moved tier" test "$(field "$result" kols_moved)" -gt 0
check "no tier move was recorded twice" test "$(field "$result" most_changes_of_one_kol)" = 1

echo "drill: clean up"
kill_worker
trap - EXIT
finish
checks_summary "drill (recompute)"
