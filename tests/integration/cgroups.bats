#!/usr/bin/env bats
# Resource limits proven from inside the container and from the cgroup files:
# memory (OOM kill + the OOM event), pids, cpu quota, device rules, and that
# delete removes the container's cgroup in every hierarchy.

load helpers

# A container whose init waits for /go in its rootfs before running SCRIPT.
gated_bundle() {
	local script=$1
	shift
	make_bundle "$BUNDLE" "$@"
	set_cmd "$BUNDLE" "while [ ! -e /go ]; do sleep 0.05; done; $script"
}

@test "memory limit: an allocation past it is OOM-killed, below it survives; events reports the OOM" {
	gated_bundle 'x=$(head -c 8000000 /dev/zero | tr "\0" a); echo small-ok ${#x}; x=$(head -c 100000000 /dev/zero | tr "\0" a); echo big-survived' \
		'.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
	local id pid memdir evpid
	id=$(new_id)
	run_d_ctr "$id"
	pid=$(state_field "$id" pid)
	memdir=$(cgroup_dir_of "$pid" memory)
	[ "$(cat "$memdir/memory.limit_in_bytes")" = 33554432 ]
	"$ISORUN" --root "$ROOT" events --interval 1s "$id" >"$TEST_DIR/events" 2>&1 </dev/null 3>&- &
	evpid=$!
	track_pid "$evpid"
	wait_file "$TEST_DIR/events" 100 # the first stats line: the OOM watch is registered
	touch "$BUNDLE/rootfs/go"
	wait_status "$id" stopped 300
	grep -q small-ok "$TEST_DIR/$id.out" || fail "small allocation failed: $(cat "$TEST_DIR/$id.out")"
	! grep -q big-survived "$TEST_DIR/$id.out" || fail "allocation past the limit survived"
	# the kernel counted the OOM kill in the container's memory cgroup
	grep -Eq '^oom_kill [1-9]' "$memdir/memory.oom_control" || { cat "$memdir/memory.oom_control"; fail "no oom_kill"; }
	local i
	for ((i = 0; i < 40; i++)); do
		grep -q "{\"type\":\"oom\",\"id\":\"$id\"}" "$TEST_DIR/events" && break
		sleep 0.1
	done
	grep -q "{\"type\":\"oom\",\"id\":\"$id\"}" "$TEST_DIR/events" || { cut -c1-200 "$TEST_DIR/events"; fail "no oom event"; }
	if is_isorun; then
		# isorun's events ends by itself once the container has stopped
		for ((i = 0; i < 40; i++)); do kill -0 "$evpid" 2>/dev/null || break; sleep 0.1; done
		! kill -0 "$evpid" 2>/dev/null || fail "events still running after the container stopped"
	fi
}

@test "pids limit: forks beyond pids.max fail" {
	make_bundle "$BUNDLE" '.linux.resources.pids = {"limit": 10}'
	set_cmd "$BUNDLE" 'for i in $(seq 20); do sleep 100 & echo $i >> /tmp/launched; done; echo all-forked'
	run_ctr "$(new_id)"
	[[ "$output" == *"can't fork"* ]] || fail "no fork failure: $output"
	[[ "$output" != *all-forked* ]]
	# init itself counts: 9 sleepers fit under a limit of 10
	[ "$(wc -l <"$BUNDLE/rootfs/tmp/launched")" -eq 9 ]
}

@test "cpu quota throttles a busy loop" {
	gated_bundle 'while :; do :; done' '.linux.resources.cpu = {"quota": 20000, "period": 100000}'
	local id pid cpudir acctdir u0 u1 thr
	id=$(new_id)
	run_d_ctr "$id"
	pid=$(state_field "$id" pid)
	cpudir=$(cgroup_dir_of "$pid" cpu)
	acctdir=$(cgroup_dir_of "$pid" cpuacct)
	[ "$(cat "$cpudir/cpu.cfs_quota_us")" = 20000 ]
	[ "$(cat "$cpudir/cpu.cfs_period_us")" = 100000 ]
	touch "$BUNDLE/rootfs/go"
	sleep 0.3
	u0=$(cat "$acctdir/cpuacct.usage")
	sleep 1
	u1=$(cat "$acctdir/cpuacct.usage")
	thr=$(awk '$1 == "nr_throttled" { print $2 }' "$cpudir/cpu.stat")
	[ "$thr" -gt 0 ] || fail "nr_throttled=$thr"
	# 20% of one cpu for one second, with slack: well under an unthrottled 1e9 ns
	[ $((u1 - u0)) -lt 450000000 ] || fail "used $((u1 - u0)) ns of cpu in 1 s"
	[ $((u1 - u0)) -gt 50000000 ] || fail "the loop did not run: $((u1 - u0)) ns"
}

# The default config lacks CAP_MKNOD: add it, so that only the device rules decide.
mknod_bundle() {
	make_bundle "$BUNDLE" '.process.capabilities |= with_entries(.value += ["CAP_MKNOD"])' "$@"
}

@test "devices: a device outside the allow list cannot be opened, one in it can, access types hold" {
	# runc's default rules allow mknod of any device ("c *:* m"): opening is what
	# the rules decide. 1:11 is /dev/kmsg, in none of the default rules.
	mknod_bundle
	run_sh "$(new_id)" 'mknod /tmp/k c 1 11 && echo made; echo isorun-devices-test > /tmp/k && echo wrote; head -c 0 /dev/null && echo null-ok'
	[[ "$output" == *made* ]] || fail "$output"
	[[ "$output" == *"Operation not permitted"* ]] || fail "$output"
	[[ "$output" != *wrote* ]]
	[[ "$output" == *null-ok* ]]

	rm -rf "$BUNDLE"
	mknod_bundle '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "r"}]'
	run_sh "$(new_id)" 'mknod /tmp/k c 1 11 && echo made; echo isorun-devices-test > /tmp/k && echo wrote'
	[[ "$output" == *made* ]] || fail "$output"
	[[ "$output" == *"Operation not permitted"* ]] || fail "$output"
	[[ "$output" != *wrote* ]]

	rm -rf "$BUNDLE"
	mknod_bundle '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "rw"}]'
	run_sh "$(new_id)" 'mknod /tmp/k c 1 11 && echo made; echo isorun-devices-test > /tmp/k && echo wrote'
	[[ "$output" == *made* ]] || fail "$output"
	[[ "$output" == *wrote* ]] || fail "$output"
}

@test "delete removes the container's cgroup in every hierarchy" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 100
	local id pid ctl dirs=() d
	id=$(new_id)
	run_d_ctr "$id"
	pid=$(state_field "$id" pid)
	for ctl in $(awk -F: '{ print $2 }' "/proc/$pid/cgroup" | tr ',' ' ' | sed 's/name=[^ ]*//g'); do
		d=$(cgroup_dir_of "$pid" "$ctl") && dirs+=("$d")
	done
	d=$(cgroup_dir_of "$pid" "") && dirs+=("$d")
	[ "${#dirs[@]}" -ge 5 ]
	for d in "${dirs[@]}"; do
		[ -d "$d" ] || fail "missing $d"
		grep -qx "$pid" "$d/cgroup.procs" || fail "init not in $d"
	done
	rt delete --force "$id"
	for d in "${dirs[@]}"; do
		[ ! -e "$d" ] || fail "left behind: $d"
	done
}
