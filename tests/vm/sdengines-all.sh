#!/bin/bash
# sdengines-all.sh: runs INSIDE the systemd VM (`make check-systemd`, i.e.
# SYSTEMD_SUITE=engines tests/vm/run-systemd.sh), not on the host. The engines as they run
# on systemd hosts, each driving isorun and runc with their systemd cgroup driver:
# containerd (ctr --runc-systemd-cgroup, the SystemdCgroup = true path of the runc shim),
# podman (--cgroup-manager systemd), docker (native.cgroupdriver=systemd). For each: a
# busybox container with a 64 MiB memory limit runs detached, its scope shows the limit in
# `systemctl show`, exec inside sees it in memory.max, and removing it leaves no unit.
# --list: the names of the checks (run.sh reports them skipped without a VM).
set -u
ENGINES=(containerd podman docker)
RUNTIMES=(isorun runc)
if [ "${1:-}" = --list ]; then
	for e in "${ENGINES[@]}"; do for r in "${RUNTIMES[@]}"; do echo "$e $r: memory limit in the scope, exec, remove"; done; done
	exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
repo=${VM_REPO:-$(cd "$here/../.." && pwd)}
ISORUN=${ISORUN:-$repo/isorun}
IMAGE_TAR=$repo/tests/.cache/engine-busybox.tar
IMAGE=localhost/isorun-busybox:latest
LIMIT=67108864
work=$(mktemp -d /tmp/sde.XXXXXX)
n=0 failed=0 pids=()
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
skip_t() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
diag() { sed 's/^/# /'; }
result() {
	if [ "$2" = 0 ]; then ok "$1"; else not_ok "$1"; [ -n "${3:-}" ] && printf '%s\n' "$3" | tail -n 25 | diag; fi
	return 0
}
bin() { if [ "$1" = isorun ]; then echo "$ISORUN"; else command -v runc; fi; }
cleanup() {
	local p
	for p in "${pids[@]+"${pids[@]}"}"; do kill -TERM "$p" 2>/dev/null; done
	sleep 1
	for p in "${pids[@]+"${pids[@]}"}"; do kill -KILL "$p" 2>/dev/null; done
	grep " $work" /proc/mounts | awk '{print $2}' | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 100); do [ -S /run/dbus/system_bus_socket ] && break; sleep 0.1; done
[ -s "$IMAGE_TAR" ] || { echo "Bail out! no image $IMAGE_TAR (run-systemd.sh builds it on the host)"; exit 1; }

# check ENGINE RT UNIT EXEC-OUTPUT REMOVE-CMD...: the common verdict of one container
check() {
	local e=$1 r=$2 unit=$3 ex=$4
	shift 4
	local s left
	s=$(systemctl show "$unit" -p ActiveState -p MemoryMax 2>&1 | sort | tr '\n' ' ')
	"$@" >/dev/null 2>&1
	for _ in $(seq 30); do
		left=$(systemctl list-units --all --no-legend "$unit" 2>&1)
		[ -z "$left" ] && break
		sleep 0.2
	done
	result "$e $r: memory limit in the scope, exec, remove" \
		"$([ "$s" = "ActiveState=active MemoryMax=$LIMIT " ] && [ "$ex" = "$LIMIT" ] && [ -z "$left" ] && echo 0 || echo 1)" \
		"unit $unit: $s; exec: $ex; left: $left"
}

# ---------------------------------------------------------------- containerd
C=$work/containerd
mkdir -p "$C"
cat >"$C/config.toml" <<CFG
version = 2
root = "$C/root"
state = "$C/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$C/sock"
[ttrpc]
  address = "$C/sock.ttrpc"
[metrics]
  address = ""
CFG
containerd --config "$C/config.toml" >"$C/log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do [ -S "$C/sock" ] && break; sleep 0.1; done
c() { timeout 90 ctr --address "$C/sock" -n sde "$@"; }
if ! out=$(c images import "$IMAGE_TAR" 2>&1); then
	for r in "${RUNTIMES[@]}"; do result "containerd $r: memory limit in the scope, exec, remove" 1 "import: $out $(tail -5 "$C/log")"; done
