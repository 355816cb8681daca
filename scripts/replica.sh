#!/usr/bin/env bash
# shellcheck shell=bash
# A MariaDB read replica on this machine, for Frappe's read_from_replica (docs/operations.md).
#
#   bash scripts/replica.sh add [SITE]   start a replica of the primary, copy the primary's data and
#                                        users into it, start replicating; with SITE, point the site's
#                                        reads at it (read_from_replica, replica_host, replica_db_port)
#   bash scripts/replica.sh status       the replica's replication threads and its position
#   bash scripts/replica.sh stop         stop the replica (replication resumes on the next `add`)
#
# The primary must write a binary log with GTIDs: in its [mariadbd] section `log-bin`,
# `server-id = 1` (any id but the replica's) and `binlog-format = ROW`, then a restart. The script
# checks this first and says what to add when it is missing.
#
# The replica runs as the bench user with its own data folder, socket and port (the private
# MariaDB of scripts/services.sh, in another folder), read-only for everyone but its admin, so a
# write sent to it by mistake fails instead of forking the data. It gets the primary's databases
# (all but MariaDB's own) and its users, so the site's database user reads it with the same
# password.
#
# Settings (environment variables):
#   KOL_REPLICA_PRIMARY_HOST/PORT   the primary (default: KOL_DB_HOST / KOL_DB_PORT)
#   KOL_REPLICA_PRIMARY_USER/PASSWORD  an admin of the primary (default: KOL_DB_ROOT_USER / _PASSWORD)
#   KOL_REPLICA_PORT                the replica's port (default: 3318)
#   KOL_REPLICA_SERVER_ID           its server id (default: 2)
#   KOL_REPLICA_DIR                 its data (default: ~KOL_BENCH_USER/.local/share/kol_crm/replica)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KOL_REPLICA_PRIMARY_HOST="${KOL_REPLICA_PRIMARY_HOST:-$KOL_DB_HOST}"
KOL_REPLICA_PRIMARY_PORT="${KOL_REPLICA_PRIMARY_PORT:-$KOL_DB_PORT}"
KOL_REPLICA_PRIMARY_USER="${KOL_REPLICA_PRIMARY_USER:-$KOL_DB_ROOT_USER}"
KOL_REPLICA_PRIMARY_PASSWORD="${KOL_REPLICA_PRIMARY_PASSWORD-$KOL_DB_ROOT_PASSWORD}"
KOL_REPLICA_PORT="${KOL_REPLICA_PORT:-3318}"
KOL_REPLICA_SERVER_ID="${KOL_REPLICA_SERVER_ID:-2}"
replica_dir() { echo "${KOL_REPLICA_DIR:-$(bench_home)/.local/share/kol_crm/replica}"; }

on_primary() {
	MYSQL_PWD="$KOL_REPLICA_PRIMARY_PASSWORD" mariadb --protocol=TCP -h "$KOL_REPLICA_PRIMARY_HOST" \
		-P "$KOL_REPLICA_PRIMARY_PORT" -u "$KOL_REPLICA_PRIMARY_USER" --connect-timeout=5 -N -B "$@"
}
# as the replica's own admin, through its socket
on_replica() {
	local dir
	dir="$(replica_dir)/mariadb"
	as_user mariadb --defaults-file="$dir/my.cnf" -S "$dir/mariadb.sock" -u "$KOL_BENCH_USER" -N -B "$@"
}

check_primary() {
	local answer log_bin server_id format
	answer="$(on_primary -e 'select @@log_bin, @@server_id, @@binlog_format' 2>&1)" ||
		die "the primary $KOL_REPLICA_PRIMARY_HOST:$KOL_REPLICA_PRIMARY_PORT does not answer as $KOL_REPLICA_PRIMARY_USER: $answer"
	read -r log_bin server_id format <<<"$answer"
	[ "$log_bin" = 1 ] || die "the primary writes no binary log: add 'log-bin', 'server-id = 1' and 'binlog-format = ROW' to its [mariadbd] section and restart it"
	[ "$server_id" != "$KOL_REPLICA_SERVER_ID" ] ||
		die "the primary's server-id is $server_id, the replica's too: set KOL_REPLICA_SERVER_ID to another number"
	[ "$format" = ROW ] || log "the primary's binlog format is $format; ROW is the safe one for replicas"
}

start_replica_server() {
	# the private MariaDB of services.sh, in the replica's folder, with the replica's options
	KOL_PRIVATE_DIR="$(replica_dir)" KOL_PRIVATE_DB_PORT="$KOL_REPLICA_PORT" \
		KOL_PRIVATE_DB_EXTRA="server-id = $KOL_REPLICA_SERVER_ID
read-only = 1
relay-log = relay-bin" start_private_db
}

