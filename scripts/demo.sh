#!/usr/bin/env bash
# Try kol_crm: a bench, a site with the app and a sample KOL program (kol_crm/demo/),
# served on http://127.0.0.1:8000/app/kol until you press Ctrl-C.
# Creates what is missing; a second run reuses the bench, the site and the demo data.
#
#   scripts/demo.sh              build what is missing, then serve the desk
#   scripts/demo.sh --no-serve   build what is missing and exit
#   scripts/demo.sh --reset      delete the demo KOLs and their records, then rebuild them
#   scripts/demo.sh --stop       stop the private MariaDB and Redis and the local mail servers the
#                                scripts started, nothing else
#
# MariaDB and Redis: yours when they answer on 127.0.0.1 (or at KOL_DB_*/KOL_REDIS_URL); otherwise
# the scripts start private ones (see scripts/services.sh) and say so.
# Email: the local SMTP and IMAP servers of scripts/mail.sh on loopback (docs/email.md). The demo
# sends its outreach through them into the KOLs' mailboxes and pulls a KOL's answer from the
# team's inbox; without them (no Python 3.11) the demo runs without email and says so.
#
# Settings (environment variables, all optional; the bench and database ones are in scripts/lib.sh):
#   KOL_DEMO_SITE      site name (default: kol-demo.localhost)
#   KOL_DEMO_PORT      web port (default: 8000)
#   KOL_DEMO_PASSWORD  password of the demo users (default: demo-Pass-2026)
#   KOL_MAIL_SMTP_PORT, KOL_MAIL_IMAP_PORT, KOL_MAIL_DIR: the mail servers' (scripts/mail.sh)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/mail.sh"

KOL_DEMO_SITE="${KOL_DEMO_SITE:-kol-demo.localhost}"
KOL_DEMO_PORT="${KOL_DEMO_PORT:-8000}"
KOL_DEMO_PASSWORD="${KOL_DEMO_PASSWORD:-demo-Pass-2026}"
# the users kol_crm.demo creates (USERS in kol_crm/demo/users.py)
DEMO_USERS=(
	"demo.manager@kol-crm.example:KOL Manager"
	"demo.operator1@kol-crm.example:KOL Operator"
	"demo.operator2@kol-crm.example:KOL Operator"
	"demo.analyst@kol-crm.example:KOL Analyst"
)
# the demo KOL's portal login (KOL_PORTAL in kol_crm/demo/users.py), a Website User: it logs in at /kol
DEMO_KOL_PORTAL_USER="demo.kol@kol-crm.example"

serve=1
reset=0
stop=0
for arg in "$@"; do
	case "$arg" in
		--no-serve) serve=0 ;;
		--reset) reset=1 ;;
		--stop) stop=1 ;;
		-h | --help)
			sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
			exit 0
			;;
		*) die "unknown option: $arg (see --help)" ;;
	esac
done

print_logins() {
	local entry
	{
		printf '\n  KOL CRM demo: http://127.0.0.1:%s/app/kol   (site %s)\n\n' "$KOL_DEMO_PORT" "$KOL_DEMO_SITE"
		printf '  %-32s %s\n' "Administrator" "$KOL_ADMIN_PASSWORD  (the password the site was created with)"
		for entry in "${DEMO_USERS[@]}"; do
			printf '  %-32s %s\n' "${entry%%:*}" "$KOL_DEMO_PASSWORD  (${entry#*:})"
		done
		printf '\n  KOL portal: http://127.0.0.1:%s/kol   (a KOL with a proposal to accept, rules to acknowledge, content in review)\n\n' "$KOL_DEMO_PORT"
		printf '  %-32s %s\n' "$DEMO_KOL_PORTAL_USER" "$KOL_DEMO_PASSWORD  (KOL Portal User)"
		printf '\n'
	} >&2
}

