#!/usr/bin/env bats
# `isorun spec` knobs: each flag turns one knob of the default config; the config must run
# under isorun AND under runc (ISORUN=runc bats ... runs it under runc, the config still
# written by isorun's spec) with the effect visible from inside the container.

load helpers

# run_knobs ID SPEC-FLAGS... : spec_bundle + foreground run; $output / $status as bats' run.
run_knobs() {
	local id=$1
	shift
	spec_bundle "$@"
	register_id "$id"
	run rt run --bundle "$BUNDLE" "$id"
}

@test "spec --args: split like a shell, terminal false, runs non-interactively" {
	run_knobs "$(new_id)" --args "sh -c 'echo \"a  b\"; echo \$0' x\\ y"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "a  b" ]
	[ "${lines[1]}" = "x y" ]
	[ "$(jq .process.terminal "$BUNDLE/config.json")" = false ]
}

@test "spec without --args keeps runc's defaults (sh, terminal true)" {
	spec_bundle
	[ "$(jq -c .process.args "$BUNDLE/config.json")" = '["sh"]' ]
	[ "$(jq .process.terminal "$BUNDLE/config.json")" = true ]
}

@test "spec --share net: the container sees the host's network namespace" {
	local host
	host=$(readlink /proc/self/ns/net)
	run_knobs "$(new_id)" --share net --args "readlink /proc/self/ns/net"
	[ "$status" -eq 0 ]
	[ "$output" = "$host" ]
	rm -rf "$BUNDLE"
	run_knobs "$(new_id)" --args "readlink /proc/self/ns/net"
	[ "$status" -eq 0 ]
	[ "$output" != "$host" ]
}

@test "spec --share pid,ipc,uts: host namespaces, no hostname written" {
	local ipc uts
	ipc=$(readlink /proc/self/ns/ipc)
	uts=$(readlink /proc/self/ns/uts)
	run_knobs "$(new_id)" --share pid,ipc,uts --args \
		"sh -c 'readlink /proc/self/ns/ipc; readlink /proc/self/ns/uts; echo \$\$'"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$ipc" ]
	[ "${lines[1]}" = "$uts" ]
	[ "${lines[2]}" -gt 1 ] # not pid 1: the host's pid namespace
	[ "$(jq -r '.hostname // "none"' "$BUNDLE/config.json")" = none ]
}

@test "spec --share mount is refused; unknown names too" {
	mkdir -p "$BUNDLE"
	run "$(spec_bin)" spec --bundle "$BUNDLE" --share mount
	[ "$status" -eq 1 ]
	[[ "$output" == *"--share mount: refused"* ]]
	[ ! -e "$BUNDLE/config.json" ]
	run "$(spec_bin)" spec --bundle "$BUNDLE" --share pid,nope
	[ "$status" -eq 1 ]
	[[ "$output" == *"--share nope: unknown namespace"* ]]
}

@test "spec --memory 64M: memory limit in the container's cgroup" {
	run_knobs "$(new_id)" --memory 64M --args "sh -c '$(cg_file_in memory memory.limit_in_bytes memory.max)'"
	[ "$status" -eq 0 ]
	[ "$output" = 67108864 ]
	[ "$(jq .linux.resources.memory.limit "$BUNDLE/config.json")" = 67108864 ]
}

@test "spec --pids 32: pids.max" {
	run_knobs "$(new_id)" --pids 32 --args "sh -c '$(cg_file_in pids pids.max pids.max)'"
	[ "$status" -eq 0 ]
	[ "$output" = 32 ]
}

@test "spec --cpus 0.5: quota 50000 per 100000 period" {
	run_knobs "$(new_id)" --cpus 0.5 --args \
		"sh -c 'cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us 2>/dev/null || cat /sys/fs/cgroup/cpu.max'"
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "50000 100000" ]
}

@test "spec --cpuset 0: the container runs on CPU 0 only" {
	run_knobs "$(new_id)" --cpuset 0 --args "sh -c 'grep Cpus_allowed_list /proc/self/status'"
	[ "$status" -eq 0 ]
	[[ "$output" == *$'\t'0 ]]
}

@test "spec --readonly / --writable: root.readonly" {
	run_knobs "$(new_id)" --readonly --args "touch /f"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Read-only file system"* ]]
	rm -rf "$BUNDLE"
	run_knobs "$(new_id)" --writable --args "touch /f"
	[ "$status" -eq 0 ]
	[ -e "$BUNDLE/rootfs/f" ]
	run "$(spec_bin)" spec --bundle "$TEST_DIR" --readonly --writable
	[ "$status" -eq 1 ]
}

@test "spec --seccomp default: filter on, unshare denied; none: no filter" {
	run_knobs "$(new_id)" --seccomp default --args \
		"sh -c 'grep ^Seccomp: /proc/self/status; unshare -U true 2>&1; echo rc=\$?'"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *2 ]]
	[[ "$output" == *"Operation not permitted"* ]]
	[[ "$output" == *"rc=1"* ]]
	rm -rf "$BUNDLE"
	run_knobs "$(new_id)" --seccomp none --args "sh -c 'grep ^Seccomp: /proc/self/status; unshare -U true; echo rc=\$?'"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *0 ]]
	[ "${lines[1]}" = rc=0 ]
}

