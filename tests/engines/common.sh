# Shared helpers for the engine suites (tests/engines/{containerd,podman,docker}.sh).
# Sourced by a suite script; the suite prints un-numbered TAP lines ("ok - ...",
# "not ok - ...", "ok - ... # SKIP reason", "# comments") and run.sh numbers them.
#
# Every check runs twice in the same run: once with runc (the reference) and once with
# isorun. check NAME FUNC calls FUNC RUNTIME_PATH LABEL for each, captures its
# output, and prints the two results side by side, so that a failure runc shares
# (environment or test problem) is told apart from one that is isorun's own. A
# failure is a failure: nothing turns it into a TODO or a skip.
# shellcheck shell=bash

ENGINES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$ENGINES_DIR/../.." && pwd)
ISORUN=${ISORUN:-$REPO_ROOT/isorun}
[[ "$ISORUN" == */* ]] || ISORUN=$(command -v "$ISORUN" || echo "$ISORUN")
ISORUN=$(readlink -f "$ISORUN")
RUNC=$(command -v runc || echo /usr/sbin/runc)
RUNC=$(readlink -f "$RUNC")
# one engine command may take at most this long (a hung engine must not hang the suite)
CMD_TMO=${ENGINE_CMD_TIMEOUT:-40}
IMAGE=localhost/isorun-busybox:latest
SUITE=${SUITE:-engine}
: "${RUNTIMES:=runc isorun}"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# runtime_path LABEL: the binary for a runtime label.
runtime_path() {
	case $1 in
	runc) echo "$RUNC" ;;
	isorun) echo "$ISORUN" ;;
	esac
}

# A check body reports why it failed with fail MSG (and returns 1).
fail() {
	echo "FAIL: $*"
	return 1
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" == "$3" ] || fail "$1: got '$2', want '$3'"
}

# expect_contains WHAT HAYSTACK NEEDLE
expect_contains() {
	[[ "$2" == *"$3"* ]] || fail "$1: '$3' not in: $2"
}

# check NAME FUNC [ARGS...]: runs FUNC RUNTIME_PATH LABEL ARGS... once per runtime.
check() {
	local name=$1 fn=$2
	shift 2
	local label rc t0 log res=()
	for label in $RUNTIMES; do
		log=$(mktemp "${SUITE_TMP:-/tmp}/check.XXXXXX")
		t0=$(now)
		# a subshell: a check's failure or `set -e` never reaches the suite. In the
		# background with `wait`, so that a TERM (suite timeout) runs the suite's trap
		# at once instead of after the check
		("$fn" "$(runtime_path "$label")" "$label" "$@") >"$log" 2>&1 </dev/null &
		CHECK_PID=$!
		wait "$CHECK_PID"
		rc=$?
		CHECK_PID=
		local took
		took=$(elapsed "$t0")
		if [ $rc -eq 0 ]; then
			echo "ok - $SUITE: $name [$label] (${took}s)"
			res+=("$label=ok")
		else
			echo "not ok - $SUITE: $name [$label] (${took}s)"
			res+=("$label=FAIL")
			sed 's/^/#   /' "$log" | tail -n 25
		fi
		rm -f "$log"
	done
	local verdict=
	case " ${res[*]} " in
	*" runc=FAIL "*" isorun=FAIL "*) verdict="  <- runc fails too: environment or test problem" ;;
	*" runc=ok "*" isorun=FAIL "*) verdict="  <- isorun only" ;;
	esac
	printf '# %-58s %s%s\n' "$SUITE: $name" "${res[*]}" "$verdict"
	SUMMARY+=("$(printf '%-58s %s%s' "$SUITE: $name" "${res[*]}" "$verdict")")
}
SUMMARY=()
CHECK_PID=

# kill_check: ends the check subshell that is running (called first by a suite's cleanup).
kill_check() {
	[ -n "$CHECK_PID" ] && kill -KILL "$CHECK_PID" 2>/dev/null
	CHECK_PID=
	return 0
}

# skip_all REASON: the whole suite is skipped: each of its checks is reported
# skipped with the reason (tests/engines/list-checks.sh names them).
skip_all() {
	local name
	while IFS= read -r name; do
		echo "ok - $name # SKIP $*"
	done < <("$ENGINES_DIR/list-checks.sh" "$SUITE")
	exit 0
}

# wait_for_socket PATH SECONDS PID: waits until PATH is a socket (and PID alive).
wait_for_socket() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		[ -S "$1" ] && return 0
		kill -0 "$3" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# alive PID: the process exists and is not a zombie (a dead child of ours not yet reaped,
# e.g. an engine killed by the suite timeout's TERM to the whole process group)
alive() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	[[ "$st" != Z* ]]
}

# stop_pid PID [SECONDS]: TERM, wait, then KILL one process we started.
stop_pid() {
	local pid=$1 i
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < ${2:-10} * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# umount_under DIR: lazily unmounts every mount at or below DIR (deepest first).
umount_under() {
	local m
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo |
		sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
}

# mounts_under DIR: prints the mounts at or below DIR (for leak checks).
mounts_under() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo
}

# cgroup_dirs NAME: the cgroup directories (any v1 controller or the v2 tree) named
# NAME at any depth below /sys/fs/cgroup (depth 3 is enough for engine parents).
cgroup_dirs() {
	find /sys/fs/cgroup -maxdepth 4 -type d -name "$1" 2>/dev/null
}

# rm_cgroups NAME: removes cgroup dirs named NAME (children first); they must be empty.
rm_cgroups() {
	local d
	cgroup_dirs "$1" | while read -r d; do
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
}

# build_image: the busybox docker-archive, cached in tests/.cache (git-ignored).
build_image() {
	local cache=$REPO_ROOT/tests/.cache
	IMAGE_TAR=$cache/engine-busybox.tar
	[ -s "$IMAGE_TAR" ] && [ "$IMAGE_TAR" -nt "$ENGINES_DIR/make-image.sh" ] && return 0
	mkdir -p "$cache"
	"$ENGINES_DIR/make-image.sh" "$IMAGE_TAR" "$IMAGE"
}

# print_summary: the side-by-side table at the end of a suite.
print_summary() {
	local l
	echo "# ---- $SUITE summary (runc | isorun)"
	for l in "${SUMMARY[@]}"; do echo "# $l"; done
}

# podman_confs DRIVER: podman_conf.sh's files for a suite, in $SUITE_TMP, with cgroupfs
# shellcheck source=tests/engines/podman_conf.sh
source "$ENGINES_DIR/podman_conf.sh"
podman_confs() { podman_write_confs "$SUITE_TMP" "$1" cgroupfs "$ISORUN" "$RUNC"; }
