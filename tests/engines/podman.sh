#!/usr/bin/env bash
# podman.sh: podman 4.3 with a PRIVATE store (--root/--runroot/--tmpdir under a temp dir,
# its own containers.conf and storage.conf through CONTAINERS_CONF/CONTAINERS_STORAGE_CONF),
# cgroupfs, file events, no network (--net none), driving runc and isorun through
# `podman --runtime NAME` with NAME from the private containers.conf [engine.runtimes]. Prints un-numbered TAP (see common.sh).
# podman does not pass --runtime-flag to the cleanup process conmon starts, so the
# runtime keeps its default --root (/run/runc, /run/isorun); names are unique per run.
set -uo pipefail
SUITE=podman
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

command -v podman >/dev/null && command -v conmon >/dev/null || skip_all "podman/conmon not installed (tests/engines/install.sh)"
[ "$(id -u)" -eq 0 ] || skip_all "needs root"

SUITE_TMP=$(mktemp -d /tmp/isorun-podman.XXXXXX)
CGP=isorun-podman-$$ # container cgroups: /<CGP>/libpod-<id>
# conmon always goes to /libpod_parent/conmon with cgroupfs: remove it at the end
# only if this suite created it
had_libpod_parent=$(ls -d /sys/fs/cgroup/*/libpod_parent 2>/dev/null)
cleanup() {
	trap '' INT TERM HUP
	kill_check
	timeout 60 "${P[@]}" rm -af -t 0 >/dev/null 2>&1
	local p
	for p in $(pgrep -f "conmon .*$SUITE_TMP" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
	umount_under "$SUITE_TMP"
	rm_cgroups "$CGP"
	if [ -z "$had_libpod_parent" ]; then
		rm_cgroups libpod_parent
	fi
	rm -rf "$SUITE_TMP"
	return 0
}
trap cleanup EXIT
trap 'exit 143' TERM HUP
trap 'exit 130' INT

# podman's default ulimits (nofile 1048576, nproc 4194304) exceed the hard limits here and
# a runtime may not raise them: smaller defaults
cat >"$SUITE_TMP/containers.conf" <<CFG
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
netns = "none"
log_driver = "k8s-file"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$SUITE_TMP/events.log"
# the runtimes by name, as docs/engines.md configures them
[engine.runtimes]
isorun = ["$ISORUN"]
runc-ref = ["$RUNC"]
CFG
cat >"$SUITE_TMP/storage.conf" <<CFG
[storage]
driver = "overlay"
runroot = "$SUITE_TMP/runroot"
graphroot = "$SUITE_TMP/root"
CFG
P=(env CONTAINERS_CONF="$SUITE_TMP/containers.conf" CONTAINERS_STORAGE_CONF="$SUITE_TMP/storage.conf"
	timeout "$CMD_TMO" podman --root "$SUITE_TMP/root" --runroot "$SUITE_TMP/runroot"
	--tmpdir "$SUITE_TMP/tmp" --cgroup-manager cgroupfs --events-backend file --storage-driver overlay)

t0=$(now)
build_image || skip_all "cannot build the busybox image"
if ! out=$("${P[@]}" load -i "$IMAGE_TAR" 2>&1); then
	echo "not ok - podman: image load"
	echo "$out" | sed 's/^/#   /'
	exit 1
fi
echo "# podman $(podman --version | awk '{print $3}'), image loaded in $(elapsed "$t0")s"

# rt_name RUNTIME_PATH|LABEL: the runtime's name in containers.conf [engine.runtimes]
rt_name() { [ "$1" = isorun ] || [ "$1" = "$ISORUN" ] && echo isorun || echo runc-ref; }
# pm RT ARGS...: podman with the runtime under test (by its containers.conf name)
pm() {
	local rt=$1
	shift
	"${P[@]}" --runtime "$(rt_name "$rt")" "$@"
}
# pmrun RT ARGS...: podman run with our cgroup parent and no network
pmrun() {
	local rt=$1
	shift
	pm "$rt" run --net none --cgroup-parent "/$CGP" "$@"
}
name() { echo "pm-$1-$2-$$-$RANDOM"; }
full_id() { pm "$1" inspect --format '{{.Id}}' "$2" 2>/dev/null; }
# host_cg CONTROLLER ID: the container's v1 cgroup dir on the host
host_cg() { echo "/sys/fs/cgroup/$1/$CGP/libpod-$2"; }

# leftovers RUNTIME_PATH LABEL FULL_ID: what a removed container left behind
leftovers() {
	local id=$3
	[ -n "$id" ] || return 0
	[ -e "/run/$2/$id" ] && echo "runtime state: /run/$2/$id"
	cgroup_dirs "libpod-$id" | sed 's/^/cgroup: /'
	grep -F "$id" /proc/self/mountinfo | awk '{print "mount: " $5}'
	pm "$1" ps -aq --no-trunc 2>/dev/null | grep -x "$id" | sed 's/^/container: /'
	return 0
}

t_run_exit() {
	local out rc
	out=$(pmrun "$1" --rm --name "$(name run "$2")" "$IMAGE" sh -c 'echo hi; exit 3' 2>&1)
	rc=$?
	echo "output: $out"
	expect_eq output "$out" hi || return 1
	expect_eq "exit code" "$rc" 3
}

t_tty() {
	local out rc
	out=$(SHELL=/bin/sh timeout "$CMD_TMO" script -qec "env CONTAINERS_CONF=$SUITE_TMP/containers.conf CONTAINERS_STORAGE_CONF=$SUITE_TMP/storage.conf podman --root $SUITE_TMP/root --runroot $SUITE_TMP/runroot --tmpdir $SUITE_TMP/tmp --cgroup-manager cgroupfs --events-backend file --storage-driver overlay --runtime $(rt_name "$1") run --rm -t --net none --cgroup-parent /$CGP --name $(name tty "$2") $IMAGE sh -c 'tty; [ -t 0 ] && echo stdin-is-tty; exit 5'" /dev/null 2>&1)
	rc=$?
	echo "output: $out"
	expect_contains "tty output" "$out" /dev/pts/ || return 1
	expect_contains "stdin is a tty" "$out" stdin-is-tty || return 1
	expect_eq "exit code" "$rc" 5
}

# start_detached RT NAME [RUN ARGS...] -- CMD...: prints nothing, fails if not running
start_detached() {
	local rt=$1 n=$2 out
	shift 2
	out=$(pmrun "$rt" -d --name "$n" "$@" 2>&1) || fail "run -d: $out" || return 1
	[ "$(pm "$rt" inspect --format '{{.State.Status}}' "$n" 2>&1)" = running ] ||
		fail "not running after run -d: $(pm "$rt" ps -a)"
}
remove() { pm "$1" rm -f -t 0 "$2" >/dev/null 2>&1; }

t_exec() {
	local n out rc out2
	n=$(name exec "$2")
	start_detached "$1" "$n" --env FOO=foo "$IMAGE" sleep 1000 || { remove "$1" "$n"; return 1; }
	out=$(pm "$1" exec "$n" sh -c 'echo exec-$FOO-$(cat /proc/1/comm); exit 4' 2>&1)
	rc=$?
	out2=$(pm "$1" exec -w /tmp --env BAR=bar "$n" sh -c 'echo $BAR:$(pwd)' 2>&1)
	echo "exec: rc=$rc out=$out / $out2"
	remove "$1" "$n"
	expect_eq "exec output" "$out" exec-foo-sleep || return 1
	expect_eq "exec exit code" "$rc" 4 || return 1
	expect_eq "exec --env -w" "$out2" bar:/tmp
}

t_stop_rm() {
	local n id out st code left
	n=$(name stop "$2")
	# pid 1 ignores TERM without a handler: this one exits 42 on TERM
	start_detached "$1" "$n" "$IMAGE" sh -c 'trap "exit 42" TERM; while :; do sleep 0.2; done' ||
		{ remove "$1" "$n"; return 1; }
	id=$(full_id "$1" "$n")
	out=$(pm "$1" stop -t 10 "$n" 2>&1) || fail "stop: $out" || { remove "$1" "$n"; return 1; }
	st=$(pm "$1" inspect --format '{{.State.Status}}' "$n" 2>&1)
	code=$(pm "$1" inspect --format '{{.State.ExitCode}}' "$n" 2>&1)
	echo "after stop: status=$st exit=$code"
	[ "$st" = exited ] && [ "$code" = 42 ] || fail "after stop: status=$st exit=$code (want exited 42)" ||
		{ remove "$1" "$n"; return 1; }
	out=$(pm "$1" rm "$n" 2>&1) || fail "rm: $out" || { remove "$1" "$n"; return 1; }
	left=$(leftovers "$1" "$2" "$id")
	[ -z "$left" ] || fail "left behind: $left"
}

t_rm_force() {
	local n id out left
	n=$(name rmf "$2")
	start_detached "$1" "$n" "$IMAGE" sleep 1000 || { remove "$1" "$n"; return 1; }
	id=$(full_id "$1" "$n")
	out=$(pm "$1" rm -f -t 0 "$n" 2>&1) || fail "rm -f: $out" || return 1
	left=$(leftovers "$1" "$2" "$id")
	[ -z "$left" ] || fail "left behind: $left"
}

t_memory() {
	local n id lim out rc
	n=$(name mem "$2")
	start_detached "$1" "$n" --memory 64m "$IMAGE" sleep 1000 || { remove "$1" "$n"; return 1; }
	id=$(full_id "$1" "$n")
	lim=$(cat "$(host_cg memory "$id")/memory.limit_in_bytes" 2>&1)
	remove "$1" "$n"
	expect_eq "memory.limit_in_bytes" "$lim" 67108864 || return 1
	# dd fills a 100 MiB buffer: with a 32 MiB limit (and no swap) the OOM killer ends it
	out=$(pmrun "$1" --rm --memory 32m --memory-swap 32m --name "$(name oom "$2")" "$IMAGE" \
		dd if=/dev/zero of=/dev/null bs=100M count=1 2>&1)
	rc=$?
	echo "over-allocation: rc=$rc out=$out"
	expect_eq "exit code of the over-allocation" "$rc" 137
}

t_pids() {
	local n id max out
	n=$(name pids "$2")
	start_detached "$1" "$n" --pids-limit 10 "$IMAGE" sleep 1000 || { remove "$1" "$n"; return 1; }
	id=$(full_id "$1" "$n")
	max=$(cat "$(host_cg pids "$id")/pids.max" 2>&1)
	remove "$1" "$n"
	expect_eq "pids.max" "$max" 10 || return 1
	# 20 background sleeps under a limit of 10 tasks: some forks must fail (the sleeps
	# die with the pid namespace when sh exits)
	out=$(pmrun "$1" --rm --pids-limit 10 --name "$(name fork "$2")" "$IMAGE" \
		sh -c 'for i in $(seq 20); do sleep 3 & done; echo loop-done' 2>&1)
	echo "fork test: $out"
	expect_contains "fork under --pids-limit 10" "$out" "can't fork"
}

check "run: output and exit code" "" t_run_exit
check "run -t (console socket)" "" t_tty
check "exec (output, exit code, --env, -w)" "exec" t_exec
check "stop (SIGTERM, exit code) and rm" "" t_stop_rm
check "rm -f of a running container" "" t_rm_force
check "--memory (cgroup limit, OOM kill)" "" t_memory
check "--pids-limit (cgroup limit, fork fails)" "" t_pids
print_summary
echo "# podman suite took $(elapsed "$t0")s"
