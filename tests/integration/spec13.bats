#!/usr/bin/env bats
# runtime-spec 1.3 process and linux fields (issue 12): CPU affinity of init and exec'd
# processes (process.execCPUAffinity), linux.memoryPolicy, linux.netDevices, and the
# poststart failure semantics. runc 1.1.5 predates all of them: where it ignores a field
# the test is skipped under runc with the reason.

load helpers

# The CPUs this test may use: our own affinity (the machine's, unless the suite runs pinned).
all_cpus() {
	awk '/^Cpus_allowed_list:/ { print $2 }' /proc/self/status
}

# A second CPU to pin the caller to, or skip.
need_two_cpus() {
	[ "$(nproc)" -ge 2 ] || skip "needs two CPUs"
	[ "$(all_cpus)" != "1" ] || skip "the test itself is pinned to CPU 1"
}

# rt_pinned CPUS ARGS...: rt under `taskset -c CPUS`.
rt_pinned() {
	local cpus=$1
	shift
	taskset -c "$cpus" timeout --kill-after=5 "$TMO" "$ISORUN" --root "$ROOT" "$@" </dev/null 3>&-
}

# ---------------------------------------------------------------- CPU affinity

@test "init's CPU affinity is the cgroup's cpuset, not the caller's taskset" {
	is_isorun || skip "runc 1.1.5: init inherits the caller's affinity (reset came in runc 1.2.7)"
	need_two_cpus
	want=$(all_cpus)
	make_bundle "$BUNDLE"
	set_cmd "$BUNDLE" 'grep Cpus_allowed_list /proc/self/status'
	id=$(new_id)
	register_id "$id"
	run rt_pinned 1 run --bundle "$BUNDLE" "$id"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Cpus_allowed_list:"*"$want" ]] || fail "got '$output', want $want"
}

@test "the affinity reset stays within linux.resources.cpu.cpus" {
	need_two_cpus
	make_bundle "$BUNDLE" '.linux.resources.cpu.cpus = "1"'
	set_cmd "$BUNDLE" 'grep Cpus_allowed_list /proc/self/status'
	id=$(new_id)
	register_id "$id"
	run rt_pinned 0 run --bundle "$BUNDLE" "$id"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Cpus_allowed_list:"*"	1" ]] || fail "got '$output'"
}

# exec_affinity PROCESS_JQ: runs a container (sleep), execs grep Cpus_allowed_list with the
# container's process edited by PROCESS_JQ as --process, the runtime pinned to CPU 1.
exec_affinity() {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 100
	id=$(new_id)
	run_d_ctr "$id" || { cat "$TEST_DIR/$id.err"; return 1; }
	jq ".process | .args = [\"grep\", \"Cpus_allowed_list\", \"/proc/self/status\"] | $1" \
		"$BUNDLE/config.json" >"$TEST_DIR/process.json"
	run rt_pinned 1 exec --process "$TEST_DIR/process.json" "$id"
}

@test "exec: without execCPUAffinity the process gets the cgroup's CPUs, not the caller's" {
	is_isorun || skip "runc 1.1.5: exec inherits the caller's affinity (reset came in runc 1.2.7)"
	need_two_cpus
	exec_affinity '.'
	[ "$status" -eq 0 ]
	[[ "$output" == *"Cpus_allowed_list:"*"$(all_cpus)" ]] || fail "got '$output'"
}

@test "exec: execCPUAffinity.final pins the process after it joined the cgroup" {
	is_isorun || skip "runc 1.1.5 ignores process.execCPUAffinity (runtime-spec 1.2 / runc 1.2)"
	need_two_cpus
	exec_affinity '.execCPUAffinity = {"initial": "1", "final": "0"}'
	[ "$status" -eq 0 ]
	[[ "$output" == *"Cpus_allowed_list:"*"	0" ]] || fail "got '$output'"
}

@test "exec: execCPUAffinity.initial is applied before the join (a CPU the host lacks fails)" {
	is_isorun || skip "runc 1.1.5 ignores process.execCPUAffinity (runtime-spec 1.2 / runc 1.2)"
	# CPU 4095 exists on no machine this runs on: sched_setaffinity refuses it.
	exec_affinity '.execCPUAffinity = {"initial": "4095"}'
	[ "$status" -ne 0 ]
	[[ "$output" == *"process.execCPUAffinity.initial (4095): sched_setaffinity"* ]] || fail "got '$output'"
}

