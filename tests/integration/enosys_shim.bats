#!/usr/bin/env bats
# The runtime's fallbacks for syscalls newer than some kernels (and than some
# callers' seccomp profiles), run for real: build/helpers/enosys_shim makes
# openat2, close_range, clone3 and faccessat2 fail with ENOSYS for the runtime
# itself (and, inherited, for everything it starts), as on a Linux 5.2 kernel.
# run, exec, a bind mount, a terminal and the fd hygiene must all still work,
# and the debug log must show that the fallbacks were the paths taken.
# Without pidfds (Linux before 5.3, or a caller's profile that predates them)
# the runtime tracks processes by pid and start time, as runc does: the
# NO_PIDFD tests take pidfd_open, pidfd_send_signal and pidfd_getfd away too.
# Validate with ISORUN=runc (runc 1.1.5 uses none of them or falls back).

load helpers

SHIM=$REPO_ROOT/build/helpers/enosys_shim
NEWER=openat2,close_range,clone3,faccessat2
NO_PIDFD=$NEWER,pidfd_open,pidfd_send_signal,pidfd_getfd

setup_file() {
	common_setup_file
	[ -x "$SHIM" ] || fail "enosys_shim missing: run make helpers"
}

# srt LIST ARGS...: the runtime under the shim (rt's conventions), debug log in $TEST_DIR/debug.log.
srt() {
	local list=$1
	shift
	timeout --kill-after=5 "$TMO" "$SHIM" "$list" -- "$ISORUN" --root "$ROOT" \
		--debug --log "$TEST_DIR/debug.log" "$@" </dev/null 3>&-
}

@test "enosys shim: the shim itself makes the listed syscalls fail with ENOSYS, and only those" {
	# close_range(3, 3, 0) (x86_64 436): 0 without the shim, ENOSYS under it
	local probe='$r = syscall(436, 3, 3, 0); print "close_range=$r errno=", $r < 0 ? 0 + $! : 0, "\n"'
	run perl -e "$probe"
	[ "$output" = "close_range=0 errno=0" ]
	run "$SHIM" "$NEWER" -- /usr/bin/perl -e "$probe"
	[ "$output" = "close_range=-1 errno=38" ]
	# getpid is not touched
	run "$SHIM" "$NEWER" -- /usr/bin/perl -e 'print syscall(39) > 0 ? "getpid-ok\n" : "getpid-bad\n"'
	[ "$output" = getpid-ok ]
	run "$SHIM" no_such_syscall -- /bin/true
	[ "$status" -eq 2 ]
}

@test "enosys shim: run with a bind mount works; no fd of the caller leaks in; fallbacks taken" {
	make_bundle "$BUNDLE"
	mkdir -p "$TEST_DIR/vol"
	echo vol-content >"$TEST_DIR/vol/f"
	edit_config "$BUNDLE" '.mounts += [{"destination": "/vol", "type": "bind", "source": $s, "options": ["rbind", "ro"]}]' \
		--arg s "$TEST_DIR/vol"
	set_cmd "$BUNDLE" 'cat /vol/f; ls /proc/self/fd | tr "\n" " "; echo; grep -E "^Seccomp:" /proc/self/status'
	local id
	id=$(new_id)
	register_id "$id"
	# fd 7: a caller's fd without close-on-exec; the container must not get it
	run srt "$NEWER" run --bundle "$BUNDLE" "$id" 7<"$TEST_DIR/vol/f"
	echo "status $status: $output"
	[ "$status" -eq 0 ]
	[[ "$output" == *vol-content* ]]
	# 0 1 2 and ls's own directory fd
	[[ "$output" == *"0 1 2 3 "* ]]
	[[ "$output" != *"0 1 2 3 4"* ]]
	if is_isorun; then
		grep -q 'clone3: Function not implemented; falling back to clone' "$TEST_DIR/debug.log"
		grep -q 'close_range(3, .*): Function not implemented; walking /proc/self/fd' "$TEST_DIR/debug.log"
	fi
}

