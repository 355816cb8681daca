#!/usr/bin/env bash
# The scripts' own MariaDB and Redis (scripts/services.sh), end to end, on unused ports.
#
#   1. nothing answers at the configured ports -> the private MariaDB and Redis start; a site is
#      built on them with the app and a smoke test runs against it
#   2. a second run reuses them (same pids, nothing started)
#   3. the one-line messages: wrong port, wrong password, latin1 server (a real server answer),
#      Redis' wrong port, and, not root with nothing installed, the exact apt command (scripts/demo.sh
#      run as the bench user with mariadbd and redis-server hidden)
#   4. `scripts/demo.sh --stop` leaves nothing running (pids gone, ports closed); the next run
#      starts them again; --stop again
# The site lives in a small bench that shares apps/frappe and env/ with the existing bench (so the
# existing bench's config, sites and apps/kol_crm are never touched: this checkout is copied into
# the small bench and comes first on PYTHONPATH). Everything is removed at the end.
#
# Run as root or as the bench user, after scripts/test.sh has built the bench (as .ci/run does).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/lib.sh

DB_PORT="${KOL_TEST_PRIVATE_DB_PORT:-3317}"
REDIS_PORT="${KOL_TEST_PRIVATE_REDIS_PORT:-6390}"
SITE=kol-services.localhost
SHARED="${KOL_BENCH_DIR:-$(bench_home)/frappe-bench}"
[ -x "$SHARED/env/bin/python" ] || die "no bench at $SHARED: run scripts/test.sh first"
# with the test extras in the shared env, ensure_app installs nothing into it
(cd / && as_user "$SHARED/env/bin/python" -c 'import kol_crm, pytest, freezegun, playwright, hypothesis' 2>/dev/null) ||
	die "the env of $SHARED lacks kol_crm or its test extras: run scripts/test.sh first"
NOBODY_DB_PORT=$((DB_PORT + 10)) NOBODY_REDIS_PORT=$((REDIS_PORT + 1)) # nothing may answer there
for port in "$DB_PORT" "$REDIS_PORT" "$NOBODY_DB_PORT" "$NOBODY_REDIS_PORT"; do
	tcp_open 127.0.0.1 "$port" && die "port $port is in use; set KOL_TEST_PRIVATE_DB_PORT / KOL_TEST_PRIVATE_REDIS_PORT"
done

work="$(mktemp -d /tmp/kol-services-test.XXXXXX)"
chmod 755 "$work"
chown "$KOL_BENCH_USER" "$work"
state="$work/state"
bench="$work/bench"
as_user mkdir -p "$state" "$bench/apps" "$bench/sites" "$bench/config/pids" "$bench/logs"
as_user ln -s "$SHARED/apps/frappe" "$bench/apps/frappe"
as_user ln -s "$SHARED/env" "$bench/env"
as_user ln -s "$SHARED/sites/assets" "$bench/sites/assets"
printf 'frappe\nkol_crm\n' | as_user tee "$bench/sites/apps.txt" >/dev/null
echo '{}' | as_user tee "$bench/sites/common_site_config.json" >/dev/null

# the environment of every run: the private ports, and the configured addresses pointing at them
svc_env=(KOL_PRIVATE_DIR="$state" KOL_PRIVATE_DB_PORT="$DB_PORT" KOL_PRIVATE_REDIS_PORT="$REDIS_PORT"
	KOL_DB_PORT="$DB_PORT" KOL_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" KOL_BENCH_DIR="$bench"
	PYTHONPATH="$bench/apps/kol_crm")
run() { env "${svc_env[@]}" "$@"; }

source tests/scripts/checks.sh
seconds() { echo $(($(date +%s) - $1)); }

