#!/usr/bin/env bash
# make bench: one table of ratios, each from runs ALTERNATED between the sides it
# compares (load on a shared machine then hits both sides alike; absolute times
# move with the load, the ratios much less). Host part, then the cgroup v2 VM part.
#
#   N=30            pairs per sequential comparison (median of N runs each)
#   BENCH_LIVE=1000 live containers for the churn rows (100 for a quick run)
#   BENCH_PAR=4     concurrent starters     BENCH_VM=0  skips the VM part
#
# Rows: run /bin/true (isorun, the unshare floor, runc; crun refuses hybrid
# hosts), exec (isorun, nsenter --all floor, runc exec), parallel starts, churn at
# BENCH_LIVE live containers vs at 10, peak RSS of each command, and a profile of
# one `run` from its --debug --log t= stamps.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-30}
LIVE=${BENCH_LIVE:-1000}
PAR=${BENCH_PAR:-4}
ISORUN=${ISORUN:-$PWD/isorun}
RUNC=${RUNC:-runc}
[ "$(id -u)" -eq 0 ] || { echo "make bench needs root" >&2; exit 1; }
command -v "$RUNC" >/dev/null || { echo "runc is not installed" >&2; exit 1; }
work=$(mktemp -d /tmp/isorun-bench.XXXXXX)
cleanup() {
	local r id
	for r in "$work"/root-*; do
		[ -d "$r" ] || continue
		case $r in *runc*) rt=$RUNC ;; *) rt=$ISORUN ;; esac
		for id in $("$rt" --root "$r" list -q 2>/dev/null); do
			"$rt" --root "$r" delete -f "$id" >/dev/null 2>&1 || true
		done
	done
	umount "$work/isorun-ro" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
B=$work/bundle
tests/make-rootfs.sh "$B/rootfs" >/dev/null
# runc's default spec (what the issue measures), running /bin/true.
(cd "$B" && "$RUNC" spec)
python3 - "$B/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/true"]
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
# The same bundle with a long-running process, for exec and churn.
mkdir -p "$work/sleep"
jq --arg r "$B/rootfs" '.process.args = ["sleep", "100000"] | .root.path = $r' "$B/config.json" \
	>"$work/sleep/config.json"
FLOOR=(unshare --fork --pid --mount --uts --ipc --net --root="$B/rootfs" /bin/true)

