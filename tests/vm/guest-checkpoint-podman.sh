#!/bin/bash
# guest-checkpoint-podman.sh: runs INSIDE the cgroup v2 VM (tests/vm/run.sh), not on the
# host (CRIU 3.17 cannot work on the host's kernel: see guest-checkpoint.sh).
# `podman container checkpoint` / `restore` with isorun as the runtime (and with runc
# side by side, unless CHECKPOINT_RUNC=0): podman 4.3 (the host's, seen through the guest's overlay of /), a
# private store and containers.conf, the cached busybox image, no network. A counter
# container runs detached; after checkpoint podman says it exited (checkpointed) and
# the runtime has no container left (podman deletes the stopped one); after restore the
# counter goes on from where it was, exec works, and `rm -f` leaves no runtime state,
# cgroup or conmon. Each runtime is called through a wrapper that logs its commands,
# to show which ones podman calls (printed as TAP comments).
# --list: the names of the checks.
set -u
# runc too unless CHECKPOINT_RUNC=0 (ISORUN_VM_CHECKPOINT_RUNC=0 tests/vm/run.sh): about
# 15 s more under TCG
RUNTIMES=(isorun)
[ "${CHECKPOINT_RUNC:-1}" = 1 ] && RUNTIMES=(isorun runc)
checks() {
	local r
	for r in "${RUNTIMES[@]}"; do
		echo "podman $r: run -d, checkpoint: the container exited, no runtime container left"
		echo "podman $r: restore: running, the counter went on, exec works"
		echo "podman $r: rm -f leaves no runtime state, cgroup or conmon"
	done
}
if [ "${1:-}" = --list ]; then
	checks
	exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
repo=${VM_REPO:-$(cd "$here/../.." && pwd)}
ISORUN=${ISORUN:-$repo/isorun}
IMAGE_TAR=$repo/tests/.cache/engine-busybox.tar
IMAGE=localhost/isorun-busybox:latest
n=0 failed=0
skip_all() {
	local c
	while IFS= read -r c; do n=$((n + 1)); echo "ok $n - $c # SKIP $*"; done < <(checks)
	echo "1..$n"
	exit 0
}
command -v podman >/dev/null && command -v conmon >/dev/null || skip_all "podman/conmon not installed"
command -v criu >/dev/null || skip_all "criu is not installed"
[ -s "$IMAGE_TAR" ] || skip_all "no image $IMAGE_TAR (tests/engines/make-image.sh builds it on the host)"
# the modules CRIU's dump of a network namespace and its checks need (see guest-checkpoint.sh)
for m in nf_conntrack_netlink inet_diag tcp_diag udp_diag unix_diag netlink_diag \
	af_packet_diag tun veth nf_tables; do
	modprobe "$m" 2>/dev/null
done
out=$(criu check 2>&1) || skip_all "criu check fails on this VM's kernel: $(echo "$out" | grep -m1 Error)"

