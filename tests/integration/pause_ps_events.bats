#!/usr/bin/env bats
# pause/resume (the freezer), ps (json and table), events (--stats and the
# stream), and signals reaching every process of a container: kill --all and
# delete --force.

load helpers

# A test that fails while its container is paused must not leave frozen
# processes behind (they would hold their cgroups and callers' pipes
# forever): thaw and kill whatever is in the cgroups of every registered id
# before the usual teardown deletes them.
teardown() {
	local id d p
	if [ -n "${TEST_DIR:-}" ] && [ -f "$TEST_DIR/.ids" ]; then
		while read -r id; do
			[ -n "$id" ] || continue
			for d in $(cgroup_dirs_for "$id"); do
				[ -f "$d/freezer.state" ] && echo THAWED >"$d/freezer.state" 2>/dev/null
				[ -f "$d/cgroup.freeze" ] && echo 0 >"$d/cgroup.freeze" 2>/dev/null
			done
			for d in $(cgroup_dirs_for "$id"); do
				for p in $(cat "$d/cgroup.procs" 2>/dev/null); do
					kill -KILL "$p" 2>/dev/null || true
				done
			done
		done <"$TEST_DIR/.ids"
	fi
	common_teardown
}

# A container whose init counts into /tmp/counter every 50 ms.
counter_ctr() {
	make_bundle "$BUNDLE"
	set_cmd "$BUNDLE" 'i=0; while :; do i=$((i+1)); echo $i > /tmp/counter; sleep 0.05; done'
	ID=$(new_id)
	run_d_ctr "$ID"
	wait_file "$BUNDLE/rootfs/tmp/counter"
}

@test "pause freezes the container (a counter stops), resume thaws it" {
	counter_ctr
	local a b c pid
	rt pause "$ID"
	[ "$(state_field "$ID" status)" = paused ]
	pid=$(state_field "$ID" pid)
	[ "$(cat "$(cgroup_dir_of "$pid" freezer)/freezer.state")" = FROZEN ]
	a=$(cat "$BUNDLE/rootfs/tmp/counter")
	sleep 0.6
	b=$(cat "$BUNDLE/rootfs/tmp/counter")
	[ "$a" = "$b" ] || fail "counter moved while paused: $a -> $b"
	rt resume "$ID"
	[ "$(state_field "$ID" status)" = running ]
	sleep 0.6
	c=$(cat "$BUNDLE/rootfs/tmp/counter")
	[ "$c" -gt "$b" ] || fail "counter did not advance after resume: $b -> $c"
}

@test "pause and resume refuse the wrong states with runc's messages" {
	counter_ctr
	run rt resume "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"container not paused"* ]] || fail "$output"
	rt pause "$ID"
	run rt pause "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"container not running"* ]] || fail "$output"
	rt resume "$ID"
	rt kill "$ID" KILL
	wait_status "$ID" stopped
	run rt pause "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"container not running"* ]] || fail "$output"
	run rt resume "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"container not paused"* ]] || fail "$output"
	run rt pause nonexistent-pause-ctr
	[ "$status" -eq 1 ]
	[[ "$output" == *"container does not exist"* ]] || fail "$output"
}

@test "ps --format json lists init and its children; the table keeps ps's header" {
	make_bundle "$BUNDLE"
	set_cmd "$BUNDLE" 'sleep 1000 & sleep 1001 & echo up > /tmp/up; wait'
	local id pid json p
	id=$(new_id)
	run_d_ctr "$id"
	wait_file "$BUNDLE/rootfs/tmp/up"
	pid=$(state_field "$id" pid)
	json=$(rt ps --format json "$id" 2>"$TEST_DIR/ps.err")
	[ ! -s "$TEST_DIR/ps.err" ] || fail "stderr: $(cat "$TEST_DIR/ps.err")"
	[ "$(jq 'length' <<<"$json")" -eq 3 ] || fail "$json"
	jq -e --argjson p "$pid" 'index($p) != null' <<<"$json" >/dev/null || fail "init $pid missing: $json"
	for p in $(jq '.[]' <<<"$json"); do
		[ "$p" = "$pid" ] && continue
		grep -q "^PPid:[[:space:]]*$pid\$" "/proc/$p/status" || fail "$p is not a child of init"
		grep -q '^sleep' "/proc/$p/comm" || fail "$p is not a sleep"
	done
	run rt ps "$id"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *PID*CMD* ]] || fail "${lines[0]}"
	[ "${#lines[@]}" -eq 4 ] || fail "$output"
	[[ "$output" == *"sleep 1001"* ]]
	run rt ps -f yaml "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid format option"* ]]
}

