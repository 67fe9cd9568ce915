#!/usr/bin/env bats
# Behaviours runc has that callers rely on (issue 10, section 4), each checked side by side
# with Debian's runc 1.1.5 (ISORUN=runc).

load helpers

# pid_gone PID: no such process, or a zombie waiting for its reaper.
pid_gone() {
	local st
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 0
	[ -z "$st" ] || [ "$st" = Z ]
}

# ---------------------------------------------------------------- kill --all, stopped

@test "kill --all of a stopped container succeeds for signal 0, 9 and 15; without --all it fails" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" true
	id=$(new_id)
	run_d_ctr "$id"
	wait_status "$id" stopped
	for sig in 0 9 15 KILL; do
		run rt kill --all "$id" "$sig"
		[ "$status" -eq 0 ] || fail "kill --all $sig: $output"
	done
	# containerd's shim cleans up with `kill --all ID 9`; a plain kill is still refused
	run rt kill "$id" 0
	[ "$status" -eq 1 ]
	[[ "$output" == *"container not running"* ]]
	rt delete "$id"
	run rt kill --all "$id" 9
	[ "$status" -eq 1 ]
	[[ "$output" == *"container does not exist"* ]]
}

@test "kill --all of a stopped container reaches what init left behind in its cgroup" {
	# no pid namespace: init's child outlives it, the container is stopped
	make_bundle "$BUNDLE" 'del(.linux.namespaces[] | select(.type == "pid"))'
	set_cmd "$BUNDLE" 'sleep 100 >/dev/null 2>&1 & echo $! > /tmp/left; exit 0'
	id=$(new_id)
	run_d_ctr "$id"
	wait_status "$id" stopped
	wait_file "$BUNDLE/rootfs/tmp/left"
	left=$(cat "$BUNDLE/rootfs/tmp/left")
	track_pid "$left"
	kill -0 "$left"
	rt kill --all "$id" 9
	for ((i = 0; i < 100; i++)); do
		pid_gone "$left" && break
		sleep 0.05
	done
	pid_gone "$left" || fail "pid $left survived kill --all"
}

# ---------------------------------------------------------------- device rules

# A config that denies every device and asks for the /dev/kmsg node (c 1:11, not in the
# default allow list): the node is created, but opening it is refused by the cgroup.
kmsg_denied_bundle() {
	make_bundle "$BUNDLE" '.linux.resources.devices = [{"allow": false, "access": "rwm"}]
		| .linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11,
			"fileMode": 438, "uid": 0, "gid": 0}]'
	set_args "$BUNDLE" sleep 100
}

# kmsg_is_denied ID: the node is there, writing and reading it fail with EPERM, the
# default devices still work.
kmsg_is_denied() {
	run rt exec "$1" sh -c 'exec 2>&1; [ -c /dev/kmsg ] && echo node-ok
		echo isorun-devices-test | tee /dev/kmsg >/dev/null && echo wrote
		head -c 1 /dev/kmsg >/dev/null && echo read
		echo x >/dev/null && echo null-ok'
	echo "$output"
	[[ "$output" == *node-ok* ]]
	[[ "$output" == *"tee: /dev/kmsg: Operation not permitted"* ]]
	[[ "$output" == *"head: /dev/kmsg: Operation not permitted"* ]]
	[[ "$output" != *wrote* ]]
	[[ "$output" != *read* ]]
	[[ "$output" == *null-ok* ]]
}

@test "devices: a node listed in linux.devices is created, not allowed (deny-all config)" {
	kmsg_denied_bundle
	id=$(new_id)
	run_d_ctr "$id" || { cat "$TEST_DIR/$id.err"; false; }
	kmsg_is_denied "$id"
	# update never touches the device rules, so it cannot re-add an allow rule either
	echo '{"pids": {"limit": 100}}' >"$TEST_DIR/res.json"
	rt update --resources "$TEST_DIR/res.json" "$id"
	kmsg_is_denied "$id"
	rt update --pids-limit 200 "$id"
	kmsg_is_denied "$id"
}

