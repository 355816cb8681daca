#!/usr/bin/env bash
# Data safety drill, on two throwaway sites of the bench (made here, dropped at the end, also on
# failure; a rerun after a crash drops what a previous run left first):
#   1. a source site with the app, the demo data, files attached to KOLs (public and private) and
#      what an administrator adds on a live site (a Custom Field with a value, a Property Setter, a
#      User Permission, a share, a comment, an email, an assignment, an encrypted value, a changed
#      setting)
#   2. `bench backup --with-files` -> `bench restore` with the public and private files on a new
#      site (with the source's encryption key) -> `bench migrate`: every table of the app's
#      DocTypes (child tables and the Single's values included), the Versions, Communications,
#      Comments, ToDos, Files, shares and User Permissions of its documents, and every file are
#      identical: row counts, a SHA-256 of all columns of all rows ordered by name, file SHA-256s;
#      the encrypted value reads back
#   3. `bench migrate` again on the restored site changes nothing: the data above, and the app's
#      DocTypes, DocFields, DocPerms, Custom Fields, Property Setters, workflows, roles, reports,
#      workspace, templates, boards and the Single's values
#   4. the comparison itself: one changed value and one changed byte in a file make it fail
#   5. `bench uninstall-app kol_crm` on the source site leaves no orphan (tables, module records,
#      the records the app made in Frappe's DocTypes, anything naming the app's DocTypes, the
#      files on disk); `bench install-app kol_crm` again gives a complete, empty app
# Prints ok/FAIL per check and the time of each step; exits 1 on a failure.
#
# A run killed half-way (no trap) leaves its sites, databases and users: the next run drops them
# first (the databases have fixed names, so even one without its site folder is found).
#
# Run as root or as the bench user, after scripts/test.sh has built the bench (as .ci/run does).
# The app's code is this checkout's (on PYTHONPATH), so a branch is drilled with its own hooks.
# MariaDB and Redis: as for scripts/test.sh (scripts/services.sh).
#   KOL_SAFETY_SITE_PREFIX   names of the two sites (default: kol-safety -> kol-safety-src.localhost)
#   KOL_SAFETY_KOLS          also a benchmark programme of that many KOLs, with 10 interactions each
#                            (kol_crm.benchmarks), for the figures at scale (default: 0, the demo only)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/lib.sh

PREFIX="${KOL_SAFETY_SITE_PREFIX:-kol-safety}"
KOLS="${KOL_SAFETY_KOLS:-0}"
SRC="$PREFIX-src.localhost"
DST="$PREFIX-dst.localhost"
# fixed database names: a run that crashed between making a database and its site folder leaves
# a database the next run can still find and drop
db_name() { echo "_${PREFIX//[^a-zA-Z0-9]/_}_$1"; }
ensure_user
KOL_BENCH_DIR="${KOL_BENCH_DIR:-$(bench_home)/frappe-bench}"
export KOL_BENCH_DIR
[ -x "$KOL_BENCH_DIR/env/bin/python" ] || die "no bench at $KOL_BENCH_DIR: run scripts/test.sh first"
ensure_services
# this checkout's code, or, when the bench user can't read it, the bench's copy of it (scripts/test.sh
# copies a checkout the bench user does not own into apps/kol_crm)
APP_CODE="$KOL_APP_SRC"
if ! as_user test -r "$APP_CODE/kol_crm/hooks.py"; then
	APP_CODE="$KOL_BENCH_DIR/apps/kol_crm"
	log "the bench user can't read $KOL_APP_SRC: drilling the bench's copy, $APP_CODE"
fi
HELPER="$APP_CODE/tests/scripts/data_safety.py"
as_user test -r "$HELPER" || die "the bench user can't read $HELPER"

source tests/scripts/checks.sh

# this checkout's kol_crm first on the path, for bench and for the helper
bench_run() { (cd "$KOL_BENCH_DIR" && as_user env PYTHONPATH="$APP_CODE" bench "$@"); }
# commands that ask for the MariaDB admin password get it on stdin too (Frappe prompts for an empty one)
bench_root() { printf '%s\n' "$KOL_DB_ROOT_PASSWORD" | bench_run "$@"; }
helper() { (cd "$KOL_BENCH_DIR/sites" && as_user env PYTHONPATH="$APP_CODE" PYTHONWARNINGS=ignore "$KOL_BENCH_DIR/env/bin/python" "$HELPER" "$@"); }
root_args=(--db-root-username "$KOL_DB_ROOT_USER" --db-root-password "$KOL_DB_ROOT_PASSWORD")

timings=()
step_name=""
step_started=0
step() { # step NAME: ends the previous step's timer, starts this one
	finish_step
	step_name="$1"
	step_started=$SECONDS
	echo "data safety: $1"
}
finish_step() {
	if [ -n "${step_name:-}" ]; then
		timings+=("$(printf '%5d s  %s' $((SECONDS - step_started)) "$step_name")")
	fi
	step_name=""
}

drop_sites() {
	local site name
	for site in "$SRC" "$DST"; do
		if [ -d "$KOL_BENCH_DIR/sites/$site" ]; then
			bench_root drop-site "$site" "${root_args[@]}" --no-backup --force >/dev/null 2>&1 ||
				log "could not drop $site"
		fi
		# drop-site moves the folder to archived_sites: these are throwaway copies
		as_user rm -rf "$KOL_BENCH_DIR/sites/$site" "$KOL_BENCH_DIR/archived_sites/$site" "$KOL_BENCH_DIR/archived_sites/$site"-*
	done
	for name in "$(db_name src)" "$(db_name dst)"; do
		db_query "DROP DATABASE IF EXISTS \`$name\`; DROP USER IF EXISTS '$name'@'%', '$name'@'localhost'" >/dev/null ||
			log "could not drop the database $name"
	done
}

