#!/usr/bin/env bats
# Socket activation fds (LISTEN_FDS) and concurrent commands on one container.

load helpers

@test "LISTEN_FDS: the caller's listen fds reach the process with LISTEN_FDS and LISTEN_PID=1" {
	make_bundle "$BUNDLE"
	echo "activation-$$" >"$TEST_DIR/fd3"
	set_args "$BUNDLE" sh -c 'ls /proc/self/fd | tr "\n" " "; echo; env | grep ^LISTEN_ | sort; cat <&3'
	id=$(new_id)
	# LISTEN_PID must name the runtime's own pid: exec keeps the shell's.
	run timeout 20 env LISTEN_FDS=1 sh -c 'export LISTEN_PID=$$; exec "$0" --root "$1" run --bundle "$2" "$3" </dev/null 3<"$4"' \
		"$ISORUN" "$ROOT" "$BUNDLE" "$id" "$TEST_DIR/fd3"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0 1 2 3 4 " ] # 4 is ls's own directory fd
	[ "${lines[1]}" = "LISTEN_FDS=1" ]
	[ "${lines[2]}" = "LISTEN_PID=1" ]
	[ "${lines[3]}" = "activation-$$" ]
}

@test "LISTEN_FDS for another pid is ignored: no extra fd, no LISTEN_ variables" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sh -c 'ls /proc/self/fd | tr "\n" " "; echo; env | grep -c ^LISTEN_ || true'
	id=$(new_id)
	run env LISTEN_FDS=1 LISTEN_PID=1 timeout 20 "$ISORUN" --root "$ROOT" run --bundle "$BUNDLE" "$id" </dev/null 3</etc/hostname
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0 1 2 3 " ]
	[ "${lines[1]}" = "0" ]
}

@test "concurrent state/kill/delete on one container are serialised and leave it consistent" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 100
	id=$(new_id)
	create_ctr "$id"
	rt start "$id"
	pids=()
	for i in $(seq 20); do
		rt state "$id" >"$TEST_DIR/state.$i" 2>&1 &
		pids+=($!)
	done
	rt delete --force "$id" >"$TEST_DIR/delete.out" 2>&1 &
	dpid=$!
	for p in "${pids[@]}"; do wait "$p" || true; done
	wait "$dpid"
	# Every state answer is either complete JSON or "container does not exist".
	for i in $(seq 20); do
		if ! jq -e .status "$TEST_DIR/state.$i" >/dev/null 2>&1; then
			grep -q "container does not exist" "$TEST_DIR/state.$i" || fail "state $i: $(cat "$TEST_DIR/state.$i")"
		fi
	done
	run rt state "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"container does not exist"* ]]
}
