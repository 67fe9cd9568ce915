#!/bin/bash
# sdhybrid-driver.sh: runs INSIDE the hybrid systemd VM (tests/vm/run-systemd-hybrid.sh), not
# on the host. PID 1 is systemd with the system D-Bus on a HYBRID cgroup tree (v1 controllers
# under /sys/fs/cgroup/<name>, cgroup2 at /sys/fs/cgroup/unified). Each check of the
# --systemd-cgroup driver runs once with isorun and once with runc 1.1 (its legacy manager),
# as separate TAP lines: the scope with runc 1.1's v1 properties in `systemctl show` and in
# the v1 files, exec, update, pause/resume, events, a nested slice, delete leaving no unit and
# no directory under /sys/fs/cgroup/*/, and the errors (no D-Bus, an invalid slice name).
# --list: the names of the checks, one per line (run.sh reports them skipped without a VM).
set -u
CHECKS=(scope files exec update pause events delete "no D-Bus" "invalid slice")
RUNTIMES=(isorun runc)
if [ "${1:-}" = --list ]; then
	echo "systemd is PID 1 on a hybrid cgroup tree"
	echo "isorun check lists the systemd driver"
	for t in "${CHECKS[@]}"; do for r in "${RUNTIMES[@]}"; do echo "$r: $t"; done; done
	echo "isorun: slice"
	echo "no sdh-* unit or cgroup left"
	exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/vm/sdlib.sh