work="$(mktemp -d /tmp/kol-data-safety.XXXXXX)"
chmod 755 "$work"
chown "$KOL_BENCH_USER" "$work"
cleanup() {
	set +e
	drop_sites
	rm -rf "$work"
}
trap cleanup EXIT
started=$SECONDS

step "drop what a previous run left"
drop_sites

step "source site with the app"
bench_root new-site "$SRC" "${root_args[@]}" --admin-password admin --db-name "$(db_name src)" \
	--db-host "$KOL_DB_HOST" --db-port "$KOL_DB_PORT" --install-app kol_crm >"$work/new-site.log" 2>&1 ||
	{ cat "$work/new-site.log"; die "could not make $SRC"; }
bench_run --site "$SRC" execute frappe.desk.page.setup_wizard.setup_wizard.setup_complete \
	--kwargs "{'args': {'language': 'English', 'country': 'China', 'timezone': 'Asia/Shanghai', 'currency': 'CNY'}}" >/dev/null

step "demo data, files and an administrator's changes"
helper seed "$SRC" "$KOLS" || die "could not seed $SRC"
helper digest "$SRC" "$work/src.json"
helper snapshot "$SRC" "$work/snapshot.json"

step "backup with files"
bench_run --site "$SRC" backup --with-files --backup-path "$work/backup" >"$work/backup.log" 2>&1 ||
	{ cat "$work/backup.log"; die "backup failed"; }
sql="$(ls "$work"/backup/*-database.sql.gz)"
public="$(ls "$work"/backup/*-files.tar | grep -v private-files)"
private="$(ls "$work"/backup/*-private-files.tar)"
config="$(ls "$work"/backup/*-site_config_backup.json)"
check "the backup has the database, public and private files and the site config" \
	test -s "$sql" -a -s "$public" -a -s "$private" -a -s "$config"

step "restore on a new site, then migrate"
# as on a new machine: an empty site, the backup restored into it
bench_root new-site "$DST" "${root_args[@]}" --admin-password admin --db-name "$(db_name dst)" \
	--db-host "$KOL_DB_HOST" --db-port "$KOL_DB_PORT" >"$work/new-site-dst.log" 2>&1 ||
	{ cat "$work/new-site-dst.log"; die "could not make $DST"; }
bench_root --site "$DST" restore "$sql" --with-public-files "$public" --with-private-files "$private" \
	"${root_args[@]}" --admin-password admin >"$work/restore.log" 2>&1 ||
	{ cat "$work/restore.log"; die "restore failed"; }
# passwords and other encrypted fields need the old site's key: restore does not carry it over
# (not `bench set-config`: a key starting with "-" reads as an option there)
helper restore-key "$DST" "$config"
bench_run --site "$DST" migrate >"$work/migrate1.log" 2>&1 || { cat "$work/migrate1.log"; die "migrate failed"; }
helper digest "$DST" "$work/dst1.json"
check "restored: the app's tables and its documents' records are identical" helper compare "$work/src.json" "$work/dst1.json" data
check "restored: every public and private file is identical" helper compare "$work/src.json" "$work/dst1.json" files
check "restored: the app's definitions and records are identical" helper compare "$work/src.json" "$work/dst1.json" meta
check "restored: a value the source encrypted reads back (with its encryption key)" helper decrypts "$DST"

step "migrate again"
bench_run --site "$DST" migrate >"$work/migrate2.log" 2>&1 || { cat "$work/migrate2.log"; die "migrate failed"; }
helper digest "$DST" "$work/dst2.json"
check "a second migrate changes no data" helper compare "$work/dst1.json" "$work/dst2.json" data files
check "a second migrate changes no definition or shipped record" helper compare "$work/dst1.json" "$work/dst2.json" meta

step "the comparison notices a change"
helper tamper "$DST"
helper digest "$DST" "$work/dst3.json" >/dev/null
status=0
out="$(helper compare "$work/dst2.json" "$work/dst3.json" data files)" || status=$?
check "one changed value and one changed file make the comparison fail, naming them" \
	bash -c '[ "$0" = 1 ] && grep -q "data/KOL: .*columns .*kol_name" <<<"$1" && grep -q "files/files: .*changed 1" <<<"$1" ||
		{ echo "$1"; false; }' "$status" "$out"

step "uninstall"
bench_run --site "$SRC" uninstall-app kol_crm --yes --no-backup --force >"$work/uninstall.log" 2>&1 ||
	{ cat "$work/uninstall.log"; die "uninstall failed"; }
check "uninstall: kol_crm is no longer installed" \
	bash -c '! grep -q "^kol_crm" <<<"$0"' "$(bench_run --site "$SRC" list-apps 2>&1)"
check "uninstall leaves no orphan records or files" helper orphans "$SRC" "$work/snapshot.json"

step "install again"
bench_run --site "$SRC" install-app kol_crm >"$work/reinstall.log" 2>&1 ||
	{ cat "$work/reinstall.log"; die "install after uninstall failed"; }
check "reinstall: the app is complete and starts empty" helper reinstalled "$SRC" "$work/snapshot.json"

step "drop the sites"
drop_sites
trap 'rm -rf "$work"' EXIT
finish_step

echo "data safety: timings"
printf '  %s\n' "${timings[@]}"
checks_summary "data safety" "in $((SECONDS - started)) s"
