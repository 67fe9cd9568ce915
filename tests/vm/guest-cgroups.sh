#!/bin/bash
# guest-cgroups.sh: runs INSIDE the VM (tests/vm/run.sh cgroups), not on the host.
# Proves every cgroup v2 resource with real workloads, each check once with isorun
# and once with crun (the v2 reference), as separate TAP lines so that a difference
# between the two is visible: the files create writes (compared with crun's too),
# OOM kill, pids.max, cpu.max throttling, the eBPF device filter, update, pause/resume,
# kill --all (cgroup.kill), delete, CLONE_INTO_CGROUP, exec --cgroup, and a refused unified key.
# Run alone: tests/vm/run.sh cgroups (CG_ONLY="files oom ..." through vm.sh picks checks).
# --list: the names of the checks, one per line, without running anything (tests/vm/run.sh
# reports each as skipped when no VM can run).
set -u
CHECKS=(files oom events_oom pids cpu devices update pause killall born subcg invalid)
RUNTIMES=(isorun crun)
if [ "${1:-}" = --list ]; then
	for t in "${CHECKS[@]}"; do for r in "${RUNTIMES[@]}"; do echo "$r: $t"; done; done
	echo "isorun and crun write the same resource files"
	for r in "${RUNTIMES[@]}"; do echo "$r: delete -f left no cgroup, list shows no container"; done
	exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
repo=${VM_REPO:-$(cd "$here/../.." && pwd)}
ISORUN=${ISORUN:-$repo/isorun}
CG=/sys/fs/cgroup
PARENT=isorun-cgtest # pre-made, so no runtime removes it (it keeps the hierarchical counters)
work=$(mktemp -d /tmp/cgroups.XXXXXX)
b=$work/bundle
n=0 failed=0
ids=()
declare -A leaked=() # RUNTIME -> cgroup dirs still there after its delete -f

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
diag() { sed 's/^/# /'; }
# result DESC OK_OR_NOT [DIAG-TEXT]
result() {
	if [ "$2" = 0 ]; then ok "$1"; else not_ok "$1"; [ -n "${3:-}" ] && printf '%s\n' "$3" | tail -n 25 | diag; fi
	return 0
}

bin() { if [ "$1" = isorun ]; then echo "$ISORUN"; else echo "$1"; fi; }
# rt RUNTIME ARGS...: the runtime with its own state root, bounded in time
rt() { local r=$1; shift; timeout -k 5 30 "$(bin "$r")" --root "$work/state-$r" "$@"; }
# create RUNTIME ID: create from $b, its output in $out. Not through $(...): the
# container's init inherits create's stdout and would hold the pipe open.
create() {
	local rc
	(cd "$b" && rt "$1" create "$2" >"$work/create.out" 2>&1 </dev/null)
	rc=$?
	out=$(cat "$work/create.out")
	return $rc
}

cleanup_ct() { # cleanup_ct RUNTIME ID: no container, no cgroup left
	local r=$1 id=$2 d=$CG/$PARENT/$2
	rt "$r" delete -f "$id" >/dev/null 2>&1
	# (crun-invalid: crun's known leftover, see t_invalid)
	[ -d "$d" ] && [ "$id" != crun-invalid ] && leaked[$r]+="$d "
	if [ -d "$d" ]; then
		echo 1 >"$d/cgroup.kill" 2>/dev/null
		echo 0 >"$d/cgroup.freeze" 2>/dev/null
		for _ in 1 2 3 4 5 6 7 8 9 10; do rmdir "$d" 2>/dev/null && break; sleep 0.2; done
	fi
	return 0
}
cleanup_all() {
	local e
	for e in "${ids[@]+"${ids[@]}"}"; do cleanup_ct "${e%% *}" "${e#* }"; done
	rmdir "$CG/$PARENT" 2>/dev/null
	rm -rf "$work"
}
trap cleanup_all EXIT

