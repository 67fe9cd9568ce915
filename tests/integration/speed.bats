#!/usr/bin/env bats
# The regression guard of issue 16: `run /bin/true` must stay faster than runc's
# on this host. A ratio of runs alternated pair by pair (load on a shared machine
# hits both sides), the median of the per-pair ratios, and a margin: isorun is
# about 2.5-3x faster today, the guard fails only once it is no faster at all.

load helpers

PAIRS=${SPEED_PAIRS:-15}

@test "speed: run /bin/true is faster than runc's (median of alternated pairs)" {
	is_isorun || skip "compares isorun with runc: meaningless when the runtime under test is runc"
	command -v runc >/dev/null || skip "runc is not installed: nothing to compare with"
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" true
	local rroot=$TEST_DIR/runc-root i t0 t1 t2 ratios=() id
	# one warm-up each (page cache, the first cgroup migration)
	rt run --bundle "$BUNDLE" "$(new_id)" >/dev/null
	runc --root "$rroot" run --bundle "$BUNDLE" "warm-$$" >/dev/null
	for ((i = 0; i < PAIRS; i++)); do
		id=$(new_id)
		t0=${EPOCHREALTIME/./}
		rt run --bundle "$BUNDLE" "$id" >/dev/null || fail "isorun run failed"
		t1=${EPOCHREALTIME/./}
		timeout "$TMO" runc --root "$rroot" run --bundle "$BUNDLE" "r$i-$$" </dev/null >/dev/null 3>&- ||
			fail "runc run failed"
		t2=${EPOCHREALTIME/./}
		ratios+=("$(awk -v a=$((t1 - t0)) -v b=$((t2 - t1)) 'BEGIN { printf "%.3f", a / b }')")
	done
	local med
	med=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	echo "isorun/runc per pair: ${ratios[*]}; median $med (load $(cut -d' ' -f1 /proc/loadavg))"
	awk -v m="$med" 'BEGIN { exit !(m < 1.0) }' || fail "isorun run is no faster than runc: median ratio $med"
}

# On v1 and hybrid hosts a parent that writes its child's pid into cgroup.procs
# takes the kernel's global threadgroup lock, whose first taker after an idle
# moment waits an RCU grace period (about 10 ms here): more than the whole rest
# of a start. The child joining by itself ("0" into each v1 hierarchy's tasks
# file; CLONE_INTO_CGROUP for cgroup2) does not wait. strace -T times each
# write into a cgroup membership file, for `run` and `exec`, after an idle
# moment each, three times each.
@test "speed: joining the cgroup after an idle moment does not wait an RCU grace period (v1/hybrid)" {
	is_isorun || skip "runc 1.1.5 writes the pid into cgroup.procs from the parent: it waits the grace period"
	command -v strace >/dev/null || skip "strace is not installed: cannot time the cgroup writes"
	[ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ] ||
		skip "pure cgroup v2 host: CLONE_INTO_CGROUP, no cgroup.procs write to time"
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" true
	local i id log=$TEST_DIR/strace.log slow n
	for ((i = 0; i < 3; i++)); do
		id=$(new_id)
		sleep 0.3
		timeout "$TMO" strace -f -T -y -qq -e trace=write -o "$log.run$i" \
			"$ISORUN" --root "$ROOT" run --bundle "$BUNDLE" "$id" </dev/null >/dev/null 3>&- ||
			fail "run under strace failed"
	done
	set_args "$BUNDLE" sleep 100
	id=$(new_id)
	rt run -d --bundle "$BUNDLE" "$id" >/dev/null || fail "run -d failed"
	for ((i = 0; i < 3; i++)); do
		sleep 0.3
		timeout "$TMO" strace -f -T -y -qq -e trace=write -o "$log.exec$i" \
			"$ISORUN" --root "$ROOT" exec "$id" true </dev/null >/dev/null 3>&- ||
			fail "exec under strace failed"
	done
	# write(6</sys/fs/cgroup/pids/ID/tasks>, "0", 1) = 1 <0.000017>
	local re='^[0-9]+ +write\([0-9]+</sys/fs/cgroup/[^>]*/(cgroup\.procs|tasks)>' f slow_runs=0
	n=$(cat "$log".* | grep -cE "$re")
	for f in "$log".*; do
		slow=$(grep -E "$re" "$f" | awk '{ t = $NF; gsub(/[<>]/, "", t); if (t + 0 > 0.004) print }')
		[ -z "$slow" ] && continue
		slow_runs=$((slow_runs + 1))
		echo "${f##*.}: slower than 4 ms: $slow"
	done
	echo "cgroup membership writes: $n; invocations with a slow one: $slow_runs of 6"
	[ "$n" -ge 6 ] || fail "expected cgroup membership writes in the trace, saw $n"
	# strace times a call from its entry to its exit stop as strace sees them:
	# on a loaded machine its own wake-up may add a few ms once; a grace
	# period hits every invocation.
	[ "$slow_runs" -le 1 ] || fail "$slow_runs of 6 invocations waited in a cgroup join"
}
