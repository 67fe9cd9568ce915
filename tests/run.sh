#!/usr/bin/env bash
# Runs every test (unit under ASan+UBSan, integration, VM) as TAP and ends with
# one line: "N passed, M failed, K skipped". Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export ISORUN="${ISORUN:-$PWD/isorun}"
passed=0 failed=0 skipped=0
failures=()
logdir=$(mktemp -d /tmp/isorun-test-logs.XXXXXX)

# Reads TAP on stdin, echoes it, and counts. Args: suite name.
count_tap() {
	local suite=$1 line
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case "$line" in
		"not ok "*"# TODO"*|"not ok "*"# todo"*) skipped=$((skipped + 1)) ;;
		"not ok "*) failed=$((failed + 1)); failures+=("$suite: ${line#not ok }") ;;
		"ok "*"# skip"*|"ok "*"# SKIP"*) skipped=$((skipped + 1)) ;;
		"ok "*) passed=$((passed + 1)) ;;
		esac
	done
}

run_suite() { # name, command...
	local name=$1; shift
	echo "# --- $name"
	local out="$logdir/${name//\//_}.tap" rc
	timeout --kill-after=10 "${SUITE_TIMEOUT:-900}" "$@" >"$out" 2>&1
	rc=$?
	count_tap "$name" <"$out"
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$out"; then
		failed=$((failed + 1)); failures+=("$name: exited $rc without a failing test (crash or timeout)")
		echo "not ok - $name exited $rc"
	fi
}

for t in build/san/tests/unit/test_*; do
	[ -x "$t" ] || continue
	run_suite "unit/$(basename "$t")" env ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 "$t"
done

if [ "$(id -u)" -eq 0 ]; then
	for t in tests/integration/*.bats; do
		[ -f "$t" ] || continue
		run_suite "integration/$(basename "$t" .bats)" bats --tap "$t"
	done
	# fresh: the README's `make demo` on a clean minbase Debian root, and the .deb.
	for t in tests/vm/run.sh tests/engines/run.sh tests/fresh/run.sh; do
		[ -x "$t" ] || continue
		run_suite "${t%/run.sh}" "$t"
	done
else
	echo "ok 1 - integration # SKIP needs root"
	skipped=$((skipped + 1))
fi

if [ ${#failures[@]} -gt 0 ]; then
	echo
	echo "Failures:"
	printf '  %s\n' "${failures[@]}"
fi
echo "logs: $logdir"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
