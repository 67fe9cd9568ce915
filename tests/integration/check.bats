#!/usr/bin/env bats
# isorun check: what this host can isolate. The expectations are computed here from the
# host itself (mounts, /proc), independently of isorun's code. isorun-only.

load helpers

setup() {
	common_setup
	is_isorun || skip "check is an isorun command"
}

# The layout as the mounts show it: v2 (cgroup2 at /sys/fs/cgroup), hybrid (v1 controllers
# + a cgroup2 mount), v1.
host_layout() {
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		echo v2
	elif awk '{ split($0, p, " - "); split(p[2], q, " "); if (q[1] == "cgroup2") f = 1 } END { exit !f }' /proc/self/mountinfo; then
		echo hybrid
	else
		echo v1
	fi
}

@test "check: exit 0 here, the cgroup layout reported truthfully" {
	run rt check --format json
	[ "$status" -eq 0 ]
	jq -e . >/dev/null <<<"$output"
	[ "$(jq -r .host.cgroups.state <<<"$output")" = "$(host_layout)" ]
	[ "$(jq -r .host.can_run_containers <<<"$output")" = yes ]
	[ "$(jq -r .host.kernel.state <<<"$output")" = "$(uname -r)" ]
}

@test "check: the controllers listed are the mounted ones" {
	run rt check --format json
	[ "$status" -eq 0 ]
	local c
	if [ "$(host_layout)" = v2 ]; then
		for c in $(cat /sys/fs/cgroup/cgroup.controllers); do
			[ "$(jq -r --arg c "$c" '.host.cgroups.controllers | index($c) != null' <<<"$output")" = true ] || fail "missing $c"
		done
	else
		for c in memory pids cpu; do
			if [ -d "/sys/fs/cgroup/$c" ]; then
				[ "$(jq -r --arg c "$c" '.host.cgroups.controllers | index($c) != null' <<<"$output")" = true ] || fail "missing $c"
			fi
		done
		# hybrid/v1: the controllers are not on cgroup2, so no CLONE_INTO_CGROUP
		[ "$(jq -r .host.clone3.clone_into_cgroup <<<"$output")" = false ]
	fi
}

@test "check: namespaces, user namespaces, seccomp, time namespaces match /proc" {
	run rt check --format json
	[ "$status" -eq 0 ]
	local ns
	for ns in mnt pid net uts ipc user cgroup time; do
		if [ -e "/proc/self/ns/$ns" ]; then
			[ "$(jq -r --arg n "$ns" '.host.namespaces.available | index($n) != null' <<<"$output")" = true ] || fail "$ns"
		fi
	done
	[ "$(jq -r .host.user_namespaces.max_user_namespaces <<<"$output")" = "$(cat /proc/sys/user/max_user_namespaces)" ]
	if grep -q '^Seccomp:' /proc/self/status; then
		[ "$(jq -r .host.seccomp.state <<<"$output")" = yes ]
	fi
	[ "$(jq -r .host.seccomp.libseccomp <<<"$output")" = "$("$ISORUN" --version | awk '/libseccomp/ { print $2 }')" ]
	if [ -e /proc/self/ns/time ]; then
		[ "$(jq -r .host.time_namespaces <<<"$output")" = yes ]
	fi
	if grep -qw overlay /proc/filesystems; then
		[ "$(jq -r .host.overlayfs <<<"$output")" = yes ]
	fi
}

@test "check: missing features name what they disable; table format" {
	run rt check
	[ "$status" -eq 0 ]
	[[ "$output" == *HOST* ]]
	grep -Eq "^  cgroups +$(host_layout) " <<<"$output"
	if ! [ -e /usr/bin/newuidmap ]; then
		grep -Eq '^  newuidmap +no .*disables=rootless' <<<"$output"
	fi
	if ! grep -q apparmor /sys/kernel/security/lsm 2>/dev/null; then
		grep -Eq '^  lsm +none .*disables=process.apparmorProfile' <<<"$output"
	fi
	grep -q 'isorun does not use idmapped mounts yet' <<<"$output"
	run rt check --format xml
	[ "$status" -eq 1 ]
}

@test "check: the cgroup drivers usable here, and why the systemd driver is not" {
	run rt check --format json
	[ "$status" -eq 0 ]
	# (v1 and hybrid hosts too: the driver works there as runc 1.1's legacy manager)
	if [ -d /run/systemd/system ] && [ -S /run/dbus/system_bus_socket ]; then
		[ "$(jq -r .host.cgroup_drivers.state <<<"$output")" = cgroupfs,systemd ]
		skip "systemd drives this host: the refusal is tested in the VM-less hosts only"
	fi
	[ "$(jq -r .host.cgroup_drivers.state <<<"$output")" = cgroupfs ]
	[ "$(jq -r .host.cgroup_drivers.systemd <<<"$output")" = false ]
	local why
	why=$(jq -r .host.cgroup_drivers.systemd_unusable <<<"$output")
	[[ $why == "no D-Bus"* || $why == "systemd is not running"* || $why == *"rootless containers needs a cgroup v2 host"* ]] || fail "$why"
	# a bus without systemd on it: that is the reason given
	local pid
	pid=$(dbus-daemon --session --address="unix:path=$TEST_DIR/bus" --fork --print-pid --nopidfile)
	track_pid "$pid"
	DBUS_SYSTEM_BUS_ADDRESS="unix:path=$TEST_DIR/bus" run rt check --format json
	[ "$status" -eq 0 ]
	why=$(jq -r .host.cgroup_drivers.systemd_unusable <<<"$output")
	[[ $why == "systemd is not running on the system bus (no org.freedesktop.systemd1 there): is systemd PID 1?" ]] || fail "$why"
}
