#!/usr/bin/env bash
# Shared set-up for scripts/demo.sh and scripts/test.sh.
#
# Finds or creates a Frappe v15 bench with the standard `bench init`, puts this
# app into it and makes sure a site exists with the app installed. Every step
# checks what is already there first, so running it again only re-syncs the
# app and migrates the site.
#
# Settings (environment variables, all optional):
#   KOL_BENCH_USER        user that owns the bench (default: you; `frappe` when run as root)
#   KOL_BENCH_DIR         bench folder (default: ~KOL_BENCH_USER/frappe-bench)
#   FRAPPE_BRANCH         Frappe branch for `bench init` (default: version-15)
#   FRAPPE_PATH           passed to `bench init --frappe-path` (default: bench's upstream)
#   KOL_PYTHON            python for the bench env (default: python3.11 or python3)
#   KOL_DB_HOST/PORT      MariaDB (default: 127.0.0.1 / 3306)
#   KOL_DB_ROOT_USER      MariaDB admin user (default: root)
#   KOL_DB_ROOT_PASSWORD  its password (default: empty)
#   KOL_REDIS_URL         Redis for cache and queue (default: redis://127.0.0.1:6379)
#   (when nothing answers on the default addresses, private ones are started: scripts/services.sh)
#   KOL_ADMIN_PASSWORD    Administrator password of new sites (default: admin)
set -euo pipefail

# before the defaults below: it records which addresses the user set
source "$(dirname "${BASH_SOURCE[0]}")/services.sh"

KOL_APP_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FRAPPE_BRANCH="${FRAPPE_BRANCH:-version-15}"
KOL_DB_HOST="${KOL_DB_HOST:-127.0.0.1}"
KOL_DB_PORT="${KOL_DB_PORT:-3306}"
KOL_DB_ROOT_USER="${KOL_DB_ROOT_USER:-root}"
KOL_DB_ROOT_PASSWORD="${KOL_DB_ROOT_PASSWORD:-}"
KOL_REDIS_URL="${KOL_REDIS_URL:-redis://127.0.0.1:6379}"
KOL_ADMIN_PASSWORD="${KOL_ADMIN_PASSWORD:-admin}"

if [ "$(id -u)" = "0" ]; then
	KOL_BENCH_USER="${KOL_BENCH_USER:-frappe}"
else
	KOL_BENCH_USER="${KOL_BENCH_USER:-$(id -un)}"
fi

log() { printf '\033[1;34m[kol_crm]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[kol_crm]\033[0m %s\n' "$*" >&2; exit 1; }

ensure_user() {
	if id "$KOL_BENCH_USER" >/dev/null 2>&1; then return; fi
	[ "$(id -u)" = "0" ] || die "user $KOL_BENCH_USER does not exist"
	log "creating user $KOL_BENCH_USER (bench refuses to run as root)"
	useradd -m -s /bin/bash "$KOL_BENCH_USER"
}

bench_home() { getent passwd "$KOL_BENCH_USER" | cut -d: -f6; }

# Run a command as the bench user, with that user's HOME and the tool folder on PATH.
# Bytecode is written (some machines set PYTHONDONTWRITEBYTECODE, which doubles every bench command).
as_user() {
	local home tools
	home="$(bench_home)"
	tools="$home/.local/share/kol_crm"
	if [ "$(id -un)" = "$KOL_BENCH_USER" ]; then
		env HOME="$home" PYTHONDONTWRITEBYTECODE= \
			PATH="$tools/bench-cli/bin:$tools/node/bin:$home/.local/bin:$PATH" "$@"
	else
		runuser -u "$KOL_BENCH_USER" -- env HOME="$home" PYTHONDONTWRITEBYTECODE= \
			PATH="$tools/bench-cli/bin:$tools/node/bin:$home/.local/bin:$PATH" "$@"
	fi
}

pick_python() {
	if [ -n "${KOL_PYTHON:-}" ]; then echo "$KOL_PYTHON"; return; fi
	# A python the bench user can execute (root's pyenv usually is not).
	for p in /usr/bin/python3.11 /usr/local/bin/python3.11 python3.11 /usr/bin/python3 python3; do
		if as_user bash -c "command -v $p >/dev/null && $p -c 'import sys, venv; assert (3, 10) <= sys.version_info[:2] < (3, 13)'" 2>/dev/null; then
			as_user bash -c "command -v $p"
			return
		fi
	done
	die "no Python 3.10-3.12 with venv found for $KOL_BENCH_USER; set KOL_PYTHON"
}