# ---------------------------------------------------------------- /proc, /sys not a directory

# proc_sys_refused DIR FSTYPE HOW: the image's /DIR replaced (HOW: symlink or file); create
# must fail naming the filesystem, and the symlink's target must stay untouched.
proc_sys_refused() {
	local dir=$1 fstype=$2 how=$3
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" true
	rmdir "$BUNDLE/rootfs/$dir"
	mkdir "$BUNDLE/rootfs/decoy"
	if [ "$how" = symlink ]; then
		ln -s /decoy "$BUNDLE/rootfs/$dir"
	else
		: >"$BUNDLE/rootfs/$dir"
	fi
	id=$(new_id)
	run create_ctr "$id"
	cat "$TEST_DIR/$id.err"
	[ "$status" -ne 0 ]
	# (runc's text log escapes the quotes)
	grep -qE "filesystem [\\]?\"$fstype[\\]?\" must be mounted on ordinary directory" "$TEST_DIR/$id.err"
	if is_isorun; then
		# and which mounts[] entry it was
		grep -q "mounts\[[0-9]*\] (/$dir): filesystem" "$TEST_DIR/$id.err"
	fi
	[ -z "$(ls -A "$BUNDLE/rootfs/decoy")" ]
	run rt state "$id"
	[ "$status" -ne 0 ]
}

@test "a symlink at /proc in the image is refused: proc must be mounted on ordinary directory" {
	proc_sys_refused proc proc symlink
}

@test "a symlink at /sys in the image is refused: sysfs must be mounted on ordinary directory" {
	proc_sys_refused sys sysfs symlink
}

@test "a regular file at /proc in the image is refused" {
	proc_sys_refused proc proc file
}

# ---------------------------------------------------------------- foreground terminal output

# on_tty CMD...: runs CMD on a fresh pty whose input ends at once (script(1) then types
# the end-of-file, ^D, into it, as in runc's own CI); prints the exact bytes that came out
# of the pty, one hex pair per byte.
on_tty() {
	timeout --kill-after=5 "$TMO" script -qec "$*" /dev/null </dev/null 3>&- | od -An -v -tx1 | tr -s ' \n' ' '
}

# hex STRING: STRING as on_tty prints it.
hex() {
	printf '%s' "$1" | od -An -v -tx1 | tr -s ' \n' ' '
}

@test "foreground run with a terminal: exactly the container's output comes out (no stray NUL)" {
	command -v script >/dev/null || skip "script(1) not installed"
	is_isorun || skip "runc 1.1.5 prints a stray ^@ here too: it forwards the NUL that the pending ^D becomes once it turns the caller's tty raw"
	make_bundle "$BUNDLE" '.process.terminal = true'
	# a moment for the ^D to be pending in the caller's tty before the runtime turns it raw
	set_args "$BUNDLE" sh -c 'sleep 0.2; printf abc'
	id=$(new_id)
	got=$(on_tty "$ISORUN --root $ROOT run --bundle $BUNDLE $id")
	[ "$got" = "$(hex abc)" ] || fail "got bytes [$got], wanted [$(hex abc)]"

	# a line of output: the pty turns \n into \r\n, and nothing follows it
	mode=$(stat -c %A "$BUNDLE/rootfs/tmp")
	set_args "$BUNDLE" sh -c 'sleep 0.2; stat -c %A /tmp'
	id=$(new_id)
	got=$(on_tty "$ISORUN --root $ROOT run --bundle $BUNDLE $id")
	want=$(hex "$mode"$'\r\n')
	[ "$got" = "$want" ] || fail "got bytes [$got], wanted [$want]"
}

@test "foreground run with a terminal: a line typed ahead still reaches the container" {
	command -v script >/dev/null || skip "script(1) not installed"
	make_bundle "$BUNDLE" '.process.terminal = true'
	set_args "$BUNDLE" sh -c 'read x; echo "got:$x"'
	id=$(new_id)
	run timeout --kill-after=5 "$TMO" script -qec "sleep 0.2; $ISORUN --root $ROOT run --bundle $BUNDLE $id" /dev/null < <(printf 'hello\n') 3>&-
	[ "$status" -eq 0 ]
	[[ "$output" == *"got:hello"* ]]
	[[ "$output" != *"^@"* ]]
}

