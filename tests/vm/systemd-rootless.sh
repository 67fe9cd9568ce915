#!/bin/bash
# systemd-rootless.sh: runs INSIDE the systemd VM (tests/vm/run-systemd.sh), not on the host.
# Rootless containers of an unprivileged user on pure cgroup v2 (issue 14): a test user with
# subuid/subgid ranges, its user manager (user@UID.service, `systemd --user`) and the
# controllers its cgroup delegates; then, as that user, each runtime (isorun, runc) runs a
# container from its own `spec --rootless` with memory and pids limits: with --systemd-cgroup
# (a scope on the user manager) the limits seen from the host and from inside, a fork loop
# stopped at pids.max, an allocation beyond memory.max OOM-killed, exec, delete leaving no
# unit and no cgroup; without it, a cgroupsPath inside the user's delegated subtree.
# Every user command runs in a scope of the user manager (systemd-run --user --scope), as in
# a login session: joining the container's cgroup (exec) needs write access to the common
# ancestor's cgroup.procs, which the user has only inside user@UID.service.
# --list: the names of the checks, one per line (run.sh reports them skipped without a VM).
set -u
CHECKS=("systemd: scope on the user manager with the limits" "systemd: exec joins the scope and sees the limits from inside"
	"systemd: an allocation beyond memory.max is OOM-killed" "systemd: a fork loop stops at pids.max"
	"systemd: delete leaves no unit and no cgroup" "cgroupfs: cgroupsPath in the delegated subtree")
RUNTIMES=(isorun runc)
if [ "${1:-}" = --list ]; then
	echo "user manager of an unprivileged user delegates memory and pids"
	for r in "${RUNTIMES[@]}"; do for t in "${CHECKS[@]}"; do echo "$r: $t"; done; done
	echo "nothing of the test user left"
	exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
repo=${VM_REPO:-$(cd "$here/../.." && pwd)}
ISORUN=${ISORUN:-$repo/isorun}
CG=/sys/fs/cgroup
U=sdrootless UID_=1500
home=/home/$U
run=/run/user/$UID_
mgr=$CG/user.slice/user-$UID_.slice/user@$UID_.service
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
diag() { sed 's/^/# /'; }
nolog() { grep -v '^time="[^"]*" level=' | grep -v 'level=warning\|WARN'; }
result() {
	if [ "$2" = 0 ]; then ok "$1"; else not_ok "$1"; [ -n "${3:-}" ] && printf '%s\n' "$3" | tail -n 25 | diag; fi
	return 0
}
bin() { if [ "$1" = isorun ]; then echo "$ISORUN"; else echo "$1"; fi; }
# as the test user, in a scope of its user manager
asu() {
	timeout -k 5 ${ASU_TIMEOUT:-90} setpriv --reuid=$UID_ --regid=$UID_ --init-groups \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=$home USER=$U XDG_RUNTIME_DIR=$run \
		DBUS_SESSION_BUS_ADDRESS=unix:path=$run/bus \
		systemd-run --user --scope --quiet --collect -- "$@"
}
# rt RUNTIME [--cgroupfs] ARGS...: the runtime as the user (state under $run)
rt() {
	local r=$1 sd=--systemd-cgroup
	shift
	[ "${1:-}" = --cgroupfs ] && { sd=; shift; }
	asu "$(bin "$r")" --root "$run/sdr-$r" $sd "$@"
}
cleanup_all() {
	local r id
	for r in "${RUNTIMES[@]}"; do for id in sd cg; do rt "$r" delete -f "$r-$id" >/dev/null 2>&1; done; done
	rmdir "$mgr/sdr/"* "$mgr/sdr" 2>/dev/null
}
trap cleanup_all EXIT

for _ in $(seq 100); do [ -S /run/dbus/system_bus_socket ] && break; sleep 0.1; done
# ---------------------------------------------------------------- the user and its manager
if ! id -u $U >/dev/null 2>&1; then
	useradd -m -u $UID_ -s /bin/sh $U || { echo "Bail out! useradd failed"; exit 1; }