else
	for r in "${RUNTIMES[@]}"; do
		id=ctd-$r
		o=$(c run -d --runc-binary "$(bin "$r")" --runc-root "$C/rt-$r" --runc-systemd-cgroup \
			--cgroup "system.slice:sde:$id" --memory-limit $LIMIT "$IMAGE" "$id" sleep 1000 2>&1)
		# ctr's default spec mounts no /sys/fs/cgroup: the file is read from the host,
		# exec only has to work
		ex=$(c tasks exec --exec-id e1 "$id" echo exec-ok 2>&1)
		[ "$ex" = exec-ok ] && ex=$(cat "/sys/fs/cgroup/system.slice/sde-$id.scope/memory.max" 2>&1)
		check containerd "$r" "sde-$id.scope" "$ex" sh -c \
			"ctr --address $C/sock -n sde tasks kill -s KILL $id; sleep 1; ctr --address $C/sock -n sde tasks delete -f $id; ctr --address $C/sock -n sde containers delete $id"
		[ -n "$o" ] && printf '%s\n' "$o" | diag
	done
fi

# ---------------------------------------------------------------- podman
P=$work/podman
mkdir -p "$P/tmp"
# shellcheck source=tests/engines/podman_conf.sh
source "$repo/tests/engines/podman_conf.sh"
podman_write_confs "$P" overlay systemd "$ISORUN" "$(command -v runc)"
pm() {
	env CONTAINERS_CONF="$P/containers.conf" CONTAINERS_STORAGE_CONF="$P/storage.conf" \
		timeout 90 podman --root "$P/root" --runroot "$P/runroot" --tmpdir "$P/tmp" \
		--cgroup-manager systemd --events-backend file --storage-driver overlay "$@"
}
if ! out=$(pm load -i "$IMAGE_TAR" 2>&1); then
	for r in "${RUNTIMES[@]}"; do result "podman $r: memory limit in the scope, exec, remove" 1 "load: $out"; done
else
	for r in "${RUNTIMES[@]}"; do
		name=pm-$r rtn=isorun
		[ "$r" = runc ] && rtn=runc-ref
		full=$(pm --runtime "$rtn" run -d --net none --memory $LIMIT --name "$name" "$IMAGE" sleep 1000 2>&1 | tail -n1)
		ex=$(pm exec "$name" cat /sys/fs/cgroup/memory.max 2>&1)
		check podman "$r" "libpod-$full.scope" "$ex" pm rm -f -t 0 "$name"
	done
fi

# ---------------------------------------------------------------- docker
D=$work/docker
mkdir -p "$D"
cat >"$D/daemon.json" <<CFG
{ "runtimes": { "isorun": { "path": "$ISORUN" }, "runc-ref": { "path": "$(command -v runc)" } } }
CFG
dockerd --config-file "$D/daemon.json" --data-root "$D/data" --exec-root "$D/exec" \
	-H "unix://$D/sock" --pidfile "$D/pid" --bridge=none --iptables=false --ip6tables=false \
	--ip-masq=false --userland-proxy=false --storage-driver overlay2 \
	--exec-opt native.cgroupdriver=systemd >"$D/log" 2>&1 &
pids+=($!)
dk() { timeout 90 docker -H "unix://$D/sock" "$@"; }
for _ in $(seq 600); do dk version >/dev/null 2>&1 && break; sleep 0.2; done
if ! out=$(dk load -i "$IMAGE_TAR" 2>&1); then
	for r in "${RUNTIMES[@]}"; do result "docker $r: memory limit in the scope, exec, remove" 1 "load: $out $(tail -5 "$D/log")"; done
else
	for r in "${RUNTIMES[@]}"; do
		name=dk-$r rtn=isorun
		[ "$r" = runc ] && rtn=runc-ref
		full=$(dk run -d --runtime "$rtn" --network none --memory $LIMIT --name "$name" "$IMAGE" sleep 1000 2>&1 | tail -n1)
		ex=$(dk exec "$name" cat /sys/fs/cgroup/memory.max 2>&1)
		check docker "$r" "docker-$full.scope" "$ex" dk rm -f "$name"
	done
fi
echo "1..$n"
[ "$failed" = 0 ]
