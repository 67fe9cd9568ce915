#!/usr/bin/env bats
# A create that fails at any point leaves no state dir, no cgroup, no mount, no process.

load helpers

# expect_failed_create: create of $BUNDLE fails, state says it does not exist, nothing is left,
# and no process is left in the container's cgroup (the cgroup itself must be gone).
expect_failed_create() {
	id=$(new_id)
	run create_ctr "$id"
	[ "$status" -eq 1 ] || fail "create succeeded"
	[ -s "$TEST_DIR/$id.err" ] || fail "no error message"
	run rt state "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"container does not exist"* ]]
	assert_nothing_left "$id"
	# and `run` fails the same way
	id=$(new_id)
	run rt run --bundle "$BUNDLE" "$id"
	[ "$status" -eq 1 ] || fail "run succeeded"
	assert_nothing_left "$id"
}

@test "unknown mount type" {
	make_bundle "$BUNDLE" '.mounts += [{"destination": "/x", "type": "no-such-fs-type", "source": "none"}]'
	expect_failed_create
}

@test "missing bind mount source" {
	make_bundle "$BUNDLE"
	edit_config "$BUNDLE" '.mounts += [{"destination": "/x", "type": "bind", "source": $s, "options": ["rbind"]}]' \
		--arg s "$TEST_DIR/no-such-source"
	expect_failed_create
	[ ! -e "$TEST_DIR/no-such-source" ]
}

@test "a failing createRuntime hook" {
	make_bundle "$BUNDLE" '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 1"]}]'
	expect_failed_create
}

@test "a failing createContainer hook" {
	make_bundle "$BUNDLE" '.hooks.createContainer = [{"path": "/bin/false"}]'
	expect_failed_create
}

@test "an invalid cgroup value (cpuset.cpus beyond the machine)" {
	make_bundle "$BUNDLE" '.linux.resources.cpu.cpus = "4095"'
	expect_failed_create
}

@test "an unknown sysctl (fails late, inside the container setup)" {
	make_bundle "$BUNDLE" '.linux.sysctl = {"net.isorun.no_such_key": "1"}'
	expect_failed_create
}

@test "joining a namespace path that does not exist" {
	make_bundle "$BUNDLE" '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/no-such-ns" else . end)'
	expect_failed_create
}

@test "rootfs is a file" {
	make_bundle "$BUNDLE"
	rm -rf "$BUNDLE/rootfs"
	echo not-a-dir >"$BUNDLE/rootfs"
	expect_failed_create
}

@test "after all failures the private root holds nothing" {
	make_bundle "$BUNDLE" '.mounts += [{"destination": "/x", "type": "no-such-fs-type", "source": "none"}]'
	id=$(new_id)
	run create_ctr "$id"
	[ "$status" -eq 1 ]
	run rt list -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "a cgroupsPath below a cgroup file (cannot be created)" {
	make_bundle "$BUNDLE" '.linux.cgroupsPath = "/cgroup.procs/isorun-it-bad"'
	expect_failed_create
	[ -z "$(find /sys/fs/cgroup -maxdepth 3 -name isorun-it-bad)" ]
}

@test "an explicit cgroupsPath is used in every hierarchy and removed by delete" {
	make_bundle "$BUNDLE"
	id=$(new_id)
	edit_config "$BUNDLE" '.linux.cgroupsPath = "/" + $id' --arg id "$id"
	set_args "$BUNDLE" sleep 100
	create_ctr "$id"
	pid=$(state_field "$id" pid)
	# every hierarchy the host has (v1 controllers, name=systemd, the unified 0::)
	[ "$(grep -c -v ":/$id\$" "/proc/$pid/cgroup")" = 0 ]
	[ "$(wc -l <"/proc/$pid/cgroup")" = "$(wc -l </proc/self/cgroup)" ]
	grep -qx "$pid" "/sys/fs/cgroup/memory/$id/cgroup.procs"
	rt delete --force "$id"
	assert_nothing_left "$id"
}
