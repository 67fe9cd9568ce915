#!/usr/bin/env bash
# docker.sh: a PRIVATE dockerd 20.10 (own --data-root, --exec-root, unix socket and
# pidfile under a temp dir; no bridge, no iptables, no userland proxy; it starts its own
# managed containerd under the exec-root) with both runtimes registered through a
# daemon.json "runtimes" section, driven with `docker run --runtime runc|isorun --net none`.
# dockerd uses containerd's runc v2 shim with BinaryName = the runtime's path, so this is
# the same runtime contract as containerd's. Prints un-numbered TAP (see common.sh).
set -uo pipefail
SUITE=docker
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DOCKER=$(command -v /usr/bin/docker docker 2>/dev/null | head -n1)
command -v dockerd >/dev/null && [ -n "$DOCKER" ] || skip_all "dockerd/docker not installed (tests/engines/install.sh)"
[ "$(id -u)" -eq 0 ] || skip_all "needs root"

SUITE_TMP=$(mktemp -d /tmp/isorun-docker.XXXXXX)
CGP=isorun-docker-$$ # container cgroups: /<CGP>/<id>
SOCK=$SUITE_TMP/docker.sock
dockerd_pid=
cleanup() {
	trap '' INT TERM HUP
	kill_check
	if [ -n "$dockerd_pid" ] && alive "$dockerd_pid"; then
		local ids
		ids=$(timeout 20 "$DOCKER" -H "unix://$SOCK" ps -aq 2>/dev/null)
		[ -z "$ids" ] || timeout 60 "$DOCKER" -H "unix://$SOCK" rm -f $ids >/dev/null 2>&1
	fi
	stop_pid "$dockerd_pid" 20 # stops its managed containerd too
	# whatever is still running with our private paths in its argv (managed containerd,
	# shims) was started by this suite
	local p
	for p in $(pgrep -f -- "$SUITE_TMP" 2>/dev/null); do
		[ "$p" != $$ ] && kill -KILL "$p" 2>/dev/null
	done
	umount_under "$SUITE_TMP"
	rm_cgroups "$CGP"
	rm -rf "$SUITE_TMP"
	return 0
}
trap cleanup EXIT
trap 'exit 143' TERM HUP
trap 'exit 130' INT

# the exact configuration documented in docs/engines.md
cat >"$SUITE_TMP/daemon.json" <<CFG
{
  "runtimes": {
    "isorun": { "path": "$ISORUN" },
    "runc-ref": { "path": "$RUNC" }
  }
}
CFG

t0=$(now)
build_image || skip_all "cannot build the busybox image"
dockerd --config-file "$SUITE_TMP/daemon.json" --data-root "$SUITE_TMP/data" \
	--exec-root "$SUITE_TMP/exec" -H "unix://$SOCK" --pidfile "$SUITE_TMP/docker.pid" \
	--bridge=none --iptables=false --ip6tables=false --ip-masq=false --userland-proxy=false \
	--storage-driver overlay2 --exec-opt native.cgroupdriver=cgroupfs --cgroup-parent "/$CGP" \
	>"$SUITE_TMP/dockerd.log" 2>&1 &
dockerd_pid=$!
ready=
for ((i = 0; i < 300; i++)); do
	kill -0 "$dockerd_pid" 2>/dev/null || break
	if [ -S "$SOCK" ] && timeout 5 "$DOCKER" -H "unix://$SOCK" version >/dev/null 2>&1; then
		ready=1
		break
	fi
	sleep 0.1
done
if [ -z "$ready" ]; then
	reason=$(grep -m1 -E 'level=(fatal|error)|failed to start' "$SUITE_TMP/dockerd.log" | cut -c1-200)
	echo "# dockerd log:"
	tail -n 15 "$SUITE_TMP/dockerd.log" | sed 's/^/#   /'
	skip_all "dockerd cannot run here: ${reason:-did not answer within 30s}"
fi
DK=(timeout "$CMD_TMO" "$DOCKER" -H "unix://$SOCK")
if ! out=$("${DK[@]}" load -i "$IMAGE_TAR" 2>&1); then
	echo "not ok - docker: image load"
	echo "$out" | sed 's/^/#   /'
	exit 1
fi
echo "# dockerd $(dockerd --version | awk '{print $3}' | tr -d ,) up, image loaded in $(elapsed "$t0")s"

# runtime_name LABEL: the name of that runtime in daemon.json
rt_name() { [ "$1" = isorun ] || [ "$1" = "$ISORUN" ] && echo isorun || echo runc-ref; }
# pm RT ARGS...: docker (RT is unused: the runtime is chosen per container)
pm() {
	shift
	"${DK[@]}" "$@"
}
# pmrun RT ARGS...: docker run with the runtime under test and no network
pmrun() {
	local rt=$1
	shift
	"${DK[@]}" run --runtime "$(rt_name "$rt")" --net none "$@"
}
name() { echo "dk-$1-$2-$$-$RANDOM"; }
full_id() { pm "$1" inspect --format '{{.Id}}' "$2" 2>/dev/null; }
# host_cg CONTROLLER ID: the container's v1 cgroup dir on the host
host_cg() { echo "/sys/fs/cgroup/$1/$CGP/$2"; }

# leftovers RUNTIME_PATH LABEL FULL_ID: what a removed container left behind
leftovers() {
	local id=$3 d
	[ -n "$id" ] || return 0
	for d in "$SUITE_TMP"/exec/runtime-*/moby/"$id"; do
		[ -e "$d" ] && echo "runtime state: $d"
	done
	cgroup_dirs "$id" | sed 's/^/cgroup: /'
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
	out=$(SHELL=/bin/sh timeout "$CMD_TMO" script -qec "$DOCKER -H unix://$SOCK run --runtime $(rt_name "$2") --rm -t --net none --name $(name tty "$2") $IMAGE sh -c 'tty; [ -t 0 ] && echo stdin-is-tty; exit 5'" /dev/null 2>&1)
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
remove() { pm "$1" rm -f "$2" >/dev/null 2>&1; }

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
	out=$(pm "$1" rm -f "$n" 2>&1) || fail "rm -f: $out" || return 1
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
echo "# docker suite took $(elapsed "$t0")s"
