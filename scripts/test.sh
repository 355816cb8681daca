#!/usr/bin/env bash
# Run the whole kol_crm test suite on a dedicated test site.
# Creates the bench and the site on first use; reuses them afterwards.
# Extra arguments go to pytest (e.g. scripts/test.sh -k workflow -x).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/mail.sh"

KOL_TEST_SITE="${KOL_TEST_SITE:-kol-test.localhost}"

# Browser tests: Debian's Chromium driven by Playwright for Python (never Playwright's own browser download)
ensure_browser_tools() {
	if ! command -v chromium >/dev/null && [ ! -x /usr/bin/chromium ]; then
		if [ "$(id -u)" = "0" ]; then
			log "installing chromium for the browser tests"
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
		else
			log "chromium is not installed: the browser tests will be skipped (apt-get install chromium)"
		fi
	fi
}

ensure_bench
ensure_browser_tools
# the local SMTP and IMAP servers of the email end-to-end tests (scripts/mail.sh; kept running)
KOL_MAIL_READY=1
if ! ensure_mail; then
	KOL_MAIL_READY=0
	[ -n "${CI:-}" ] && die "the local mail servers did not start (see above)"
	log "the local mail servers did not start: the email end-to-end tests will be skipped"
fi
ensure_site "$KOL_TEST_SITE"
bench_cmd --site "$KOL_TEST_SITE" set-config allow_tests true >/dev/null

# test paths given relative to the app (tests/test_email.py::test_x) point into the bench's copy
app_dir="$KOL_BENCH_DIR/apps/kol_crm"
args=()
for arg in "$@"; do
	if [[ "$arg" != -* && -e "$app_dir/${arg%%::*}" ]]; then
		args+=("$app_dir/$arg")
	else
		args+=("$arg")
	fi
done
targets=("$app_dir/tests")
for arg in "${args[@]}"; do
	[[ "$arg" == "$app_dir/"* ]] && targets=()
done

# screenshots of the browser tests: written in the bench, copied to ./test-artifacts afterwards
artifacts="$KOL_BENCH_DIR/test-artifacts"
as_user rm -rf "$artifacts"
as_user mkdir -p "$artifacts"

log "running tests on $KOL_TEST_SITE"
cd "$KOL_BENCH_DIR/sites"
status=0
as_user env CI="${CI:-}" KOL_TEST_SITE="$KOL_TEST_SITE" KOL_ARTIFACTS_DIR="$artifacts" \
	KOL_MAIL_DIR="$(mail_dir)" KOL_MAIL_SMTP_PORT="$KOL_MAIL_SMTP_PORT" KOL_MAIL_IMAP_PORT="$KOL_MAIL_IMAP_PORT" \
	KOL_MAIL_READY="$KOL_MAIL_READY" \
	"$KOL_BENCH_DIR/env/bin/python" -m pytest -p no:cacheprovider "${targets[@]}" "${args[@]}" || status=$?

rm -rf "$KOL_APP_SRC/test-artifacts"
cp -r "$artifacts" "$KOL_APP_SRC/test-artifacts" 2>/dev/null &&
	log "browser screenshots: $KOL_APP_SRC/test-artifacts/ ($(find "$KOL_APP_SRC/test-artifacts" -name '*.png' | wc -l) files)"
exit "$status"