# ---------------------------------------------------------------- bundle
mkdir -p "$b" "$CG/$PARENT" || { echo "Bail out! cannot make $b or $CG/$PARENT"; exit 1; }
# every controller the root delegates, for the containers below $PARENT
for c in $(cat "$CG/cgroup.subtree_control"); do echo "+$c" >"$CG/$PARENT/cgroup.subtree_control"; done
cp -a "$VM_ROOTFS" "$b/rootfs" || { echo "Bail out! cannot copy VM_ROOTFS"; exit 1; }
(cd "$b" && runc spec) || { echo "Bail out! runc spec failed"; exit 1; }
jq '.process.terminal = false | .process.args = ["true"]' "$b/config.json" >"$work/base.json"

# cfg RUNTIME NAME JQ-FILTER [JQ-ARGS...]: writes config.json for container
# RUNTIME-NAME, with cgroupsPath /$PARENT/RUNTIME-NAME; sets $id and $dir.
cfg() {
	local r=$1 name=$2 filter=$3
	shift 3
	id=$r-$name dir=$CG/$PARENT/$r-$name
	ids+=("$r $id")
	jq --arg cgp "/$PARENT/$id" "$@" ".linux.cgroupsPath = \$cgp | $filter" "$work/base.json" >"$b/config.json"
}
# args ARG...: a JSON array of the arguments, none with a newline (jq 1.6 would take
# "-c" after --args as its own option, and -R strings end at a NUL)
args() { printf '%s\n' "$@" | jq -Rsc 'split("\n")[:-1]'; }
state_of() { rt "$1" state "$2" 2>/dev/null | jq -r .status 2>/dev/null; }
wait_state() { # wait_state RUNTIME ID STATUS: up to ~10 s
	for _ in $(seq 50); do [ "$(state_of "$1" "$2")" = "$3" ] && return 0; sleep 0.2; done
	return 1
}
pid_of() { rt "$1" state "$2" 2>/dev/null | jq -r .pid; }
key() { awk -v k="$2" '$1 == k {print $2}' "$1" 2>/dev/null; } # key FILE KEY: flat-keyed value
# start_ct RUNTIME ID: create + start from $b, with diagnostics in $out
start_ct() {
	create "$1" "$2" || return 1
	out+=$(rt "$1" start "$2" 2>&1 </dev/null) # returns once the program runs
}

# ---------------------------------------------------------------- checks
# The files create writes for one config, as "file=value" lines (also compared
# between isorun and crun below).
huge=
[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] && huge=1
declare -A files_seen
t_files() {
	local r=$1 f want got bad= res
	res='{memory: {limit: 67108864, reservation: 33554432, swap: 100663296},
	      pids: {limit: 20},
	      cpu: {shares: 1024, quota: 50000, period: 100000, cpus: "0", mems: "0"},
	      blockIO: {weight: 500},
	      unified: {"memory.high": "52428800"}}'
	[ -n "$huge" ] && res+=' + {hugepageLimits: [{pageSize: "2MB", limit: 4194304}]}'
	cfg "$r" files ".linux.resources += ($res)"
	local -a expect=("memory.max=67108864" "memory.low=33554432" "memory.swap.max=33554432"
		"pids.max=20" "cpu.max=50000 100000" "cpu.weight=39" "cpuset.cpus=0" "cpuset.mems=0"
		"memory.high=52428800")
	[ -n "$huge" ] && expect+=("hugetlb.2MB.max=4194304")
	# io.weight from blkio weight with runc's conversion, or the raw weight in BFQ's file
	if create "$r" "$id"; then
		if [ -e "$dir/io.bfq.weight" ]; then expect+=("io.bfq.weight=default 500")
		elif [ -e "$dir/io.weight" ]; then expect+=("io.weight=default 4950"); fi
		local seen=
		for f in "${expect[@]}"; do
			want=${f#*=} f=${f%%=*}
			got=$(head -n1 "$dir/$f" 2>&1)
			seen+="$f=$got"$'\n'
			[ "$got" = "$want" ] || bad+="$f: want '$want', got '$got'"$'\n'
		done
		files_seen[$r]=$seen
		# isorun also limits hugetlb reservations (runc 1.2); only shown, not compared
		[ -n "$huge" ] && echo "# $r: hugetlb.2MB.rsvd.max $(cat "$dir/hugetlb.2MB.rsvd.max" 2>&1)"
		result "$r: create writes ${expect[*]%%=*}" "$([ -z "$bad" ]; echo $?)" "$bad"
	else
		result "$r: create writes the resource files" 1 "$out"
	fi
	cleanup_ct "$r" "$id"
}

