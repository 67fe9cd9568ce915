#!/usr/bin/env bats
# isorun inspect: the isolation report of a live container, read from the kernel. Each
# test builds a container with one knob (isorun spec) and checks that the report shows it.
# isorun-only (runc has no inspect).

load helpers

setup() {
	common_setup
	is_isorun || skip "inspect is an isorun command"
}

# start_knobs ID SPEC-FLAGS...: a detached container from `isorun spec FLAGS --args "sleep 100"`.
start_knobs() {
	local id=$1
	shift
	spec_bundle "$@" --args "sleep 100"
	run_d_ctr "$id" || {
		cat "$TEST_DIR/$id.err" >&2
		return 1
	}
}

# ijson ID JQ: one value of `inspect --format json`.
ijson() {
	rt inspect --format json "$1" | jq -r "$2"
}

@test "inspect: a shared network namespace shows as shared, the others private" {
	local id
	id=$(new_id)
	start_knobs "$id" --share net
	run rt inspect --format json "$id"
	[ "$status" -eq 0 ]
	echo "$output" | jq -e . >/dev/null
	[ "$(jq -r .namespaces.network.state <<<"$output")" = shared ]
	[ "$(jq -r .namespaces.pid.state <<<"$output")" = private ]
	[ "$(jq -r .namespaces.mount.state <<<"$output")" = private ]
	[ "$(jq -r .namespaces.uts.state <<<"$output")" = private ]
	# the inode is the kernel's: the same as the host's net namespace
	[ "net:[$(jq -r .namespaces.network.inode <<<"$output")]" = "$(readlink /proc/self/ns/net)" ]
	[ "$(jq -r .container.status <<<"$output")" = running ]
	[ "$(jq -r .container.pid <<<"$output")" = "$(state_field "$id" pid)" ]
}

@test "inspect: a memory limit shows its value, current use and 'limited'" {
	local id
	id=$(new_id)
	start_knobs "$id" --memory 64M
	[ "$(ijson "$id" .resources.memory.max)" = 67108864 ]
	[ "$(ijson "$id" .resources.memory.state)" = limited ]
	[ "$(ijson "$id" .resources.memory.current)" -gt 0 ]
	[ "$(ijson "$id" .resources.memory.oom_kills)" -eq 0 ]
	# no limit: best effort
	local id2
	id2=$(new_id)
	rm -rf "$BUNDLE"
	start_knobs "$id2"
	[ "$(ijson "$id2" .resources.memory.state)" = "best effort" ]
	[ "$(ijson "$id2" .resources.memory.max)" = max ]
}

@test "inspect: cpu quota and pids limit" {
	local id
	id=$(new_id)
	start_knobs "$id" --cpus 0.5 --pids 20
	[ "$(ijson "$id" .resources.cpu.quota)" = 50000 ]
	[ "$(ijson "$id" .resources.cpu.period)" = 100000 ]
	[ "$(ijson "$id" .resources.cpu.state)" = limited ]
	[ "$(ijson "$id" .resources.pids.max)" = 20 ]
	[ "$(ijson "$id" .resources.pids.current)" -ge 1 ]
	[ "$(ijson "$id" .faults.pids.max)" = 20 ]
}

@test "inspect: a dropped capability is absent, an added one present" {
	local id
	id=$(new_id)
	start_knobs "$id"
	[ "$(ijson "$id" '.security.capabilities.effective | index("CAP_KILL") != null')" = true ]
	local id2
	id2=$(new_id)
	rm -rf "$BUNDLE"
	start_knobs "$id2" --cap-drop KILL --cap-add NET_ADMIN
	run rt inspect --format json "$id2"
	[ "$(jq -r '.security.capabilities.effective | index("CAP_KILL")' <<<"$output")" = null ]
	[ "$(jq -r '.security.capabilities.bounding | index("CAP_KILL")' <<<"$output")" = null ]
	[ "$(jq -r '.security.capabilities.effective | index("CAP_NET_ADMIN") != null' <<<"$output")" = true ]
}

@test "inspect: a seccomp profile shows mode 2, none shows mode 0" {
	local id
	id=$(new_id)
	start_knobs "$id" --seccomp default
	[ "$(ijson "$id" .security.seccomp.mode)" = 2 ]
	[ "$(ijson "$id" .security.seccomp.state)" = filter ]
	[ "$(ijson "$id" .security.seccomp.filters)" -ge 1 ]
	[ "$(ijson "$id" .security.no_new_privs)" = yes ]
	local id2
	id2=$(new_id)
	rm -rf "$BUNDLE"
	start_knobs "$id2" --seccomp none
	[ "$(ijson "$id2" .security.seccomp.mode)" = 0 ]
}

@test "inspect: read-only rootfs, masked and read-only paths, devices" {
	local id
	id=$(new_id)
	start_knobs "$id" --readonly
	run rt inspect --format json "$id"
	[ "$status" -eq 0 ]
	[ "$(jq -r .security.rootfs <<<"$output")" = read-only ]
	[ "$(jq -r '.security.readonly_paths.paths | index("/proc/sys") != null' <<<"$output")" = true ]
	if [ -e /proc/keys ]; then
		[ "$(jq -r '.security.masked_paths.paths | index("/proc/keys") != null' <<<"$output")" = true ]
	fi
	[ "$(jq -r .security.devices.state <<<"$output")" = restricted ]
	local id2
	id2=$(new_id)
	rm -rf "$BUNDLE"
	start_knobs "$id2" --writable
	[ "$(ijson "$id2" .security.rootfs)" = writable ]
}

@test "inspect: user namespace maps and rlimits" {
	local id
	id=$(new_id)
	mkdir -p "$BUNDLE"
	make_busybox_rootfs "$BUNDLE/rootfs"
	chown -R 100000:100000 "$BUNDLE/rootfs"
	"$ISORUN" spec --bundle "$BUNDLE" --userns --args "sleep 100" 2>/dev/null
	run_d_ctr "$id"
	[ "$(ijson "$id" .namespaces.user.state)" = private ]
	[ "$(ijson "$id" .namespaces.user.uid_map)" = "0 100000 65536" ]
	[ "$(ijson "$id" .faults.rlimits.NOFILE)" = 1024/1024 ]
	[ "$(ijson "$id" .faults.oom_score_adj)" = "$(cat /proc/$(state_field "$id" pid)/oom_score_adj)" ]
}

@test "inspect: the table format groups by section" {
	local id
	id=$(new_id)
	start_knobs "$id" --memory 32M --share net
	run rt inspect "$id"
	[ "$status" -eq 0 ]
	[[ "$output" == *NAMESPACES* ]]
	[[ "$output" == *RESOURCES* ]]
	[[ "$output" == *SECURITY* ]]
	[[ "$output" == *FAULTS* ]]
	grep -Eq '^  network +shared ' <<<"$output"
	grep -Eq '^  memory +limited +max=33554432 ' <<<"$output"
	run rt inspect --format yaml "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid format option"* ]]
}

@test "inspect: a missing container does not exist; a stopped one has nothing to inspect" {
	run rt inspect nosuchcontainer
	[ "$status" -eq 1 ]
	[[ "$output" == *"container does not exist"* ]]
	local id
	id=$(new_id)
	start_knobs "$id"
	rt kill "$id" KILL
	wait_status "$id" stopped
	run rt inspect "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"is stopped"* ]]
}
