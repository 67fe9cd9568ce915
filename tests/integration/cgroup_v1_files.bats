#!/usr/bin/env bats
# Every linux.resources field lands in its cgroup v1 file on this (v1/hybrid)
# host, read back from the host side; resources a v1 host cannot apply are
# refused with an error naming the field. (Pure v2: tests/vm/guest-cgroups.sh.)

load helpers

setup() {
	common_setup
	[ -d /sys/fs/cgroup/memory ] && [ -d /sys/fs/cgroup/cpu ] || skip "needs cgroup v1 controllers (this is a v1 or hybrid host test)"
}

# started_with RESOURCES_JSON: a sleeping container with those resources; sets $pid.
started_with() {
	make_bundle "$BUNDLE"
	edit_config "$BUNDLE" '.linux.resources = $r' --argjson r "$1"
	set_args "$BUNDLE" sleep 100
	id=$(new_id)
	create_ctr "$id" || { cat "$TEST_DIR/$id.err"; return 1; }
	pid=$(state_field "$id" pid)
}

v1() { # controller file
	cat "$(cgroup_dir_of "$pid" "$1")/$2"
}

@test "memory: limit, reservation, swap, swappiness, disableOOMKiller" {
	[ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ] || skip "kernel without swap accounting"
	started_with '{"memory":{"limit":67108864,"reservation":33554432,"swap":134217728,"swappiness":10,"disableOOMKiller":true}}'
	[ "$(v1 memory memory.limit_in_bytes)" = 67108864 ]
	[ "$(v1 memory memory.soft_limit_in_bytes)" = 33554432 ]
	[ "$(v1 memory memory.memsw.limit_in_bytes)" = 134217728 ]
	[ "$(v1 memory memory.swappiness)" = 10 ]
	grep -qx "oom_kill_disable 1" <(v1 memory memory.oom_control)
}

@test "memory without swap accounting: limit, reservation, swappiness, disableOOMKiller" {
	started_with '{"memory":{"limit":67108864,"reservation":33554432,"swappiness":10,"disableOOMKiller":true}}'
	[ "$(v1 memory memory.limit_in_bytes)" = 67108864 ]
	[ "$(v1 memory memory.soft_limit_in_bytes)" = 33554432 ]
	[ "$(v1 memory memory.swappiness)" = 10 ]
	grep -qx "oom_kill_disable 1" <(v1 memory memory.oom_control)
}

@test "cpu: shares, quota, period, cpus, mems" {
	started_with '{"cpu":{"shares":512,"quota":20000,"period":50000,"cpus":"0","mems":"0"}}'
	[ "$(v1 cpu cpu.shares)" = 512 ]
	[ "$(v1 cpu cpu.cfs_quota_us)" = 20000 ]
	[ "$(v1 cpu cpu.cfs_period_us)" = 50000 ]
	[ "$(v1 cpuset cpuset.cpus)" = 0 ]
	[ "$(v1 cpuset cpuset.mems)" = 0 ]
	# and from inside: the process may only run on cpu 0
	run rt exec "$id" sh -c 'grep Cpus_allowed_list /proc/self/status'
	[[ "$output" == *"Cpus_allowed_list:"*"0" ]]
}

@test "cpu: realtimeRuntime and realtimePeriod" {
	[ -e /sys/fs/cgroup/cpu/cpu.rt_runtime_us ] || skip "kernel without RT group scheduling"
	started_with '{"cpu":{"realtimeRuntime":10000,"realtimePeriod":1000000}}'
	[ "$(v1 cpu cpu.rt_period_us)" = 1000000 ]
	[ "$(v1 cpu cpu.rt_runtime_us)" = 10000 ]
}

@test "pids and blockIO throttling of the root filesystem's disk" {
	dev=$(findmnt -no SOURCE / 2>/dev/null || true)
	[ -b "$dev" ] || skip "/ is not on a block device here ($dev)"
	mm=$(printf '%d:%d' "0x$(stat -c %t "$dev")" "0x$(stat -c %T "$dev")")
	major=${mm%:*} minor=${mm#*:}
	started_with '{"pids":{"limit":50},"blockIO":{
		"throttleReadBpsDevice":[{"major":'"$major"',"minor":'"$minor"',"rate":1048576}],
		"throttleWriteBpsDevice":[{"major":'"$major"',"minor":'"$minor"',"rate":2097152}],
		"throttleReadIOPSDevice":[{"major":'"$major"',"minor":'"$minor"',"rate":100}],
		"throttleWriteIOPSDevice":[{"major":'"$major"',"minor":'"$minor"',"rate":200}]}}'
	[ "$(v1 pids pids.max)" = 50 ]
	[ "$(v1 blkio blkio.throttle.read_bps_device)" = "$mm 1048576" ]
	[ "$(v1 blkio blkio.throttle.write_bps_device)" = "$mm 2097152" ]
	[ "$(v1 blkio blkio.throttle.read_iops_device)" = "$mm 100" ]
	[ "$(v1 blkio blkio.throttle.write_iops_device)" = "$mm 200" ]
}

@test "v1 host: unified keys are refused naming the field, nothing left behind" {
	is_isorun || skip "runc 1.1.5 words this differently"
	make_bundle "$BUNDLE" '.linux.resources = {"unified":{"memory.high":"50M"}}'
	id=$(new_id)
	run create_ctr "$id"
	[ "$status" -eq 1 ]
	grep -q "linux.resources.unified" "$TEST_DIR/$id.err"
	run rt state "$id"
	[[ "$output" == *"container does not exist"* ]]
}

@test "a controller the host does not mount is refused naming the field" {
	is_isorun || skip "runc 1.1.5 words this differently"
	for ctl in hugetlb net_cls; do
		[ ! -d "/sys/fs/cgroup/$ctl" ] || continue
		case $ctl in
		hugetlb) r='{"hugepageLimits":[{"pageSize":"2MB","limit":2097152}]}' f=hugepageLimits ;;
		net_cls) r='{"network":{"classID":1048577}}' f=network ;;
		esac
		make_bundle "$BUNDLE" ".linux.resources = $r"
		id=$(new_id)
		run create_ctr "$id"
		[ "$status" -eq 1 ]
		grep -q "linux.resources.$f" "$TEST_DIR/$id.err" || fail "$ctl: $(cat "$TEST_DIR/$id.err")"
		return 0
	done
	skip "every optional controller is mounted here"
}
