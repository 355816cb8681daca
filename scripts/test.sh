#!/usr/bin/env bash
# Run the whole kol_crm test suite on a dedicated test site.
# Creates the bench and the site on first use; reuses them afterwards.
# Extra arguments go to pytest (e.g. scripts/test.sh -k workflow -x).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KOL_TEST_SITE="${KOL_TEST_SITE:-kol-test.localhost}"

ensure_bench
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

log "running tests on $KOL_TEST_SITE"
cd "$KOL_BENCH_DIR/sites"
as_user env CI="${CI:-}" KOL_TEST_SITE="$KOL_TEST_SITE" \
	"$KOL_BENCH_DIR/env/bin/python" -m pytest -p no:cacheprovider "${targets[@]}" "${args[@]}"
