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

log "running tests on $KOL_TEST_SITE"
cd "$KOL_BENCH_DIR/sites"
as_user env CI="${CI:-}" KOL_TEST_SITE="$KOL_TEST_SITE" \
	"$KOL_BENCH_DIR/env/bin/python" -m pytest -p no:cacheprovider "$KOL_BENCH_DIR/apps/kol_crm/tests" "$@"
