#!/bin/bash
# systemd-driver.sh: runs INSIDE the systemd VM (tests/vm/run-systemd.sh), not on the host.
# PID 1 is systemd with the system D-Bus. Each check of the --systemd-cgroup driver runs
# once with isorun and once with runc, as separate TAP lines: the transient scope and its
# properties as systemd shows them (systemctl show/status), the cgroup files seen from
# inside the container, exec, update, pause/resume, events, a unit that already exists,
# a nested slice, org.systemd.property.* annotations, run in the foreground, and delete
# leaving no unit in `systemctl list-units --all`.
# --list: the names of the checks, one per line (run.sh reports them skipped without a VM).
set -u
CHECKS=(scope files exec update pause events exists slice annotations foreground delete)
RUNTIMES=(isorun runc)
if [ "${1:-}" = --list ]; then
	echo "systemd is PID 1 with the system bus"
	echo "isorun check lists the systemd driver"
	for t in "${CHECKS[@]}"; do for r in "${RUNTIMES[@]}"; do echo "$r: $t"; done; done
	for r in "${RUNTIMES[@]}"; do echo "$r: user manager"; done
	echo "no sdt-* unit left"
	exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/vm/sdlib.sh
source "$here/sdlib.sh" sdt
# runc's log lines (warnings on stderr) out of a container's output
nolog() { grep -v '^time="[^"]*" level='; }

# ---------------------------------------------------------------- systemd itself
wait_for_bus
v=$(systemctl show -p Version --value 2>&1)
if [ "$(cat /proc/1/comm)" = systemd ] && [ -S /run/dbus/system_bus_socket ] && [ -n "$v" ]; then
	ok "systemd is PID 1 with the system bus (systemd $v)"
else
	not_ok "systemd is PID 1 with the system bus"
	echo "Bail out! no systemd: pid 1 is $(cat /proc/1/comm), version '$v'"
	exit 1
fi

check_lists_driver

make_bundle

for r in "${RUNTIMES[@]}"; do
	id=$r-limits unit=sdt-$r-limits.scope
	cfg "system.slice:sdt:$r-limits" "$LIMITS"
	if ! start "$r" "$id"; then
		for t in scope files exec update pause events exists; do not_ok "$r: $t (run -d failed)"; done
		printf '%s\n' "$out" | diag
		continue
	fi
	# scope: the unit systemd made, its properties and status
	s=$(show "$unit" ActiveState,Delegate,Slice,MemoryMax,MemoryLow,TasksMax,CPUQuotaPerSecUSec,CPUWeight,ControlGroup)
	want="ActiveState=active
