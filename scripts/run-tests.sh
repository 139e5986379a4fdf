#!/bin/bash
# Run test suites and count their TAP-style lines.
#
#   run-tests.sh SUITE-SCRIPT [ARGS] -- SUITE-SCRIPT [ARGS] -- ...
#
# Each suite prints "ok - ..." or "not ok - ..." per check. Everything is
# shown as it runs and kept in build/test-logs; the last line is
# "N passed, N failed". The exit status is non-zero if a check failed, a
# suite failed without saying why, or nothing ran at all.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
logs=$top/build/test-logs
mkdir -p "$logs"
passed=0
failed=0
nsuites=0

run_suite() {
	local name log rc
	name=$(basename "$(dirname "$1")")
	nsuites=$((nsuites + 1))
	log=$logs/$nsuites-$name.log
	echo "# suite $name: $*"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	local p f
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - suite $name exited $rc without naming a failed check"
		f=1
	fi
	echo "# suite $name: $p passed, $f failed"
	passed=$((passed + p))
	failed=$((failed + f))
}

args=()
for a in "$@" --; do
	if [ "$a" = -- ]; then
		[ ${#args[@]} -gt 0 ] && run_suite "${args[@]}"
		args=()
	else
		args+=("$a")
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