P=$(mktemp -d /tmp/pmckpt.XXXXXX)
CGP=isorun-pmckpt-$$
cleanup() {
	pm rm -af -t 0 >/dev/null 2>&1
	grep " $P" /proc/mounts | awk '{print $2}' | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
	rmdir /sys/fs/cgroup/$CGP/* /sys/fs/cgroup/$CGP /sys/fs/cgroup/libpod_parent/* /sys/fs/cgroup/libpod_parent 2>/dev/null
	rm -rf "$P"
}
trap cleanup EXIT
mkdir -p "$P/tmp" "$P/bin"
# wrapper RT BIN: $P/bin/RT logs "RT ARGS" to $P/calls, then runs BIN
wrapper() {
	printf '#!/bin/sh\necho "%s $*" >>%s/calls\nexec %s "$@"\n' "$1" "$P" "$2" >"$P/bin/$1"
	chmod 755 "$P/bin/$1"
}
wrapper isorun "$ISORUN"
wrapper runc "$(command -v runc)"
# shellcheck source=tests/engines/podman_conf.sh
source "$repo/tests/engines/podman_conf.sh"
podman_write_confs "$P" overlay cgroupfs "$P/bin/isorun" "$P/bin/runc"
pm() {
	env CONTAINERS_CONF="$P/containers.conf" CONTAINERS_STORAGE_CONF="$P/storage.conf" \
		timeout 120 podman --root "$P/root" --runroot "$P/runroot" --tmpdir "$P/tmp" \
		--cgroup-manager cgroupfs --events-backend file --storage-driver overlay "$@"
}
result() { # result NAME RC [DIAG]
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n - $1"
	else
		failed=$((failed + 1))
		echo "not ok $n - $1"
		[ -n "${3:-}" ] && printf '%s\n' "$3" | tail -n 25 | sed 's/^/# /'
	fi
	return 0
}
now() { date +%s; }
t0=$(now)
if ! out=$(pm load -i "$IMAGE_TAR" 2>&1); then
	echo "Bail out! podman load: $out"
	exit 1
fi
echo "# podman $(podman --version | awk '{print $3}'), criu $(criu --version | awk '/^Version/ {print $2}'), image loaded in $(($(now) - t0)) s"

count() { pm exec "$1" cat /count 2>/dev/null; }
for r in "${RUNTIMES[@]}"; do
	t1=$(now)
	rtn=isorun
	[ "$r" = runc ] && rtn=runc-ref
	root=/run/$r # podman leaves the runtime's default --root
	name=pmckpt-$r-$$
	: >"$P/calls"
	# 1. run -d, checkpoint
	why=
	id=$(pm --runtime "$rtn" run -d --net none --cgroup-parent "/$CGP" --name "$name" "$IMAGE" \
		sh -c 'i=0; while :; do i=$((i+1)); echo $i >/count.new; mv /count.new /count; sleep 0.1; done' 2>&1 | tail -n1)
	c1=0
	for _ in $(seq 100); do
		c1=$(count "$name") || c1=0
		[ "${c1:-0}" -ge 5 ] && break
		sleep 0.2
	done
	[ "${c1:-0}" -ge 5 ] || why="the counter did not count: '$c1' ($id)"
	if [ -z "$why" ]; then
		c1=$(count "$name")
		out=$(pm container checkpoint "$name" 2>&1) || why="checkpoint: $out"
	fi
	if [ -z "$why" ]; then
		st=$(pm inspect --format '{{.State.Status}} {{.State.Checkpointed}}' "$name" 2>&1)
		[ "$st" = "exited true" ] || why="podman says '$st', not 'exited true'"
	fi
	if [ -z "$why" ]; then
		left=$([ -e "$root/$id" ] && echo "state dir $root/$id"; ls -d /sys/fs/cgroup/$CGP/*"$id"* 2>/dev/null)
		[ -z "$left" ] || why="left after checkpoint: $left"
	fi
	result "podman $r: run -d, checkpoint: the container exited, no runtime container left" \
		"$([ -z "$why" ] && echo 0 || echo 1)" "$why"$'\n'"$(cat "$P/calls")"
	# 2. restore
	why=
	out=$(pm container restore "$name" 2>&1) || why="restore: $out"
	if [ -z "$why" ]; then
		st=$(pm inspect --format '{{.State.Status}}' "$name" 2>&1)
		[ "$st" = running ] || why="podman says '$st' after restore"
	fi
	if [ -z "$why" ]; then
		# on from c1, not from 1 again: c2 >= c1 and it still counts
		c2=$(count "$name") || why="exec after restore failed: $c2"
		[ -n "$why" ] || [ "${c2:-0}" -ge "$c1" ] || why="the counter went back: $c1 -> $c2"
	fi
	if [ -z "$why" ]; then
		for _ in $(seq 100); do
			c3=$(count "$name") || c3=0
			[ "${c3:-0}" -gt "$c2" ] && break
			sleep 0.2
		done
		[ "${c3:-0}" -gt "$c2" ] || why="the counter stopped after restore: $c2 -> $c3"
	fi
	result "podman $r: restore: running, the counter went on, exec works" \
		"$([ -z "$why" ] && echo 0 || echo 1)" "$why"$'\n'"$(cat "$P/calls")"
	# 3. rm -f
	why=
	out=$(pm rm -f -t 0 "$name" 2>&1) || why="rm -f: $out"
	# (conmon may take a moment to exit after rm returned)
	for _ in $(seq 50); do
		left=$([ -e "$root/$id" ] && echo "state dir $root/$id"
			ls -d /sys/fs/cgroup/$CGP/*"$id"* 2>/dev/null
			pgrep -af "conmon.*$id" 2>/dev/null)
		[ -z "$left" ] && break
		sleep 0.2
	done
	[ -z "$left" ] || why="$why left: $left"
	result "podman $r: rm -f leaves no runtime state, cgroup or conmon" \
		"$([ -z "$why" ] && echo 0 || echo 1)" "$why"
	# which runtime commands podman called (the flags of checkpoint/restore, and the
	# delete after checkpoint)
	grep -E " (checkpoint|restore|delete|state) " "$P/calls" | sed "s/$id/ID/g; s/^/# calls: /" | cut -c1-300
	echo "# podman $r: $(($(now) - t1)) s"
done
echo "# podman checkpoint/restore: $(($(now) - t0)) s"
echo "1..$n"
[ "$failed" -eq 0 ]
