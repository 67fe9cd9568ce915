#!/usr/bin/env bats
# --systemd-cgroup where it cannot work: each refusal is one line naming the cgroupsPath,
# and leaves nothing behind. These hosts have no systemd as PID 1 and no system bus, so
# that is tested here; the driver at work is tested under a real systemd in the VM
# (tests/vm/run-systemd.sh).

load helpers

setup_file() {
	common_setup_file
}

teardown_file() {
	common_teardown_file
}

setup() {
	common_setup
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" true
}

teardown() {
	common_teardown
}

# The failure is one line (runc's is a log line too) and nothing is left.
refused() {
	local id=$1
	[ "$status" -ne 0 ] || fail "expected a failure, got: $output"
	[ "$(printf '%s\n' "$output" | grep -c .)" -eq 1 ] || fail "not one line: $output"
	assert_nothing_left "$id"
}

@test "systemd-cgroup: no D-Bus at the bus address: one line, names the cgroupsPath and the bus" {
	local id
	id=$(new_id)
	edit_config "$BUNDLE" '.linux.cgroupsPath = "system.slice:isorun:'"$id"'"'
	register_id "$id"
	DBUS_SYSTEM_BUS_ADDRESS="unix:path=$TEST_DIR/no-bus" run rt --systemd-cgroup run --bundle "$BUNDLE" "$id"
	refused "$id"
	if is_isorun; then
		[[ "$output" == *"cgroupsPath \"system.slice:isorun:$id\""* ]] || fail "$output"
		[[ "$output" == *"no D-Bus"*"unix:path=$TEST_DIR/no-bus"*"No such file or directory"* ]] || fail "$output"
	fi
}

@test "systemd-cgroup: default bus, no systemd as PID 1 on this host: says both" {
	[ -d /run/systemd/system ] && skip "systemd is PID 1 on this host"
	[ -S /run/dbus/system_bus_socket ] && skip "this host has a system bus"
	local id
	id=$(new_id)
	register_id "$id"
	run env -u DBUS_SYSTEM_BUS_ADDRESS "$ISORUN" --root "$ROOT" --systemd-cgroup run --bundle "$BUNDLE" "$id"
	refused "$id"
	if is_isorun; then
		[[ "$output" == *"cgroupsPath \"\" (unit isorun-$id.scope)"* ]] || fail "$output"
		[[ "$output" == *"no D-Bus"*"systemd is not PID 1 here"* ]] || fail "$output"
	else
		[[ "$output" == *"systemd not running on this host"* ]] || fail "$output"
	fi
}

@test "systemd-cgroup: a bus without systemd on it: one line, names the cgroupsPath" {
	is_isorun || skip "runc 1.1.5 stops earlier: no /run/systemd/system here (tested above)"
	local id pid
	id=$(new_id)
	pid=$(dbus-daemon --session --address="unix:path=$TEST_DIR/bus" --fork --print-pid --nopidfile)
	track_pid "$pid"
	register_id "$id"
	edit_config "$BUNDLE" '.linux.cgroupsPath = "machine.slice:p:'"$id"'"'
	DBUS_SYSTEM_BUS_ADDRESS="unix:path=$TEST_DIR/bus" run rt --systemd-cgroup run --bundle "$BUNDLE" "$id"
	refused "$id"
	[[ "$output" == *"cgroupsPath \"machine.slice:p:$id\" (unit p-$id.scope)"* ]] || fail "$output"
	[[ "$output" == *"systemd is not running on the system bus"*"is systemd PID 1?"* ]] || fail "$output"
}

@test "systemd-cgroup: invalid slice names and paths are refused before any bus is asked" {
	is_isorun || skip "runc 1.1.5 checks /run/systemd/system first, which is missing here"
	local id p
	id=$(new_id)
	register_id "$id"
	for p in "a--b.slice:p:x" "-a.slice:p:x" "a-.slice:p:x" "a/b.slice:p:x" "notaslice:p:x" \
		"system.slice:p:bad--name.slice"; do
		edit_config "$BUNDLE" '.linux.cgroupsPath = $p' --arg p "$p"
		DBUS_SYSTEM_BUS_ADDRESS="unix:path=$TEST_DIR/no-bus" run rt --systemd-cgroup run --bundle "$BUNDLE" "$id"
		refused "$id"
		[[ "$output" == *"cgroupsPath \"$p\": invalid slice name"* ]] || fail "$p: $output"
	done
	for p in "a:b" "a:b:c:d" "/a/b"; do
		edit_config "$BUNDLE" '.linux.cgroupsPath = $p' --arg p "$p"
		DBUS_SYSTEM_BUS_ADDRESS="unix:path=$TEST_DIR/no-bus" run rt --systemd-cgroup run --bundle "$BUNDLE" "$id"
		refused "$id"
		[[ "$output" == *"cgroupsPath \"$p\": expected \"slice:prefix:name\""* ]] || fail "$p: $output"
	done
}

@test "systemd-cgroup: a bad org.systemd.property annotation is refused, naming it" {
	is_isorun || skip "runc 1.1.5 checks /run/systemd/system first, which is missing here"
	local id
	id=$(new_id)
	register_id "$id"
	edit_config "$BUNDLE" '.annotations["org.systemd.property.TimeoutStopUSec"] = "uint64 abc"'
	DBUS_SYSTEM_BUS_ADDRESS="unix:path=$TEST_DIR/no-bus" run rt --systemd-cgroup run --bundle "$BUNDLE" "$id"
	refused "$id"
	[[ "$output" == *"annotation org.systemd.property.TimeoutStopUSec: not a number: uint64 abc"* ]] || fail "$output"
}
