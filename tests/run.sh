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
		# A TODO would hide a failure: it counts as one (no suite may print it).
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

run_suite lint/include_order tests/lint/include_order.sh

for t in build/san/tests/unit/test_*; do
	[ -x "$t" ] || continue
	run_suite "unit/$(basename "$t")" env ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 "$t"
done

# The apply steps' tests use the recording syscall fake so that they need no
# privilege: as root, run them again as nobody to keep it that way.
as_nobody=(setpriv --reuid nobody --regid nogroup --clear-groups)
for src in $(grep -l '"tests/unit/fake_sys.h"' tests/unit/test_*.c); do
	t=build/san/tests/unit/$(basename "$src" .c)
	[ -x "$t" ] && [ "$(id -u)" -eq 0 ] || continue
	if ! "${as_nobody[@]}" test -x "$t" 2>/dev/null; then
		echo "ok 1 - unit-as-nobody/$(basename "$t") # SKIP nobody cannot run $t (a parent dir is closed to it)"
		skipped=$((skipped + 1))
		continue
	fi
	run_suite "unit-as-nobody/$(basename "$t")" "${as_nobody[@]}" \
		env ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 "$t"
done

if [ "$(id -u)" -eq 0 ]; then
	for t in tests/integration/*.bats; do
		[ -f "$t" ] || continue
		run_suite "integration/$(basename "$t" .bats)" bats --tap "$t"
	done
	# fresh: the README's `make demo` on a clean minbase Debian root, and the .deb.
	for t in tests/vm/run.sh tests/vm/run-systemd.sh tests/vm/run-systemd-hybrid.sh tests/engines/run.sh tests/fresh/run.sh; do
		[ -x "$t" ] || continue
		s=${t%.sh} s=${s/\/run/}
		run_suite "${s#tests/}" "$t"
	done
else
	# Each test that would have run, by name, as skipped.
	for t in tests/integration/*.bats; do
		[ -f "$t" ] || continue
		s=$(basename "$t" .bats)
		echo "# --- integration/$s"
		count_tap "integration/$s" < <(sed -n 's/^@test "\(.*\)" {$/\1/p' "$t" |
			awk -v s="$s" '{ printf "ok %d - %s: %s # SKIP needs root\n", NR, s, $0 }')
	done
	[ -x tests/vm/run.sh ] && run_suite vm env ISORUN_VM_SKIP="needs root" tests/vm/run.sh
	[ -x tests/vm/run-systemd.sh ] && run_suite vm-systemd env ISORUN_VM_SKIP="needs root" tests/vm/run-systemd.sh
	[ -x tests/vm/run-systemd-hybrid.sh ] && run_suite vm-systemd-hybrid env ISORUN_VM_SKIP="needs root" tests/vm/run-systemd-hybrid.sh
	[ -x tests/engines/run.sh ] && run_suite engines tests/engines/run.sh
fi

if [ ${#failures[@]} -gt 0 ]; then
	echo
	echo "Failures:"
	printf '  %s\n' "${failures[@]}"
fi
echo "logs: $logdir"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