# A process allocating past memory.max is OOM-killed: exit 137, oom_kill counted
# (read in $PARENT: memory.events is hierarchical and outlives the container).
oom_kills() { key "$CG/$PARENT/memory.events" oom_kill; }
t_oom() {
	local r=$1 before after rc
	cfg "$r" oom '.linux.resources.memory = {limit: 33554432, swap: 33554432} | .process.args = $a' \
		--argjson a "$(args awk 'BEGIN { s = "x"; while (1) s = s s }')"
	before=$(oom_kills)
	out=$(cd "$b" && rt "$r" run "$id" 2>&1 </dev/null)
	rc=$?
	after=$(oom_kills)
	result "$r: memory limit OOM-kills (exit 137, memory.events oom_kill $before -> $after)" \
		"$([ "$rc" = 137 ] && [ "${after:-0}" -gt "${before:-0}" ]; echo $?)" "exit $rc: $out"
	cleanup_ct "$r" "$id"
}

# `events` sees the OOM of a running container (awk is killed, its shell lives on)
t_events_oom() {
	local r=$1 ev
	if [ "$r" = crun ]; then skip "$r: events reports an OOM" "crun has no events command"; return; fi
	cfg "$r" evoom '.linux.resources.memory = {limit: 33554432, swap: 33554432} | .process.args = $a' \
		--argjson a "$(args sh -c 'sleep 2; awk "BEGIN { s = \"x\"; while (1) s = s s }"; exec sleep 30')"
	if start_ct "$r" "$id"; then
		# the stream ends at the first oom event (grep quits, events gets EPIPE), or after 12 s
		timeout 12 "$(bin "$r")" --root "$work/state-$r" events --interval 1s "$id" 2>&1 |
			tee "$work/events.out" | grep -q -m1 '"type": *"oom"'
		result "$r: events reports an OOM" "$?" "$(cat "$work/events.out")"
	else
		result "$r: events reports an OOM" 1 "$out"
	fi
	cleanup_ct "$r" "$id"
}

# fork beyond pids.max fails: awk starts 10 sleepers through sh, at most 5 tasks fit
t_pids() {
	local r=$1 procs sleepers max p
	cfg "$r" pids '.linux.resources.pids = {limit: 5} | .process.args = $a' \
		--argjson a "$(args awk 'BEGIN { for (i = 0; i < 10; i++) system("sleep 30 &"); system("exec sleep 30") }')"
	if start_ct "$r" "$id"; then
		sleep 2
		procs=$(wc -l <"$dir/cgroup.procs") sleepers=0
		for p in $(cat "$dir/cgroup.procs"); do [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sleep ] && sleepers=$((sleepers + 1)); done
		max=$(key "$dir/pids.events" max)
		result "$r: pids.max 5 stops forks ($sleepers of 11 sleepers started, pids.events max $max)" \
			"$([ "$procs" -le 5 ] && [ "$sleepers" -ge 1 ] && [ "$sleepers" -le 4 ] && [ "${max:-0}" -ge 1 ]; echo $?)" \
			"procs $procs, sleepers $sleepers, pids.max $(cat "$dir/pids.max"), pids.events max $max"
	else
		result "$r: pids.max stops forks" 1 "$out"
	fi
	cleanup_ct "$r" "$id"
}

# cpu.max throttles a busy loop
t_cpu() {
	local r=$1 thr
	cfg "$r" cpu '.linux.resources.cpu = {quota: 10000, period: 100000} | .process.args = $a' \
		--argjson a "$(args sh -c 'while :; do :; done')"
	if start_ct "$r" "$id"; then
		sleep 1.5
		thr=$(key "$dir/cpu.stat" nr_throttled)
		result "$r: cpu.max 10000 100000 throttles a busy loop (nr_throttled $thr)" \
			"$([ "${thr:-0}" -gt 0 ]; echo $?)" "$(cat "$dir/cpu.max" "$dir/cpu.stat")"
	else
		result "$r: cpu.max throttles a busy loop" 1 "$out"
	fi
	cleanup_ct "$r" "$id"
}

# devices (eBPF on v2): /dev/kmsg (c 1:11, not in the default allow list) bind-mounted
# into the container cannot be opened; with a rule allowing c 1:11 it can.
t_devices() {
	local r=$1 rc1 rc2 out1 out2
	local mnt='.mounts += [{destination: "/dev/kmsg", type: "bind", source: "/dev/kmsg", options: ["bind"]}]'
	local a
	a=$(args sh -c 'echo isorun-cgroups-devtest >/dev/kmsg')
	cfg "$r" devdeny "$mnt | .process.args = \$a" --argjson a "$a"
	out1=$(cd "$b" && rt "$r" run "$id" 2>&1 </dev/null)
	rc1=$?
	cleanup_ct "$r" "$id"
	result "$r: device not in the allow list cannot be opened (c 1:11 denied)" \
		"$([ "$rc1" != 0 ] && grep -q 'not permitted' <<<"$out1"; echo $?)" "exit $rc1: $out1"
	cfg "$r" devallow "$mnt | .process.args = \$a |
		.linux.resources.devices += [{allow: true, type: \"c\", major: 1, minor: 11, access: \"rw\"}]" --argjson a "$a"
	out2=$(cd "$b" && rt "$r" run "$id" 2>&1 </dev/null)
	rc2=$?
	cleanup_ct "$r" "$id"
	result "$r: device in the allow list can be opened (c 1:11 allowed)" "$rc2" "exit $rc2: $out2"
}

# update changes memory.max and pids.max of a running container
t_update() {
	local r=$1 got
	cfg "$r" update '.linux.resources += {memory: {limit: 67108864}, pids: {limit: 20}} | .process.args = ["sleep", "30"]'
	if start_ct "$r" "$id"; then
		out=$(rt "$r" update --memory 134217728 --pids-limit 30 "$id" 2>&1)
		got="$(cat "$dir/memory.max") $(cat "$dir/pids.max")"
		result "$r: update changes memory.max and pids.max (67108864 20 -> $got)" \
			"$([ "$got" = "134217728 30" ]; echo $?)" "$out"
	else
		result "$r: update changes memory.max and pids.max" 1 "$out"
	fi
	cleanup_ct "$r" "$id"
}

# pause freezes (a counter stops, cgroup.events frozen 1), resume thaws
t_pause() {
	local r=$1 c1 c2 c3 fr1 fr2 st
	cfg "$r" pause '.process.args = $a' \
		--argjson a "$(args sh -c 'i=0; while :; do i=$((i + 1)); echo $i >>/dev/shm/counter; usleep 50000; done')"
	if start_ct "$r" "$id"; then
		# the rootfs is read-only: the counter is in the container's /dev/shm; it is
		# appended to (a truncating write could be frozen half-way) and read as a line count
		local counter=/proc/$(pid_of "$r" "$id")/root/dev/shm/counter
		for _ in $(seq 50); do [ -s "$counter" ] && break; sleep 0.1; done
		out=$(rt "$r" pause "$id" 2>&1)
		st=$(state_of "$r" "$id")
		fr1=$(key "$dir/cgroup.events" frozen)
		c1=$(wc -l <"$counter")
		sleep 1
		c2=$(wc -l <"$counter")
		out+=$(rt "$r" resume "$id" 2>&1)
		fr2=$(key "$dir/cgroup.events" frozen)
		sleep 1
		c3=$(wc -l <"$counter")
		result "$r: pause freezes (frozen $fr1, $st, counter $c1 -> $c2)" \
			"$([ "$fr1" = 1 ] && [ "$st" = paused ] && [ "${c1:-0}" -gt 0 ] && [ "$c1" = "$c2" ]; echo $?)" "$out"
		result "$r: resume thaws (frozen $fr2, counter $c2 -> $c3)" \
			"$([ "$fr2" = 0 ] && [ -n "$c2" ] && [ "${c3:-0}" -gt "$c2" ]; echo $?)" "$out"
	else
		result "$r: pause freezes" 1 "$out"
		result "$r: resume thaws" 1 "$out"
	fi
	cleanup_ct "$r" "$id"
}

# kill --all reaches every process of a container without its own pid namespace
# (init's death does not take the others with it: the cgroup.kill path), and
# delete removes the cgroup directory
t_killall() {
	local r=$1 procs left pids p alive=
	cfg "$r" killall '.linux.namespaces |= map(select(.type != "pid")) | .process.args = $a' \
		--argjson a "$(args sh -c 'sleep 30 & sleep 30 & sleep 30 & exec sleep 30')"
	if start_ct "$r" "$id"; then
		for _ in $(seq 50); do [ "$(wc -l <"$dir/cgroup.procs")" -ge 4 ] && break; sleep 0.1; done
		pids=$(cat "$dir/cgroup.procs")
		procs=$(echo "$pids" | wc -l)
		out=$(rt "$r" kill --all "$id" KILL 2>&1)
		left=x
		for _ in $(seq 25); do left=$(cat "$dir/cgroup.procs" 2>&1) && [ -z "$left" ] && break; sleep 0.2; done
		for p in $pids; do
			[ -d "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null && alive+="$p "
		done
		result "$r: kill --all KILL reaches all $procs processes (cgroup.procs empty)" \
			"$([ "$procs" = 4 ] && [ -z "$left" ] && [ -z "$alive" ]; echo $?)" \
			"before: $pids; left: $left; alive: $alive; $out"
		wait_state "$r" "$id" stopped
		out=$(rt "$r" delete "$id" 2>&1)
		result "$r: delete removes the cgroup directory" "$([ ! -e "$dir" ]; echo $?)" "$out; $(ls -d "$dir" 2>&1)"
	else
		result "$r: kill --all reaches every process" 1 "$out"
		result "$r: delete removes the cgroup directory" 1 "$out"
	fi
	cleanup_ct "$r" "$id"
}

# the init is in the container cgroup right after create (CLONE_INTO_CGROUP on v2)
t_born() {
	local r=$1 pid got
	cfg "$r" born '.'
	if create "$r" "$id"; then
		pid=$(pid_of "$r" "$id")
		got=$(cat "/proc/$pid/cgroup" 2>&1)
		result "$r: init is in its cgroup right after create ($got)" \
			"$([ "$got" = "0::/$PARENT/$id" ]; echo $?)" "pid $pid: $got"
	else
		result "$r: init is in its cgroup right after create" 1 "$out"
	fi
	cleanup_ct "$r" "$id"
}

# ref_result RUNTIME DESC OK_OR_NOT DIAG: result, but a failure of crun (the reference
# here, not what runc does) is shown as a skip with what crun did.
ref_result() {
	if [ "$1" = crun ] && [ "$3" != 0 ]; then
		skip "$2" "crun 1.8.1 differs from runc: $(printf '%s' "$4" | tr '\n' ' ' | cut -c1-200)"
	else
		result "$2" "$3" "$4"
	fi
}

# exec --cgroup (runc 1.2+): the process joins an existing sub-cgroup; a missing one
# and ".." are refused. runc's v2 fallback: once init sits in a sub-cgroup and a
# domain controller is on in the container's cgroup (no internal processes), a plain
# exec joins init's cgroup; "--cgroup /" disables that and fails.
t_subcg() {
	local r=$1 pid o1 o2 o3 o4 o5 o6
	if ! rt "$r" exec --help 2>&1 | grep -q -- '--cgroup'; then
		skip "$r: exec --cgroup" "$r has no exec --cgroup"; return
	fi
	cfg "$r" subcg '.process.args = ["sleep", "600"]'
	if start_ct "$r" "$id" && mkdir "$dir/sub" "$dir/initcg"; then
		# runc's spec gives the container a cgroup namespace on v2: paths are relative
		o1=$(rt "$r" exec --cgroup sub "$id" cat /proc/self/cgroup 2>&1)
		result "$r: exec --cgroup sub joins it ($o1)" "$(grep -qx '0::.*/sub' <<<"$o1"; echo $?)" "$o1"
		o2=$(rt "$r" exec --cgroup nonexistent "$id" true 2>&1)
		o3=$(rt "$r" exec --cgroup .. "$id" true 2>&1)
		ref_result "$r" "$r: exec --cgroup refuses a missing sub-cgroup and .." \
			"$(grep -qi 'nonexistent.*no such file' <<<"$o2" &&
				grep -q '\.\. is not a sub cgroup path' <<<"$o3" && [ ! -e "$dir/nonexistent" ]
			echo $?)" "missing: $o2; ..: $o3"
		pid=$(pid_of "$r" "$id")
		echo "$pid" >"$dir/initcg/cgroup.procs" && echo +memory >"$dir/cgroup.subtree_control"
		o4=$(rt "$r" exec "$id" cat /proc/self/cgroup 2>&1)
		o5=$(rt "$r" exec --cgroup / "$id" true 2>&1)
		o6=$(rt "$r" exec --cgroup sub "$id" true 2>&1)
		result "$r: exec falls back to init's cgroup when the top one is busy ($o4)" \
			"$(grep -qx '0::.*/initcg' <<<"$o4"; echo $?)" "$o4"
		ref_result "$r" "$r: exec --cgroup / disables the fallback" \
			"$(grep -qi 'busy' <<<"$o5"; echo $?)" "exit ok, output: $o5"
		# "sub" is a leaf: it may take processes while its parent has controllers on
		result "$r: exec --cgroup sub still works" "$([ -z "$o6" ]; echo $?)" "$o6"
	else
		result "$r: exec --cgroup" 1 "$out"
	fi
	cleanup_ct "$r" "$id"
}

# an unknown unified key fails create, naming it, and leaves nothing behind
t_invalid() {
	local r=$1 rc left=
	cfg "$r" invalid '.linux.resources.unified = {"memory.foo": "1"}'
	create "$r" "$id"
	rc=$?
	[ -e "$dir" ] && left+="cgroup $dir "
	[ -e "$work/state-$r/$id" ] && left+="state $work/state-$r/$id "
	rt "$r" state "$id" >/dev/null 2>&1 && left+="(state succeeds) "
	local desc="$r: unified memory.foo fails create naming the key, nothing left"
	if [ "$r" = crun ] && [ "$rc" != 0 ] && grep -q 'memory\.foo' <<<"$out" && [ "$left" = "cgroup $dir " ]; then
		# a defect of the reference, not of isorun: visible, but not a failure
		skip "$desc" "crun 1.8.1 leaves the cgroup dir of a failed create"
	else
		result "$desc" "$([ "$rc" != 0 ] && grep -q 'memory\.foo' <<<"$out" && [ -z "$left" ]; echo $?)" "exit $rc: $out; left: $left"
	fi
	cleanup_ct "$r" "$id"
}

echo "# kernel $(uname -r); isorun $("$ISORUN" --version 2>&1 | head -n1); $(crun --version | head -n1)"
if [ ! -x "$ISORUN" ]; then echo "1..0 # SKIP $ISORUN not built"; exit 0; fi
for t in "${CHECKS[@]}"; do
	[ -n "${CG_ONLY:-}" ] && [[ " $CG_ONLY " != *" $t "* ]] && continue
	for r in "${RUNTIMES[@]}"; do
		t0=$SECONDS
		"t_$t" "$r"
		echo "# $t with $r: $((SECONDS - t0)) s"
	done
	if [ "$t" = files ]; then
		result "isorun and crun write the same resource files" \
			"$([ "${files_seen[isorun]:-}" = "${files_seen[crun]:-}" ]; echo $?)" \
			"$(diff <(echo "${files_seen[isorun]:-}") <(echo "${files_seen[crun]:-}"))"
	fi
done
# nothing left behind by either runtime (every check cleaned up after itself
# through the runtime; cleanup_ct only removes what a runtime left)
if [ -z "${CG_ONLY:-}" ]; then
	for r in "${RUNTIMES[@]}"; do
		left="${leaked[$r]:-}$(rt "$r" list -q 2>&1)"
		result "$r: delete -f left no cgroup, list shows no container" "$([ -z "$left" ]; echo $?)" "$left"
	done
fi
echo "1..$n"
[ "$failed" = 0 ]
