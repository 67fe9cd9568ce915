#!/usr/bin/env bats
# The runtime called from inside a chroot (a build chroot, a node debug shell
# that did `chroot /host`): the container's processes must still live in its
# rootfs. setns into a mount namespace puts a process at that namespace's root
# mount, which is the machine's real root (not the container's rootfs) when the
# container was pivoted from inside a chroot (issue 10, section 2).
#
# The chroot is a tmpfs under $TEST_DIR holding the runtime binary with its
# libraries, a static busybox, /marker = CHROOT, a bundle whose rootfs has
# /marker = INSIDE, a state root (/state), proc and the host's cgroup tree.
# No attack: the processes only read and list.

load helpers

CH=

setup() {
	common_setup
	CH=$TEST_DIR/chroot
	: >"$TEST_DIR/.chroot-ids"
}

teardown() {
	local id
	if [ -x "$CH/rt" ] && [ -d "$CH/proc/self" ]; then
		while read -r id; do
			[ -n "$id" ] || continue
			in_chroot delete --force "$id" >/dev/null 2>&1 || true
		done <"$TEST_DIR/.chroot-ids"
	fi
	common_teardown
}

# make_chroot: the tiny root at $CH, its mounts tracked for teardown (which
# unmounts them in reverse order, also when the test fails).
make_chroot() {
	mkdir -p "$CH"
	# a mount point of its own, as /host is on a node: pivot_root needs the
	# caller's root to be one
	mount -t tmpfs -o mode=0755 isorun-chroot "$CH"
	track_mount "$CH"
	mkdir -p "$CH/bin" "$CH/proc" "$CH/sys/fs/cgroup" "$CH/dev" "$CH/state" "$CH/tmp"
	cp "$ISORUN" "$CH/rt"
	local lib
	for lib in $(ldd "$ISORUN" | grep -o '/[^ ]*'); do
		mkdir -p "$CH$(dirname "$lib")"
		cp -L "$lib" "$CH$lib"
	done
	cp "$(command -v busybox)" "$CH/bin/busybox"
	local b
	for b in sh cat ls; do ln -s busybox "$CH/bin/$b"; done
	echo CHROOT >"$CH/marker"
	make_bundle "$CH/bundle"
	echo INSIDE >"$CH/bundle/rootfs/marker"
	echo INSIDE-ETC >"$CH/bundle/rootfs/etc/cwd-marker"
	mount -t proc proc "$CH/proc"
	track_mount "$CH/proc"
	mount --rbind /sys/fs/cgroup "$CH/sys/fs/cgroup"
	track_mount "$CH/sys/fs/cgroup"
	# so that unmounting our copy never propagates back to the host's tree
	mount --make-rslave "$CH/sys/fs/cgroup"
	touch "$CH/dev/null"
	mount --bind /dev/null "$CH/dev/null"
	track_mount "$CH/dev/null"
}

# in_chroot ARGS...: the runtime, run from inside the chroot, state root /state.
in_chroot() {
	timeout --kill-after=5 "$TMO" chroot "$CH" /rt --root /state "$@" </dev/null 3>&-
}

# chroot_id: a container id deleted from inside the chroot in teardown (and
# checked for leftover cgroups like any other).
chroot_id() {
	local id
	id=$(new_id)
	echo "$id" >>"$TEST_DIR/.chroot-ids"
	echo "$id"
}

# The container's root as the host sees it, one name a line.
rootfs_listing() {
	ls -1 "$CH/bundle/rootfs" | LC_ALL=C sort
}

@test "chroot: run from inside a chroot runs the init in the container's rootfs" {
	make_chroot
	set_cmd "$CH/bundle" 'exec 2>&1; cat /marker; ls -1 / | LC_ALL=C sort | tr "\n" " "'
	local id
	id=$(chroot_id)
	run in_chroot run --bundle /bundle "$id"
	echo "status $status: $output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = INSIDE ]
	[ "${lines[1]}" = "$(rootfs_listing | tr '\n' ' ')" ]
}

@test "chroot: exec from inside a chroot runs the process in the container's rootfs" {
	make_chroot
	set_args "$CH/bundle" sleep 30
	local id
	id=$(chroot_id)
	in_chroot create --bundle /bundle "$id" >"$TEST_DIR/create.out" 2>&1 ||
		fail "create: $(cat "$TEST_DIR/create.out")"
	in_chroot start "$id" || fail "start failed"
	# the init itself is in the rootfs
	local pid
	pid=$(in_chroot state "$id" | jq -r .pid)
	[ "$(cat "/proc/$pid/root/marker")" = INSIDE ]

	run in_chroot exec "$id" cat /marker
	echo "exec cat /marker: status $status: $output"
	if ! is_isorun && [ "$status" -ne 0 -o "$output" != INSIDE ]; then
		skip "runc 1.1.5 runs exec in the caller's real root (issue 10 §2): cat /marker printed '$output'"
	fi
	[ "$status" -eq 0 ]
	[ "$output" = INSIDE ]

	run in_chroot exec "$id" sh -c 'ls -1 / | LC_ALL=C sort'
	echo "exec ls /: status $status: $output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(rootfs_listing)" ]

	# process.cwd is resolved in the container's root too
	run in_chroot exec --cwd /etc "$id" sh -c 'pwd; cat cwd-marker'
	echo "exec --cwd /etc: status $status: $output"
	[ "$status" -eq 0 ]
	[ "$output" = "/etc
INSIDE-ETC" ]

	# and /proc is the container's: its pid 1 is the init's sleep
	run in_chroot exec "$id" sh -c 'tr "\0" " " </proc/1/cmdline'
	echo "exec /proc/1/cmdline: status $status: $output"
	[ "$status" -eq 0 ]
	[ "$output" = "sleep 30 " ]
}