# where the demo's email is and how to read it (the team's inbox, a KOL's mailbox)
print_mail() {
	[ "$mail_ready" = 1 ] || {
		log "email: the local mail servers did not start; the demo has no email (see above)"
		return 0
	}
	{
		printf '  Email (local servers of scripts/mail.sh, loopback only; stop them: scripts/demo.sh --stop)\n'
		printf '    SMTP 127.0.0.1:%s   IMAP 127.0.0.1:%s (no TLS)\n' "$KOL_MAIL_SMTP_PORT" "$KOL_MAIL_IMAP_PORT"
		printf '    IMAP login: the mailbox address, e.g. team@kol-crm.example (the team inbox) or\n'
		printf '    oliviashipsai@creators.kol-crm.example (a KOL); password: the one in %s\n' "$(mail_dir)/password"
		printf '    sent mail: Email Queue in the desk (/app/email-queue); Email Account "KOL Demo Team Inbox"\n\n'
	} >&2
}

# Python literal for `bench execute --kwargs` (it evaluates the string as Python).
demo_kwargs() {
	as_user "$KOL_BENCH_DIR/env/bin/python" -c \
		'import sys; print(repr({"reset": sys.argv[1] == "1", "password": sys.argv[2]}))' \
		"$reset" "$KOL_DEMO_PASSWORD"
}

if [ "$stop" = 1 ]; then
	stop_services
	log "stopping the local mail servers of $(mail_dir) (if the scripts started them)"
	stop_mail
	exit 0
fi

ensure_bench
# the local SMTP and IMAP servers the demo's email goes through (kept running, like the database)
mail_ready=1
if ! ensure_mail; then
	mail_ready=0
	log "the local mail servers did not start: the demo is built without email"
fi
ensure_site "$KOL_DEMO_SITE"

log "loading the demo data into $KOL_DEMO_SITE"
mail_env=()
if [ "$mail_ready" = 1 ]; then
	mail_env=(KOL_MAIL_DIR="$(mail_dir)" KOL_MAIL_SMTP_PORT="$KOL_MAIL_SMTP_PORT" KOL_MAIL_IMAP_PORT="$KOL_MAIL_IMAP_PORT")
fi
(cd "$KOL_BENCH_DIR" && as_user env "${mail_env[@]}" bench --site "$KOL_DEMO_SITE" execute kol_crm.demo.setup \
	--kwargs "$(demo_kwargs)")
bench_cmd use "$KOL_DEMO_SITE"

if [ "$serve" = 0 ]; then
	log "demo ready; serve it with: scripts/demo.sh"
	print_logins
	print_mail
	describe_services
	exit 0
fi

tcp_open 127.0.0.1 "$KOL_DEMO_PORT" && die "port $KOL_DEMO_PORT is in use; stop what listens there or set KOL_DEMO_PORT"

# Each background job gets its own process group, so stopping the demo stops all of it
# (bench -> runuser -> frappe and the web server's reloader child).
set -m
jobs_started=()
stop_jobs() {
	trap - EXIT INT TERM
	local pid
	for pid in "${jobs_started[@]}"; do
		kill -TERM -- "-$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	log "demo stopped"
}
trap stop_jobs EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

worker_log="$KOL_BENCH_DIR/logs/kol-demo-worker.log"
as_user mkdir -p "$KOL_BENCH_DIR/logs"
as_user touch "$worker_log"
log "starting a background worker (log: $worker_log)"
bench_cmd worker >>"$worker_log" 2>&1 &
jobs_started+=("$!")

# scheduled jobs (reminders, reviews) run while the demo is served
bench_cmd --site "$KOL_DEMO_SITE" enable-scheduler >/dev/null
log "starting the scheduler (log: $worker_log)"
bench_cmd schedule >>"$worker_log" 2>&1 &
jobs_started+=("$!")

print_logins
print_mail
describe_services
log "serving $KOL_DEMO_SITE on port $KOL_DEMO_PORT; press Ctrl-C to stop"
bench_cmd --site "$KOL_DEMO_SITE" serve --port "$KOL_DEMO_PORT" &
jobs_started+=("$!")
wait "$!"