Delegate=yes
Slice=system.slice
MemoryMax=67108864
MemoryLow=16777216
TasksMax=64
CPUQuotaPerSecUSec=500ms
CPUWeight=20
ControlGroup=/system.slice/$unit"
	st=$(systemctl status --no-pager "$unit" 2>&1)
	pid=$(rt "$r" state "$id" | jq -r .pid)
	result "$r: scope $unit with its properties (systemctl show/status)" \
		"$([ "$(printf '%s\n' "$s" | sort)" = "$(printf '%s\n' "$want" | sort)" ] &&
			[[ $st == *"$unit"*"Tasks:"*"limit: 64"*"Memory:"* ]] &&
			grep -qx "0::/system.slice/$unit" "/proc/$pid/cgroup" && echo 0 || echo 1)" \
		"$(printf 'show:\n%s\nwanted:\n%s\nstatus:\n%s\n/proc/%s/cgroup: %s' "$s" "$want" "$st" "$pid" "$(cat "/proc/$pid/cgroup" 2>&1)")"
	# files: what systemd and the cgroupfs writes left in the scope's files
	d=$CG/system.slice/$unit
	f="$(cat "$d/memory.max" "$d/memory.low" "$d/pids.max" "$d/cpu.max" "$d/cpu.weight" 2>&1 | tr '\n' ' ')"
	result "$r: the scope's cgroup files carry the limits" \
		"$([ "$f" = "67108864 16777216 64 50000 100000 20 " ] && echo 0 || echo 1)" "files: $f"
	# exec: into the running container, seeing its own cgroup as / (cgroup namespace)
	e=$(rt "$r" exec "$id" sh -c 'cat /proc/self/cgroup /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max' 2>&1 | tr '\n' ' ')
	result "$r: exec sees the limits from inside" "$([ "$e" = "0::/ 67108864 64 " ] && echo 0 || echo 1)" "exec: $e"
	# update: through systemd (the unit) and the files
	u=$(rt "$r" update --memory 134217728 --pids-limit 100 "$id" 2>&1)
	s=$(show "$unit" MemoryMax,TasksMax | sort | tr '\n' ' ')
	f=$(cat "$d/memory.max" "$d/pids.max" 2>&1 | tr '\n' ' ')
	result "$r: update reaches the unit and the files" \
		"$([ "$s" = "MemoryMax=134217728 TasksMax=100 " ] && [ "$f" = "134217728 100 " ] && echo 0 || echo 1)" \
		"update: $u; show: $s; files: $f"
	# pause/resume
	p1=$(rt "$r" pause "$id" 2>&1; rt "$r" state "$id" | jq -r .status; cat "$d/cgroup.freeze")
	p2=$(rt "$r" resume "$id" 2>&1; rt "$r" state "$id" | jq -r .status; cat "$d/cgroup.freeze")
	result "$r: pause and resume freeze the scope" \
		"$([ "$(echo $p1)" = "paused 1" ] && [ "$(echo $p2)" = "running 0" ] && echo 0 || echo 1)" \
		"pause: $p1; resume: $p2"
	# events --stats: from the scope's files
	ev=$(rt "$r" events --stats "$id" 2>&1)
	result "$r: events --stats reads the scope" \
		"$(jq -e '.type == "stats" and .data.memory.usage.usage > 0 and .data.pids.current >= 1' >/dev/null 2>&1 <<<"$ev" && echo 0 || echo 1)" "$ev"

	# exists: a second container with the same cgroupsPath is refused, the first untouched
	if [ "$r" = runc ]; then
		skip_t "$r: exists: a unit that already exists is refused" \
			"runc 1.1.5 puts the second container into the first one's scope (with a deprecation warning)"
		continue
	fi
	id2=$r-twin
	start "$r" "$id2"
	rc=$?
	st2=$(rt "$r" state "$id2" 2>&1)
	st1=$(rt "$r" state "$id" | jq -r .status)
	msg_ok=0
	[ "$r" = isorun ] && [[ $out != *"cgroupsPath \"system.slice:sdt:$r-limits\""*"unit $unit already exists"* ]] && msg_ok=1
	result "$r: exists: a unit that already exists is refused, nothing left, the first runs on" \
		"$([ $rc != 0 ] && [ $msg_ok = 0 ] && [ "$st1" = running ] && [[ $st2 != *'"status"'* ]] &&
			[ "$(printf '%s\n' "$out" | grep -c .)" -le 2 ] && echo 0 || echo 1)" \
		"rc=$rc; output: $out; state of the twin: $st2; first: $st1"
done

for r in "${RUNTIMES[@]}"; do
	# slice: a name that is a slice makes a nested slice holding the container
	id=$r-slice unit=sdt-$r.slice
	cfg "system.slice:sdt:$unit"
	if [ "$r" = runc ]; then
		skip_t "$r: slice: cgroupsPath name $unit is a nested slice" \
			"runc 1.1.5 sends PIDs for a slice: systemd refuses (Cannot set property PIDs)"
	elif start "$r" "$id"; then
		pid=$(rt "$r" state "$id" | jq -r .pid)
		s=$(show "$unit" ActiveState,ControlGroup | sort | tr '\n' ' ')
		rt "$r" delete -f "$id" >/dev/null 2>&1
		left=$(systemctl list-units --all --no-legend "$unit" 2>&1)
		result "$r: slice: cgroupsPath name $unit is a nested slice, gone after delete" \
			"$([ "$s" = "ActiveState=active ControlGroup=/sdt.slice/$unit " ] && [ -z "$left" ] && echo 0 || echo 1)" \
			"show: $s; left: $left; cgroup of $pid: $(cat "/proc/$pid/cgroup" 2>&1)"
	else
		result "$r: slice: cgroupsPath name $unit is a nested slice, gone after delete" 1 "$out"
	fi

	# annotations: org.systemd.property.* reach the unit (GVariant text; FooSec -> FooUSec)
	id=$r-annot unit=sdt-$r-annot.scope
	cfg "system.slice:sdt:$r-annot" '.annotations = {
		"org.systemd.property.TimeoutStopUSec": "uint64 123456789",
		"org.systemd.property.CollectMode": "'"'"'inactive-or-failed'"'"'",
		"org.systemd.property.RuntimeMaxSec": "uint64 3600"}'
	start "$r" "$id"
	s=$(show "$unit" TimeoutStopUSec,CollectMode,RuntimeMaxUSec | sort | tr '\n' ' ')
	result "$r: annotations: org.systemd.property.* set on the unit" \
		"$([ "$s" = "CollectMode=inactive-or-failed RuntimeMaxUSec=1h TimeoutStopUSec=2min 3.456789s " ] && echo 0 || echo 1)" \
		"show: $s; run: $out"
	rt "$r" delete -f "$id" >/dev/null 2>&1

	# foreground: run, the process in its scope, exit code back, no unit left
	id=$r-fg unit=sdt-$r-fg.scope
	cfg "system.slice:sdt:$r-fg" '.process.args = ["sh", "-c", "cat /proc/self/cgroup /sys/fs/cgroup/pids.max; exit 3"] | .linux.resources.pids = {limit: 7}'
	o=$(cd "$b" && rt "$r" run "$id" 2>&1 </dev/null)
	rc=$?
	o=$(printf '%s\n' "$o" | nolog)
	left=$(systemctl list-units --all --no-legend "$unit" 2>&1)
	result "$r: foreground: run in the scope, its exit code, no unit left" \
		"$([ $rc = 3 ] && [ "$(echo $o)" = "0::/ 7" ] && [ -z "$left" ] && echo 0 || echo 1)" \
		"rc=$rc output: $o; left: $left"

	# delete: the unit and its cgroup are gone
	id=$r-limits unit=sdt-$r-limits.scope
	was=$(rt "$r" state "$id" 2>/dev/null | jq -r .status)
	k=$(rt "$r" kill "$id" KILL 2>&1)
	for _ in $(seq 50); do [ "$(rt "$r" state "$id" 2>/dev/null | jq -r .status)" = stopped ] && break; sleep 0.1; done
	dl=$(rt "$r" delete "$id" 2>&1)
	left=$(systemctl list-units --all --no-legend "$unit" 2>&1)
	result "$r: delete: no unit in list-units --all, no cgroup" \
		"$([ "$was" = running ] && [ -z "$left" ] && [ ! -d "$CG/system.slice/$unit" ] && echo 0 || echo 1)" \
		"status before: $was; kill: $k; delete: $dl; left: $left; dir: $(ls -d "$CG/system.slice/$unit" 2>&1)"
