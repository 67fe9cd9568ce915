# sdlib.sh PREFIX: the harness the systemd VM driver scripts share (systemd-driver.sh on
# cgroup v2, sdhybrid-driver.sh on a hybrid tree), sourced inside the guest: TAP counters
# and lines, a runtime with --systemd-cgroup and its own state root, run -d from the
# bundle, configs with a cgroupsPath, and the bundle itself (VM_ROOTFS, runc's spec,
# `sleep 1000`). PREFIX names the work dir (/tmp/PREFIX.XXXXXX).
# Not a test script itself: its name matches none of the suites' prefixes.
# shellcheck shell=bash
repo=${VM_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
ISORUN=${ISORUN:-$repo/isorun}
CG=/sys/fs/cgroup
work=$(mktemp -d "/tmp/$1.XXXXXX")
b=$work/bundle
n=0 failed=0
ids=()

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
skip_t() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
diag() { sed 's/^/# /'; }
# result DESC RC [DIAG-TEXT]
result() {
	if [ "$2" = 0 ]; then ok "$1"; else not_ok "$1"; [ -n "${3:-}" ] && printf '%s\n' "$3" | tail -n 30 | diag; fi
	return 0
}
bin() { if [ "$1" = isorun ]; then echo "$ISORUN"; else echo "$1"; fi; }
rt() { local r=$1; shift; timeout -k 5 60 "$(bin "$r")" --root "$work/state-$r" --systemd-cgroup "$@"; }
# start RUNTIME ID: run -d from $b (output in $out; not through $(...), see guest-cgroups.sh)
start() {
	local rc
	(cd "$b" && rt "$1" run -d "$2" >"$work/run.out" 2>&1 </dev/null)
	rc=$?
	out=$(cat "$work/run.out")
	ids+=("$1 $2")
	return $rc
}
# cfg CGROUPS-PATH [JQ-FILTER [JQ-ARGS...]]: $b/config.json from the base config
cfg() {
	local p=$1 filter=${2:-.}
	shift 2 2>/dev/null || shift
	jq --arg cgp "$p" "$@" ".linux.cgroupsPath = \$cgp | $filter" "$work/base.json" >"$b/config.json"
}
# show UNIT PROPS: "Prop=value" lines
show() { systemctl show "$1" -p "$2" 2>&1; }
cleanup_all() {
	local e
	for e in "${ids[@]+"${ids[@]}"}"; do rt "${e%% *}" delete -f "${e#* }" >/dev/null 2>&1; done
	rm -rf "$work"
}
trap cleanup_all EXIT

# wait_for_bus: the system bus socket, for at most 10 s after boot
wait_for_bus() {
	for _ in $(seq 100); do [ -S /run/dbus/system_bus_socket ] && break; sleep 0.1; done
}
# check_lists_driver: `isorun check` names both cgroup drivers usable here
check_lists_driver() {
	local c
	c=$("$ISORUN" check --format json 2>&1)
	result "isorun check lists the systemd driver" \
		"$([ "$(jq -r .host.cgroup_drivers.state <<<"$c" 2>/dev/null)" = cgroupfs,systemd ] && echo 0 || echo 1)" \
		"$(jq .host.cgroup_drivers <<<"$c" 2>&1 || echo "$c")"
}
# make_bundle: $b with VM_ROOTFS and runc's spec; $work/base.json runs `sleep 1000`
make_bundle() {
	mkdir -p "$b" || exit 1
	cp -a "$VM_ROOTFS" "$b/rootfs" || { echo "Bail out! cannot copy VM_ROOTFS"; exit 1; }
	(cd "$b" && runc spec) || { echo "Bail out! runc spec failed"; exit 1; }
	jq '.process.terminal = false | .process.args = ["sleep", "1000"]' "$b/config.json" >"$work/base.json"
}
# the limits both drivers map to unit properties
LIMITS='.linux.resources.memory = {limit: 67108864, reservation: 16777216}
	| .linux.resources.pids = {limit: 64}
	| .linux.resources.cpu = {shares: 512, quota: 50000, period: 100000}'
