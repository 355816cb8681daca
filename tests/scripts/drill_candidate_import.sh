#!/usr/bin/env bash
# Fault drill: a KOL Candidate Import (kol_crm/intake/candidate_import.py, in chunks of rows, each
# committed with the import's checkpoint and counts: kol_crm/utils/jobs.py) survives a killed worker:
#   1. an import of a 240-row file on the test site (12 rows with followers that are not a number,
#      10 repeating an earlier row's email); chunks of 10 rows; it is queued as
#      Start Import queues a large file
#   2. one RQ worker on the long queue works through it; after 3 chunks or more, the worker and
#      its work horse are killed (SIGKILL); the checkpoint holds whole chunks only
#   3. the worker starts again; the import's heartbeat is put 11 minutes back and the scheduler's
#      resume task queues it again, as it would 10 minutes after the crash
#   4. the import completes: every good row's KOL exists exactly once, every bad row and every
#      repeated row has its row result (once), nothing else was inserted
# The drill's KOLs, import and file are removed at the end, even on failure.
# Run after scripts/test.sh has built the bench and the test site (as .ci/run does).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/lib.sh
source tests/scripts/checks.sh
source tests/scripts/drills.sh
drill_init candidate_import

finish() {
	kill_worker
	bench_cmd --site "$SITE" set-config kol_import_chunk_size None >/dev/null 2>&1 || true
	step cleanup >/dev/null 2>&1 || true
}
trap finish EXIT
refuse_beside_a_worker

echo "drill: set up $SITE"
bench_cmd --site "$SITE" set-config -p kol_import_chunk_size 10 >/dev/null
check "a 240-row import" test "$(field "$(step setup)" rows)" = 240

echo "drill: Start Import queues it; one worker works through it"
started="$(step start)"
echo "  $started"
check "the import is queued" test "$(field "$started" status)" = Running -a "$(field "$started" processed_rows)" = 0
start_worker
done_before="$(wait_for 90 state processed_rows 30)"
kill_worker
check "the worker was killed once 3 chunks or more were done ($done_before rows seen)" test "$done_before" -ge 30
check "in the middle of a chunk (its work horse was killed too)" test "$horses_killed" -ge 1

echo "drill: after the kill"
sleep 1
state="$(step state)"
after_kill="$(field "$state" processed_rows)"
check "the checkpoint holds whole chunks only ($after_kill rows done)" test $((after_kill % 10)) = 0
check "the checkpoint is the rows done" test "$(field "$state" checkpoint)" = "$after_kill"
check "the import is still Running" test "$(field "$state" status)" = Running

echo "drill: the worker starts again; the scheduler resumes the stalled import"
start_worker
step stall >/dev/null
check "the resume task queues the import again" test "$(field "$(step resume)" resumed)" = "['$(field "$state" name)']"
wait_for_status 90 state status "Completed with Errors" || true

result="$(step verify)"
echo "  $result"
check "the import completed, every row processed" python3 -c 'import json,sys; s=json.loads(sys.argv[1])["state"]; assert s["status"]=="Completed with Errors" and s["processed_rows"]==240 and (s["created_count"], s["skipped_count"], s["failed_count"])==(218, 10, 12), s' "$result"
check "every good row's KOL exists exactly once" test "$(field "$result" emails_with_one_kol)" = "$(field "$result" emails_expected)"
check "no KOL was inserted twice" test "$(field "$result" most_kols_of_one_email)" = 1 -a "$(field "$result" unexpected_emails)" = 0
check "every bad row has its error, every repeated row its reason" test "$(field "$result" failed_as_expected)" = True -a "$(field "$result" skipped_as_expected)" = True
check "each row reported once" test "$(field "$result" rows_reported)" = 22 -a "$(field "$result" rows_reported_twice)" = 0

echo "drill: clean up"
kill_worker
trap - EXIT
finish
check "no RQ worker left behind" no_worker
checks_summary "drill (candidate import)"
