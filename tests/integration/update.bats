#!/usr/bin/env bats
# update: new limits reach the cgroup files of a running container, omitted
# values stay, and later updates merge with earlier ones.

load helpers

# A running container with initial limits; sets $ID and $PID.
start_limited() {
	make_bundle "$BUNDLE" '.linux.resources.memory = {"limit": 33554432}' \
		'.linux.resources.pids = {"limit": 50}' \
		'.linux.resources.cpu = {"shares": 1024, "quota": 10000, "period": 100000}' "$@"
	set_args "$BUNDLE" sleep 1000
	ID=$(new_id)
	run_d_ctr "$ID"
	PID=$(state_field "$ID" pid)
	[ -n "$PID" ] && [ "$PID" -gt 0 ]
}

cgv() { # CONTROLLER FILE
	cat "$(cgroup_dir_of "$PID" "$1")/$2"
}

# update with a JSON document on stdin, as containerd's shim sends it.
update_stdin() {
	local id=$1 json=$2
	timeout --kill-after=5 "$TMO" "$ISORUN" --root "$ROOT" update --resources=- "$id" <<<"$json" 3>&-
}

@test "update flags change memory, swap, pids and cpu of a running container" {
	start_limited
	[ "$(cgv memory memory.limit_in_bytes)" = 33554432 ]
	[ "$(cgv pids pids.max)" = 50 ]
	rt update --memory 64m --memory-swap 128M --pids-limit 20 --cpu-quota 30000 --cpu-share 512 "$ID"
	[ "$(cgv memory memory.limit_in_bytes)" = 67108864 ]
	[ "$(cgv memory memory.memsw.limit_in_bytes)" = 134217728 ]
	[ "$(cgv pids pids.max)" = 20 ]
	[ "$(cgv cpu cpu.cfs_quota_us)" = 30000 ]
	[ "$(cgv cpu cpu.cfs_period_us)" = 100000 ]
	[ "$(cgv cpu cpu.shares)" = 512 ]
	[ "$(state_field "$ID" status)" = running ]
}

@test "update merges: values a later update omits are kept; quota and period move independently" {
	start_limited
	rt update --memory 64m --pids-limit 20 "$ID"
	rt update --pids-limit 30 "$ID"
	[ "$(cgv pids pids.max)" = 30 ]
	[ "$(cgv memory memory.limit_in_bytes)" = 67108864 ]
	rt update --cpu-period 50000 "$ID"
	[ "$(cgv cpu cpu.cfs_period_us)" = 50000 ]
	[ "$(cgv cpu cpu.cfs_quota_us)" = 10000 ]
	rt update --cpu-quota 20000 "$ID"
	[ "$(cgv cpu cpu.cfs_quota_us)" = 20000 ]
	[ "$(cgv cpu cpu.cfs_period_us)" = 50000 ]
	rt update --pids-limit -1 "$ID"
	[ "$(cgv pids pids.max)" = max ]
	[ "$(cgv memory memory.limit_in_bytes)" = 67108864 ]
	if is_isorun; then
		# the merged limits are what the state dir's config copy holds now
		local r
		r=$(jq -c '.linux.resources | {memory, pids, cpu}' "$ROOT/$ID/config.json")
		[ "$r" = '{"memory":{"limit":67108864},"pids":{"limit":-1},"cpu":{"shares":1024,"quota":20000,"period":50000}}' ] || fail "$r"
	fi
}

@test "update --resources - (containerd's LinuxResources JSON on stdin) and -r FILE" {
	start_limited
	update_stdin "$ID" '{"memory":{"limit":134217728,"checkBeforeUpdate":true},"pids":{"limit":100},"cpu":{"quota":25000,"period":50000}}'
	[ "$(cgv memory memory.limit_in_bytes)" = 134217728 ]
	[ "$(cgv pids pids.max)" = 100 ]
	[ "$(cgv cpu cpu.cfs_quota_us)" = 25000 ]
	[ "$(cgv cpu cpu.cfs_period_us)" = 50000 ]
	[ "$(cgv cpu cpu.shares)" = 1024 ]
	echo '{"pids":{"limit":77}}' >"$TEST_DIR/res.json"
	# with --resources the flags are ignored
	rt update -r "$TEST_DIR/res.json" --memory 1g "$ID"
	[ "$(cgv pids pids.max)" = 77 ]
	[ "$(cgv memory memory.limit_in_bytes)" = 134217728 ]
}

@test "update --memory -1 makes memory and swap unlimited" {
	start_limited '.linux.resources.memory.swap = 33554432'
	[ "$(cgv memory memory.memsw.limit_in_bytes)" = 33554432 ]
	rt update --memory -1 "$ID"
	[ "$(cgv memory memory.limit_in_bytes)" = 9223372036854771712 ]
	[ "$(cgv memory memory.memsw.limit_in_bytes)" = 9223372036854771712 ]
}

