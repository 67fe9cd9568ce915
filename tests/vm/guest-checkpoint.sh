#!/bin/sh
# guest-checkpoint.sh: runs INSIDE the cgroup v2 VM (tests/vm/run.sh), not on the host.
# checkpoint/restore needs a kernel CRIU 3.17 can work with; the development host's
# is not one (`criu check`: "vdso: Unexpected rt vDSO area bounds"), Debian's cloud
# kernel of the VM is. This runs tests/integration/checkpoint.bats here for isorun,
# and for runc side by side unless CHECKPOINT_RUNC=0 (ISORUN_VM_CHECKPOINT_RUNC=0
# tests/vm/run.sh: it validates the tests; about 80 s more under TCG, the two checkpoint
# scripts with runc took 203 s), and prints its TAP with the runtime in each name.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=${VM_REPO:-$(cd "$here/../.." && pwd)}
bats_file=$repo/tests/integration/checkpoint.bats
runtimes=isorun
[ "${CHECKPOINT_RUNC:-1}" = 1 ] && runtimes="isorun runc"
if [ "${1:-}" = --list ]; then
	for r in $runtimes; do
		sed -n 's/^@test "\(.*\)" {$/\1/p' "$bats_file" | sed "s/^/$r: /"
	done
	exit 0
fi
ISORUN=${ISORUN:-$repo/isorun}
command -v criu >/dev/null || { echo "1..0 # SKIP criu is not installed (tests/install-deps.sh)"; exit 0; }
command -v bats >/dev/null || { echo "1..0 # SKIP bats is not installed"; exit 0; }

# What CRIU asks the kernel for and the VM loads only on demand: the sock_diag
# modules (sockets), tun/veth and nf_tables (its checks) and nfnetlink's conntrack (it dumps a
# network namespace's conntrack table; without the module nfnetlink answers EINVAL).
for m in nf_conntrack_netlink inet_diag tcp_diag udp_diag unix_diag netlink_diag \
	af_packet_diag tun veth nf_tables; do
	modprobe "$m" 2>/dev/null || echo "# no module $m"
done
if ! out=$(criu check 2>&1); then
	echo "1..0 # SKIP criu check fails on this VM's kernel too: $(echo "$out" | grep -m1 Error)"
	exit 0
fi

# A writable copy of the tests (the repo is read-only here), the cached busybox
# rootfs of the VM as its rootfs cache.
t=$(mktemp -d /tmp/ckpt.XXXXXX)
mkdir -p "$t/tests/.cache"
cp -a "$repo/tests/integration" "$t/tests/"
ln -s "$VM_ROOTFS" "$t/tests/.cache/busybox-rootfs"
touch "$t/tests/.cache/busybox-rootfs.ok"
n=0 failed=0
for r in $runtimes; do
	bin=$ISORUN
	[ "$r" = runc ] && bin=runc
	ISORUN=$bin RECVTTY=$repo/build/helpers/recvtty ISORUN_TEST_TIMEOUT=60 \
		bats --tap "$t/tests/integration/checkpoint.bats" >"$t/$r.tap" 2>&1
	while IFS= read -r line; do
		case $line in
		"not ok "*)
			n=$((n + 1)) failed=$((failed + 1))
			echo "not ok $n - $r: $(echo "$line" | sed 's/^not ok [0-9]* //')"
			;;
		"ok "*)
			n=$((n + 1))
			echo "ok $n - $r: $(echo "$line" | sed 's/^ok [0-9]* //')"
			;;
		1..*) ;;
		*) echo "# $line" ;;
		esac
	done <"$t/$r.tap"
done
rm -rf "$t"
echo "1..$n"
[ "$failed" -eq 0 ]
