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

t_tty() {
	local out rc
	out=$(SHELL=/bin/sh timeout "$CMD_TMO" script -qec "$DOCKER -H unix://$SOCK run --runtime $(rt_name "$2") --rm -t --net none --name $(name tty "$2") $IMAGE sh -c 'tty; [ -t 0 ] && echo stdin-is-tty; exit 5'" /dev/null 2>&1)
	rc=$?
	echo "output: $out"
	expect_contains "tty output" "$out" /dev/pts/ || return 1
	expect_contains "stdin is a tty" "$out" stdin-is-tty || return 1
	expect_eq "exit code" "$rc" 5
}


RM_FORCE=(-f)
source "$(dirname "${BASH_SOURCE[0]}")/cli_checks.sh"
run_cli_checks
echo "# docker suite took $(elapsed "$t0")s"