done

# user manager: --rootless true takes the user's systemd (the rootless path), here root's
# own user@0.service; the scope lives below it, with its limits, and goes on delete
mkdir -p /run/user/0 && chmod 700 /run/user/0
us=$(systemctl start user@0.service 2>&1)
export XDG_RUNTIME_DIR=/run/user/0
# the bus socket comes before the user manager has its name on it
for _ in $(seq 200); do
	[ -S /run/user/0/bus ] && busctl --user status org.freedesktop.systemd1 >/dev/null 2>&1 && break
	sleep 0.1
done
for r in "${RUNTIMES[@]}"; do
	id=$r-user unit=sdt-$r-user.scope
	cfg ":sdt:$r-user" '.linux.resources.pids = {limit: 33}'
	(cd "$b" && timeout -k 5 60 "$(bin "$r")" --root "$work/state-$r" --rootless true --systemd-cgroup \
		run -d "$id" >"$work/run.out" 2>&1 </dev/null)
	rc=$?
	out=$(cat "$work/run.out")
	s=$(systemctl --user show "$unit" -p ActiveState -p ControlGroup -p TasksMax 2>&1 | sort | tr '\n' ' ')
	pid=$(rt "$r" state "$id" 2>/dev/null | jq -r .pid)
	pc=$(cat "/proc/$pid/cgroup" 2>&1)
	d=$(timeout -k 5 60 "$(bin "$r")" --root "$work/state-$r" --rootless true --systemd-cgroup delete -f "$id" 2>&1)
	left=$(systemctl --user list-units --all --no-legend "$unit" 2>&1)
	cgp=/user.slice/user-0.slice/user@0.service/user.slice/$unit
	result "$r: user manager: --rootless true puts the scope under user@0.service, gone after delete" \
		"$([ $rc = 0 ] && [ "$s" = "ActiveState=active ControlGroup=$cgp TasksMax=33 " ] &&
			[ "$pc" = "0::$cgp" ] && [ -z "$left" ] && echo 0 || echo 1)" \
		"rc=$rc run: $out; show: $s; cgroup: $pc; delete: $d; left: $left; user@0: $us"
done
unset XDG_RUNTIME_DIR

for e in "${ids[@]+"${ids[@]}"}"; do rt "${e%% *}" delete -f "${e#* }" >/dev/null 2>&1; done
ids=()
left=$(systemctl list-units --all --no-legend 'sdt-*' 'sdt.slice' 2>&1 | grep -v '^ *sdt.slice' )
result "no sdt-* unit left" "$([ -z "$left" ] && echo 0 || echo 1)" "$left"
echo "1..$n"
[ "$failed" = 0 ]
