#!/usr/bin/env bash
# shellcheck shell=bash
# A local mail setup on loopback for the email tests and the demo: an SMTP server that accepts
# the team's outgoing mail and delivers it into local mailboxes, and an IMAP server serving those
# mailboxes (the team's inbox, each KOL's mailbox).
#
#   bash scripts/mail.sh start|stop|restart|status [smtp|imap]    (both when not named)
#
# scripts/test.sh sources this file and calls ensure_mail before the tests. Both servers are
# Python programs from PyPI, in their own virtualenv (never the bench's): aiosmtpd for SMTP
# (scripts/mail_server.py delivers every recipient's copy into its own Maildir) and pymap for
# IMAP (its maildir backend, on the same folder). Both run as the bench user, listen on
# 127.0.0.1 only, and leave any mail server of the machine alone. Every mailbox is read with
# its address as the user name and the password in KOL_MAIL_DIR/password.
#
# Settings (environment variables, all optional):
#   KOL_MAIL_SMTP_PORT  SMTP port (default: 2525)
#   KOL_MAIL_IMAP_PORT  IMAP port (default: 1143)
#   KOL_MAIL_DIR        state: virtualenv, mailboxes, password, logs
#                       (default: ~KOL_BENCH_USER/.local/share/kol_crm/mail)
#   KOL_MAIL_PYTHON     python (3.11 or newer) for the virtualenv (default: the first found)

if [ -z "${KOL_APP_SRC:-}" ]; then # run as a command: the helpers of lib.sh first
	source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fi

KOL_MAIL_SMTP_PORT="${KOL_MAIL_SMTP_PORT:-2525}"
KOL_MAIL_IMAP_PORT="${KOL_MAIL_IMAP_PORT:-1143}"
_kol_mail_scripts="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

mail_dir() { echo "${KOL_MAIL_DIR:-$(private_dir)/mail}"; }

# a python >= 3.11 (pymap's minimum) with venv that the bench user can run
_mail_python() {
	local p
	for p in ${KOL_MAIL_PYTHON:-} python3.13 python3.12 python3.11 /usr/bin/python3 python3; do
		if as_user bash -c "command -v $p >/dev/null && $p -c 'import sys, venv; assert sys.version_info >= (3, 11)'" 2>/dev/null; then
			as_user bash -c "command -v $p"
			return 0
		fi
	done
	return 1
}

# the servers' virtualenv, (re)installed when scripts/mail-requirements.txt changes
ensure_mail_venv() {
	local dir venv req py
	dir="$(mail_dir)"
	venv="$dir/venv"
	req="$_kol_mail_scripts/mail-requirements.txt"
	if [ -x "$venv/bin/python" ] && cmp -s "$req" "$venv/requirements.txt"; then
		return 0
	fi
	py="$(_mail_python)" || {
		log "the local mail servers need Python 3.11 or newer with venv (set KOL_MAIL_PYTHON)"
		return 1
	}
	log "installing the local mail servers (aiosmtpd, pymap) into $venv"
	as_user mkdir -p "$dir"
	as_user rm -rf "$venv"
	as_user "$py" -m venv "$venv" || return 1
	as_user tee "$venv/requirements.in" <"$req" >/dev/null # readable by the bench user
	as_user "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$venv/requirements.in" || return 1
	as_user mv "$venv/requirements.in" "$venv/requirements.txt"
}

_mail_port() { if [ "$1" = smtp ]; then echo "$KOL_MAIL_SMTP_PORT"; else echo "$KOL_MAIL_IMAP_PORT"; fi; }

# what only our server of that kind has on its command line
_mail_match() {
	if [ "$1" = smtp ]; then echo "mail_server.py --dir $(mail_dir)"; else echo "maildir $(mail_dir)"; fi
}

_mail_pid() { _our_pid "$(mail_dir)/$1.pid" "$(_mail_match "$1")"; }

