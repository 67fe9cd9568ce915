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
