# shellcheck shell=bash
# MariaDB and Redis for the scripts (sourced by scripts/lib.sh; needs its log, die, as_user, bench_home).
#
# Before anything slow, ensure_services checks that MariaDB answers at KOL_DB_HOST:KOL_DB_PORT with
# the admin user, that its server character set is utf8mb4 and that Redis answers at KOL_REDIS_URL.
# When nothing answers on the default addresses (or on the private ports), it runs its own: a
# private MariaDB and a private Redis owned by the bench user, under KOL_PRIVATE_DIR, started
# without systemd and started again by the next run if stopped. stop_services stops only those.
#
# Settings (environment variables, all optional):
#   KOL_SERVICES            auto (default) | private (always the private ones) | external (check only)
#   KOL_PRIVATE_DIR         data of the private services (default: ~KOL_BENCH_USER/.local/share/kol_crm)
#   KOL_PRIVATE_DB_PORT     port of the private MariaDB (default: 3307)
#   KOL_PRIVATE_REDIS_PORT  port of the private Redis (default: 6380)
#   KOL_PRIVATE_DB_EXTRA    more [mariadbd] options for the private MariaDB, one per line (e.g. log-bin
#                           for a primary; scripts/replica.sh)
#   KOL_SBIN_PATH           folders searched for mariadbd and redis-server after PATH (a normal
#                           user's PATH lacks /usr/sbin) (default: /usr/local/sbin:/usr/sbin:/sbin)

# What the user set, before lib.sh fills in the defaults.
_kol_db_set="${KOL_DB_HOST:+host}${KOL_DB_PORT:+port}"
_kol_redis_set="${KOL_REDIS_URL:-}"
KOL_SERVICES="${KOL_SERVICES:-auto}"
KOL_PRIVATE_DB_PORT="${KOL_PRIVATE_DB_PORT:-3307}"
KOL_PRIVATE_REDIS_PORT="${KOL_PRIVATE_REDIS_PORT:-6380}"
KOL_PRIVATE_DB_USER="kol_admin"
KOL_SBIN_PATH="${KOL_SBIN_PATH-/usr/local/sbin:/usr/sbin:/sbin}"

private_dir() { echo "${KOL_PRIVATE_DIR:-$(bench_home)/.local/share/kol_crm}"; }

# find_program NAME...: the path of the first one found on PATH or in KOL_SBIN_PATH
find_program() {
	local name
	for name in "$@"; do
		PATH="$PATH${KOL_SBIN_PATH:+:$KOL_SBIN_PATH}" command -v "$name" && return 0
	done
	return 1
}

tcp_open() { timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null; }

# redis://[user:password@]host[:port][/db] -> "host port password"
redis_parts() {
	local rest="${1#redis://}" auth="" host port
	rest="${rest%%/*}"
	if [[ "$rest" == *@* ]]; then auth="${rest%@*}"; rest="${rest##*@}"; fi
	host="${rest%%:*}"
	port=6379
	[[ "$rest" == *:* ]] && port="${rest##*:}"
	echo "${host:-127.0.0.1} $port ${auth#*:}"
}

# First line of Redis' answer to PING (+PONG, -NOAUTH ...), or nothing.
redis_ping() {
	local host port pw
	read -r host port pw <<<"$(redis_parts "$1")"
	timeout 3 bash -c '
		exec 3<>"/dev/tcp/$0/$1" || exit 1
		if [ -n "$2" ]; then printf "AUTH %s\r\n" "$2" >&3; IFS= read -r line <&3; fi
		printf "PING\r\n" >&3; IFS= read -r line <&3; printf "%s" "${line%$'"'\r'"'}"' \
		"$host" "$port" "$pw" 2>/dev/null || true
}

# db_query SQL: runs SQL on KOL_DB_HOST:KOL_DB_PORT as the admin user; prints the answer, or the
# client's error on stderr. With the mariadb/mysql client, else the bench env's pymysql.
db_query() {
	local client
	client="$(command -v mariadb || command -v mysql || true)"
	if [ -n "$client" ]; then
		MYSQL_PWD="$KOL_DB_ROOT_PASSWORD" "$client" --protocol=TCP -h "$KOL_DB_HOST" -P "$KOL_DB_PORT" \
			-u "$KOL_DB_ROOT_USER" --connect-timeout=5 -N -B -e "$1"
	elif [ -x "${KOL_BENCH_DIR:-$(bench_home)/frappe-bench}/env/bin/python" ]; then
		"${KOL_BENCH_DIR:-$(bench_home)/frappe-bench}/env/bin/python" - "$1" <<-'PY'
			import os, sys, pymysql
			try:
			    c = pymysql.connect(host=os.environ["KOL_DB_HOST"], port=int(os.environ["KOL_DB_PORT"]),
			        user=os.environ["KOL_DB_ROOT_USER"], password=os.environ["KOL_DB_ROOT_PASSWORD"], connect_timeout=5)
			    cur = c.cursor(); cur.execute(sys.argv[1]); print("\n".join(str(r[0]) for r in cur.fetchall()))
			except pymysql.err.OperationalError as e:
			    sys.exit(f"ERROR {e.args[0]}: {e.args[1]}")
		PY
	else
		return 2
	fi
}