now_us() { local t=${EPOCHREALTIME/./}; echo "$t"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
load() { cut -d' ' -f1 /proc/loadavg; }
# time_us CMD...: wall time of one run in microseconds (output discarded).
time_us() {
	local t0 t1
	t0=$(now_us)
	"$@" >/dev/null 2>&1 </dev/null || echo "# failed: $*" >&2
	t1=$(now_us)
	echo $((t1 - t0))
}
seq_id=0
nid() { seq_id=$((seq_id + 1)); echo "b$seq_id"; }
ri() { "$ISORUN" --root "$work/root-isorun" "$@"; }
rr() { "$RUNC" --root "$work/root-runc" "$@"; }

rows=()
# row WHAT A_US B_US GOAL: a table row, ratio A/B.
row() {
	rows+=("$(awk -v w="$1" -v a="$2" -v b="$3" -v g="$4" -v l="$(load)" 'BEGIN {
		printf "%-44s %9.2f %9.2f %7.2fx  %-22s %s", w, a / 1000, b / 1000, a / b, g, l }')")
	echo "${rows[-1]}" >&2
}

echo "isorun bench: $(nproc) cores, $(uname -r), load $(load) at start; N=$N pairs" >&2

# ---- sequential run /bin/true: isorun, isorun installed read-only, floor, runc, alternated
# The read-only install (a read-only bind of a copy onto itself, as a read-only
# /usr gives) skips the re-exec that protects a writable binary (CVE-2019-5736).
RO=$work/isorun-ro
cp "$ISORUN" "$RO" && mount --bind "$RO" "$RO" && mount -o remount,bind,ro "$RO"
ro() { "$RO" --root "$work/root-isorun" "$@"; }
ti=() to=() tf=() tr=()
ri run --bundle "$B" warm >/dev/null; rr run --bundle "$B" warm >/dev/null
for ((i = 0; i < N; i++)); do
	ti+=("$(time_us ri run --bundle "$B" "$(nid)")")
	to+=("$(time_us ro run --bundle "$B" "$(nid)")")
	tf+=("$(time_us "${FLOOR[@]}")")
	tr+=("$(time_us rr run --bundle "$B" "$(nid)")")
done
mi=$(printf '%s\n' "${ti[@]}" | median)
mo=$(printf '%s\n' "${to[@]}" | median)
mf=$(printf '%s\n' "${tf[@]}" | median)
mr=$(printf '%s\n' "${tr[@]}" | median)
row "run /bin/true: isorun / unshare floor" "$mi" "$mf" "<= 2x"
row "run /bin/true: runc / isorun" "$mr" "$mi" ">= 3.5x"
row "run: isorun installed read-only / floor" "$mo" "$mf" "<= 2x (no re-exec)"
row "run: runc / isorun installed read-only" "$mr" "$mo" ">= 3.5x (no re-exec)"

# ---- exec true into a running container: isorun, nsenter floor, runc exec
ri run -d --bundle "$work/sleep" ex >/dev/null
rr run -d --bundle "$work/sleep" ex >/dev/null
pid=$(ri state ex | jq .pid)
ti=() tf=() tr=()
for ((i = 0; i < N; i++)); do
	ti+=("$(time_us ri exec ex true)")
	tf+=("$(time_us nsenter --all --target "$pid" true)")
	tr+=("$(time_us rr exec ex true)")
done
mei=$(printf '%s\n' "${ti[@]}" | median)
mef=$(printf '%s\n' "${tf[@]}" | median)
mer=$(printf '%s\n' "${tr[@]}" | median)
row "exec true: isorun / nsenter --all floor" "$mei" "$mef" "<= 2x"
row "exec true: runc / isorun" "$mer" "$mei" "(informative)"

# ---- parallel starts: PAR starters, K runs each; rounds alternated
K=$(((N + PAR - 1) / PAR * 2))
par_round() { # r|i
	local who=$1 t0 t1 j
	t0=$(now_us)
	for ((j = 0; j < PAR; j++)); do
		(for ((k = 0; k < K; k++)); do
			if [ "$who" = i ]; then ri run --bundle "$B" "p$j-$k-$RANDOM$RANDOM" >/dev/null 2>&1
			else rr run --bundle "$B" "p$j-$k-$RANDOM$RANDOM" >/dev/null 2>&1; fi
		done) &
	done
	wait
	t1=$(now_us)
	echo $(((t1 - t0) / (PAR * K))) # wall us per container
}
pi=() pr=()
for ((i = 0; i < 3; i++)); do pi+=("$(par_round i)"); pr+=("$(par_round r)"); done
mpi=$(printf '%s\n' "${pi[@]}" | median)
mpr=$(printf '%s\n' "${pr[@]}" | median)
row "parallel x$PAR: containers/s isorun / runc" "$mpr" "$mpi" ">= 2x"
# Wall time per container started in parallel vs one after the other (the
# sequential median above): more than 1x means starts wait for each other.
row "parallel x$PAR: wall ms/container / sequential" "$mpi" "$mi" "<= 1x"

# ---- churn: ops at 10 live containers vs at LIVE, alternated between two roots
fill() { # root count
	local r=$1 n=$2 j
	for ((j = 0; j < n; j++)); do
		"$ISORUN" --root "$r" run -d --bundle "$work/sleep" "l$j" >/dev/null
	done
}
echo "# starting $LIVE live containers..." >&2
fill "$work/root-isorun-10" 10
fill "$work/root-isorun-live" "$LIVE"
for op in run-d state exec delete list; do
	a=() b=()
	for ((i = 0; i < N / 2 + 1; i++)); do
		order="10 live"; ((i % 2)) && order="live 10"
		for r in $order; do
			R=(--root "$work/root-isorun-$r")
			case $op in
			run-d) t=$(time_us "$ISORUN" "${R[@]}" run -d --bundle "$work/sleep" "c$i") ;;
			state) t=$(time_us "$ISORUN" "${R[@]}" state l3) ;;
			exec) t=$(time_us "$ISORUN" "${R[@]}" exec l3 true) ;;
			delete) t=$(time_us "$ISORUN" "${R[@]}" delete -f "c$i") ;;
			list) t=$(time_us "$ISORUN" "${R[@]}" list) ;;
			esac
			if [ $r = 10 ]; then a+=("$t"); else b+=("$t"); fi
		done
	done
	m10=$(printf '%s\n' "${a[@]}" | median)
	mN=$(printf '%s\n' "${b[@]}" | median)
	if [ $op = list ]; then
		# per container listed: linear means about 1x
		row "list: time per container, at $LIVE / at 10" "$((mN * 10 / LIVE))" "$m10" "~1x (linear)"
	else
		row "$op: at $LIVE live / at 10 live" "$mN" "$m10" "<= 1x (flat)"
	fi
