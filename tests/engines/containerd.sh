#!/usr/bin/env bash
# containerd.sh: a PRIVATE containerd 1.6 (own root, state and gRPC socket under a temp
# dir; CRI and the other network-facing plugins disabled) driving runc and isorun through
# `ctr run --runc-binary`, the same shim path (io.containerd.runc.v2, BinaryName) that a
# runtime config with BinaryName uses. Prints un-numbered TAP (see common.sh).
set -uo pipefail
SUITE=containerd
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

command -v containerd >/dev/null && command -v ctr >/dev/null || skip_all "containerd/ctr not installed (tests/engines/install.sh)"
[ "$(id -u)" -eq 0 ] || skip_all "needs root"

SUITE_TMP=$(mktemp -d /tmp/isorun-containerd.XXXXXX)
NS=isorun-test-$$ # a private containerd namespace: cgroups are /<NS>/<id>
SOCK=$SUITE_TMP/containerd.sock
ctd_pid=
cleanup() {
	trap '' INT TERM HUP
	kill_check
	local id cc=(timeout 10 ctr --connect-timeout 2s --address "$SOCK" -n "$NS")
	if [ -n "$ctd_pid" ] && alive "$ctd_pid"; then
		# tasks first (their shims outlive containerd), then containers
		for id in $("${cc[@]}" tasks ls -q 2>/dev/null); do
			"${cc[@]}" tasks kill -s KILL "$id" >/dev/null 2>&1
			"${cc[@]}" tasks delete -f "$id" >/dev/null 2>&1
		done
		for id in $("${cc[@]}" containers ls -q 2>/dev/null); do
			"${cc[@]}" containers delete "$id" >/dev/null 2>&1
		done
	fi
	stop_pid "$ctd_pid" 10
	# containerd gone early (e.g. TERM to the process group): containers the runtimes
	# still have in their private roots are force-deleted directly
	local label rt d
	for label in runc isorun; do
		rt=$(runtime_path "$label")
		for d in "$SUITE_TMP/rt-$label/$NS"/*; do
			[ -d "$d" ] && timeout 10 "$rt" --root "$SUITE_TMP/rt-$label/$NS" delete -f "${d##*/}" >/dev/null 2>&1
		done
	done
	# shims we caused: they run with our socket path in their argv
	local p
	for p in $(pgrep -f "containerd-shim-runc-v2 .*-address $SOCK" 2>/dev/null); do
		kill -KILL "$p" 2>/dev/null
	done
	umount_under "$SUITE_TMP"
	rm_cgroups "$NS"
	rm -rf "$SUITE_TMP"
	return 0
}
trap cleanup EXIT
trap 'exit 143' TERM HUP
trap 'exit 130' INT

cat >"$SUITE_TMP/config.toml" <<CFG
version = 2
root = "$SUITE_TMP/root"
state = "$SUITE_TMP/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[debug]
  address = "$SUITE_TMP/debug.sock"
  level = "info"
[metrics]
  address = ""
CFG

t0=$(now)
build_image || skip_all "cannot build the busybox image"
containerd --config "$SUITE_TMP/config.toml" >"$SUITE_TMP/containerd.log" 2>&1 &
ctd_pid=$!
if ! wait_for_socket "$SOCK" 20 "$ctd_pid"; then
	echo "not ok - containerd: private instance starts"
	tail -n 20 "$SUITE_TMP/containerd.log" | sed 's/^/#   /'
	exit 1
fi
c() { timeout "$CMD_TMO" ctr --address "$SOCK" -n "$NS" "$@"; }
if ! out=$(c images import "$IMAGE_TAR" 2>&1); then
	echo "not ok - containerd: image import"
	echo "$out" | sed 's/^/#   /'
	exit 1
fi
echo "# containerd $(containerd --version | awk '{print $3}') up, image imported in $(elapsed "$t0")s"

