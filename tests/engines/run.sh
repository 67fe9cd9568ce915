#!/usr/bin/env bash
# tests/engines/run.sh [containerd] [podman] [podman-rootless] [docker]: the engine suite of `make check`.
# Real engines (a private instance each: own root, state and socket under a temp dir, no
# network) drive runc and isorun; every check runs once with each runtime and prints both
# results side by side (tests/engines/common.sh). Prints TAP on stdout ("ok N - ...",
# "not ok N - ...", "1..N" at the end) and exits non-zero if any check failed. A suite
# that cannot run reports each of its checks as "ok N - ... # SKIP reason"
# (tests/engines/list-checks.sh names them).
# Environment: ISORUN (isorun binary), ENGINE_SUITE_TIMEOUT (per engine, default 150 s),
# ENGINE_CMD_TIMEOUT (per engine command, default 40 s), ENGINES_NO_INSTALL=1 (never apt-get),
# ENGINES_SKIP=REASON (report every check skipped with REASON, run nothing).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ISORUN=$(readlink -f "${ISORUN:-$here/../../isorun}")
export ISORUN
engines=("$@")
[ ${#engines[@]} -gt 0 ] || engines=(containerd podman podman-rootless docker)
suite_tmo=${ENGINE_SUITE_TIMEOUT:-150}

n=0 failed=0
emit() { # emit "ok|not ok" "REST"
	n=$((n + 1))
	echo "$1 $n - $2"
}
start=$(date +%s.%N)
took() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# skip_every REASON: each check of each engine reported skipped, then the plan.
skip_every() {
	local name
	while IFS= read -r name; do
		emit ok "$name # SKIP $*"
	done < <("$here/list-checks.sh" "${engines[@]}")
	echo "1..$n"
	exit 0
}
[ "$(id -u)" -eq 0 ] || skip_every "needs root"
[ -z "${ENGINES_SKIP:-}" ] || skip_every "$ENGINES_SKIP"
if [ ! -x "$ISORUN" ]; then
	emit "not ok" "engines: isorun binary $ISORUN missing (make isorun)"
	echo "1..$n"
	exit 1
fi
# a private copy: a concurrent rebuild of ./isorun (make) must not swap the binary
# under a running engine ("fork/exec ...: permission denied" / "text file busy")
bindir=$(mktemp -d /tmp/isorun-engines-bin.XXXXXX)
trap 'rm -rf "$bindir"' EXIT
cp "$ISORUN" "$bindir/isorun"
echo "# isorun under test: $ISORUN (copied to $bindir/isorun), runc: $(command -v runc)"
export ISORUN=$bindir/isorun

if [ -z "${ENGINES_NO_INSTALL:-}" ]; then
	t=$(date +%s.%N)
	if ! out=$("$here/install.sh" 2>&1); then
		echo "# install.sh failed:"
		printf '%s\n' "$out" | tail -n 5 | sed 's/^/#   /'
	fi
	[ -n "$out" ] && echo "# install.sh: $(printf '%s\n' "$out" | head -n1) ($(took "$t")s)"
fi

for e in "${engines[@]}"; do
	script=$here/$e.sh
	if [ ! -x "$script" ]; then
		emit "not ok" "engines: no suite $e"
		failed=$((failed + 1))
		continue
	fi
	t=$(date +%s.%N)
	echo "# --- $e"
	out=$(mktemp /tmp/isorun-engines-out.XXXXXX)
	# TERM first: the suite's trap stops its engine and removes its temp dir
	timeout --kill-after=60 "$suite_tmo" "$script" >"$out" 2>&1 </dev/null
	rc=$?
	suite_failed=0
	while IFS= read -r line; do
		case $line in
		"not ok - "*) emit "not ok" "${line#not ok - }"; suite_failed=1; failed=$((failed + 1)) ;;
		"ok - "*) emit ok "${line#ok - }" ;;
		*) printf '%s\n' "$line" ;;
		esac
	done <"$out"
	rm -f "$out"
	if [ $rc -ne 0 ] && [ $suite_failed -eq 0 ]; then
		why="exited $rc"
		[ $rc -eq 124 ] && why="timed out after ${suite_tmo}s"
		emit "not ok" "$e: suite $why without a failing check"
		failed=$((failed + 1))
	fi
	echo "# $e: $(took "$t")s"
done
echo "# engines total: $(took "$start")s"
echo "1..$n"
[ $failed -eq 0 ]
