#!/usr/bin/env bats
# --console-socket: the pty master goes to a receiver (build/helpers/recvtty, `make helpers`).

load helpers

need_recvtty() {
	[ -x "$RECVTTY" ] || skip "recvtty not built: run 'make helpers' ($RECVTTY missing)"
}

# start_recvtty: listens on $TEST_DIR/tty.sock, output to $TEST_DIR/tty.out; sets RECV_PID.
start_recvtty() {
	SOCK=$TEST_DIR/tty.sock
	"$RECVTTY" --no-stdin --once "$SOCK" >"$TEST_DIR/tty.out" 2>"$TEST_DIR/recvtty.err" </dev/null 3>&- &
	RECV_PID=$!
	track_pid "$RECV_PID"
	for i in $(seq 100); do
		[ -S "$SOCK" ] && return 0
		sleep 0.02
	done
	fail "recvtty did not listen: $(cat "$TEST_DIR/recvtty.err")"
}

# wait_recvtty: waits (max 10 s) for recvtty to exit after the console closed.
wait_recvtty() {
	for i in $(seq 200); do
		kill -0 "$RECV_PID" 2>/dev/null || return 0
		sleep 0.05
	done
	fail "recvtty still running"
}

@test "create --console-socket: the container gets a pty, its output reaches the receiver" {
	need_recvtty
	start_recvtty
	make_bundle "$BUNDLE" '.process.terminal = true'
	set_cmd "$BUNDLE" 'tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-ttys; stty size; readlink /proc/self/fd/1; echo console-MARK'
	edit_config "$BUNDLE" '.process.consoleSize = {"height": 33, "width": 111}'
	id=$(new_id)
	create_ctr "$id" --console-socket "$SOCK" || { cat "$TEST_DIR/$id.err"; false; }
	[ "$(state_field "$id" status)" = created ]
	rt start "$id"
	wait_status "$id" stopped
	wait_recvtty
	mapfile -t out < <(tr -d '\r' <"$TEST_DIR/tty.out")
	[[ "${out[0]}" == /dev/pts/0 || "${out[0]}" == /dev/console ]] || fail "tty: ${out[*]}"
	[ "${out[1]}" = all-ttys ]
	[ "${out[2]}" = "33 111" ]
	[ "${out[3]}" = /dev/pts/0 ]
	[ "${out[4]}" = console-MARK ]
	# nothing of the container's output went to the runtime's stdout
	[ ! -s "$TEST_DIR/$id.out" ]
	rt delete "$id"
	assert_nothing_left "$id"
}

@test "run -d --console-socket: the terminal is the session's controlling tty, /dev/console exists" {
	need_recvtty
	start_recvtty
	make_bundle "$BUNDLE" '.process.terminal = true'
	set_cmd "$BUNDLE" 'stat -c "%t:%T" /dev/console; cut -d" " -f6,7 /proc/$$/stat; echo done-MARK'
	id=$(new_id)
	run_d_ctr "$id" --console-socket "$SOCK" || { cat "$TEST_DIR/$id.err"; false; }
	wait_status "$id" stopped
	wait_recvtty
	mapfile -t out < <(tr -d '\r' <"$TEST_DIR/tty.out")
	# /dev/console is the pty slave: devpts major 136 (hex 88)
	[[ "${out[0]}" == 88:* ]]
	# sh (pid 1) leads session 1 with /dev/pts/0 (136:0 = 34816) as controlling tty
	[ "${out[1]}" = "1 34816" ]
	[ "${out[2]}" = done-MARK ]
}

@test "terminal:true without --console-socket fails for create" {
	make_bundle "$BUNDLE" '.process.terminal = true'
	id=$(new_id)
	run create_ctr "$id"
	[ "$status" -eq 1 ]
	run rt state "$id"
	[ "$status" -eq 1 ]
	assert_nothing_left "$id"
}

@test "--console-socket with terminal:false fails" {
	make_bundle "$BUNDLE"
	# a listening receiver when we have one, so only terminal:false can be the reason
	if [ -x "$RECVTTY" ]; then start_recvtty; else SOCK=$TEST_DIR/tty.sock; fi
	id=$(new_id)
	run create_ctr "$id" --console-socket "$SOCK"
	[ "$status" -eq 1 ]
	run rt state "$id"
	[ "$status" -eq 1 ]
	assert_nothing_left "$id"
}

@test "--console-socket to a path where nobody listens fails create and leaves nothing" {
	make_bundle "$BUNDLE" '.process.terminal = true'
	id=$(new_id)
	run create_ctr "$id" --console-socket "$TEST_DIR/nobody.sock"
	[ "$status" -eq 1 ]
	assert_nothing_left "$id"
}