cleanup() {
	set +e
	if [ -d "$bench/sites/$SITE" ]; then
		(cd "$bench" && as_user bench drop-site "$SITE" --db-root-username kol_admin \
			--db-root-password "$(cat "$state/mariadb/admin-password")" --no-backup --force >/dev/null 2>&1)
	fi
	run bash scripts/demo.sh --stop >/dev/null 2>&1
	# in case the not-root run below started something after all
	run env KOL_PRIVATE_DIR="$work/fresh" bash scripts/demo.sh --stop >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT

db_pid() { cat "$state/mariadb/mariadb.pid" 2>/dev/null; }
redis_pid() { cat "$state/redis/redis.pid" 2>/dev/null; }
alive() { [ -n "$1" ] && [ -e "/proc/$1" ]; }
not() { ! "$@"; }
closed() { ! tcp_open 127.0.0.1 "$1"; }
# one-line message: stderr of ensure_services with the given extra settings; status must be 1
message() { # VAR=value...
	local out status=0
	out="$(run "$@" bash -c 'source scripts/lib.sh; ensure_services' 2>&1)" || status=$?
	out="$(printf '%s\n' "$out" | grep -v '\[kol_crm\]')"
	[ "$status" = 1 ] || out="(exit status $status) $out"
	printf '%s' "$out"
}
same() { # expected actual
	if [ "$1" = "$2" ]; then return 0; fi
	printf '    expected: %s\n    got:      %s\n' "$1" "$2"
	return 1
}

machine_services() { for p in 3306 6379; do tcp_open 127.0.0.1 "$p" && echo -n "$p:up " || echo -n "$p:down "; done; }
machine="$(machine_services)"
echo "test_services: private MariaDB on $DB_PORT and Redis on $REDIS_PORT, in $work"

# 1. first run: nothing answers -> private services, a site on them, a smoke test
t=$(date +%s)
run bash -c 'source scripts/lib.sh; ensure_bench; ensure_site "$0"; describe_services' "$SITE" >"$work/run1.log" 2>&1 ||
	{ cat "$work/run1.log"; die "first run failed"; }
echo "  first run (services + site + app): $(seconds "$t") s"
check "test_first_run_starts_private_mariadb" alive "$(db_pid)"
check "test_first_run_starts_private_redis" alive "$(redis_pid)"
check "test_private_mariadb_runs_as_bench_user" same "$KOL_BENCH_USER" "$(stat -c %U "/proc/$(db_pid)")"
check "test_private_mariadb_is_utf8mb4" same utf8mb4 \
	"$(as_user mariadb -S "$state/mariadb/mariadb.sock" -u "$KOL_BENCH_USER" -N -B -e 'SELECT @@character_set_server')"
check "test_demo_prints_where_services_run" grep -q "stop the private services with: bash scripts/demo.sh --stop" "$work/run1.log"
apps="$(cd "$bench" && as_user bench --site "$SITE" list-apps 2>&1)" || true
check "test_site_on_private_services_lists_kol_crm" bash -c 'grep -q "^kol_crm" <<<"$0" || { echo "$0"; false; }' "$apps"
check "test_bench_config_points_at_private_services" same "$DB_PORT redis://127.0.0.1:$REDIS_PORT" \
	"$(as_user "$bench/env/bin/python" -c 'import json,sys; c=json.load(open(sys.argv[1])); print(c["db_port"], c["redis_cache"])' \
		"$bench/sites/common_site_config.json")"
# the app's tables were made on the private MariaDB: the KOL DocType is there with its module
check "test_smoke_kol_doctype_on_private_db" same '"KOL CRM"' \
	"$(cd "$bench" && as_user bench --site "$SITE" execute frappe.db.get_value --args '["DocType", "KOL", "module"]' 2>&1 | tail -n3)"
check "test_site_runs_this_checkout" same "$bench/apps/kol_crm/kol_crm" \
	"$(cd "$bench" && as_user env PYTHONPATH="$bench/apps/kol_crm" bench --site "$SITE" execute frappe.get_app_path \
		--args '["kol_crm"]' 2>&1 | tail -n1 | tr -d '"')"

# 2. second run: the same processes, nothing started
pids="$(db_pid) $(redis_pid)"
out="$(run bash -c 'source scripts/lib.sh; ensure_services' 2>&1)" || true
check "test_second_run_reuses_services" same "$pids" "$(db_pid) $(redis_pid)"
check "test_second_run_says_reusing" bash -c 'grep -q "reusing the private MariaDB" <<<"$0" && ! grep -q starting <<<"$0"' "$out"

# 2b. a site whose database went away (CI once found the machine's MariaDB down, so the scripts ran
# their own, with the test site still pointing at the machine's): it is archived and made again
fake_site() { # name db_name [port]
	as_user mkdir -p "$bench/sites/$1"
	printf '{"db_name": "%s"%s}\n' "$2" "${3:+, \"db_host\": \"127.0.0.1\", \"db_port\": $3}" |
		as_user tee "$bench/sites/$1/site_config.json" >/dev/null
}
lost() { run bash -c 'source scripts/lib.sh; ensure_services >/dev/null 2>&1; site_db_lost "$0"' "$1"; }
fake_site gone-server.localhost _gone "$NOBODY_DB_PORT"
fake_site gone-db.localhost _no_such_database
check "test_site_on_a_silent_server_is_lost" lost gone-server.localhost
check "test_site_without_its_database_is_lost" lost gone-db.localhost
check "test_site_with_its_database_is_kept" not lost "$SITE"
run bash -c 'source scripts/lib.sh; ensure_services >/dev/null 2>&1; retire_site "$0"' gone-db.localhost >/dev/null 2>&1
check "test_retired_site_is_archived_not_deleted" bash -c '! [ -e "$0/sites/gone-db.localhost" ] &&
	grep -q _no_such_database "$0"/archived_sites/gone-db.localhost-*/site_config.json' "$bench"
as_user rm -rf "$bench/sites/gone-server.localhost"
# end to end: the real site now points at a server that doesn't answer -> ensure_site rebuilds it
site_conf="$bench/sites/$SITE/site_config.json"
as_user "$bench/env/bin/python" -c 'import json,sys; p=sys.argv[1]; c=json.load(open(p)); c["db_port"]=int(sys.argv[2]); json.dump(c, open(p, "w"))' \
	"$site_conf" "$NOBODY_DB_PORT"
t=$(date +%s)
run bash -c 'source scripts/lib.sh; ensure_bench; ensure_site "$0"' "$SITE" >"$work/rebuild.log" 2>&1 || cat "$work/rebuild.log"
echo "  rebuild of a lost site: $(seconds "$t") s"
check "test_lost_site_is_rebuilt_on_the_current_server" same '"KOL CRM"' \
	"$(cd "$bench" && as_user bench --site "$SITE" execute frappe.db.get_value --args '["DocType", "KOL", "module"]' 2>&1 | tail -n3)"
check "test_lost_site_rebuild_says_why" grep -q "is not reachable: moving the site to" "$work/rebuild.log"

# 3. the one-line messages
check "test_message_wrong_port" same \
	"nothing answers at 127.0.0.1:3327: start MariaDB there, or set KOL_DB_HOST/KOL_DB_PORT to where it runs (unset them to let the scripts run their own)" \
	"$(message KOL_DB_PORT=3327)"
check "test_message_wrong_password" same \
	"MariaDB at 127.0.0.1:$DB_PORT refused user 'kol_admin' (wrong password or no such user): set KOL_DB_ROOT_USER and KOL_DB_ROOT_PASSWORD to an admin account" \
	"$(message KOL_SERVICES=external KOL_DB_ROOT_USER=kol_admin KOL_DB_ROOT_PASSWORD=wrong)"
check "test_message_port_of_something_else" same \
	"what answers at 127.0.0.1:$REDIS_PORT is not MariaDB: set KOL_DB_PORT to MariaDB's port" \
	"$(message KOL_SERVICES=external KOL_DB_PORT="$REDIS_PORT" KOL_DB_ROOT_USER=kol_admin)"
check "test_message_redis_wrong_port" same \
	"Redis does not answer at redis://127.0.0.1:6391: start Redis there, or set KOL_REDIS_URL to where it runs (unset it to let the scripts run their own)" \
	"$(message KOL_REDIS_URL=redis://127.0.0.1:6391)"
# latin1: the running server's global character set, as a latin1-configured server answers
as_user mariadb -S "$state/mariadb/mariadb.sock" -u "$KOL_BENCH_USER" -e 'SET GLOBAL character_set_server = latin1'
check "test_message_latin1_server" same \
	"MariaDB at 127.0.0.1:$DB_PORT uses character set latin1, Frappe needs utf8mb4: add character-set-server = utf8mb4 and collation-server = utf8mb4_unicode_ci under [mysqld] in its config and restart it" \
	"$(message)"
as_user mariadb -S "$state/mariadb/mariadb.sock" -u "$KOL_BENCH_USER" -e 'SET GLOBAL character_set_server = utf8mb4'

# not root, nothing answering and neither mariadbd nor redis-server installed: scripts/demo.sh, run
# as the bench user in a clean environment, stops at once with one line, the exact apt command
nobin="$work/bin" # the usual programs, without the ones the scripts look for
mkdir -p "$nobin" "$work/app"
cp -sn /usr/local/bin/* /usr/bin/* /bin/* "$nobin/" 2>/dev/null || true
rm -f "$nobin/mariadbd" "$nobin/mysqld" "$nobin/redis-server"
cp -r scripts "$work/app/" # readable by the bench user wherever this checkout is
chmod -R a+rX "$nobin" "$work/app"
as_user mkdir -p "$work/fresh"
nonroot_env=(HOME="$(bench_home)" PATH="$nobin" KOL_SBIN_PATH= KOL_BENCH_DIR="$work/nobench"
	KOL_PRIVATE_DIR="$work/fresh" KOL_PRIVATE_DB_PORT="$NOBODY_DB_PORT" KOL_DB_PORT="$NOBODY_DB_PORT"
	KOL_PRIVATE_REDIS_PORT="$NOBODY_REDIS_PORT" KOL_REDIS_URL="redis://127.0.0.1:$NOBODY_REDIS_PORT")
nonroot() { # command... as the bench user (not root), with only nonroot_env
	if [ "$(id -u)" = 0 ]; then
		(cd "$work/app" && runuser -u "$KOL_BENCH_USER" -- env -i "${nonroot_env[@]}" "$@")
	else
		(cd "$work/app" && env -i "${nonroot_env[@]}" "$@")
	fi
}
check "test_nonroot_run_finds_no_service_programs" same "" \
	"$(nonroot bash -c 'source scripts/lib.sh; find_program mariadbd mysqld redis-server' 2>&1)"
status=0
out="$(nonroot timeout 60 bash scripts/demo.sh --no-serve 2>&1)" || status=$?
check "test_message_nonroot_nothing_installed" same \
	"(status 1) MariaDB/Redis are not running and mariadb-server redis-server not installed: run  sudo apt-get update && sudo apt-get install -y mariadb-server redis-server  then run this again (or point KOL_DB_HOST/KOL_DB_PORT/KOL_REDIS_URL at yours)" \
	"(status $status) $out"
started_nothing() { closed "$NOBODY_DB_PORT" && closed "$NOBODY_REDIS_PORT" && ! [ -e "$work/fresh/mariadb" ] && ! [ -e "$work/nobench" ]; }
check "test_nonroot_nothing_installed_starts_nothing" started_nothing
# after the install the distribution's MariaDB answers on the default port, with a root that logs
# in by socket only: the next run still runs its own (here: the private MariaDB answers at $DB_PORT)
use_private_db() { # private dir: status of _use_private for an address that answers, not set by the user
	env KOL_PRIVATE_DIR="$1" bash -c 'source scripts/lib.sh; _use_private db 127.0.0.1 "$0" ""' "$DB_PORT"
}
check "test_after_the_install_the_next_run_runs_its_own" use_private_db "$work/fresh"
check "test_without_that_message_an_answering_address_is_used" not use_private_db "$work/none"

# the test site and its database go before the services stop
db_name="$(as_user "$bench/env/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["db_name"])' "$bench/sites/$SITE/site_config.json")"
(cd "$bench" && as_user bench drop-site "$SITE" --db-root-username kol_admin \
	--db-root-password "$(cat "$state/mariadb/admin-password")" --no-backup --force >/dev/null 2>&1)
check "test_site_database_dropped" same "" \
	"$(as_user mariadb -S "$state/mariadb/mariadb.sock" -u "$KOL_BENCH_USER" -N -B -e "SHOW DATABASES LIKE '$db_name'")"

# 4. --stop: nothing left; a later run starts them again
t=$(date +%s)
read -r dbp rp <<<"$pids"
run bash scripts/demo.sh --stop >"$work/stop.log" 2>&1
echo "  --stop: $(seconds "$t") s"
check "test_stop_ends_private_mariadb" bash -c '! [ -e "/proc/$0" ]' "$dbp"
check "test_stop_ends_private_redis" bash -c '! [ -e "/proc/$0" ]' "$rp"
check "test_stop_closes_ports" bash -c "$(declare -f tcp_open closed); closed $DB_PORT && closed $REDIS_PORT"
check "test_stop_leaves_machine_services_running" same "$machine" "$(machine_services)"
run bash -c 'source scripts/lib.sh; ensure_services' >"$work/run4.log" 2>&1
check "test_next_run_starts_stopped_services_again" bash -c 'alive() { [ -n "$1" ] && [ -e "/proc/$1" ]; }; alive "$0" && alive "$1" && [ "$0" != "$2" ]' "$(db_pid)" "$(redis_pid)" "$dbp"
run bash scripts/demo.sh --stop >/dev/null 2>&1
check "test_stop_again_leaves_nothing_running" bash -c "$(declare -f tcp_open closed); closed $DB_PORT && closed $REDIS_PORT"

# the plain closing line CI reads
checks_summary "services"
