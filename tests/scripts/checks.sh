# shellcheck shell=bash
# The pass/fail counting of the scripted checks in tests/scripts/, sourced by each of them:
#   check DESCRIPTION COMMAND...   runs COMMAND; prints "ok" or "FAIL" with DESCRIPTION and counts it
#   pass / fail DESCRIPTION        count and print a result decided by the caller
#   checks_summary NAME [MORE]     prints "NAME: P passed, F failed[ MORE]"; its status is 0 only
#                                  when nothing failed, so as a script's last command it is the
#                                  script's exit status (1 on a failure)
# A failed COMMAND does not stop a script run under `set -e` (it is tested by `if`), so every check runs.

failures=0
passes=0
pass() {
	passes=$((passes + 1))
	printf '  \033[32mok\033[0m   %s\n' "$*"
}
fail() {
	printf '  \033[31mFAIL\033[0m %s\n' "$*"
	failures=$((failures + 1))
}
check() { # check DESCRIPTION COMMAND...
	local what="$1"
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}
checks_summary() { # checks_summary NAME [MORE]
	echo "$1: $passes passed, $failures failed${2:+ $2}"
	[ "$failures" = 0 ]
}
