#!/usr/bin/env bash
# podman-rootless.sh: rootless podman (issue 14) driving runc and isorun, side by side. A
# test user made here (useradd: /etc/subuid and /etc/subgid ranges; removed at the end even
# on failure) runs podman with a PRIVATE store (vfs storage driver: no fuse-overlayfs here),
# cgroupfs, file events, no network (--network none: no slirp4netns needed), its state under
# its own XDG_RUNTIME_DIR. Podman puts itself in a user namespace (uids 0 -> the user,
# 1.. -> its subuids) and runs the runtime there as root of that namespace: isorun's
# --rootless auto and its default --root must see that (runc's rules).
# --memory is not checked: on this cgroup v1/hybrid host nothing is delegated to a user,
# and rootless podman ignores limits on v1 ("Resource limits are not supported and
# ignored on cgroups V1 rootless systems"). Prints un-numbered TAP (see common.sh).
set -uo pipefail
SUITE=podman-rootless
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

command -v podman >/dev/null && command -v conmon >/dev/null || skip_all "podman/conmon not installed (tests/engines/install.sh)"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (to make the test user)"
command -v newuidmap >/dev/null || skip_all "newuidmap not installed (Debian: uidmap), rootless podman needs it"

SUITE_TMP=$(mktemp -d /tmp/isorun-podman-rl.XXXXXX)
chmod 755 "$SUITE_TMP"
cd "$SUITE_TMP" || exit 1
RL_USER=isorun-pmrl-$$
XDG=$SUITE_TMP/xdg
cleanup() {
	trap '' INT TERM HUP
	kill_check
	if id "$RL_USER" >/dev/null 2>&1; then
		timeout 60 "${P[@]}" rm -af -t 0 >/dev/null 2>&1
		local p i
		# podman's pause process (it holds the user namespace; its pid file is in
		# --tmpdir) and any conmon of ours
		for p in $(cat "$SUITE_TMP/tmp/pause.pid" 2>/dev/null) \
			$(pgrep -u "$RL_USER" -f "conmon .*$SUITE_TMP" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
		for ((i = 0; i < 20; i++)); do
			pgrep -u "$RL_USER" >/dev/null || break
			sleep 0.1
		done
		pgrep -u "$RL_USER" -a | sed 's/^/# left running by the test user: /'
		userdel -r "$RL_USER" 2>/dev/null || userdel -f -r "$RL_USER" 2>/dev/null
	fi
	umount_under "$SUITE_TMP"
	rm -rf "$SUITE_TMP"
	return 0
}
trap cleanup EXIT
trap 'exit 143' TERM HUP
trap 'exit 130' INT

useradd -m -s /bin/sh "$RL_USER" || skip_all "useradd failed"
RL_UID=$(id -u "$RL_USER")
RL_GID=$(id -g "$RL_USER")
grep -q "^$RL_USER:" /etc/subuid || skip_all "useradd gave $RL_USER no /etc/subuid range"
mkdir -m 700 "$XDG"
# the runtime the user may execute (run.sh's copy is in a root-only temp dir)
cp "$ISORUN" "$SUITE_TMP/isorun"
ISORUN=$SUITE_TMP/isorun

podman_confs vfs
chown -R "$RL_UID:$RL_GID" "$SUITE_TMP"
chmod 700 "$XDG"

# as_user CMD...: CMD as the test user with a clean environment
AS_USER=(setpriv --reuid "$RL_UID" --regid "$RL_GID" --init-groups env -i
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME="/home/$RL_USER"
	USER="$RL_USER" XDG_RUNTIME_DIR="$XDG" CONTAINERS_CONF="$SUITE_TMP/containers.conf"
	CONTAINERS_STORAGE_CONF="$SUITE_TMP/storage.conf")
PODMAN_ARGS=(--root "$SUITE_TMP/root" --runroot "$SUITE_TMP/runroot" --tmpdir "$SUITE_TMP/tmp"
	--cgroup-manager cgroupfs --events-backend file --storage-driver vfs)
P=(timeout "$CMD_TMO" "${AS_USER[@]}" podman "${PODMAN_ARGS[@]}")

t0=$(now)
build_image || skip_all "cannot build the busybox image"
cp "$IMAGE_TAR" "$SUITE_TMP/image.tar" && chown "$RL_UID" "$SUITE_TMP/image.tar"
if ! out=$("${P[@]}" load -i "$SUITE_TMP/image.tar" 2>&1); then
	echo "not ok - $SUITE: image load"
	echo "$out" | sed 's/^/#   /'
	exit 1
fi
echo "# rootless podman $(podman --version | awk '{print $3}') as $RL_USER ($RL_UID), vfs, image loaded in $(elapsed "$t0")s"

rt_name() { [ "$1" = isorun ] || [ "$1" = "$ISORUN" ] && echo isorun || echo runc-ref; }
pm() {
	local rt=$1
	shift
	"${P[@]}" --runtime "$(rt_name "$rt")" "$@"
}
pmrun() {
	local rt=$1
	shift
	pm "$rt" run --network none "$@"
}
name() { echo "pmrl-$1-$2-$$-$RANDOM"; }
full_id() { pm "$1" inspect --format '{{.Id}}' "$2" 2>/dev/null; }

# leftovers RUNTIME_PATH LABEL FULL_ID: the runtime's state is under the user's
# XDG_RUNTIME_DIR (runc and isorun alike), nothing mounted, no container listed
leftovers() {
	local id=$3
	[ -n "$id" ] || return 0
	[ -e "$XDG/$2/$id" ] && echo "runtime state: $XDG/$2/$id"
	[ -e "/run/$2/$id" ] && echo "runtime state as root: /run/$2/$id"
	grep -F "$id" /proc/self/mountinfo | awk '{print "mount: " $5}'
	pm "$1" ps -aq --no-trunc 2>/dev/null | grep -x "$id" | sed 's/^/container: /'
	return 0
}

t_id_maps() {
	local out
	out=$(pmrun "$1" --rm --name "$(name ids "$2")" "$IMAGE" sh -c 'id -u; cat /proc/self/uid_map' 2>&1)
	echo "output: $out"
	expect_eq "uid inside" "$(head -n1 <<<"$out")" 0 || return 1
	# podman's namespace: 0 -> the user, 1.. -> its subuids; the container's is the same
	grep -Eq "^ +0 +$RL_UID +1$" <<<"$out" || fail "container 0 is not $RL_UID: $out" || return 1
	grep -Eq "^ +1 +[0-9]+ +65536$" <<<"$out" || fail "no subuid range mapped: $out"
}

t_state_owned() {
	local n id st
	n=$(name own "$2")
	start_detached "$1" "$n" "$IMAGE" sleep 1000 || { remove "$1" "$n"; return 1; }
	id=$(full_id "$1" "$n")
	st=$(stat -c %U "$XDG/$2/$id" 2>&1)
	remove "$1" "$n"
	expect_eq "owner of the runtime state $XDG/$2/$id" "$st" "$RL_USER"
}

t_ps_logs() {
	local n out logs
	n=$(name ps "$2")
	start_detached "$1" "$n" "$IMAGE" sh -c 'echo to-the-log; exec sleep 1000' ||
		{ remove "$1" "$n"; return 1; }
	out=$(pm "$1" ps --format '{{.Names}} {{.Status}}' 2>&1)
	sleep 0.3
	logs=$(pm "$1" logs "$n" 2>&1)
	echo "ps: $out / logs: $logs"
	remove "$1" "$n"
	expect_contains "podman ps" "$out" "$n Up" || return 1
	expect_eq "podman logs" "$logs" to-the-log
}

t_tty() {
	local out rc
	out=$(cd "$SUITE_TMP" && SHELL=/bin/sh timeout "$CMD_TMO" "${AS_USER[@]}" script -qec "podman ${PODMAN_ARGS[*]} --runtime $(rt_name "$1") run --rm -t --network none --name $(name tty "$2") $IMAGE sh -c 'tty; [ -t 0 ] && echo stdin-is-tty; exit 5'" /dev/null 2>&1)
	rc=$?
	echo "output: $out"
	expect_contains "tty output" "$out" /dev/pts/ || return 1
	expect_contains "stdin is a tty" "$out" stdin-is-tty || return 1
	expect_eq "exit code" "$rc" 5
}

RM_FORCE=(-f -t 0)
# the shared run/exec/stop/rm checks (not run_cli_checks: its cgroup checks need root)
. "$ENGINES_DIR/cli_checks.sh"
check "run: output and exit code" t_run_exit
check "user namespace: 0 is the user, then its subuids" t_id_maps
check "run -t (console socket)" t_tty
check "exec (output, exit code, --env, -w)" t_exec
check "stop (SIGTERM, exit code) and rm" t_stop_rm
check "rm -f of a running container" t_rm_force
check "ps and logs" t_ps_logs
check "runtime state owned by the user" t_state_owned
print_summary
echo "# podman-rootless suite took $(elapsed "$t0")s"