fi
grep -q "^$U:" /etc/subuid || echo "$U:300000:65536" >>/etc/subuid
grep -q "^$U:" /etc/subgid || echo "$U:300000:65536" >>/etc/subgid
us=$(systemctl start user@$UID_.service 2>&1)
# the bus socket comes before the user manager has its name on it
for _ in $(seq 200); do
	[ -S $run/bus ] && setpriv --reuid=$UID_ --regid=$UID_ --init-groups env XDG_RUNTIME_DIR=$run \
		DBUS_SESSION_BUS_ADDRESS=unix:path=$run/bus busctl --user status org.freedesktop.systemd1 >/dev/null 2>&1 && break
	sleep 0.1
done
ctl=$(cat "$mgr/cgroup.controllers" 2>&1)
result "user manager of an unprivileged user delegates memory and pids ($ctl)" \
	"$([ -S $run/bus ] && [[ " $ctl " == *" memory "* && " $ctl " == *" pids "* ]] && echo 0 || echo 1)" \
	"start: $us; controllers: $ctl; $(systemctl show user@$UID_.service -p Delegate -p DelegateControllers 2>&1)"

for r in "${RUNTIMES[@]}"; do
	b=$home/b-$r
	rm -rf "$b"
	mkdir -p "$b"
	cp -a "$VM_ROOTFS" "$b/rootfs"
	chown -R $U: "$b"
	if ! s=$(cd "$b" && asu "$(bin "$r")" spec --rootless 2>&1); then
		for t in "${CHECKS[@]}"; do not_ok "$r: $t (spec --rootless failed)"; done
		printf '%s\n' "$s" | diag
		continue
	fi
	jq '.process.terminal = false | .process.args = ["sleep", "1000"]
		| .linux.resources = {memory: {limit: 33554432}, pids: {limit: 20}}' "$b/config.json" >"$b/base.json"
	chown $U: "$b/base.json"

	# ------------------------------------------------ systemd: a scope on the user manager
	id=$r-sd unit=$r-$r-sd.scope
	cp "$b/base.json" "$b/config.json"
	# run -d's output to a file: the container keeps a $(...) pipe open
	(cd "$b" && rt "$r" run -d "$id" >"$b/run.out" 2>&1 </dev/null)
	rc=$?
	o=$(cat "$b/run.out")
	pid=$(rt "$r" state "$id" 2>/dev/null | jq -r .pid)
	pc=$(cat "/proc/$pid/cgroup" 2>&1)
	cgp= unit= run_rc=$rc
	[[ $pc == 0::/*.scope ]] && cgp=${pc#0::} unit=${pc##*/}
	s=$(asu systemctl --user show "$unit" -p ActiveState -p MemoryMax -p TasksMax 2>&1 | sort | tr '\n' ' ')
	f=$(cat "$CG$cgp/memory.max" "$CG$cgp/pids.max" 2>&1 | tr '\n' ' ')
	result "$r: systemd: scope $unit on the user manager with the limits (host: memory.max pids.max)" \
		"$([ $rc = 0 ] && [[ $cgp == /user.slice/user-$UID_.slice/user@$UID_.service/*.scope ]] &&
			[ "$s" = "ActiveState=active MemoryMax=33554432 TasksMax=20 " ] && [ "$f" = "33554432 20 " ] &&
			echo 0 || echo 1)" \
		"rc=$rc run: $o; /proc/$pid/cgroup: $pc; show: $s; files: $f"

	# inside: the container's own cgroup and its files. Without a cgroup namespace runc binds
	# the host's whole cgroup2 at /sys/fs/cgroup, isorun only the container's own directory
	e=$(rt "$r" exec "$id" sh -c 'p=$(sed -n "s/^0:://p" /proc/self/cgroup); d=/sys/fs/cgroup${p%/}; [ -f $d/pids.max ] || d=/sys/fs/cgroup; echo $p; cat $d/memory.max $d/pids.max' 2>&1 | nolog | tr '\n' ' ')
	result "$r: systemd: exec joins the scope and sees the limits from inside" \
		"$([[ "$e" =~ ^(/|$cgp)\ 33554432\ 20\ $ ]] && echo 0 || echo 1)" "exec: $e (scope $cgp)"

	# memory: 64 MiB in one buffer (dd bs=64M) under a 32 MiB limit
	oom0=$(sed -n 's/^oom_kill //p' "$CG$cgp/memory.events" 2>/dev/null)
	e=$(rt "$r" exec "$id" dd if=/dev/zero of=/dev/null bs=64M count=1 2>&1)
	erc=$?
	oom=$(sed -n 's/^oom_kill //p' "$CG$cgp/memory.events" 2>&1)
	alive=$(rt "$r" state "$id" 2>/dev/null | jq -r .status)
	result "$r: systemd: an allocation beyond memory.max is OOM-killed (exit $erc, oom_kill ${oom0:-?} -> $oom)" \
		"$([ "$erc" = 137 ] && [ "${oom:-0}" -gt "${oom0:-0}" ] && [ "$alive" = running ] && echo 0 || echo 1)" \
		"rc=$erc oom_kill $oom0 -> $oom; status after: $alive; output: $e"

	# pids, last: a fork loop of at most 40 children stops at the limit (ash exits on "can't fork");
	# its children stay (zombies of the container's init count too) until delete
	ev0=$(sed -n 's/^max //p' "$CG$cgp/pids.events" 2>/dev/null)
	e=$(rt "$r" exec "$id" sh -c 'i=0; while [ $i -lt 40 ]; do sleep 60 </dev/null >/dev/null 2>&1 & i=$((i+1)); echo $i; done' 2>&1)
	erc=$?
	last=$(printf '%s\n' "$e" | grep -E '^[0-9]+$' | tail -n1)
	ev=$(sed -n 's/^max //p' "$CG$cgp/pids.events" 2>&1)
	cur=$(cat "$CG$cgp/pids.current" 2>&1)
	result "$r: systemd: a fork loop stops at pids.max (forked ${last:-0} of 40, pids.current $cur)" \
		"$([ "$erc" != 0 ] && [ -n "$last" ] && [ "$last" -lt 20 ] && [ "$cur" -le 20 ] && [ "${ev:-0}" -gt "${ev0:-0}" ] &&
			echo 0 || echo 1)" \
		"rc=$erc last=$last pids.current=$cur pids.events max: $ev0 -> $ev; output: $(printf '%s\n' "$e" | grep -v '^[0-9]*$')"

	d=$(rt "$r" delete -f "$id" 2>&1)
	left=$(asu systemctl --user list-units --all --no-legend "$unit" 2>&1)
	result "$r: systemd: delete leaves no unit and no cgroup" \
		"$([ "$run_rc" = 0 ] && [ -n "$unit" ] && [ -z "$left" ] && [ ! -d "$CG$cgp" ] && echo 0 || echo 1)" \
		"delete: $d; left: $left; dir: $(ls -d "$CG$cgp" 2>&1)"

	# ------------------------------------------------ cgroupfs: a path the user may write
	id=$r-cg cgp=${mgr#"$CG"}/sdr/$r-cg
	jq --arg p "$cgp" '.linux.cgroupsPath = $p' "$b/base.json" >"$b/config.json"
	(cd "$b" && rt "$r" --cgroupfs run -d "$id" >"$b/run.out" 2>&1 </dev/null)
	rc=$?
	o=$(cat "$b/run.out")
	pid=$(rt "$r" --cgroupfs state "$id" 2>/dev/null | jq -r .pid)
	pc=$(cat "/proc/$pid/cgroup" 2>&1)
	f=$(cat "$CG$cgp/memory.max" "$CG$cgp/pids.max" 2>&1 | tr '\n' ' ')
	e=$(rt "$r" --cgroupfs exec "$id" cat /proc/self/cgroup 2>&1 | nolog)
	d=$(rt "$r" --cgroupfs delete -f "$id" 2>&1)
	result "$r: cgroupfs: cgroupsPath in the delegated subtree: limits, exec, gone after delete" \
		"$([ $rc = 0 ] && [ "$pc" = "0::$cgp" ] && [ "$f" = "33554432 20 " ] &&
			{ [ "$e" = "0::$cgp" ] || [ "$e" = "0::/" ]; } && [ ! -d "$CG$cgp" ] && echo 0 || echo 1)" \
		"rc=$rc run: $o; /proc/$pid/cgroup: $pc; files: $f; exec: $e; delete: $d; dir: $(ls -d "$CG$cgp" 2>&1)"
done

cleanup_all
trap - EXIT
st=$(systemctl stop user@$UID_.service 2>&1)
left=$(ls "$mgr" 2>&1 >/dev/null | grep -v 'No such file'; ls -d "$mgr/sdr" 2>/dev/null; pgrep -u $UID_ -a)
result "nothing of the test user left (user manager stopped, no process, no cgroup)" \
	"$([ -z "$left" ] && echo 0 || echo 1)" "stop: $st; left: $left"
echo "1..$n"
[ "$failed" = 0 ]
