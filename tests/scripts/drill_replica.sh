#!/usr/bin/env bash
# Replica drill (issue 11, scale-out): a primary MariaDB with a binary log and a replica of it set
# up by scripts/replica.sh, both private to this drill (own folders and ports, started as the bench
# user), a throwaway site on the primary with read_from_replica, then tests/scripts/drill_replica.py:
#   1. a fresh replica serves the list views and reports, with the primary's answers
#   2. with its SQL thread stopped and any lag allowed, lists show the replica's older rows while
#      the primary has the new one (the reads really go to the replica); the site's database user
#      can't write on the replica
#   3. lagging beyond kol_replica_max_lag: reads go to the primary, nothing stale shown as fresh
#   4. replication resumed: the replica catches up and is used again
#   5. the replica killed: lists and reports answer from the primary after at most one check
#      interval (the requests inside that interval fail and are counted)
#   6. the replica restarted: it catches up from its position and is used again
#   7. the primary restarted while four clients create KOLs over REST: requests fail with an HTTP
#      error while it is down (none hangs), the app recovers without a restart, every acknowledged
#      creation is stored once
# Everything it made (site folder, both servers and their data) goes at the end, also on failure.
#
# Not part of .ci/run (a site on a new server takes minutes): run it by hand after scripts/test.sh
# has built the bench, as root or as the bench user:
#   bash tests/scripts/drill_replica.sh
#   KOL_DRILL_PRIMARY_PORT (3341), KOL_DRILL_REPLICA_PORT (3342), KOL_REPLICA_SITE (kol-replica.localhost)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/lib.sh

SITE="${KOL_REPLICA_SITE:-kol-replica.localhost}"
PRIMARY_PORT="${KOL_DRILL_PRIMARY_PORT:-3341}"
REPLICA_PORT="${KOL_DRILL_REPLICA_PORT:-3342}"
ensure_user
KOL_BENCH_DIR="${KOL_BENCH_DIR:-$(bench_home)/frappe-bench}"
export KOL_BENCH_DIR
[ -x "$KOL_BENCH_DIR/env/bin/python" ] || die "no bench at $KOL_BENCH_DIR: run scripts/test.sh first"
ensure_services # the bench's Redis (cache and queue) must answer
DRILL_DIR="$(bench_home)/.local/share/kol_crm/replica-drill"
APP_CODE="$KOL_APP_SRC"
if ! as_user test -r "$APP_CODE/kol_crm/hooks.py"; then
	APP_CODE="$KOL_BENCH_DIR/apps/kol_crm"
	log "the bench user can't read $KOL_APP_SRC: drilling the bench's copy, $APP_CODE"
fi

bench_run() { (cd "$KOL_BENCH_DIR" && as_user env PYTHONPATH="$APP_CODE" bench "$@"); }
primary_pw() { cat "$DRILL_DIR/primary/mariadb/admin-password"; }

cleanup() {
	as_user rm -rf "$KOL_BENCH_DIR/sites/$SITE"
	KOL_PRIVATE_DIR="$DRILL_DIR/replica" stop_services >/dev/null 2>&1 || true
	KOL_PRIVATE_DIR="$DRILL_DIR/primary" stop_services >/dev/null 2>&1 || true
	as_user rm -rf "$DRILL_DIR"
}
cleanup # what a killed run left
trap cleanup EXIT

step() { printf '\n== %s\n' "$*" >&2; }
t0=$(date +%s)
step "primary: a private MariaDB with a binary log on 127.0.0.1:$PRIMARY_PORT"
KOL_PRIVATE_DIR="$DRILL_DIR/primary" KOL_PRIVATE_DB_PORT="$PRIMARY_PORT" KOL_PRIVATE_DB_EXTRA="log-bin
server-id = 1
binlog-format = ROW" start_private_db

step "a site with kol_crm on the primary"
printf '%s\n' "$(primary_pw)" | bench_run new-site "$SITE" --db-host 127.0.0.1 --db-port "$PRIMARY_PORT" \
	--db-root-username kol_admin --db-root-password "$(primary_pw)" --admin-password admin --no-mariadb-socket \
	--install-app kol_crm >/dev/null
t1=$(date +%s)

step "replica: scripts/replica.sh add $SITE (127.0.0.1:$REPLICA_PORT)"
KOL_REPLICA_DIR="$DRILL_DIR/replica" KOL_REPLICA_PORT="$REPLICA_PORT" KOL_REPLICA_PRIMARY_HOST=127.0.0.1 \
	KOL_REPLICA_PRIMARY_PORT="$PRIMARY_PORT" KOL_REPLICA_PRIMARY_USER=kol_admin \
	KOL_REPLICA_PRIMARY_PASSWORD="$(primary_pw)" bash scripts/replica.sh add "$SITE"
t2=$(date +%s)

step "drill"
rc=0
(cd "$KOL_BENCH_DIR/sites" && as_user env PYTHONPATH="$APP_CODE" PYTHONWARNINGS=ignore \
	PATH="$PATH:/usr/sbin:/usr/local/sbin" "$KOL_BENCH_DIR/env/bin/python" "$APP_CODE/tests/scripts/drill_replica.py" \
	"$SITE" "$DRILL_DIR/replica/mariadb/my.cnf" "$DRILL_DIR/replica/mariadb/mariadb.sock" "$REPLICA_PORT" \
	"$DRILL_DIR/primary/mariadb/my.cnf") || rc=$?
t3=$(date +%s)
log "replica drill: site $((t1 - t0)) s, replica set up $((t2 - t1)) s, checks $((t3 - t2)) s"
[ "$rc" = 0 ] && log "replica drill passed" || log "replica drill FAILED"
exit "$rc"