@test "enosys shim: create, start, exec (with a cwd to walk), kill and delete work" {
	make_bundle "$BUNDLE"
	mkdir -p "$BUNDLE/rootfs/tmp/a/b"
	set_args "$BUNDLE" sleep 100
	local id
	id=$(new_id)
	register_id "$id"
	srt "$NEWER" create --bundle "$BUNDLE" "$id" >"$TEST_DIR/create.out" 2>&1 || { cat "$TEST_DIR/create.out"; false; }
	srt "$NEWER" start "$id"
	[ "$(state_field "$id" status)" = running ]
	run srt "$NEWER" exec --cwd /tmp/a/b "$id" sh -c 'echo exec-ok $(pwd); ls /proc/self/fd | tr "\n" " "'
	echo "status $status: $output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"exec-ok /tmp/a/b"* ]]
	[[ "$output" == *"0 1 2 3 "* ]]
	[[ "$output" != *"0 1 2 3 4"* ]]
	srt "$NEWER" kill "$id" KILL
	wait_status "$id" stopped
	srt "$NEWER" delete "$id"
	[ ! -e "$ROOT/$id" ]
}

@test "enosys shim: a process with a terminal works" {
	[ -x "$RECVTTY" ] || fail "recvtty not built: run make helpers"
	make_bundle "$BUNDLE" '.process.terminal = true'
	set_cmd "$BUNDLE" '[ -t 0 ] && [ -t 1 ] && echo tty-ok; tty'
	local sock=$TEST_DIR/tty.sock id i
	"$RECVTTY" --no-stdin --once "$sock" >"$TEST_DIR/tty.out" 2>"$TEST_DIR/recvtty.err" </dev/null 3>&- &
	local recv=$!
	track_pid "$recv"
	for i in $(seq 100); do [ -S "$sock" ] && break; sleep 0.02; done
	id=$(new_id)
	register_id "$id"
	srt "$NEWER" run -d --console-socket "$sock" --bundle "$BUNDLE" "$id" >"$TEST_DIR/run.out" 2>&1 ||
		{ cat "$TEST_DIR/run.out"; false; }
	wait_status "$id" stopped
	for i in $(seq 200); do kill -0 "$recv" 2>/dev/null || break; sleep 0.05; done
	cat "$TEST_DIR/tty.out"
	grep -q tty-ok "$TEST_DIR/tty.out"
	grep -q /dev/pts/0 "$TEST_DIR/tty.out"
	srt "$NEWER" delete "$id"
}

@test "enosys shim: without statx either (a 4.x kernel), run still works and closes fds" {
	make_bundle "$BUNDLE"
	set_cmd "$BUNDLE" 'echo run-ok; ls /proc/self/fd | tr "\n" " "'
	local id
	id=$(new_id)
	register_id "$id"
	run srt "$NEWER,statx" run --bundle "$BUNDLE" "$id" 7<"$BUNDLE/config.json"
	echo "status $status: $output"
	[ "$status" -eq 0 ]
	[[ "$output" == *run-ok* ]]
	[[ "$output" == *"0 1 2 3 "* ]]
	[[ "$output" != *"0 1 2 3 4"* ]]
}

@test "enosys shim: linux.sysctl is applied without openat2" {
	make_bundle "$BUNDLE" '.linux.sysctl = {"kernel.shm_rmid_forced": "1"}'
	set_args "$BUNDLE" cat /proc/sys/kernel/shm_rmid_forced
	local id
	id=$(new_id)
	register_id "$id"
	run srt "$NEWER" run --bundle "$BUNDLE" "$id"
	echo "status $status: $output"
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
}