# check_db: one line on stderr and status 1 when MariaDB is not usable as configured.
check_db() {
	local where="$KOL_DB_HOST:$KOL_DB_PORT" out charset
	if ! tcp_open "$KOL_DB_HOST" "$KOL_DB_PORT"; then
		echo "nothing answers at $where: start MariaDB there, or set KOL_DB_HOST/KOL_DB_PORT to where it runs (unset them to let the scripts run their own)" >&2
		return 1
	fi
	export KOL_DB_HOST KOL_DB_PORT KOL_DB_ROOT_USER KOL_DB_ROOT_PASSWORD
	local status=0
	out="$(db_query 'SELECT @@character_set_server' 2>&1)" || status=$?
	if [ "$status" = 2 ] && [ -z "$out" ]; then
		log "no mariadb client here to check the login and character set at $where (apt-get install mariadb-client)"
		return 0
	fi
	if [ "$status" != 0 ]; then
		case "$out" in
		*1045* | *"Access denied"*)
			echo "MariaDB at $where refused user '$KOL_DB_ROOT_USER' (wrong password or no such user): set KOL_DB_ROOT_USER and KOL_DB_ROOT_PASSWORD to an admin account" >&2 ;;
		*2013* | *2006* | *"handshake"* | *"Lost connection"* | *"protocol"*)
			echo "what answers at $where is not MariaDB: set KOL_DB_PORT to MariaDB's port" >&2 ;;
		*) echo "MariaDB at $where: $(printf '%s' "$out" | head -n1)" >&2 ;;
		esac
		return 1
	fi
	charset="$(printf '%s' "$out" | tail -n1)"
	if [ "$charset" != "utf8mb4" ]; then
		echo "MariaDB at $where uses character set $charset, Frappe needs utf8mb4: add character-set-server = utf8mb4 and collation-server = utf8mb4_unicode_ci under [mysqld] in its config and restart it" >&2
		return 1
	fi
}

check_redis() {
	local answer
	answer="$(redis_ping "$KOL_REDIS_URL")"
	case "$answer" in
	+PONG) return 0 ;;
	"") echo "Redis does not answer at $KOL_REDIS_URL: start Redis there, or set KOL_REDIS_URL to where it runs (unset it to let the scripts run their own)" >&2 ;;
	-NOAUTH* | -WRONGPASS* | -ERR*) echo "Redis at $KOL_REDIS_URL wants a password: put it in KOL_REDIS_URL (redis://:PASSWORD@host:port)" >&2 ;;
	*) echo "what answers at $KOL_REDIS_URL is not Redis: set KOL_REDIS_URL to Redis' address" >&2 ;;
	esac
	return 1
}

# Should this service be the private one? (auto: nothing answers on the default or private address,
# or the private one was set up before)
_use_private() { # kind host port explicit
	local kind="$1" host="$2" port="$3" explicit="$4" private_port
	[ "$KOL_SERVICES" = private ] && return 0
	[ "$KOL_SERVICES" = external ] && return 1
	if [ "$kind" = db ]; then private_port="$KOL_PRIVATE_DB_PORT"; else private_port="$KOL_PRIVATE_REDIS_PORT"; fi
	if [ -n "$explicit" ] && ! { [ "$host" = 127.0.0.1 ] && [ "$port" = "$private_port" ]; }; then
		return 1 # the user's own service
	fi
	# set up before, or asked for by the install message (see install_services)
	[ -f "$(private_dir)/$kind-ready" ] || [ -f "$(private_dir)/$kind-wanted" ] && return 0
	! tcp_open "$host" "$port"
}

