#!/usr/bin/env bats
# runtime-spec 1.3 and today's runc: linux.intelRdt where the host has no
# resctrl, and --pidfd-socket on create, run and exec.

load helpers

RECVPIDFD=${RECVPIDFD:-$REPO_ROOT/build/helpers/recvpidfd}

# ---------------------------------------------------------------- intelRdt

@test "linux.intelRdt on a host without resctrl: refused naming the field, nothing left" {
	[ ! -e /sys/fs/resctrl ] || skip "this host has /sys/fs/resctrl: the refusal is for hosts without it"
	local rdt
	for rdt in '{"l3CacheSchema": "L3:0=f"}' '{"closID": "gold"}' '{"schemata": ["L3:0=f"]}' \
		'{"enableMonitoring": true}' '{"memBwSchema": "MB:0=50"}'; do
		if ! is_isorun && [[ "$rdt" != *l3CacheSchema* ]]; then
			# runc 1.1.5 refuses only l3CacheSchema/memBwSchema ("Intel RDT/CAT is not
			# enabled") and runs the others as if resctrl were there.
			[[ "$rdt" == *memBwSchema* ]] || continue
		fi
		rm -rf "$BUNDLE"
		make_bundle "$BUNDLE" ".linux.intelRdt = $rdt"
		set_args "$BUNDLE" true
		id=$(new_id)
		run create_ctr "$id"
		[ "$status" -ne 0 ] || fail "intelRdt $rdt was accepted"
		if is_isorun; then
			grep -F 'linux.intelRdt: Intel RDT is not available on this host (no resctrl filesystem at /sys/fs/resctrl)' \
				"$TEST_DIR/$id.err" || fail "$rdt: $(cat "$TEST_DIR/$id.err")"
		fi
		run rt state "$id"
		[ "$status" -ne 0 ]
		assert_nothing_left "$id"
	done
	is_isorun || skip "runc 1.1.5: closID, schemata and enableMonitoring are silently ignored without resctrl"
}

# ---------------------------------------------------------------- --pidfd-socket

need_pidfd_socket() {
	is_isorun || skip "runc 1.1.5 has no --pidfd-socket (added in runc 1.2)"
	[ -x "$RECVPIDFD" ] || skip "recvpidfd not built: run 'make helpers' ($RECVPIDFD missing)"
}

# start_recvpidfd: listens on $TEST_DIR/pidfd.sock, output in $TEST_DIR/pidfd.out.
start_recvpidfd() {
	PSOCK=$TEST_DIR/pidfd.sock
	"$RECVPIDFD" "$PSOCK" >"$TEST_DIR/pidfd.out" 2>"$TEST_DIR/pidfd.err" </dev/null 3>&- &
	RECV_PID=$!
	track_pid "$RECV_PID"
	for i in $(seq 100); do
		[ -S "$PSOCK" ] && return 0
		sleep 0.02
	done
	fail "recvpidfd did not listen: $(cat "$TEST_DIR/pidfd.err")"
}

# check_received PID PAYLOAD: the receiver got a live pidfd naming PID.
check_received() {
	for i in $(seq 200); do
		kill -0 "$RECV_PID" 2>/dev/null || break
		sleep 0.05
	done
	wait "$RECV_PID" || fail "recvpidfd failed: $(cat "$TEST_DIR/pidfd.err")"
	cat "$TEST_DIR/pidfd.out"
	grep -qx "payload $2" "$TEST_DIR/pidfd.out"
	grep -qx "pid $1" "$TEST_DIR/pidfd.out"
	grep -qx "signal0 ok" "$TEST_DIR/pidfd.out"
}

@test "create --pidfd-socket: the receiver gets a pidfd of the container's init" {
	need_pidfd_socket
	start_recvpidfd
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 100
	id=$(new_id)
	create_ctr "$id" --pidfd-socket "$PSOCK" --pid-file "$TEST_DIR/pid" || {
		cat "$TEST_DIR/$id.err"
		false
	}
	pid=$(cat "$TEST_DIR/pid")
	[ "$pid" = "$(state_field "$id" pid)" ]
	check_received "$pid" standard
}

@test "run -d --pidfd-socket: the pidfd names the running init" {
	need_pidfd_socket
	start_recvpidfd
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 100
	id=$(new_id)
	run_d_ctr "$id" --pidfd-socket "$PSOCK" || {
		cat "$TEST_DIR/$id.err"
		false
	}
	check_received "$(state_field "$id" pid)" standard
}

@test "exec --pidfd-socket: the pidfd names the exec'd process, not the init" {
	need_pidfd_socket
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 100
	id=$(new_id)
	run_d_ctr "$id" || {
		cat "$TEST_DIR/$id.err"
		false
	}
	start_recvpidfd
	rt exec -d --pid-file "$TEST_DIR/exec.pid" --pidfd-socket "$PSOCK" "$id" sleep 50
	pid=$(cat "$TEST_DIR/exec.pid")
	[ "$pid" != "$(state_field "$id" pid)" ]
	check_received "$pid" setns
}

@test "--pidfd-socket to a path nobody listens on: create fails and leaves nothing" {
	need_pidfd_socket
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" true
	id=$(new_id)
	run create_ctr "$id" --pidfd-socket "$TEST_DIR/nobody.sock"
	[ "$status" -ne 0 ]
	grep -F "pidfd socket $TEST_DIR/nobody.sock: connect: " "$TEST_DIR/$id.err"
	run rt state "$id"
	[ "$status" -ne 0 ]
	assert_nothing_left "$id"
}
