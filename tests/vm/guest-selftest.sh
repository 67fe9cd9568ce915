#!/bin/sh
# guest-selftest.sh: runs INSIDE the VM (via tests/vm/run.sh or tests/vm/vm.sh), not on
# the host. Checks the VM harness itself: pure cgroup v2 with the controllers enabled,
# runc/crun/isorun runnable, and a busybox container under crun and runc. Prints TAP.
set -u
RUNTIMES="crun runc"
# --list: the names of the checks, one per line, without running anything (read from
# this file's ok/not_ok/check lines, plus one container run per runtime;
# tests/vm/run.sh reports each as skipped when no VM can run).
if [ "${1:-}" = --list ]; then
	{
		sed -n 's/^[[:space:]]*\(if \)\{0,1\}\(ok\|not_ok\|check\) "\([^"$]*\)".*/\3/p' "$0" |
			sed 's/ # SKIP.*//'
		for rt in $RUNTIMES; do echo "busybox container runs under $rt"; done
	} | awk '!seen[$0]++'
	exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
repo=${VM_REPO:-$(cd "$here/../.." && pwd)}
ISORUN=${ISORUN:-$repo/isorun}
work=$(mktemp -d /tmp/selftest.XXXXXX)
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
diag() { sed 's/^/# /'; }
# check DESC CMD...: ok if CMD succeeds; its output becomes TAP diagnostics on failure
check() {
	desc=$1
	shift
	if out=$("$@" 2>&1); then ok "$desc"; else not_ok "$desc"; printf '%s\n' "$out" | tail -n 20 | diag; fi
}

echo "# kernel: $(uname -r)"
echo "# cgroup.controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
echo "# cgroup.subtree_control: $(cat /sys/fs/cgroup/cgroup.subtree_control)"

check "cgroup2 is mounted at /sys/fs/cgroup" sh -c '[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]'
has_ctrls() {
	for c in memory pids cpu io; do
		grep -qw "$c" /sys/fs/cgroup/cgroup.subtree_control || { echo "missing $c"; return 1; }
	done
}
check "root subtree_control has memory pids cpu io" has_ctrls
check "no cgroup v1 hierarchy is mounted" sh -c '! awk "\$3 == \"cgroup\" {f=1} END {exit !f}" /proc/mounts'
check "runc --version runs" runc --version
check "crun --version runs" crun --version
if [ -e "$ISORUN" ]; then
	echo "# isorun: $ISORUN"
	check "isorun --version runs" "$ISORUN" --version
else
	ok "isorun --version runs # SKIP $ISORUN not built"
fi

rootfs_ok=0
if check "make-rootfs.sh builds a busybox rootfs in /tmp" bash "$repo/tests/make-rootfs.sh" "$work/bundle/rootfs"; then
	rootfs_ok=1
fi
spec_ok=0
if [ $rootfs_ok = 1 ] && check "runc spec writes config.json" sh -c "cd '$work/bundle' && runc spec"; then
	sed -i -e 's/"terminal": true/"terminal": false/' \
		-e 's/^\([[:space:]]*\)"sh"$/\1"\/bin\/echo", "hello-from-vm"/' "$work/bundle/config.json"
	grep -q hello-from-vm "$work/bundle/config.json" && spec_ok=1
fi

run_container() { # run_container RUNTIME ID: runs the bundle, expects hello-from-vm
	out=$(cd "$work/bundle" && timeout 120 "$1" run "$2" </dev/null 2>&1)
	rc=$?
	"$1" delete -f "$2" >/dev/null 2>&1 || true
	if [ $rc -eq 0 ] && [ "$out" = hello-from-vm ]; then
		ok "busybox container runs under $1"
	else
		not_ok "busybox container runs under $1"
		printf 'exit %s, output:\n%s\n' "$rc" "$out" | diag
	fi
}
for rt in $RUNTIMES; do
	if [ $spec_ok = 1 ]; then
		run_container "$rt" "selftest-$rt"
	else
		not_ok "busybox container runs under $rt (no bundle)"
	fi
done
check "container cgroups were removed" sh -c '! ls -d /sys/fs/cgroup/*selftest* /sys/fs/cgroup/*/*selftest* 2>/dev/null | grep -q .'

rm -rf "$work"
echo "1..$n"
[ $failed -eq 0 ]