@test "foreground exec with a terminal: exactly the process's output comes out (no stray NUL)" {
	command -v script >/dev/null || skip "script(1) not installed"
	is_isorun || skip "runc 1.1.5 prints a stray ^@ here too: it forwards the NUL that the pending ^D becomes once it turns the caller's tty raw"
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 100
	id=$(new_id)
	run_d_ctr "$id" || { cat "$TEST_DIR/$id.err"; false; }
	got=$(on_tty "$ISORUN --root $ROOT exec -t $id sh -c 'sleep 0.2; printf abc'")
	[ "$got" = "$(hex abc)" ] || fail "got bytes [$got], wanted [$(hex abc)]"
}

# ---------------------------------------------------------------- --no-pivot

# A user of the container (not root: uid 0 would need CAP_SETFCAP to map itself) makes a
# user namespace with new mount and pid namespaces and tries to mount a fresh proc there.
# The kernel allows that only if a proc is fully visible in the mount namespace; the
# container's own /proc has masked paths over it, so it must be the only one.
NO_PIVOT_PROBE='unshare -r true && echo userns-ok
unshare -mrpf sh -c "mount -t proc none /proc && echo PROC-MOUNTED"
echo done'

@test "--no-pivot: a process inside cannot mount a bare /proc over the masked one" {
	make_bundle "$BUNDLE" '.process.user = {"uid": 1000, "gid": 1000}'
	set_cmd "$BUNDLE" "exec 2>&1; $NO_PIVOT_PROBE"
	id=$(new_id)
	register_id "$id"
	run rt run --no-pivot --bundle "$BUNDLE" "$id"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *done* ]]
	[[ "$output" == *userns-ok* ]] || skip "this host does not let a container user create a user namespace"
	[[ "$output" != *PROC-MOUNTED* ]]
	[[ "$output" == *"permission denied"* ]]
	# the host's own /proc and /sys were only detached in the container's mount namespace
	mountpoint -q /proc
	mountpoint -q /sys
}

@test "--no-pivot: the container sees its own /proc with the masks, and runs normally" {
	make_bundle "$BUNDLE"
	set_cmd "$BUNDLE" 'exec 2>&1; echo pid=$$; ls /proc | grep -c "^[0-9]"
		wc -c </proc/timer_list; ls -A /sys/firmware | wc -l
		[ -e /proc/1/root/bin/busybox ] && echo root-ok'
	id=$(new_id)
	register_id "$id"
	run rt run --no-pivot --bundle "$BUNDLE" "$id"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = pid=1 ]
	# only the container's processes (sh and its pipeline)
	[ "${lines[1]}" -le 3 ]
	# masked: /proc/timer_list is /dev/null, /sys/firmware an empty tmpfs
	[ "${lines[2]}" = 0 ]
	[ "${lines[3]}" = 0 ]
	[ "${lines[4]}" = root-ok ]
}

@test "--no-pivot in a user namespace: the host's proc and sysfs are covered, a bare /proc still refused" {
	make_bundle "$BUNDLE" '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .mounts |= map(select(.destination != "/sys/fs/cgroup"))
		| .process.user = {"uid": 1000, "gid": 1000}'
	chown -hR 100000:100000 "$BUNDLE/rootfs"
	set_cmd "$BUNDLE" "exec 2>&1; $NO_PIVOT_PROBE"
	id=$(new_id)
	register_id "$id"
	run rt run --no-pivot --bundle "$BUNDLE" "$id"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *done* ]]
	[[ "$output" == *userns-ok* ]] || skip "this host does not let a container user create a user namespace"
	[[ "$output" != *PROC-MOUNTED* ]]
	mountpoint -q /proc
	mountpoint -q /sys
}