@test "ps of a stopped container: null and a bare header" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" true
	local id
	id=$(new_id)
	run_d_ctr "$id"
	wait_status "$id" stopped
	run rt ps -f json "$id"
	[ "$status" -eq 0 ]
	[ "$output" = null ]
	run rt ps "$id"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ] && [[ "${lines[0]}" == *PID* ]]
}

@test "events --stats: one line in runc's envelope with plausible values" {
	make_bundle "$BUNDLE" '.linux.resources.pids = {"limit": 64}' '.linux.resources.memory = {"limit": 67108864}'
	set_cmd "$BUNDLE" 'sleep 1000 & echo up > /tmp/up; wait'
	local id out
	id=$(new_id)
	run_d_ctr "$id"
	wait_file "$BUNDLE/rootfs/tmp/up"
	out=$(rt events --stats "$id")
	[ "$(wc -l <<<"$out")" -eq 1 ]
	jq -e --arg id "$id" '.type == "stats" and .id == $id' <<<"$out" >/dev/null || fail "$out"
	jq -e '.data | has("cpu") and has("memory") and has("pids") and has("blkio") and has("hugetlb")' <<<"$out" >/dev/null
	jq -e '.data.pids.current >= 2 and .data.pids.limit == 64' <<<"$out" >/dev/null || fail "$(jq -c .data.pids <<<"$out")"
	jq -e '.data.memory.usage.usage > 0 and .data.memory.usage.limit == 67108864' <<<"$out" >/dev/null || fail "$(jq -c .data.memory.usage <<<"$out")"
	jq -e '.data.memory.usage | has("failcnt")' <<<"$out" >/dev/null
	jq -e '.data.memory.raw | has("rss") or has("anon")' <<<"$out" >/dev/null
	jq -e '.data.cpu.usage.total > 0 and (.data.cpu.usage | has("kernel") and has("user"))' <<<"$out" >/dev/null || fail "$(jq -c .data.cpu <<<"$out")"
	jq -e '.data.cpu | has("throttling")' <<<"$out" >/dev/null
}

@test "events streams stats every interval; refuses a stopped container" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 1000
	local id evpid n
	id=$(new_id)
	run_d_ctr "$id"
	"$ISORUN" --root "$ROOT" events --interval 300ms "$id" >"$TEST_DIR/events" 2>&1 </dev/null 3>&- &
	evpid=$!
	track_pid "$evpid"
	sleep 1.5
	n=$(grep -c '"type":"stats"' "$TEST_DIR/events")
	[ "$n" -ge 3 ] && [ "$n" -le 6 ] || fail "$n stats lines in 1.5 s at 300ms"
	rt kill "$id" KILL
	wait_status "$id" stopped
	if is_isorun; then
		local i
		for ((i = 0; i < 40; i++)); do kill -0 "$evpid" 2>/dev/null || break; sleep 0.1; done
		! kill -0 "$evpid" 2>/dev/null || fail "events did not end with the container"
	fi
	run rt events --stats "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"container with id $id is not running"* ]] || fail "$output"
	run rt events --interval 0s "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"duration interval must be greater than 0"* ]] || fail "$output"
}