# crun RT LABEL ARGS...: ctr run with the runtime under test; its own --runc-root per label
crun() {
	local rt=$1 label=$2
	shift 2
	c run --runc-binary "$rt" --runc-root "$SUITE_TMP/rt-$label" "$@"
}
cid() { echo "$1-$2-$RANDOM"; }
# forget ID: removes what a failed `run --rm` may have left (task, container record)
forget() {
	c tasks kill -s KILL "$1" >/dev/null 2>&1
	c tasks delete -f "$1" >/dev/null 2>&1
	c containers delete "$1" >/dev/null 2>&1
	return 0
}

# leftovers LABEL ID: prints what a removed container left (state, cgroups, mounts, records).
leftovers() {
	local label=$1 id=$2
	[ -e "$SUITE_TMP/rt-$label/$NS/$id" ] && echo "runtime state: $SUITE_TMP/rt-$label/$NS/$id"
	cgroup_dirs "$id" | sed 's/^/cgroup: /'
	mounts_under "$SUITE_TMP/state/io.containerd.runtime.v2.task/$NS/$id" | sed 's/^/mount: /'
	c containers ls -q 2>/dev/null | grep -x "$id" | sed 's/^/container record: /'
	return 0
}

t_run_exit() {
	local id out rc
	id=$(cid run "$2")
	out=$(crun "$1" "$2" --rm "$IMAGE" "$id" sh -c 'echo hi; exit 3' 2>&1)
	rc=$?
	[ $rc -eq 3 ] || forget "$id"
	echo "output: $out"
	expect_eq output "$out" hi || return 1
	expect_eq "exit code" "$rc" 3 || return 1
	[ -z "$(leftovers "$2" "$id")" ] || fail "left behind: $(leftovers "$2" "$id")"
}

t_tty() {
	local id out rc
	id=$(cid tty "$2")
	# script gives ctr a terminal, so ctr asks for one (console socket through the shim).
	# Its stdin stays open until the task is done: at EOF script types ^D into the
	# terminal at once, and ctr may then tear the session down before the output
	# arrives (seen with runc under load: the output was a lone ^@).
	local fifo=$SUITE_TMP/tty-in.$2 holder
	rm -f "$fifo"
	mkfifo "$fifo"
	sleep "$CMD_TMO" >"$fifo" &
	holder=$!
	out=$(SHELL=/bin/sh timeout "$CMD_TMO" script -qec \
		"ctr --address $SOCK -n $NS run --runc-binary $1 --runc-root $SUITE_TMP/rt-$2 --rm -t $IMAGE $id sh -c 'tty; [ -t 0 ] && echo stdin-is-tty; exit 5'" /dev/null <"$fifo" 2>&1)
	rc=$?
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	rm -f "$fifo"
	echo "output: $out"
	expect_contains "tty output" "$out" /dev/pts/ || return 1
	expect_contains "stdin is a tty" "$out" stdin-is-tty || return 1
	expect_eq "exit code" "$rc" 5
}

t_env_cwd() {
	local id out
	id=$(cid env "$2")
	out=$(crun "$1" "$2" --rm --env FOO=bar-baz --cwd /tmp "$IMAGE" "$id" sh -c 'echo "$FOO:$(pwd)"' 2>&1) ||
		fail "run failed: $out" || { forget "$id"; return 1; }
	expect_eq "env:cwd" "$out" "bar-baz:/tmp"
}