ensure_system_tools() {
	local missing=()
	command -v crontab >/dev/null || missing+=(cron)
	command -v git >/dev/null || missing+=(git)
	command -v node >/dev/null || missing+=(nodejs npm)
	command -v pkg-config >/dev/null || missing+=(pkg-config)
	# PDFs of print formats (the KOL's settlement statements): Frappe renders them with it
	command -v wkhtmltopdf >/dev/null || missing+=(wkhtmltopdf)
	# and a Chinese font for them: without one a zh statement's PDF shows boxes
	{ command -v fc-list >/dev/null && [ -n "$(fc-list :lang=zh 2>/dev/null)" ]; } || missing+=(fonts-wqy-zenhei)
	if [ ${#missing[@]} -gt 0 ]; then
		[ "$(id -u)" = "0" ] || die "please install: ${missing[*]}"
		log "installing ${missing[*]}"
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
	fi
}

# bench (the CLI) and yarn 1 in the bench user's own tool folder, unless already on PATH.
ensure_user_tools() {
	local home tools py
	home="$(bench_home)"
	tools="$home/.local/share/kol_crm"
	as_user mkdir -p "$tools"
	if ! as_user bash -c 'command -v bench >/dev/null'; then
		py="$(pick_python)"
		log "installing frappe-bench for $KOL_BENCH_USER"
		as_user "$py" -m venv "$tools/bench-cli"
		as_user "$tools/bench-cli/bin/pip" install -q frappe-bench
	fi
	if ! as_user bash -c 'yarn --version 2>/dev/null | grep -q "^1\."'; then
		log "installing yarn 1 for $KOL_BENCH_USER"
		as_user npm install -s --prefix "$tools/node" -g yarn@1.22.22 >/dev/null
	fi
}

ensure_bench() {
	ensure_user
	ensure_services  # in seconds, before anything slow
	ensure_system_tools
	ensure_user_tools
	KOL_BENCH_DIR="${KOL_BENCH_DIR:-$(bench_home)/frappe-bench}"
	export KOL_BENCH_DIR
	if [ ! -f "$KOL_BENCH_DIR/apps/frappe/frappe/__init__.py" ] || [ ! -x "$KOL_BENCH_DIR/env/bin/python" ]; then
		[ -e "$KOL_BENCH_DIR" ] && die "$KOL_BENCH_DIR exists but is not a complete bench; move it away"
		local args=(init "$KOL_BENCH_DIR" --frappe-branch "$FRAPPE_BRANCH" --python "$(pick_python)" --skip-redis-config-generation)
		[ -n "${FRAPPE_PATH:-}" ] && args+=(--frappe-path "$FRAPPE_PATH")
		log "bench ${args[*]}"
		if ! (cd "$(bench_home)" && as_user bench "${args[@]}" </dev/null); then
			as_user rm -rf "$KOL_BENCH_DIR"  # made by this failed init: leave nothing half-built
			die "bench init failed (see above); nothing was left in $KOL_BENCH_DIR"
		fi
	fi
	# Frappe v15's dependencies still import pkg_resources, gone in setuptools 81.
	if ! as_user "$KOL_BENCH_DIR/env/bin/python" -c 'import pkg_resources' >/dev/null 2>&1; then
		as_user "$KOL_BENCH_DIR/env/bin/python" -m pip install -q 'setuptools<81'
	fi
	set_common_config db_host "$KOL_DB_HOST"
	set_common_config db_port "$KOL_DB_PORT"
	set_common_config redis_cache "$KOL_REDIS_URL"
	set_common_config redis_queue "$KOL_REDIS_URL"
	set_common_config redis_socketio "$KOL_REDIS_URL"
	set_common_config frappe_user "$KOL_BENCH_USER"
	if [ "$KOL_PRIVATE_DB" = 1 ]; then  # the private MariaDB's admin, for a hand-made `bench new-site`
		set_common_config root_login "$KOL_DB_ROOT_USER"
		set_common_config root_password "$KOL_DB_ROOT_PASSWORD"
	fi
	ensure_app
}

bench_cmd() { (cd "$KOL_BENCH_DIR" && as_user bench "$@"); }

# set-config -g only when the value differs (keeps reruns fast and the file untouched)
set_common_config() {
	local current
	current="$("$KOL_BENCH_DIR/env/bin/python" -c 'import json, sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' \
		"$KOL_BENCH_DIR/sites/common_site_config.json" "$1" 2>/dev/null || true)"
	if [ "$current" != "$2" ]; then
		bench_cmd set-config -g "$1" "$2" >/dev/null
	fi
}

# Put this checkout into apps/kol_crm: a symlink when the bench user owns the
# checkout (edit and test), otherwise a copy the bench user can read.
ensure_app() {
	local target="$KOL_BENCH_DIR/apps/kol_crm"
	local owner
	owner="$(stat -c %U "$KOL_APP_SRC")"
	if [ "$owner" = "$KOL_BENCH_USER" ]; then
		if [ "$(readlink -f "$target" 2>/dev/null)" != "$KOL_APP_SRC" ]; then
			as_user rm -rf "$target"
			as_user ln -s "$KOL_APP_SRC" "$target"
		fi
	else
		[ -L "$target" ] && as_user rm -f "$target"
		log "copying the app into $target"
		as_user mkdir -p "$target"
		rsync -a --delete --delete-excluded --exclude .git --exclude node_modules --exclude '__pycache__' \
			--chown="$KOL_BENCH_USER:$(id -gn "$KOL_BENCH_USER")" "$KOL_APP_SRC/" "$target/"
	fi
	# the app (editable) and its test extras: pytest, freezegun, playwright, hypothesis (pyproject.toml)
	if ! as_user "$KOL_BENCH_DIR/env/bin/python" -c 'import kol_crm, pytest, freezegun, playwright, hypothesis' >/dev/null 2>&1; then
		log "installing kol_crm and its test tools into the bench env"
		as_user "$KOL_BENCH_DIR/env/bin/python" -m pip install -q -e "${target}[test]"
	fi
	if ! grep -qx kol_crm "$KOL_BENCH_DIR/sites/apps.txt"; then
		# keep the file newline-terminated before appending
		[ -n "$(tail -c1 "$KOL_BENCH_DIR/sites/apps.txt")" ] && echo | as_user tee -a "$KOL_BENCH_DIR/sites/apps.txt" >/dev/null
		echo kol_crm | as_user tee -a "$KOL_BENCH_DIR/sites/apps.txt" >/dev/null
	fi
}

# site_db_address SITE: "host port db_name" of the site's database (its own config, else the
# bench's common one, else Frappe's defaults)
site_db_address() {
	"$KOL_BENCH_DIR/env/bin/python" - "$KOL_BENCH_DIR/sites" "$1" <<-'PY'
		import json, os, sys
		sites, site = sys.argv[1:]
		def load(path):
		    try:
		        with open(path) as f:
		            return json.load(f)
		    except (OSError, ValueError):
		        return {}
		conf = {**load(os.path.join(sites, "common_site_config.json")), **load(os.path.join(sites, site, "site_config.json"))}
		print(conf.get("db_host") or "127.0.0.1", conf.get("db_port") or 3306, conf.get("db_name") or "-")
	PY
}

# site_db_lost SITE: true when the site's database can't be there any more: its own server (set in
# its config, other than the current one) no longer answers, or the current server has no such
# database (e.g. the machine's MariaDB was down, so the scripts run a private one now).
site_db_lost() {
	local host port name
	read -r host port name <<<"$(site_db_address "$1")"
	if [ "$host:$port" != "$KOL_DB_HOST:$KOL_DB_PORT" ]; then
		! tcp_open "$host" "$port"
	else  # a failing query is not proof: only an answer without the database is
		local found
		found="$(db_query "SHOW DATABASES LIKE '$name'" 2>/dev/null)" || return 1
		[ -z "$found" ]
	fi
}

# retire_site SITE: moves the site's folder to the bench's archived_sites (as `bench drop-site`
# does); its database, wherever it is, is left alone
retire_site() {
	local site="$1" host port name to
	read -r host port name <<<"$(site_db_address "$site")"
	to="$KOL_BENCH_DIR/archived_sites/$site-$(date +%Y%m%d-%H%M%S)"
	log "$site's database ($name on $host:$port) is not reachable: moving the site to $to and making it again on $KOL_DB_HOST:$KOL_DB_PORT"
	as_user mkdir -p "$KOL_BENCH_DIR/archived_sites"
	as_user mv "$KOL_BENCH_DIR/sites/$site" "$to"
}

# ensure_site SITE: the site exists, has kol_crm installed and is migrated.
ensure_site() {
	local site="$1" db_args=()
	if [ -f "$KOL_BENCH_DIR/sites/$site/site_config.json" ] && site_db_lost "$site"; then
		retire_site "$site"
		# a new database name: the old one may still be on this server
		db_args=(--db-name "_$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')")
	fi
	if [ ! -f "$KOL_BENCH_DIR/sites/$site/site_config.json" ]; then
		log "creating site $site"
		printf '%s\n' "$KOL_DB_ROOT_PASSWORD" | bench_cmd new-site "$site" \
			--db-root-username "$KOL_DB_ROOT_USER" --db-root-password "$KOL_DB_ROOT_PASSWORD" \
			--admin-password "$KOL_ADMIN_PASSWORD" --db-host "$KOL_DB_HOST" --db-port "$KOL_DB_PORT" "${db_args[@]}"
	fi
	bench_cmd --site "$site" clear-cache
	if bench_cmd --site "$site" list-apps 2>/dev/null | grep -q '^kol_crm'; then
		log "migrating $site"
		bench_cmd --site "$site" migrate
	else
		log "installing kol_crm on $site"
		bench_cmd --site "$site" install-app kol_crm
	fi
	# a fresh site opens on Frappe's setup wizard: answer it (no-op once done)
	bench_cmd --site "$site" execute frappe.desk.page.setup_wizard.setup_wizard.setup_complete \
		--kwargs "{'args': {'language': 'English', 'country': '${KOL_COUNTRY:-China}', 'timezone': '${KOL_TIMEZONE:-Asia/Shanghai}', 'currency': '${KOL_CURRENCY:-CNY}'}}" >/dev/null
}