source "$here/sdlib.sh" sdh
# every directory named like the unit under any hierarchy
dirs_of() { find $CG/*/ -name "$1" -type d 2>/dev/null; }

# ---------------------------------------------------------------- systemd itself, hybrid
wait_for_bus
v=$(systemctl show -p Version --value 2>&1)
fs=$(stat -f -c %T $CG 2>&1) ufs=$(stat -f -c %T $CG/unified 2>&1)
if [ "$(cat /proc/1/comm)" = systemd ] && [ -n "$v" ] && [ "$fs" = tmpfs ] && [ "$ufs" = cgroup2fs ] &&
	[ -d $CG/memory/system.slice ]; then
	ok "systemd is PID 1 on a hybrid cgroup tree (systemd $v)"
else
	not_ok "systemd is PID 1 on a hybrid cgroup tree"
	echo "Bail out! not hybrid under systemd: pid 1 is $(cat /proc/1/comm), version '$v', $CG is $fs, unified is $ufs"
	exit 1
fi

check_lists_driver

make_bundle

for r in "${RUNTIMES[@]}"; do
	id=$r-limits unit=sdh-$r-limits.scope
	cfg "system.slice:sdh:$r-limits" "$LIMITS"
	if ! start "$r" "$id"; then
		for t in scope files exec update pause events; do not_ok "$r: $t (run -d failed)"; done
		printf '%s\n' "$out" | diag
		continue
	fi
	# scope: runc 1.1's v1 properties as systemd shows them, the pid in every hierarchy
	s=$(show "$unit" ActiveState,Delegate,Slice,MemoryLimit,CPUShares,TasksMax,CPUQuotaPerSecUSec,ControlGroup)
	want="ActiveState=active
Delegate=yes
Slice=system.slice
MemoryLimit=67108864
CPUShares=512
TasksMax=64
CPUQuotaPerSecUSec=500ms
ControlGroup=/system.slice/$unit"
	pid=$(rt "$r" state "$id" | jq -r .pid)
	pc=$(cat "/proc/$pid/cgroup" 2>&1)
	missing=
	for h in memory pids cpu,cpuacct blkio devices freezer cpuset name=systemd ""; do
		grep -qx "[0-9]*:$h:/system.slice/$unit" <<<"$pc" || missing+=" ${h:-cgroup2}"
	done
	result "$r: scope $unit with runc 1.1's v1 properties, the pid in every hierarchy" \
		"$([ "$(printf '%s\n' "$s" | sort)" = "$(printf '%s\n' "$want" | sort)" ] && [ -z "$missing" ] && echo 0 || echo 1)" \
		"$(printf 'show:\n%s\nwanted:\n%s\nnot in:%s\n/proc/%s/cgroup:\n%s' "$s" "$want" "$missing" "$pid" "$pc")"
	# files: what systemd and the cgroupfs writes left in the v1 files
	f=$(cat $CG/memory/system.slice/$unit/memory.limit_in_bytes $CG/memory/system.slice/$unit/memory.soft_limit_in_bytes \
		$CG/cpu/system.slice/$unit/cpu.shares $CG/cpu/system.slice/$unit/cpu.cfs_quota_us \
		$CG/pids/system.slice/$unit/pids.max 2>&1 | tr '\n' ' ')
	result "$r: the v1 files carry the limits" \
		"$([ "$f" = "67108864 16777216 512 50000 64 " ] && echo 0 || echo 1)" "files: $f"
	# exec: into the running container, the same limits from inside
	e=$(rt "$r" exec "$id" sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max /proc/self/cgroup' 2>&1)
	# (runc 1.1.5's spec has no cgroup namespace on v1: then the full paths show)
	result "$r: exec sees the limits from inside, in the container's cgroup of every hierarchy" \
		"$([ "$(sed -n 1,2p <<<"$e" | tr '\n' ' ')" = "67108864 64 " ] && [ "$(grep -c . <<<"$e")" -ge 12 ] &&
			! sed 1,2d <<<"$e" | grep -Eqv ":/(system.slice/$unit)?\$" && echo 0 || echo 1)" "exec: $e"
	# update: through systemd (the unit) and the files
	u=$(rt "$r" update --memory 134217728 --pids-limit 100 "$id" 2>&1)
	s=$(show "$unit" MemoryLimit,TasksMax | sort | tr '\n' ' ')
	f=$(cat $CG/memory/system.slice/$unit/memory.limit_in_bytes $CG/pids/system.slice/$unit/pids.max 2>&1 | tr '\n' ' ')
	result "$r: update reaches the unit and the v1 files" \
		"$([ "$s" = "MemoryLimit=134217728 TasksMax=100 " ] && [ "$f" = "134217728 100 " ] && echo 0 || echo 1)" \
		"update: $u; show: $s; files: $f"
	# pause/resume: the v1 freezer the runtime made for the scope
	fz=$CG/freezer/system.slice/$unit/freezer.state
	p1=$(rt "$r" pause "$id" 2>&1; rt "$r" state "$id" | jq -r .status; cat "$fz" 2>&1)
	p2=$(rt "$r" resume "$id" 2>&1; rt "$r" state "$id" | jq -r .status; cat "$fz" 2>&1)
	result "$r: pause and resume freeze the scope (v1 freezer)" \
		"$([ "$(echo $p1)" = "paused FROZEN" ] && [ "$(echo $p2)" = "running THAWED" ] && echo 0 || echo 1)" \
		"pause: $p1; resume: $p2"
	ev=$(rt "$r" events --stats "$id" 2>&1)
	result "$r: events --stats reads the v1 files" \
		"$(jq -e '.type == "stats" and .data.memory.usage.usage > 0 and .data.memory.usage.limit == 134217728 and .data.pids.current >= 1' >/dev/null 2>&1 <<<"$ev" && echo 0 || echo 1)" "$ev"
done

# slice: a name that is a slice makes a nested slice holding the container (runc 1.1.5
# sends PIDs for a slice, which systemd refuses)
id=isorun-slice unit=sdh-isorun.slice
cfg "system.slice:sdh:$unit" '.linux.resources.pids = {limit: 21}'
if start isorun "$id"; then
	pid=$(rt isorun state "$id" | jq -r .pid)
	s=$(show "$unit" ActiveState,ControlGroup | sort | tr '\n' ' ')
	pc=$(grep -E ':(pids|freezer|memory|):' "/proc/$pid/cgroup")
	pm=$(cat "$CG/pids/sdh.slice/$unit/pids.max" 2>&1)
	rt isorun delete -f "$id" >/dev/null 2>&1
	left=$(systemctl list-units --all --no-legend "$unit" 2>&1; dirs_of "$unit")
	result "isorun: slice: cgroupsPath name $unit is a nested slice in every hierarchy, gone after delete" \
		"$([ "$s" = "ActiveState=active ControlGroup=/sdh.slice/$unit " ] && [ "$pm" = 21 ] && [ -z "$left" ] &&
			[ "$(grep -c ":/sdh.slice/$unit\$" <<<"$pc")" = 4 ] && echo 0 || echo 1)" \
		"show: $s; cgroups: $pc; pids.max: $pm; left: $left"
else
	result "isorun: slice: cgroupsPath name $unit is a nested slice in every hierarchy, gone after delete" 1 "$out"
fi

for r in "${RUNTIMES[@]}"; do
	# delete: the unit, its cgroup in every hierarchy (the ones systemd made and ours)
	id=$r-limits unit=sdh-$r-limits.scope
	was=$(rt "$r" state "$id" 2>/dev/null | jq -r .status)
	before=$(dirs_of "$unit" | wc -l)
	k=$(rt "$r" kill "$id" KILL 2>&1)
	for _ in $(seq 50); do [ "$(rt "$r" state "$id" 2>/dev/null | jq -r .status)" = stopped ] && break; sleep 0.1; done
	dl=$(rt "$r" delete "$id" 2>&1)
	left=$(systemctl list-units --all --no-legend "$unit" 2>&1; dirs_of "$unit")
	result "$r: delete: no unit in list-units --all, no cgroup dir in any hierarchy" \
		"$([ "$was" = running ] && [ "$before" -ge 10 ] && [ -z "$left" ] && echo 0 || echo 1)" \
		"status before: $was; dirs before: $before; kill: $k; delete: $dl; left: $left"

	# errors: one line naming the cgroupsPath, nothing made
	cfg "system.slice:sdh:$r-nobus"
	if [ "$r" = runc ]; then
		skip_t "$r: no D-Bus: refused, nothing left" \
			"runc 1.1.5 as root talks to systemd over /run/systemd/private, not the D-Bus address: it runs"
	else
	# (output through a file, not $(...): a runtime that fails late may leave a child
	# holding the pipe)
	DBUS_SYSTEM_BUS_ADDRESS=unix:path=$work/no-bus start "$r" "$r-nobus"
	rc=$? o=$out
	left=$(systemctl list-units --all --no-legend "sdh-$r-nobus.scope" 2>&1; dirs_of "sdh-$r-nobus.scope"; ls "$work/state-$r/$r-nobus" 2>&1 | grep -v 'No such file')
	msg=0
	[ "$r" = isorun ] && { [ "$(grep -c . <<<"$o")" = 1 ] && [[ $o == *'cgroupsPath "system.slice:sdh:isorun-nobus"'*"no D-Bus"*"$work/no-bus"* ]] || msg=1; }
	result "$r: no D-Bus: refused$([ "$r" = isorun ] && echo " in one line naming the cgroupsPath and the bus"), nothing left" \
		"$([ $rc != 0 ] && [ $msg = 0 ] && [ -z "$left" ] && echo 0 || echo 1)" "rc=$rc; output: $o; left: $left"
	fi
	cfg "bad--x.slice:sdh:$r-badslice"
	start "$r" "$r-badslice"
	rc=$? o=$out
	left=$(systemctl list-units --all --no-legend 'sdh-*badslice*' 'bad*' 2>&1; dirs_of "sdh-$r-badslice.scope"; dirs_of 'bad*')
	msg=0
	[ "$r" = isorun ] && { [ "$(grep -c . <<<"$o")" = 1 ] && [[ $o == *'cgroupsPath "bad--x.slice:sdh:isorun-badslice"'*"invalid slice name bad--x.slice"* ]] || msg=1; }
	result "$r: invalid slice: refused$([ "$r" = isorun ] && echo " in one line naming the cgroupsPath"), nothing left" \
		"$([ $rc != 0 ] && [ $msg = 0 ] && [ -z "$left" ] && echo 0 || echo 1)" "rc=$rc; output: $o; left: $left"
done

for e in "${ids[@]+"${ids[@]}"}"; do rt "${e%% *}" delete -f "${e#* }" >/dev/null 2>&1; done
ids=()
left=$(systemctl list-units --all --no-legend 'sdh-*' 'sdh.slice' 2>&1 | grep -v '^ *sdh.slice'; find $CG/*/ -name 'sdh-*' 2>/dev/null)
result "no sdh-* unit or cgroup left" "$([ -z "$left" ] && echo 0 || echo 1)" "$left"
echo "1..$n"
[ "$failed" = 0 ]
