#!/usr/bin/env bash
# make bench: isorun vs runc, sequential `run` of /bin/true in one busybox
# bundle, N runs each (default 50), alternated, median wall time and ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-50}
ISORUN=${ISORUN:-$PWD/isorun}
[ "$(id -u)" -eq 0 ] || { echo "make bench needs root" >&2; exit 1; }
command -v runc >/dev/null || { echo "runc is not installed (apt-get install runc)" >&2; exit 1; }
work=$(mktemp -d /tmp/isorun-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
tests/make-rootfs.sh "$work/bundle/rootfs"
python3 - "$work/bundle/config.json" <<'PY'
import json, sys
c = json.load(open("config.json.example"))
c["process"]["args"] = ["/bin/true"]
c["hostname"] = "bench"
c["linux"].pop("cgroupsPath", None)
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY

declare -A times
run_one() { # runtime-name binary i
	local name=$1 bin=$2 i=$3 t0 t1
	t0=$(date +%s%N)
	"$bin" --root "$work/root-$name" run --bundle "$work/bundle" "bench-$name-$i" >/dev/null
	t1=$(date +%s%N)
	times[$name]+="$(((t1 - t0) / 1000)) "
}
# One warm-up each, not counted.
run_one isorun "$ISORUN" warm; run_one runc runc warm; times=()
for i in $(seq 1 "$N"); do
	run_one isorun "$ISORUN" "$i"
	run_one runc runc "$i"
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
mi=$(echo "${times[isorun]}" | median)
mr=$(echo "${times[runc]}" | median)
awk -v n="$N" -v mi="$mi" -v mr="$mr" 'BEGIN {
	printf "run /bin/true, N=%d each, alternated\n", n
	printf "  isorun median: %8.2f ms\n", mi / 1000
	printf "  runc   median: %8.2f ms\n", mr / 1000
	printf "  runc/isorun:   %8.2fx\n", mr / mi
}'

# The same on a pure cgroup v2 kernel, with crun (which refuses hybrid hosts).
if [ "${BENCH_VM:-1}" = 1 ] && command -v qemu-system-x86_64 >/dev/null; then
	echo
	tests/vm/vm.sh --timeout 600 tests/vm/bench-guest.sh || echo "(VM bench failed: exit $?)"
fi