start_mail_server() { # smtp|imap
	local kind="$1" dir port i cmd
	dir="$(mail_dir)"
	port="$(_mail_port "$kind")"
	if _mail_pid "$kind" >/dev/null; then
		# a running SMTP server is kept unless it runs an older scripts/mail_server.py
		if [ "$kind" = imap ] || cmp -s "$_kol_mail_scripts/mail_server.py" "$dir/mail_server.py"; then
			return 0
		fi
		log "restarting the local SMTP server: scripts/mail_server.py changed"
		stop_mail_server smtp
	fi
	tcp_open 127.0.0.1 "$port" && {
		log "port $port is taken by another program: set KOL_MAIL_$(echo "$kind" | tr a-z A-Z)_PORT to a free port"
		return 1
	}
	if [ "$kind" = smtp ]; then
		# a copy the bench user can read wherever this checkout is (CI clones as root)
		as_user tee "$dir/mail_server.py" <"$_kol_mail_scripts/mail_server.py" >/dev/null
		cmd=("$dir/venv/bin/python" "$dir/mail_server.py" --dir "$dir" --host 127.0.0.1 --port "$port")
	else
		cmd=("$dir/venv/bin/pymap" --host 127.0.0.1 --port "$port" --no-service sieve --no-service admin
			maildir "$dir")
	fi
	# the pid file holds the server's own pid (exec), the log takes its output
	as_user setsid bash -c 'cd /; echo $$ >"$0"; exec "${@:2}" </dev/null >>"$1" 2>&1' \
		"$dir/$kind.pid" "$dir/$kind.log" "${cmd[@]}" </dev/null >/dev/null 2>&1 &
	for i in $(seq 60); do
		tcp_open 127.0.0.1 "$port" && _mail_pid "$kind" >/dev/null && return 0
		sleep 0.25
	done
	log "the local $kind server did not start on 127.0.0.1:$port: see $dir/$kind.log"
	return 1
}

stop_mail_server() { # smtp|imap
	local pid i
	pid="$(_mail_pid "$1")" || return 0
	kill -TERM "$pid"
	for i in $(seq 40); do
		[ -e "/proc/$pid" ] || return 0
		sleep 0.25
	done
	kill -KILL "$pid" 2>/dev/null || true
}

# ensure_mail [smtp|imap]: installed, configured and running (check first: a running one is kept)
ensure_mail() {
	local dir kind
	dir="$(mail_dir)"
	ensure_mail_venv || return 1
	if [ ! -s "$dir/password" ]; then
		as_user bash -c 'umask 077; head -c 18 /dev/urandom | base64 | tr -d "/+=" >"$0"' "$dir/password"
	fi
	for kind in ${1:-smtp imap}; do
		start_mail_server "$kind" || return 1
	done
	export KOL_MAIL_DIR="$dir" KOL_MAIL_SMTP_PORT KOL_MAIL_IMAP_PORT
}

stop_mail() {
	local kind
	for kind in ${1:-smtp imap}; do
		stop_mail_server "$kind"
	done
}

mail_status() {
	local kind pid status=0
	for kind in smtp imap; do
		if pid="$(_mail_pid "$kind")"; then
			echo "$kind: running on 127.0.0.1:$(_mail_port "$kind") (pid $pid)"
		else
			echo "$kind: stopped"
			status=3
		fi
	done
	echo "mailboxes: $(mail_dir)/mailboxes (user: the address, password: $(mail_dir)/password)"
	return "$status"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	case "${1:-status}" in
	start) ensure_mail "${2:-}" || die "the local mail servers did not start" ;;
	stop) stop_mail "${2:-}" ;;
	restart) stop_mail "${2:-}" && { ensure_mail "${2:-}" || die "the local mail servers did not start"; } ;;
	status) mail_status ;;
	*) die "usage: bash scripts/mail.sh start|stop|restart|status [smtp|imap]" ;;
	esac
fi
