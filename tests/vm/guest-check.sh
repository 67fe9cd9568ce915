#!/bin/sh
# guest-check.sh: runs INSIDE the cgroup v2 VM (tests/vm/run.sh), not on the host.
# `isorun check` must report the pure v2 layout with its controllers and
# CLONE_INTO_CGROUP, and `isorun inspect` must read a container's limits from the v2
# files (memory.max, cpu.max, pids.max) and see the eBPF device program. Prints TAP.
set -u
# --list: the names of the checks, one per line, without running anything (read from
# this file's ok/not_ok/is/check lines; tests/vm/run.sh reports each as skipped when no
# VM can run).
if [ "${1:-}" = --list ]; then
	sed -n 's/^[[:space:]]*\(if \)\{0,1\}\(ok\|not_ok\|is\|check\) "\([^"]*\)".*/\3/p' "$0" |
		sed 's/ # SKIP.*//' | awk '!seen[$0]++'
	exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
repo=${VM_REPO:-$(cd "$here/../.." && pwd)}
ISORUN=${ISORUN:-$repo/isorun}
work=$(mktemp -d /tmp/check.XXXXXX)
root=$work/state
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
diag() { sed 's/^/# /'; }
# is DESC ACTUAL EXPECTED
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1"; echo "got '$2', expected '$3'" | diag; fi
}

cleanup() {
	"$ISORUN" --root "$root" delete -f vmck >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT

if [ ! -x "$ISORUN" ] || ! command -v jq >/dev/null 2>&1; then
	echo "1..0 # SKIP isorun not built or jq missing"
	exit 0
fi

out=$("$ISORUN" check --format json 2>&1)
rc=$?
is "isorun check exits 0 in the VM" "$rc" 0
if ! printf '%s' "$out" | jq -e . >/dev/null 2>&1; then
	not_ok "check --format json is JSON"
	printf '%s\n' "$out" | tail -n 20 | diag
	echo "1..$n"
	exit 1
fi
ok "check --format json is JSON"
is "the cgroup layout is v2" "$(printf '%s' "$out" | jq -r .host.cgroups.state)" v2
want=$(tr ' ' '\n' </sys/fs/cgroup/cgroup.controllers | sort | tr '\n' ' ')
got=$(printf '%s' "$out" | jq -r '.host.cgroups.controllers[]' | sort | tr '\n' ' ')
is "the controllers are cgroup.controllers'" "$got" "$want"
is "CLONE_INTO_CGROUP usable on v2" "$(printf '%s' "$out" | jq -r .host.clone3.clone_into_cgroup)" true
is "containers can run" "$(printf '%s' "$out" | jq -r .host.can_run_containers)" yes

# inspect on v2: the limits come from memory.max, cpu.max, pids.max
mkdir -p "$work/b"
if [ -n "${VM_ROOTFS:-}" ] && [ -d "$VM_ROOTFS" ]; then
	cp -a "$VM_ROOTFS" "$work/b/rootfs"
else
	bash "$repo/tests/make-rootfs.sh" "$work/b/rootfs" >/dev/null 2>&1
fi
"$ISORUN" spec --bundle "$work/b" --memory 64M --cpus 0.5 --pids 20 --args "sleep 60"
if (cd "$work/b" && timeout 120 "$ISORUN" --root "$root" run -d vmck </dev/null >"$work/out" 2>&1); then
	ok "a container with limits starts"
	js=$(timeout 60 "$ISORUN" --root "$root" inspect --format json vmck 2>&1)
	is "inspect: cgroup layout v2" "$(printf '%s' "$js" | jq -r .resources.cgroup.state)" v2
	is "inspect: memory.max 64M" "$(printf '%s' "$js" | jq -r .resources.memory.max)" 67108864
	is "inspect: memory limited" "$(printf '%s' "$js" | jq -r .resources.memory.state)" limited
	is "inspect: cpu.max quota" "$(printf '%s' "$js" | jq -r .resources.cpu.quota)" 50000
	is "inspect: pids.max" "$(printf '%s' "$js" | jq -r .resources.pids.max)" 20
	is "inspect: eBPF device program attached" \
		"$(printf '%s' "$js" | jq -r .security.devices.ebpf_program_attached)" true
else
	not_ok "a container with limits starts"
	tail -n 20 "$work/out" | diag
fi
echo "1..$n"
[ "$failed" -eq 0 ]