# A container sharing the host pid namespace whose init forks background
# sleepers; prints its pids (host pids: no pid namespace) one per line.
sleepers_ctr() {
	make_bundle "$BUNDLE" '.linux.namespaces |= map(select(.type != "pid"))'
	set_cmd "$BUNDLE" 'sleep 1000 & sleep 1001 & (sleep 1002 &) ; echo up > /tmp/up; wait'
	ID=$(new_id)
	run_d_ctr "$ID"
	wait_file "$BUNDLE/rootfs/tmp/up"
	local i
	for ((i = 0; i < 50; i++)); do
		PIDS=$(rt ps -f json "$ID" | jq -r '.[]')
		[ "$(wc -w <<<"$PIDS")" -ge 4 ] && break
		sleep 0.05
	done
	[ "$(wc -w <<<"$PIDS")" -eq 4 ] || fail "pids: $PIDS"
}

# all_gone PID...: every pid has exited (gone or a zombie) within 5 s.
all_gone() {
	local p i st
	for p in "$@"; do
		for ((i = 0; i < 100; i++)); do
			st=$(awk '/^State:/ { print $2 }' "/proc/$p/status" 2>/dev/null) || st=""
			[ -z "$st" ] || [ "$st" = Z ] && break
			sleep 0.05
		done
		[ -z "$st" ] || [ "$st" = Z ] || fail "pid $p still alive (state $st)"
	done
}

@test "kill --all reaches every process of a container without a pid namespace" {
	sleepers_ctr
	local procs
	procs="$(cgroup_dir_of "${PIDS%%$'\n'*}" pids)/cgroup.procs"
	rt kill --all "$ID" KILL
	all_gone $PIDS
	[ ! -s "$procs" ] || fail "cgroup not empty: $(cat "$procs")"
	wait_status "$ID" stopped
}

@test "delete --force kills every process of a container without a pid namespace" {
	sleepers_ctr
	rt delete --force "$ID"
	all_gone $PIDS
	[ -z "$(cgroup_dirs_for "$ID")" ] || fail "cgroup left: $(cgroup_dirs_for "$ID")"
}

# pids_in_cgroups ID: every pid listed in any of the container's cgroup dirs.
pids_in_cgroups() {
	local d
	for d in $(cgroup_dirs_for "$1"); do cat "$d/cgroup.procs" 2>/dev/null; done | sort -u
}

@test "delete --force of a paused container kills an exec still setting up, removes cgroups and state" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 1000
	ID=$(new_id)
	run_d_ctr "$ID" || fail "run -d: $(cat "$TEST_DIR/$ID.err")"
	local init i epid n
	init=$(state_field "$ID" pid)
	rt pause "$ID"
	[ "$(state_field "$ID" status)" = paused ]
	# Its child joins the frozen cgroup and freezes half-way through its setup,
	# while the caller holds the container's state lock.
	timeout --kill-after=2 15 "$ISORUN" --root "$ROOT" exec --ignore-paused "$ID" echo hi \
		</dev/null >"$TEST_DIR/exec.out" 2>&1 3>&- &
	epid=$!
	track_pid "$epid"
	for ((i = 0; i < 100; i++)); do
		n=$(pids_in_cgroups "$ID" | wc -l)
		[ "$n" -ge 2 ] && break
		sleep 0.05
	done
	[ "$n" -ge 2 ] || fail "the exec never joined the cgroup: $(pids_in_cgroups "$ID")"
	sleep 0.2
	run rt delete --force "$ID"
	[ "$status" -eq 0 ] || fail "delete --force: $status $output"
	# The exec's caller returns (its child was killed) well before its own timeout.
	for ((i = 0; i < 100; i++)); do
		kill -0 "$epid" 2>/dev/null || break
		sleep 0.05
	done
	! kill -0 "$epid" 2>/dev/null || fail "exec caller still running 5 s after delete --force"
	wait "$epid" || true
	[ ! -e "/proc/$init" ] || [ "$(awk '{print $3}' "/proc/$init/stat")" = Z ] ||
		fail "init $init still alive"
	[ -z "$(pids_in_cgroups "$ID")" ] || fail "left in the cgroup: $(pids_in_cgroups "$ID")"
	[ -z "$(cgroup_dirs_for "$ID")" ] || fail "cgroup dirs left: $(cgroup_dirs_for "$ID")"
	[ ! -e "$ROOT/$ID" ] || fail "state dir left"
}