@test "execCPUAffinity does not apply to the container's init" {
	is_isorun || skip "runc 1.1.5: init inherits the caller's affinity (reset came in runc 1.2.7)"
	need_two_cpus
	make_bundle "$BUNDLE" '.process.execCPUAffinity = {"final": "1"}'
	set_cmd "$BUNDLE" 'grep Cpus_allowed_list /proc/self/status'
	id=$(new_id)
	register_id "$id"
	run rt_pinned 1 run --bundle "$BUNDLE" "$id"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Cpus_allowed_list:"*"$(all_cpus)" ]] || fail "got '$output'"
}

@test "a malformed execCPUAffinity list is refused naming the field" {
	is_isorun || skip "runc 1.1.5 ignores process.execCPUAffinity (runtime-spec 1.2 / runc 1.2)"
	make_bundle "$BUNDLE" '.process.execCPUAffinity = {"final": "0-x"}'
	id=$(new_id)
	run_ctr "$id" true
	[ "$status" -ne 0 ]
	[[ "$output" == *'process.execCPUAffinity.final: invalid CPU list "0-x"'* ]] || fail "got '$output'"
	assert_nothing_left "$id"
}

# ---------------------------------------------------------------- memoryPolicy

# numa_maps prints the task's policy for every mapping without one of its own.
@test "linux.memoryPolicy MPOL_BIND and MPOL_INTERLEAVE apply to init and exec" {
	is_isorun || skip "runc 1.1.5 ignores linux.memoryPolicy (runtime-spec 1.3 / runc 1.4)"
	[ -e /proc/self/numa_maps ] || skip "kernel without NUMA (no /proc/self/numa_maps)"
	make_bundle "$BUNDLE" '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0"}'
	id=$(new_id)
	run_sh "$id" 'head -n1 /proc/self/numa_maps'
	[ "$status" -eq 0 ]
	[[ "$output" == *" bind:0 "* ]] || fail "got '$output'"

	edit_config "$BUNDLE" '.linux.memoryPolicy = {"mode": "MPOL_INTERLEAVE", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]}'
	set_args "$BUNDLE" sleep 100
	id=$(new_id)
	run_d_ctr "$id" || { cat "$TEST_DIR/$id.err"; false; }
	run rt exec "$id" head -n1 /proc/self/numa_maps
	[ "$status" -eq 0 ]
	[[ "$output" == *" interleave=static:0 "* ]] || fail "got '$output'"
}

@test "bad linux.memoryPolicy values are refused naming the field" {
	is_isorun || skip "runc 1.1.5 ignores linux.memoryPolicy (runtime-spec 1.3 / runc 1.4)"
	make_bundle "$BUNDLE"
	local -a cases=(
		'{"mode": "MPOL_BOGUS"}|linux.memoryPolicy.mode: unknown mode "MPOL_BOGUS"'
		'{"mode": "MPOL_BIND", "nodes": "0-"}|linux.memoryPolicy.nodes: invalid node list "0-"'
		'{"mode": "MPOL_BIND"}|linux.memoryPolicy.nodes: required for mode MPOL_BIND'
		'{"mode": "MPOL_LOCAL", "nodes": "0"}|linux.memoryPolicy.nodes: must be empty for mode MPOL_LOCAL'
		'{"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_BOGUS"]}|linux.memoryPolicy.flags[0]: unknown flag "MPOL_F_BOGUS"'
		'{"nodes": "0"}|linux.memoryPolicy.mode'
	)
	for c in "${cases[@]}"; do
		edit_config "$BUNDLE" '.linux.memoryPolicy = ($p | fromjson)' --arg p "${c%%|*}"
		id=$(new_id)
		run_ctr "$id" true
		[ "$status" -ne 0 ] || fail "accepted ${c%%|*}"
		[[ "$output" == *"${c#*|}"* ]] || fail "${c%%|*}: got '$output'"
		assert_nothing_left "$id"
	done
}

# ---------------------------------------------------------------- netDevices

# The devices live in a network namespace of the test's own (never the host's): the
# runtime runs inside it with nsenter (not `ip netns exec`, which remounts /sys and would
# hide the cgroup mounts).
netns_setup() {
	command -v ip >/dev/null || skip "no ip(8)"
	NETNS="isorun-it-$$-$RANDOM"
	ip netns add "$NETNS"
	echo "$NETNS" >"$TEST_DIR/.netns"
	# a veth pair (this kernel has no dummy driver): veth7 moves, its peer stays
	ip -n "$NETNS" link add veth7 type veth peer name peer7
	ip -n "$NETNS" addr add 192.0.2.7/24 dev veth7
}

