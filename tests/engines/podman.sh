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
# conmon writes an empty file "oom" into its working directory when a container is
# OOM-killed (cgroup v1), which was the repository's root: it works here instead.
cd "$SUITE_TMP" || exit 1
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

podman_confs overlay
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

t_tty() {
	local out rc
	out=$(SHELL=/bin/sh timeout "$CMD_TMO" script -qec "env CONTAINERS_CONF=$SUITE_TMP/containers.conf CONTAINERS_STORAGE_CONF=$SUITE_TMP/storage.conf podman --root $SUITE_TMP/root --runroot $SUITE_TMP/runroot --tmpdir $SUITE_TMP/tmp --cgroup-manager cgroupfs --events-backend file --storage-driver overlay --runtime $(rt_name "$1") run --rm -t --net none --cgroup-parent /$CGP --name $(name tty "$2") $IMAGE sh -c 'tty; [ -t 0 ] && echo stdin-is-tty; exit 5'" /dev/null 2>&1)
	rc=$?
	echo "output: $out"
	expect_contains "tty output" "$out" /dev/pts/ || return 1
	expect_contains "stdin is a tty" "$out" stdin-is-tty || return 1
	expect_eq "exit code" "$rc" 5
}


RM_FORCE=(-f -t 0)
source "$ENGINES_DIR/cli_checks.sh"
run_cli_checks
echo "# podman suite took $(elapsed "$t0")s"