@test "enosys shim: without pidfds, create, start, state, exec, kill and delete work" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 100
	local id
	id=$(new_id)
	register_id "$id"
	srt "$NO_PIDFD" create --bundle "$BUNDLE" "$id" >"$TEST_DIR/create.out" 2>&1 || { cat "$TEST_DIR/create.out"; false; }
	[ "$(state_field "$id" status)" = created ]
	srt "$NO_PIDFD" start "$id"
	[ "$(state_field "$id" status)" = running ]
	run srt "$NO_PIDFD" exec "$id" sh -c 'echo exec-ok; exit 7'
	echo "status $status: $output"
	[ "$status" -eq 7 ]
	[ "$output" = exec-ok ]
	# a foreground exec with a terminal: the proxy sees the exit without a pidfd
	# (runc 1.1.5 needs a terminal on its own stdin for that)
	if is_isorun; then
		run srt "$NO_PIDFD" exec -t "$id" sh -c '[ -t 1 ] && echo exec-tty-ok'
		echo "status $status: $output"
		[ "$status" -eq 0 ]
		[[ "$output" == *exec-tty-ok* ]]
	fi
	srt "$NO_PIDFD" kill "$id" KILL
	wait_status "$id" stopped
	srt "$NO_PIDFD" delete "$id"
	[ ! -e "$ROOT/$id" ]
	if is_isorun; then
		grep -q 'pidfd_open([0-9]*): Function not implemented; using the pid' "$TEST_DIR/debug.log"
	fi
}

@test "enosys shim: without pidfds, start of a container whose init died says it has stopped" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" true
	local id pid
	id=$(new_id)
	register_id "$id"
	srt "$NO_PIDFD" create --bundle "$BUNDLE" "$id" >"$TEST_DIR/create.out" 2>&1 || { cat "$TEST_DIR/create.out"; false; }
	pid=$(state_field "$id" pid)
	kill -KILL "$pid"
	wait_status "$id" stopped
	run srt "$NO_PIDFD" start "$id"
	echo "status $status: $output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"stopped"* ]]
	srt "$NO_PIDFD" delete "$id"
}

# (clone still hands out a pidfd here; the proxy without one is test_console's no_pidfd cases)
@test "enosys shim: without pidfds, a foreground run with a terminal ends with the process" {
	is_isorun || skip "runc 1.1.5 needs a terminal on its stdin for a foreground terminal (open /dev/tty)"
	make_bundle "$BUNDLE" '.process.terminal = true'
	set_cmd "$BUNDLE" '[ -t 0 ] && echo tty-ok; exit 5'
	local id
	id=$(new_id)
	register_id "$id"
	run srt "$NO_PIDFD" run --bundle "$BUNDLE" "$id"
	echo "status $status: $output"
	[ "$status" -eq 5 ]
	[[ "$output" == *tty-ok* ]]
}

@test "enosys shim: without pidfds, SIGTERM to a foreground run reaches the container's process" {
	make_bundle "$BUNDLE"
	set_cmd "$BUNDLE" 'trap "echo got-term; exit 3" TERM; echo ready; while :; do sleep 0.1; done'
	local id
	id=$(new_id)
	register_id "$id"
	# not through srt: $! must be the runtime's own process chain, not a subshell
	timeout --kill-after=5 "$TMO" "$SHIM" "$NO_PIDFD" -- "$ISORUN" --root "$ROOT" \
		--debug --log "$TEST_DIR/debug.log" run --bundle "$BUNDLE" "$id" </dev/null >"$TEST_DIR/fg.out" 2>&1 3>&- &
	local fg=$! i st=0
	track_pid "$fg"
	for i in $(seq 200); do grep -q ready "$TEST_DIR/fg.out" && break; sleep 0.05; done
	grep -q ready "$TEST_DIR/fg.out"
	kill -TERM "$fg"
	wait "$fg" || st=$?
	echo "exit $st"; cat "$TEST_DIR/fg.out"
	[ "$st" -eq 3 ]
	grep -q got-term "$TEST_DIR/fg.out"
}