ensure_services() {
	local dbp redisp
	local -a rparts
	read -r -a rparts <<<"$(redis_parts "$KOL_REDIS_URL")"
	dbp=0 redisp=0
	_use_private db "$KOL_DB_HOST" "$KOL_DB_PORT" "$_kol_db_set" && dbp=1
	_use_private redis "${rparts[0]}" "${rparts[1]}" "$_kol_redis_set" && redisp=1
	if [ "$dbp$redisp" != 00 ]; then
		install_services "$dbp" "$redisp"
		as_user mkdir -p "$(private_dir)"
	fi
	if [ "$dbp" = 1 ]; then
		start_private_db
		KOL_DB_HOST=127.0.0.1
		KOL_DB_PORT="$KOL_PRIVATE_DB_PORT"
		KOL_DB_ROOT_USER="$KOL_PRIVATE_DB_USER"
		KOL_DB_ROOT_PASSWORD="$(cat "$(private_dir)/mariadb/admin-password")"
	fi
	if [ "$redisp" = 1 ]; then
		start_private_redis
		KOL_REDIS_URL="redis://127.0.0.1:$KOL_PRIVATE_REDIS_PORT"
	fi
	KOL_PRIVATE_DB=$dbp KOL_PRIVATE_REDIS=$redisp
	check_db || exit 1
	check_redis || exit 1
}