teardown() {
	common_teardown
	local rc=$?
	if [ -n "${NETNS:-}" ]; then
		ip netns del "$NETNS" 2>/dev/null || true
	fi
	return $rc
}

rt_in_netns() {
	nsenter --net="/run/netns/$NETNS" timeout --kill-after=5 "$TMO" "$ISORUN" --root "$ROOT" "$@" </dev/null 3>&-
}

@test "linux.netDevices moves, renames and brings up a device with its address" {
	is_isorun || skip "runc 1.1.5 ignores linux.netDevices (runtime-spec 1.3 / runc 1.4)"
	netns_setup
	make_bundle "$BUNDLE" '.linux.netDevices = {"veth7": {"name": "ctr0"}}'
	set_cmd "$BUNDLE" 'ip addr show ctr0; ip link show veth7 && echo STILL-OLD-NAME; exit 0'
	id=$(new_id)
	register_id "$id"
	run rt_in_netns run --bundle "$BUNDLE" "$id"
	echo "$output"
	[ "$status" -eq 0 ]
	local up_re='ctr0(@[^:]*)?: <([^>]*,)?UP[,>]'
	[[ "$output" =~ $up_re ]] || fail "device not there as ctr0, up"
	[[ "$output" == *"inet 192.0.2.7/24"* ]] || fail "address not kept"
	[[ "$output" != *STILL-OLD-NAME* ]]
	# Not given back: runtime-spec 1.3 says the runtime MUST NOT move it out before deletion;
	# the kernel destroys a virtual device with its namespace (a veth takes its peer along)
	# and returns a physical one to the initial namespace.
	# The kernel tears a dead namespace down asynchronously (a workqueue): poll.
	run ip -n "$NETNS" link show veth7
	[ "$status" -ne 0 ]
	for ((i = 0; i < 100; i++)); do
		ip -n "$NETNS" link show peer7 >/dev/null 2>&1 || break
		sleep 0.1
	done
	run ip -n "$NETNS" link show peer7
	[ "$status" -ne 0 ]
}

@test "linux.netDevices: a missing device fails create naming it and moves nothing" {
	is_isorun || skip "runc 1.1.5 ignores linux.netDevices (runtime-spec 1.3 / runc 1.4)"
	netns_setup
	make_bundle "$BUNDLE" '.linux.netDevices = {"veth7": {}, "nosuch9": {"name": "x0"}}'
	id=$(new_id)
	register_id "$id"
	run rt_in_netns run --bundle "$BUNDLE" "$id"
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.netDevices.nosuch9: no such network device"* ]] || fail "got '$output'"
	# veth7 was never moved: still here, with its address
	run ip -n "$NETNS" addr show veth7
	[ "$status" -eq 0 ]
	[[ "$output" == *"192.0.2.7/24"* ]]
	assert_nothing_left "$id"
}

@test "linux.netDevices needs a network namespace" {
	is_isorun || skip "runc 1.1.5 ignores linux.netDevices (runtime-spec 1.3 / runc 1.4)"
	make_bundle "$BUNDLE" '.linux.netDevices = {"eth0": {}} | .linux.namespaces |= map(select(.type != "network"))'
	id=$(new_id)
	run_ctr "$id" true
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.netDevices: needs a network namespace"* ]] || fail "got '$output'"
}

# ---------------------------------------------------------------- poststart

@test "a failing poststart hook fails start and stops the container" {
	is_isorun || skip "runc 1.1.5 runs poststart hooks during create (runc#4347): create fails instead"
	make_bundle "$BUNDLE" '.hooks.poststart = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 4"]}]'
	set_args "$BUNDLE" sleep 100
	id=$(new_id)
	create_ctr "$id" || { cat "$TEST_DIR/$id.err"; false; }
	run rt start "$id"
	[ "$status" -ne 0 ]
	[[ "$output" == *"poststart hook #0 (/bin/sh): exit status 4"* ]] || fail "got '$output'"
	[ "$(state_field "$id" status)" = stopped ]
	rt delete "$id"
	assert_nothing_left "$id"
}

@test "a failing poststart hook fails run, which kills and removes the container" {
	make_bundle "$BUNDLE" '.hooks.poststart = [{"path": "/bin/false"}]'
	id=$(new_id)
	SECONDS=0
	run_ctr "$id" sleep 100
	[ "$status" -ne 0 ]
	[ "$SECONDS" -lt 15 ]
	if is_isorun; then
		[[ "$output" == *"poststart hook #0 (/bin/false)"* ]] || fail "got '$output'"
	fi
	run rt state "$id"
	[ "$status" -ne 0 ]
	assert_nothing_left "$id"
}