@test "spec --seccomp FILE: the file's profile denies mkdir" {
	cat >"$TEST_DIR/deny-mkdir.json" <<-'EOF'
		{"defaultAction": "SCMP_ACT_ALLOW",
		 "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
	EOF
	run_knobs "$(new_id)" --writable --seccomp "$TEST_DIR/deny-mkdir.json" --args \
		"sh -c 'mkdir /tmp/d 2>&1; echo rc=\$?; touch /tmp/f && echo touched'"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
	[[ "$output" == *"rc=1"* ]]
	[[ "$output" == *touched* ]]
	[ "$(jq -r '.linux.seccomp.syscalls[0].names[1]' "$BUNDLE/config.json")" = mkdirat ]
	echo '{"defaultAction": "SCMP_ACT_NOPE"}' >"$TEST_DIR/bad.json"
	run "$(spec_bin)" spec --bundle "$TEST_DIR" --seccomp "$TEST_DIR/bad.json"
	[ "$status" -eq 1 ]
	[[ "$output" == *"--seccomp $TEST_DIR/bad.json: linux.seccomp.defaultAction"* ]]
}

@test "spec --cap-add / --cap-drop: the effective set inside" {
	# default: AUDIT_WRITE(29) KILL(5) NET_BIND_SERVICE(10) = 0x20000420
	run_knobs "$(new_id)" --args "grep ^CapEff: /proc/self/status"
	[[ "$output" == *0000000020000420 ]]
	rm -rf "$BUNDLE"
	run_knobs "$(new_id)" --cap-drop KILL --cap-add net_admin --cap-add CAP_CHOWN --writable \
		--args "sh -c 'grep ^CapEff: /proc/self/status; chown 1000 /tmp && echo chowned'"
	[ "$status" -eq 0 ]
	# + CHOWN(0) + NET_ADMIN(12) - KILL(5) = 0x20001401
	[[ "${lines[0]}" == *0000000020001401 ]]
	[ "${lines[1]}" = chowned ]
	[ "$(jq -c .process.capabilities.bounding "$BUNDLE/config.json")" = \
		'["CAP_AUDIT_WRITE","CAP_NET_BIND_SERVICE","CAP_NET_ADMIN","CAP_CHOWN"]' ]
}

@test "spec --userns: root is mapped to 100000 and a note says to chown the rootfs" {
	mkdir -p "$BUNDLE"
	make_busybox_rootfs "$BUNDLE/rootfs"
	run "$(spec_bin)" spec --bundle "$BUNDLE" --userns --args "cat /proc/self/uid_map"
	[ "$status" -eq 0 ]
	[[ "$output" == *"chown -R 100000:100000 rootfs"* ]]
	chown -R 100000:100000 "$BUNDLE/rootfs"
	register_id "${id:=$(new_id)}"
	run rt run --bundle "$BUNDLE" "$id"
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "0 100000 65536" ]
}

@test "spec --hostname NAME" {
	run_knobs "$(new_id)" --hostname lab-box --args hostname
	[ "$status" -eq 0 ]
	[ "$output" = lab-box ]
	run "$(spec_bin)" spec --bundle "$TEST_DIR" --hostname x --share uts
	[ "$status" -eq 1 ]
	[[ "$output" == *"--hostname needs a private UTS namespace"* ]]
}

@test "spec knobs combine with --rootless (config only)" {
	mkdir -p "$BUNDLE"
	"$(spec_bin)" spec --bundle "$BUNDLE" --rootless --memory 16M --share ipc --args true
	[ "$(jq -c '[.linux.namespaces[].type]' "$BUNDLE/config.json")" = '["pid","uts","mount","user"]' ]
	[ "$(jq .linux.resources.memory.limit "$BUNDLE/config.json")" = 16777216 ]
	[ "$(jq '.linux.resources.devices // "none"' "$BUNDLE/config.json")" = '"none"' ]
	run "$(spec_bin)" spec --bundle "$TEST_DIR" --rootless --userns
	[ "$status" -eq 1 ]
}

@test "spec knob values are checked: --memory, --cpus, --pids, --cap-add" {
	local bad
	for bad in "--memory 12Q" "--cpus half" "--pids 0" "--cap-add CAP_FLY" "--args ''"; do
		eval "run \"\$(spec_bin)\" spec --bundle \"\$TEST_DIR\" $bad"
		[ "$status" -eq 1 ] || fail "accepted: $bad"
		[ ! -e "$TEST_DIR/config.json" ] || fail "wrote config for: $bad"
	done
}

@test "spec --seccomp FILE: Docker's default profile (tests/data) runs a shell" {
	local prof=$REPO_ROOT/tests/data/seccomp/docker-default.json
	[ -f "$prof" ] || skip "no $prof"
	run_knobs "$(new_id)" --writable --seccomp "$prof" --args \
		"sh -c 'mkdir /tmp/d && echo made; grep ^Seccomp: /proc/self/status'"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = made ]
	[[ "${lines[1]}" == *2 ]]
	[ "$(jq -r .linux.seccomp.defaultAction "$BUNDLE/config.json")" = SCMP_ACT_ERRNO ]
}