@test "update never touches the device rules" {
	start_limited
	local before
	before=$(cgv devices devices.list)
	update_stdin "$ID" '{"devices":[{"allow":true,"access":"rwm"}],"pids":{"limit":33}}'
	[ "$(cgv pids pids.max)" = 33 ]
	[ "$(cgv devices devices.list)" = "$before" ]
	[ "$before" != "a *:* rwm" ]
}

@test "update applies to a paused container" {
	start_limited
	rt pause "$ID"
	rt update --pids-limit 12 "$ID"
	[ "$(cgv pids pids.max)" = 12 ]
	[ "$(state_field "$ID" status)" = paused ]
	rt resume "$ID"
}

@test "update errors: stopped, missing container, bad values" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" true
	local id
	id=$(new_id)
	run_d_ctr "$id"
	wait_status "$id" stopped
	run rt update --pids-limit 10 "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"container not running"* ]] || fail "$output"
	run rt update --pids-limit 10 nonexistent-update-ctr
	[ "$status" -eq 1 ]
	[[ "$output" == *"container does not exist"* ]] || fail "$output"

	start_limited
	run rt update --memory abc "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid value for memory: invalid size: 'abc'"* ]] || fail "$output"
	run rt update --cpu-period x "$ID"
	[ "$status" -eq 1 ]
	# (runc's text log escapes the quotes)
	[[ "$output" == *"invalid value for cpu-period: strconv.ParseUint: parsing "*x*": invalid syntax"* ]] || fail "$output"
	run update_stdin "$ID" '{"memory":{"limit":"x"}}'
	[ "$status" -eq 1 ]
	[ "$(cgv memory memory.limit_in_bytes)" = 33554432 ]
}

@test "update --cpu-burst and --cpu-idle reach the cpu cgroup (v1: cpu.cfs_burst_us, cpu.idle)" {
	is_isorun || skip "runc 1.1.5 has no --cpu-burst / --cpu-idle (added in runc 1.2)"
	start_limited
	local dir
	dir=$(cgroup_dir_of "$PID" cpu) || dir=$(cgroup_dir_of "$PID" "")
	[ -e "$dir/cpu.cfs_burst_us" ] || [ -e "$dir/cpu.max.burst" ] || skip "the kernel has no cpu burst file in $dir"
	[ -e "$dir/cpu.idle" ] || skip "the kernel has no cpu.idle in $dir"
	rt update --cpu-burst 5000 --cpu-idle 1 "$ID"
	if [ -e "$dir/cpu.cfs_burst_us" ]; then
		[ "$(cat "$dir/cpu.cfs_burst_us")" = 5000 ]
	else
		[ "$(cat "$dir/cpu.max.burst")" = 5000 ]
	fi
	[ "$(cat "$dir/cpu.idle")" = 1 ]
	# a later update that omits them keeps them, and 0 turns idle off
	rt update --cpu-quota 20000 --cpu-idle 0 "$ID"
	[ "$(cat "$dir/cpu.idle")" = 0 ]
	[ "$(cat "$dir/cpu.cfs_quota_us" 2>/dev/null || cut -d' ' -f1 "$dir/cpu.max")" = 20000 ]
	run rt update --cpu-idle x "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid value for cpu-idle"* ]] || fail "$output"
}

@test "update --kernel-memory-tcp: accepted and ignored with runc's warning" {
	start_limited
	local f before
	f="$(cgroup_dir_of "$PID" memory)/memory.kmem.tcp.limit_in_bytes"
	before=$(cat "$f" 2>/dev/null || echo none)
	run rt update --kernel-memory-tcp 4M "$ID"
	[ "$status" -eq 0 ] || fail "$output"
	[[ "$output" == *"Kernel memory settings are ignored and will be removed"* ]] || fail "$output"
	[ "$(cat "$f" 2>/dev/null || echo none)" = "$before" ]
	[ "$(state_field "$ID" status)" = running ]
}

@test "update --l3-cache-schema / --mem-bw-schema without resctrl: runc's errors, limits unchanged" {
	[ ! -e /sys/fs/resctrl/info ] || skip "this host has resctrl: these are the errors of hosts without it"
	start_limited
	run rt update --l3-cache-schema "L3:0=f" --pids-limit 7 "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Intel RDT/CAT: l3 cache schema is not enabled"* ]] || fail "$output"
	run rt update --mem-bw-schema "MB:0=50" --pids-limit 7 "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Intel RDT/MBA: memory bandwidth schema is not enabled"* ]] || fail "$output"
	# with --resources as well: only the limit flags give way to the document
	run timeout --kill-after=5 "$TMO" "$ISORUN" --root "$ROOT" update --resources=- \
		--l3-cache-schema "L3:0=f" "$ID" <<<'{"pids":{"limit":7}}' 3>&-
	[ "$status" -eq 1 ]
	[[ "$output" == *"Intel RDT/CAT: l3 cache schema is not enabled"* ]] || fail "$output"
	[ "$(cgv pids pids.max)" = 50 ]
}
