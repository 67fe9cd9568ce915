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
for name in isorun runc crun floor; do : >"$b/$name.times"; done
one() { # name binary i
	t0=$(now_us)
	if [ "$1" = floor ]; then
		# the kernel's floor: the same namespaces, no runtime
		unshare --fork --pid --mount --uts --ipc --net --root="$b/rootfs" /bin/true \
			>/dev/null 2>&1 || echo "# floor run $3 failed"
	else
		"$2" --root "$b/root-$1" run --bundle "$b" "b-$1-$3" >/dev/null 2>&1 || echo "# $1 run $3 failed"
	fi
	echo $(($(now_us) - t0)) >>"$b/$1.times"
}
one isorun "$ISORUN" w; one runc runc w; one crun crun w; one floor - w
for name in isorun runc crun floor; do : >"$b/$name.times"; done
i=0
while [ $i -lt "$N" ]; do
	i=$((i + 1))
	one isorun "$ISORUN" $i
	one runc runc $i
	one crun crun $i
	one floor - $i
done
median() { sort -n "$1" | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
mi=$(median "$b/isorun.times"); mr=$(median "$b/runc.times"); mc=$(median "$b/crun.times")
mf=$(median "$b/floor.times")
awk -v n="$N" -v mi="$mi" -v mr="$mr" -v mc="$mc" -v mf="$mf" -v l="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
	printf "cgroup v2 VM (TCG, one boot), run /bin/true, N=%d each, alternated (guest load %s)\n", n, l
	printf "%-44s %9s %9s %8s  %s\n", "what (ratio = A / B)", "A ms", "B ms", "ratio", "goal"
	printf "%-44s %9.1f %9.1f %7.2fx  %s\n", "VM run: crun / isorun", mc / 1000, mi / 1000, mc / mi, ">= 1.3x"
	printf "%-44s %9.1f %9.1f %7.2fx  %s\n", "VM run: runc / isorun", mr / 1000, mi / 1000, mr / mi, ""
	printf "%-44s %9.1f %9.1f %7.2fx  %s\n", "VM run: isorun / unshare floor", mi / 1000, mf / 1000, mi / mf, ""
	printf "%-44s %9.1f %9.1f %7.2fx  %s\n", "VM run: crun / unshare floor", mc / 1000, mf / 1000, mc / mf, ""
}'
rm -rf "$b"