# mariadb-server / redis-server from the distribution when a private one is needed and absent.
install_services() {
	local -a missing=()
	[ "$1" = 1 ] && ! find_program mariadbd mysqld >/dev/null && missing+=(mariadb-server)
	[ "$2" = 1 ] && ! find_program redis-server >/dev/null && missing+=(redis-server)
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
		# The next run, after the install, runs its own even though the packages start the
		# distribution's services on the default ports (where MariaDB's root logs in by socket only).
		local kind dir
		local -a wanted=()
		dir="$(private_dir)"
		[ "$1" = 1 ] && wanted+=(db)
		[ "$2" = 1 ] && wanted+=(redis)
		for kind in "${wanted[@]}"; do
			as_user mkdir -p "$dir" 2>/dev/null && as_user touch "$dir/$kind-wanted" 2>/dev/null || true
		done
		echo "MariaDB/Redis are not running and ${missing[*]} not installed: run  sudo apt-get update && sudo apt-get install -y ${missing[*]}  then run this again (or point KOL_DB_HOST/KOL_DB_PORT/KOL_REDIS_URL at yours)" >&2
		exit 1
	fi
	log "installing ${missing[*]} (the scripts run their own private instances)"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

_mariadbd() { find_program mariadbd mysqld; }

# pid from a pid file when that process is alive and runs with our config (never someone else's)
_our_pid() { # pidfile config
	local pid
	pid="$(cat "$1" 2>/dev/null)" || return 1
	[ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$2" && echo "$pid"
}

start_private_db() {
	local dir cnf pw sock i
	dir="$(private_dir)/mariadb"
	cnf="$dir/my.cnf"
	sock="$dir/mariadb.sock"
	if _our_pid "$dir/mariadb.pid" "$cnf" >/dev/null; then
		log "reusing the private MariaDB on 127.0.0.1:$KOL_PRIVATE_DB_PORT (pid $(cat "$dir/mariadb.pid"))"
		return
	fi
	tcp_open 127.0.0.1 "$KOL_PRIVATE_DB_PORT" &&
		die "port $KOL_PRIVATE_DB_PORT is taken by another program: set KOL_PRIVATE_DB_PORT to a free port"
	as_user mkdir -p "$dir/data"
	as_user tee "$cnf" >/dev/null <<-EOF
		[mariadbd]
		datadir = $dir/data
		socket = $sock
		port = $KOL_PRIVATE_DB_PORT
		bind-address = 127.0.0.1
		pid-file = $dir/mariadb.pid
		log-error = $dir/mariadb.log
		character-set-server = ${KOL_PRIVATE_DB_CHARSET:-utf8mb4}
		collation-server = ${KOL_PRIVATE_DB_COLLATION:-utf8mb4_unicode_ci}
		skip-name-resolve
		innodb-buffer-pool-size = 256M
		${KOL_PRIVATE_DB_EXTRA:-}
		[client]
		socket = $sock
	EOF
	local fresh=0
	if [ ! -d "$dir/data/mysql" ]; then
		log "creating a private MariaDB in $dir"
		as_user bash -c 'mariadb-install-db --defaults-file="$0" --auth-root-authentication-method=socket \
			--skip-test-db >"$1" 2>&1' "$cnf" "$dir/install.log" ||
			die "mariadb-install-db failed: see $dir/install.log"
		fresh=1
	fi
	log "starting the private MariaDB on 127.0.0.1:$KOL_PRIVATE_DB_PORT"
	as_user setsid "$(_mariadbd)" --defaults-file="$cnf" </dev/null >/dev/null 2>&1 &
	for i in $(seq 60); do
		as_user mariadb-admin --defaults-file="$cnf" -S "$sock" ping >/dev/null 2>&1 && break
		[ "$i" = 60 ] && die "the private MariaDB did not start: see $dir/mariadb.log"
		sleep 0.5
	done
	if [ "$fresh" = 1 ] || [ ! -s "$dir/admin-password" ]; then
		pw="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
		as_user bash -c 'umask 077; cat >"$0"' "$dir/admin-password" <<<"$pw"
		# the bench user reaches the server through the socket (unix_socket, made by install-db)
		as_user mariadb --defaults-file="$cnf" -S "$sock" -u "$KOL_BENCH_USER" -e "
			CREATE OR REPLACE USER '$KOL_PRIVATE_DB_USER'@'localhost' IDENTIFIED BY '$pw';
			CREATE OR REPLACE USER '$KOL_PRIVATE_DB_USER'@'%' IDENTIFIED BY '$pw';
			GRANT ALL PRIVILEGES ON *.* TO '$KOL_PRIVATE_DB_USER'@'localhost' WITH GRANT OPTION;
			GRANT ALL PRIVILEGES ON *.* TO '$KOL_PRIVATE_DB_USER'@'%' WITH GRANT OPTION;" ||
			die "could not create the admin user of the private MariaDB (see $dir/mariadb.log)"
	fi
	as_user touch "$(private_dir)/db-ready"
}

start_private_redis() {
	local dir cnf i
	dir="$(private_dir)/redis"
	cnf="$dir/redis.conf"
	if _our_pid "$dir/redis.pid" "127.0.0.1:$KOL_PRIVATE_REDIS_PORT" >/dev/null; then
		log "reusing the private Redis on 127.0.0.1:$KOL_PRIVATE_REDIS_PORT (pid $(cat "$dir/redis.pid"))"
		return
	fi
	tcp_open 127.0.0.1 "$KOL_PRIVATE_REDIS_PORT" &&
		die "port $KOL_PRIVATE_REDIS_PORT is taken by another program: set KOL_PRIVATE_REDIS_PORT to a free port"
	as_user mkdir -p "$dir"
	as_user tee "$cnf" >/dev/null <<-EOF
		port $KOL_PRIVATE_REDIS_PORT
		bind 127.0.0.1
		dir $dir
		daemonize yes
		pidfile $dir/redis.pid
		logfile $dir/redis.log
		save ""
		appendonly no
	EOF
	log "starting the private Redis on 127.0.0.1:$KOL_PRIVATE_REDIS_PORT"
	as_user "$(find_program redis-server)" "$cnf" || die "the private Redis did not start: see $dir/redis.log"
	for i in $(seq 40); do
		[ "$(redis_ping "redis://127.0.0.1:$KOL_PRIVATE_REDIS_PORT")" = +PONG ] && break
		[ "$i" = 40 ] && die "the private Redis did not start: see $dir/redis.log"
		sleep 0.25
	done
	as_user touch "$(private_dir)/redis-ready"
}

# Stop the private services (by their pid files) and nothing else.
stop_services() {
	local dir pid name match i stopped=0
	dir="$(private_dir)"
	for name in mariadb redis; do
		if [ "$name" = mariadb ]; then match="$dir/mariadb/my.cnf"; else match="$dir/redis/redis.conf"; fi
		# redis-server's cmdline shows its address, not its config
		[ "$name" = redis ] && match="127.0.0.1:$(awk '$1=="port"{print $2}' "$dir/redis/redis.conf" 2>/dev/null)"
		[ -f "$dir/$name/$name.pid" ] || continue
		pid="$(_our_pid "$dir/$name/$name.pid" "$match")" || continue
		log "stopping the private $name (pid $pid)"
		kill -TERM "$pid"
		for i in $(seq 120); do
			[ -e "/proc/$pid" ] || break
			sleep 0.25
		done
		[ -e "/proc/$pid" ] && die "the private $name (pid $pid) did not stop within 30 s"
		stopped=$((stopped + 1))
	done
	[ "$stopped" = 0 ] && log "no private MariaDB or Redis of the scripts is running (in $dir)"
	return 0
}

# Where the services run and how to stop them (demo.sh prints it).
describe_services() {
	local dir
	dir="$(private_dir)"
	if [ "${KOL_PRIVATE_DB:-0}" = 1 ]; then
		log "MariaDB: 127.0.0.1:$KOL_DB_PORT, private (data and admin password in $dir/mariadb)"
	else
		log "MariaDB: $KOL_DB_HOST:$KOL_DB_PORT (yours; the scripts never stop it)"
	fi
	if [ "${KOL_PRIVATE_REDIS:-0}" = 1 ]; then
		log "Redis:   $KOL_REDIS_URL, private (in $dir/redis)"
	else
		log "Redis:   $KOL_REDIS_URL (yours; the scripts never stop it)"
	fi
	if [ "${KOL_PRIVATE_DB:-0}${KOL_PRIVATE_REDIS:-0}" != 00 ]; then
		log "stop the private services with: bash scripts/demo.sh --stop"
	fi
}