done

# ---- peak RSS (kB, printed in the time columns as MB) of each command, isorun vs runc
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null </dev/null | tail -1; }
rss_row() { # what isorun-cmd... -- runc-cmd...
	local what=$1 a=() b=()
	shift
	while [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	local ki kr
	ki=$(rss "${a[@]}")
	kr=$(rss "${b[@]}" "$@")
	rows+=("$(awk -v w="$what" -v a="$ki" -v b="$kr" -v l="$(load)" 'BEGIN {
		printf "%-44s %8.1fM %8.1fM %7.2fx  %-22s %s", w, a / 1024, b / 1024, a / b, "isorun < 3 MB", l }')")
	echo "${rows[-1]}" >&2
}
if [ -x /usr/bin/time ]; then
	rss_row "peak RSS run: isorun / runc" "$ISORUN" --root "$work/root-isorun" run --bundle "$B" rss1 -- \
		"$RUNC" --root "$work/root-runc" run --bundle "$B" rss1
	rss_row "peak RSS exec: isorun / runc" "$ISORUN" --root "$work/root-isorun" exec ex true -- \
		"$RUNC" --root "$work/root-runc" exec ex true
	rss_row "peak RSS state: isorun / runc" "$ISORUN" --root "$work/root-isorun" state ex -- \
		"$RUNC" --root "$work/root-runc" state ex
	rss_row "peak RSS list ($LIVE): isorun / runc (1)" "$ISORUN" --root "$work/root-isorun-live" list -- \
		"$RUNC" --root "$work/root-runc" list
	rss_row "peak RSS delete -f: isorun / runc" "$ISORUN" --root "$work/root-isorun" delete -f ex -- \
		"$RUNC" --root "$work/root-runc" delete -f ex
fi

# ---- profile of one run, from the t= stamps of its --debug lines
log=$work/debug.log
ri --debug --log "$log" run --bundle "$B" prof >/dev/null
profile=$(awk '
	function t(line) { match(line, / t=[0-9.]+ms/); return substr(line, RSTART + 3, RLENGTH - 5) + 0 }
	/msg="create: clone3 init/ { clone = t($0) }
	/msg="(create|init): cgroup join/ { join = t($0) }
	/msg="init: namespaces entered/ { ns = t($0) }
	/msg="init: rootfs mounts/ { mounts = t($0) }
	/msg="init: pivot/ { pivot = t($0) }
	/msg="init: masked paths/ { masked = t($0) }
	/msg="init: exec: about to execve/ { pre = t($0) }
	/msg="run: process started/ { started = t($0) }
	/msg="run: wait: process exited/ { exited = t($0) }
	/msg="run: delete: done/ { done_ = t($0) }
	END {
		printf "profile of one run (ms): to clone %.1f | cgroup join %.1f | ns %.1f | rootfs %.1f | pivot+dev %.1f | masks %.1f | creds+seccomp %.1f | execve %.1f | wait %.1f | delete %.1f | total %.1f",
			clone, join - clone, ns - join, mounts - ns, pivot - mounts, masked - pivot,
			pre - masked, started - pre, exited - started, done_ - exited, done_
	}' "$log")

echo
echo "isorun bench, $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -r); medians of alternated runs (N=$N)"
printf '%-44s %9s %9s %8s  %-22s %s\n' "what (ratio = A / B)" "A ms" "B ms" "ratio" "goal" "load"
printf '%s\n' "${rows[@]}"
echo "(1) runc's list at its own 2 containers, not $LIVE"
echo "$profile"

# The same on a pure cgroup v2 kernel, with crun (which refuses hybrid hosts).
if [ "${BENCH_VM:-1}" = 1 ] && command -v qemu-system-x86_64 >/dev/null; then
	echo
	tests/vm/vm.sh --timeout 900 tests/vm/bench-guest.sh || echo "(VM bench failed: exit $?)"
fi