# start_detached ID RT LABEL [CMD...]: a detached task (default: sleep 1000), RUNNING
start_detached() {
	local id=$1 out rt=$2 label=$3
	shift 3
	[ $# -gt 0 ] || set -- sleep 1000
	out=$(crun "$rt" "$label" -d "$IMAGE" "$id" "$@" 2>&1) || fail "run -d: $out" || return 1
	task_status "$id" | grep -qx RUNNING || fail "not RUNNING after run -d: $(c tasks ls)"
}
task_status() { c tasks ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'; }
# remove_task ID: kill, wait for STOPPED, delete task and container
remove_task() {
	local id=$1 i
	c tasks kill -s KILL "$id" >/dev/null 2>&1
	for ((i = 0; i < 50; i++)); do
		[ "$(task_status "$id")" = STOPPED ] && break
		sleep 0.1
	done
	c tasks delete "$id" >/dev/null 2>&1 || c tasks delete -f "$id" >/dev/null 2>&1
	c containers delete "$id" >/dev/null 2>&1
}

t_detached() {
	local id pid st i out
	id=$(cid det "$2")
	# pid 1 ignores TERM without a handler: this one exits 42 on TERM
	start_detached "$id" "$1" "$2" sh -c 'trap "exit 42" TERM; while :; do sleep 0.2; done' || return 1
	pid=$(c tasks ls | awk -v id="$id" '$1 == id { print $2 }')
	[ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sh ] ||
		fail "task pid $pid is not the container's sleep" || { remove_task "$id"; return 1; }
	c tasks kill -s TERM "$id" || fail "task kill" || { remove_task "$id"; return 1; }
	for ((i = 0; i < 50; i++)); do
		st=$(task_status "$id")
		[ "$st" = STOPPED ] && break
		sleep 0.1
	done
	expect_eq "status after kill TERM" "$st" STOPPED || { remove_task "$id"; return 1; }
	out=$(c tasks delete "$id" 2>&1) || fail "task delete: $out" || { remove_task "$id"; return 1; }
	c containers delete "$id" || fail "container delete" || return 1
	kill -0 "$pid" 2>/dev/null && fail "pid $pid still alive"
	local left
	left=$(leftovers "$2" "$id")
	[ -z "$left" ] || fail "left behind: $left"
}

t_ps() {
	local id pid out
	id=$(cid ps "$2")
	start_detached "$id" "$1" "$2" || return 1
	pid=$(c tasks ls | awk -v id="$id" '$1 == id { print $2 }')
	out=$(c tasks ps "$id" 2>&1)
	echo "tasks ps: $out"
	remove_task "$id"
	echo "$out" | awk 'NR > 1 { print $1 }' | grep -qx "$pid" || fail "task pid $pid not in ctr tasks ps"
}

t_exec() {
	local id out rc
	id=$(cid exec "$2")
	start_detached "$id" "$1" "$2" || return 1
	out=$(c tasks exec --exec-id e1 "$id" sh -c 'echo exec-$FOO-$(cat /proc/1/comm); exit 7' 2>&1)
	rc=$?
	echo "exec: rc=$rc out=$out"
	local out2
	out2=$(c tasks exec --exec-id e2 "$id" nonexistent-binary 2>&1)
	echo "exec nonexistent: $out2"
	remove_task "$id"
	expect_eq "exec output" "$out" "exec--sleep" || return 1
	expect_eq "exec exit code" "$rc" 7 || return 1
	expect_contains "exec of a missing binary" "$out2" "executable file not found"
}

freezer_state() { # ID: the v1 freezer state of the task's cgroup
	cat "/sys/fs/cgroup/freezer/$NS/$1/freezer.state" 2>/dev/null
}
t_pause_resume() {
	local id st fz
	id=$(cid pause "$2")
	start_detached "$id" "$1" "$2" || return 1
	c tasks pause "$id" || fail "tasks pause" || { remove_task "$id"; return 1; }
	st=$(task_status "$id") fz=$(freezer_state "$id")
	echo "after pause: status=$st freezer=$fz"
	[ "$st" = PAUSED ] && [ "$fz" = FROZEN ] || fail "after pause: status=$st freezer=$fz" || { remove_task "$id"; return 1; }
	c tasks resume "$id" || fail "tasks resume" || { remove_task "$id"; return 1; }
	st=$(task_status "$id") fz=$(freezer_state "$id")
	echo "after resume: status=$st freezer=$fz"
	remove_task "$id"
	[ "$st" = RUNNING ] && [ "$fz" = THAWED ] || fail "after resume: status=$st freezer=$fz"
}

t_metrics() {
	local id out
	id=$(cid met "$2")
	out=$(crun "$1" "$2" -d --memory-limit 67108864 "$IMAGE" "$id" sleep 1000 2>&1) || fail "run -d: $out" || return 1
	out=$(c tasks metrics --format json "$id" 2>&1)
	remove_task "$id"
	echo "metrics: ${out:0:300}"
	# the limit we set must show up in the cgroup the runtime made
	local lim
	lim=$(echo "$out" | jq -r '(.memory.usage.limit // .Memory.Usage.Limit // .memory.limit // empty)' 2>/dev/null)
	[ -n "$lim" ] || lim=$(echo "$out" | grep -o '"limit":[0-9]*' | head -n1 | cut -d: -f2)
	expect_eq "memory limit in metrics" "$lim" 67108864
}

t_memory_limit() {
	local id out rc
	id=$(cid mem "$2")
	# dd fills a 100 MiB buffer: with a 32 MiB limit and no swap, the OOM killer ends it
	out=$(crun "$1" "$2" --rm --memory-limit 33554432 "$IMAGE" "$id" dd if=/dev/zero of=/dev/null bs=100M count=1 2>&1)
	rc=$?
	forget "$id"
	echo "rc=$rc out=$out"
	[ $rc -eq 137 ] || [[ "$out" == *OOM* ]] || [[ "$out" == *oom* ]] || fail "over-allocation not killed: rc=$rc" || return 1
	# and a process that stays below the limit is not killed
	out=$(crun "$1" "$2" --rm --memory-limit 33554432 "$IMAGE" "$id-ok" dd if=/dev/zero of=/dev/null bs=8M count=1 2>&1)
	rc=$?
	forget "$id-ok"
	expect_eq "8 MiB under a 32 MiB limit: exit code" "$rc" 0
}

t_not_found() {
	local id out rc
	id=$(cid nf "$2")
	out=$(crun "$1" "$2" --rm "$IMAGE" "$id" nonexistent-binary 2>&1)
	rc=$?
	echo "rc=$rc: $out"
	[ $rc -ne 0 ] || fail "run of a missing binary succeeded" || return 1
	expect_contains "error" "$out" "executable file not found" || return 1
	c containers delete "$id" >/dev/null 2>&1
	local left
	left=$(leftovers "$2" "$id")
	[ -z "$left" ] || fail "left behind: $left"
}

t_twenty() {
	local i id out left=
	for ((i = 1; i <= 20; i++)); do
		id=$(cid loop "$2")-$i
		out=$(crun "$1" "$2" --rm "$IMAGE" "$id" sh -c 'echo run' 2>&1)
		[ "$out" = run ] || fail "run $i: $out" || { forget "$id"; return 1; }
		left+=$(leftovers "$2" "$id")
	done
	[ -z "$left" ] || fail "left behind: $left" || return 1
	local st
	st=$(ls -A "$SUITE_TMP/rt-$2/$NS" 2>/dev/null | grep "^loop-$2-")
	[ -z "$st" ] || fail "state left under the runtime root: $st" || return 1
	st=$(ls -A "$SUITE_TMP/state/io.containerd.runtime.v2.task/$NS" 2>/dev/null | grep "^loop-$2-")
	[ -z "$st" ] || fail "shim bundles left: $st" || return 1
	local cg
	cg=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 3 -type d -path "*/$NS/loop-$2-*" 2>/dev/null)
	[ -z "$cg" ] || fail "cgroups left: $cg"
}

check "run: output and exit code" t_run_exit
check "run -t (console socket)" t_tty
check "run --env --cwd" t_env_cwd
check "run -d, tasks ls/kill/delete" t_detached
check "tasks ps" t_ps
check "tasks exec" t_exec
check "tasks pause/resume (freezer)" t_pause_resume
check "tasks metrics" t_metrics
check "--memory-limit kills an over-allocation" t_memory_limit
check "missing binary: executable file not found" t_not_found
check "20 runs in a row, nothing left" t_twenty
print_summary
echo "# containerd suite took $(elapsed "$t0")s"