add_replica() {
	local site="${1:-}" dir databases pw dump
	check_primary
	dir="$(replica_dir)"
	start_replica_server
	if [ -s "$dir/cloned" ]; then
		log "the replica on 127.0.0.1:$KOL_REPLICA_PORT is set up; starting replication"
		on_replica -e "START SLAVE" || true
	else
		pw="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
		on_primary -e "CREATE OR REPLACE USER 'kol_replication'@'%' IDENTIFIED BY '$pw';
			GRANT REPLICATION SLAVE ON *.* TO 'kol_replication'@'%'"
		databases="$(on_primary -e "select schema_name from information_schema.schemata where schema_name not in
			('mysql', 'information_schema', 'performance_schema', 'sys')" | tr '\n' ' ')"
		dump="$dir/clone.sql"
		log "copying the primary's databases ($databases) and users into the replica"
		# --gtid with --master-data: the dump sets the replica's gtid_slave_pos to the dump's point
		MYSQL_PWD="$KOL_REPLICA_PRIMARY_PASSWORD" mariadb-dump --protocol=TCP -h "$KOL_REPLICA_PRIMARY_HOST" \
			-P "$KOL_REPLICA_PRIMARY_PORT" -u "$KOL_REPLICA_PRIMARY_USER" --single-transaction --gtid \
			--master-data=1 --routines --events --triggers --databases $databases | as_user tee "$dump" >/dev/null
		copy_users
		on_replica <"$dump"
		as_user rm -f "$dump"
		on_replica -e "CHANGE MASTER TO MASTER_HOST='$KOL_REPLICA_PRIMARY_HOST', MASTER_PORT=$KOL_REPLICA_PRIMARY_PORT,
			MASTER_USER='kol_replication', MASTER_PASSWORD='$pw', MASTER_USE_GTID=slave_pos; START SLAVE"
		date -u +%FT%TZ | as_user tee "$dir/cloned" >/dev/null
	fi
	wait_caught_up
	if [ -n "$site" ]; then
		bench_cmd --site "$site" set-config replica_host 127.0.0.1 >/dev/null
		bench_cmd --site "$site" set-config -p replica_db_port "$KOL_REPLICA_PORT" >/dev/null
		bench_cmd --site "$site" set-config -p read_from_replica 1 >/dev/null
		log "$site reads its lists and reports from 127.0.0.1:$KOL_REPLICA_PORT while the replica is fresh"
	fi
}

# the primary's accounts (the sites' database users among them) on the replica, as they are; the
# replica's own admin accounts stay. (mariadb-dump --system=users fails on a server whose collation
# is utf8mb4_unicode_ci, as Frappe wants it.)
copy_users() {
	local user host
	on_primary -e "select user, host from mysql.global_priv where user not in ('', 'root', 'mariadb.sys', 'PUBLIC',
		'kol_replication')" | while read -r user host; do
		on_primary -e "SHOW CREATE USER '$user'@'$host'" | sed 's/^CREATE USER /CREATE USER IF NOT EXISTS /; s/$/;/'
		on_primary -e "SHOW GRANTS FOR '$user'@'$host'" | sed 's/$/;/'
	done | on_replica
}

wait_caught_up() {
	local primary replica i
	primary="$(on_primary -e 'select @@global.gtid_binlog_pos')"
	for i in $(seq 120); do
		replica="$(on_replica -e 'select @@global.gtid_slave_pos')"
		[ "$replica" = "$primary" ] && { log "the replica has the primary's position ($primary)"; return; }
		sleep 0.5
	done
	replica_status
	die "the replica did not reach the primary's position $primary in 60 s (it is at $replica)"
}

replica_status() {
	on_replica -e "SHOW SLAVE STATUS\G" | grep -E 'Slave_(IO|SQL)_Running:|Seconds_Behind_Master|Gtid_IO_Pos|Last_(IO|SQL)_Error:' || true
}

stop_replica() {
	KOL_PRIVATE_DIR="$(replica_dir)" stop_services
}

KOL_BENCH_DIR="${KOL_BENCH_DIR:-$(bench_home)/frappe-bench}"
case "${1:-}" in
add) add_replica "${2:-}" ;;
status) replica_status ;;
stop) stop_replica ;;
*)
	echo "usage: bash scripts/replica.sh add [SITE] | status | stop" >&2
	exit 2
	;;
esac
