#!/bin/sh
# bench-guest.sh: runs INSIDE the cgroup v2 VM (tests/bench.sh boots it). Times
# `run /bin/true` for isorun, runc and crun, alternated, N each, and prints the
# medians. TCG makes every process 20-30x slower than on the host: compare the
# runtimes with each other, never with host figures.
set -u
N=${BENCH_N:-15}
ISORUN=${ISORUN:-/mnt/host/isorun}
b=$(mktemp -d /tmp/bench.XXXXXX)
cp -a "$VM_ROOTFS" "$b/rootfs"
(cd "$b" && runc spec)
sed -i 's/"terminal": true/"terminal": false/; s/"sh"$/"\/bin\/true"/' "$b/config.json"

now_us() { echo $(($(date +%s%N) / 1000)); }
for name in isorun runc crun; do : >"$b/$name.times"; done
one() { # name binary i
	t0=$(now_us)
	"$2" --root "$b/root-$1" run --bundle "$b" "b-$1-$3" >/dev/null 2>&1 || echo "# $1 run $3 failed"
	echo $(($(now_us) - t0)) >>"$b/$1.times"
}
one isorun "$ISORUN" w; one runc runc w; one crun crun w
for name in isorun runc crun; do : >"$b/$name.times"; done
i=0
while [ $i -lt "$N" ]; do
	i=$((i + 1))
	one isorun "$ISORUN" $i
	one runc runc $i
	one crun crun $i
done
median() { sort -n "$1" | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
mi=$(median "$b/isorun.times"); mr=$(median "$b/runc.times"); mc=$(median "$b/crun.times")
awk -v n="$N" -v mi="$mi" -v mr="$mr" -v mc="$mc" 'BEGIN {
	printf "cgroup v2 VM (TCG), run /bin/true, N=%d each, alternated\n", n
	printf "  isorun median: %8.1f ms\n", mi / 1000
	printf "  runc   median: %8.1f ms   (runc/isorun %.2fx)\n", mr / 1000, mr / mi
	printf "  crun   median: %8.1f ms   (crun/isorun %.2fx)\n", mc / 1000, mc / mi
}'
rm -rf "$b"
