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
