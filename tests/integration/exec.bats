#!/usr/bin/env bats
# exec: a new process inside a running container (containerd's shim uses
# `exec --process FILE --detach --pid-file F [--console-socket S] ID`).

load helpers

# start_sleeper: a running container ($ID) whose init sleeps.
start_sleeper() {
	make_bundle "$BUNDLE" "$@"
	set_args "$BUNDLE" sleep 600
	ID=$(new_id)
	run_d_ctr "$ID" || { cat "$TEST_DIR/$ID.err"; return 1; }
	wait_status "$ID" running
	INIT_PID=$(state_field "$ID" pid)
}

# exec_raw ARGS...: the runtime's exec with our --root, without closing fd 3
# (for --preserve-fds); stdin from /dev/null.
exec_raw() {
	timeout --kill-after=5 "$TMO" "$ISORUN" --root "$ROOT" exec "$@" </dev/null
}

@test "exec runs a command in the container and exits with its status" {
	start_sleeper
	run rt exec "$ID" sh -c 'echo out-MARK; echo $$; exit 7'
	[ "$status" -eq 7 ]
	[ "${lines[0]}" = out-MARK ]
	# a fresh process of the container's pid namespace (init is 1)
	[ "${lines[1]}" -gt 1 ]
	run rt exec "$ID" true
	[ "$status" -eq 0 ]
}

@test "exec: flags after the container id belong to the command" {
	start_sleeper
	run rt exec "$ID" echo -d -t -c x --cwd /
	[ "$status" -eq 0 ]
	[ "$output" = "-d -t -c x --cwd /" ]
}

@test "exec: a process killed by a signal gives 128+signal" {
	start_sleeper
	run rt exec "$ID" sh -c 'kill -9 $$'
	[ "$status" -eq 137 ]
	run rt exec "$ID" sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
}

@test "exec -d --pid-file: the process runs in init's namespaces and cgroup, nothing of the runtime stays" {
	start_sleeper
	rt exec -d --pid-file "$TEST_DIR/exec.pid" "$ID" sleep 300 >"$TEST_DIR/exec.out" 2>&1 ||
		{ cat "$TEST_DIR/exec.out"; false; }
	# digits only, no newline (go-runc reads it with Atoi)
	grep -qE '^[0-9]+$' "$TEST_DIR/exec.pid"
	[ "$(wc -l <"$TEST_DIR/exec.pid")" -eq 0 ]
	pid=$(cat "$TEST_DIR/exec.pid")
	[ "$(cat /proc/$pid/comm)" = sleep ]
	[ "$(tr '\0' ' ' </proc/$pid/cmdline)" = "sleep 300 " ]
	for ns in pid mnt net ipc uts cgroup user; do
		[ "$(readlink /proc/$pid/ns/$ns)" = "$(readlink /proc/$INIT_PID/ns/$ns)" ] ||
			fail "namespace $ns: $(readlink /proc/$pid/ns/$ns) != init's $(readlink /proc/$INIT_PID/ns/$ns)"
	done
	# the container has its own pid and mount namespaces, so they differ from ours
	[ "$(readlink /proc/$pid/ns/pid)" != "$(readlink /proc/self/ns/pid)" ]
	[ "$(readlink /proc/$pid/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ]
	diff <(sort /proc/$pid/cgroup) <(sort /proc/$INIT_PID/cgroup)
	# the process is not dumpable-blocked any more (it exec'd) and no runtime
	# process is left: its parent is not the runtime, no runtime process names the id
	ppid=$(awk '/^PPid:/ {print $2}' /proc/$pid/status)
	pcomm=$(cat /proc/$ppid/comm)
	[[ "$pcomm" != isorun* && "$pcomm" != runc* ]] || fail "parent is $pcomm"
	left=$(ps -eo pid=,args= | grep -F -- "$ID" | grep -E 'isorun|runc' | grep -v grep || true)
	[ -z "$left" ] || fail "runtime processes left: $left"
	# stdio of a detached exec is the runtime's own: nothing printed on success
	[ ! -s "$TEST_DIR/exec.out" ]
}

@test "exec --process FILE: args, env, cwd, user and capabilities come from the JSON" {
	start_sleeper
	jq -n '{
		terminal: false,
		user: {uid: 1000, gid: 1000, additionalGids: [44]},
		args: ["sh", "-c", "id -u; id -g; id -G; pwd; echo $XVAR; grep -E \"^Cap(Eff|Prm|Bnd|Amb):\" /proc/self/status"],
		env: ["PATH=/bin:/usr/bin", "XVAR=from-json"],
		cwd: "/tmp",
		capabilities: {
			bounding: ["CAP_CHOWN", "CAP_KILL"],
			effective: ["CAP_CHOWN", "CAP_KILL"],
			permitted: ["CAP_CHOWN", "CAP_KILL"],
			inheritable: ["CAP_CHOWN", "CAP_KILL"],
			ambient: ["CAP_CHOWN", "CAP_KILL"]
		},
		noNewPrivileges: true
	}' >"$TEST_DIR/process.json"
	# CLI process flags are ignored with --process (runc)
	run rt exec --process "$TEST_DIR/process.json" --cwd /etc -e XVAR=flag "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 1000 ]
	[ "${lines[2]}" = "1000 44" ]
	[ "${lines[3]}" = /tmp ]
	[ "${lines[4]}" = from-json ]
	# CAP_CHOWN (0) | CAP_KILL (5) = 0x21
	[ "${lines[5]}" = "CapPrm:	0000000000000021" ]
	[ "${lines[6]}" = "CapEff:	0000000000000021" ]
	[ "${lines[7]}" = "CapBnd:	0000000000000021" ]
	[ "${lines[8]}" = "CapAmb:	0000000000000021" ]
}

@test "exec --process: an invalid process is refused" {
	start_sleeper
	jq -n '{args: ["true"], cwd: "relative"}' >"$TEST_DIR/p1.json"
	run rt exec --process "$TEST_DIR/p1.json" "$ID"
	[ "$status" -eq 255 ]
	# runc: "Cwd must be an absolute path"; isorun names the file and field
	[[ "$output" == *"exec failed:"*"bsolute path"* ]]
	jq -n '{args: [], cwd: "/"}' >"$TEST_DIR/p2.json"
	run rt exec --process "$TEST_DIR/p2.json" "$ID"
	[ "$status" -eq 255 ]
	[[ "$output" == *"exec failed:"*"args"* ]]
}

@test "exec --user --cwd --env --additional-gids: the flag form changes the container's process" {
	start_sleeper '.process.env += ["KEEP=config"]'
	run rt exec --user 1000:1000 -g 10 -g 20 --cwd /tmp --env FOO=bar --env KEEP=flag "$ID" \
		sh -c 'id -u; id -g; id -G; pwd; echo $FOO; echo $KEEP'
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 1000 ]
	[ "${lines[2]}" = "1000 10 20" ]
	[ "${lines[3]}" = /tmp ]
	[ "${lines[4]}" = bar ]
	[ "${lines[5]}" = flag ]
	# --user uid alone keeps the config's gid (0)
	run rt exec --user 1000 "$ID" sh -c 'id -u; id -g'
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 0 ]
}

@test "exec --user is parsed strictly" {
	start_sleeper
	bad=(1000abc 1000:x ' 1000' 1000: :1000)
	# runc 1.1.5 takes these (Atoi, then a uint32 cast: 4294967296 becomes
	# uid 0); isorun refuses them while parsing
	is_isorun && bad+=(-1 +1000 4294967296 4294967295 1000:-1)
	for u in "${bad[@]}"; do
		run rt exec --user "$u" "$ID" true
		[ "$status" -eq 255 ] || fail "--user '$u' accepted"
		[[ "$output" == *"exec failed:"* ]] || fail "--user '$u': $output"
		# runc's Atoi takes -1 and fails later, at setuid; isorun refuses it upfront
		if is_isorun; then
			[[ "$output" == *"exec failed: parsing"* ]] || fail "--user '$u': $output"
		fi
	done
}

@test "exec --cap adds a capability, --no-new-privs sets the flag" {
	start_sleeper '.process.noNewPrivileges = false'
	run rt exec "$ID" sh -c 'grep ^CapEff: /proc/self/status; grep ^NoNewPrivs: /proc/self/status'
	base=$(awk '{print $2}' <<<"${lines[0]}")
	[[ "${lines[1]}" == "NoNewPrivs:"*0 ]]
	# CAP_SYS_ADMIN (21) is not in runc spec's default set
	((((0x$base >> 21) & 1) == 0))
	run rt exec --cap CAP_SYS_ADMIN --no-new-privs "$ID" sh -c 'grep ^CapEff: /proc/self/status; grep ^NoNewPrivs: /proc/self/status'
	[ "$status" -eq 0 ]
	eff=$(awk '{print $2}' <<<"${lines[0]}")
	((((0x$eff >> 21) & 1) == 1))
	[[ "${lines[1]}" == "NoNewPrivs:"*1 ]]
}

@test "exec into a stopped container fails with runc's message" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" true
	ID=$(new_id)
	run_d_ctr "$ID"
	wait_status "$ID" stopped
	run rt exec "$ID" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"exec failed: cannot exec in a stopped container"* ]]
}

@test "exec into a missing container fails" {
	run rt exec "it-exec-no-such-$$" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"exec failed: container does not exist"* ]]
}

@test "exec into a paused container fails unless --ignore-paused" {
	start_sleeper
	rt pause "$ID"
	run rt exec "$ID" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"exec failed: cannot exec in a paused container (use --ignore-paused to override)"* ]]
	rt resume "$ID"
	run rt exec "$ID" true
	[ "$status" -eq 0 ]
}

@test "exec of a missing binary exits 255 with runc's message" {
	start_sleeper
	run rt exec "$ID" no-such-binary
	[ "$status" -eq 255 ]
	# runc's text log escapes the quotes
	[[ "${output//\\/}" == *'exec failed: unable to start container process: exec: "no-such-binary": executable file not found in $PATH'* ]]
	# the container is unaffected
	[ "$(state_field "$ID" status)" = running ]
}

@test "exec with a missing cwd fails and does not create it" {
	start_sleeper
	run rt exec --cwd /no/such/dir "$ID" true
	[ "$status" -eq 255 ]
	[[ "${output//\\/}" == *'exec failed: unable to start container process: chdir to cwd ("/no/such/dir") set in config.json failed: no such file or directory'* ]]
	[ ! -e "$BUNDLE/rootfs/no" ]
}

# cg_rel_of PID CONTROLLER: PID's cgroup path in the v1 hierarchy carrying CONTROLLER.
cg_rel_of() {
	awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$1/cgroup"
}

@test "exec --cgroup: the process joins an existing sub-cgroup (v1); missing ones, .. and unknown controllers are refused" {
	[ -d /sys/fs/cgroup/memory ] && [ -d /sys/fs/cgroup/pids ] ||
		skip "needs the v1 memory and pids hierarchies (tests/vm/guest-cgroups.sh checks v2)"
	start_sleeper
	local mem pids memrel pidsrel frel out pid
	mem=$(cgroup_dir_of "$INIT_PID" memory)
	pids=$(cgroup_dir_of "$INIT_PID" pids)
	memrel=$(cg_rel_of "$INIT_PID" memory)
	pidsrel=$(cg_rel_of "$INIT_PID" pids)
	frel=$(cg_rel_of "$INIT_PID" freezer)
	mkdir "$mem/sub" "$pids/sub"

	run rt exec --cgroup memory,pids:sub "$ID" cat /proc/self/cgroup
	[ "$status" -eq 0 ] || fail "$output"
	[[ "$output" == *":memory:$memrel/sub"* ]] || fail "memory: $output"
	[[ "$output" == *":pids:$pidsrel/sub"* ]] || fail "pids: $output"
	[[ "$output" == *":freezer:$frel"$'\n'* ]] || fail "freezer moved: $output"

	# Repeated, per controller; "/" is the container's own cgroup.
	run rt exec --cgroup memory:sub --cgroup pids:/ "$ID" cat /proc/self/cgroup
	[ "$status" -eq 0 ] || fail "$output"
	[[ "$output" == *":memory:$memrel/sub"* ]] || fail "memory: $output"
	[[ "$output" == *":pids:$pidsrel"$'\n'* ]] || fail "pids: $output"

	# Seen from the host, a detached exec sits in the sub-cgroup.
	rt exec -d --pid-file "$TEST_DIR/exec.pid" --cgroup memory:sub "$ID" sleep 600
	pid=$(cat "$TEST_DIR/exec.pid")
	grep -qx "$pid" "$mem/sub/cgroup.procs" || fail "pid $pid not in $mem/sub"

	run rt exec --cgroup memory:nonexistent "$ID" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"/nonexistent"*"no such file or directory"* ]] || fail "$output"
	[ ! -e "$mem/nonexistent" ] || fail "created the missing sub-cgroup"

	run rt exec --cgroup .. "$ID" true
	[ "$status" -eq 255 ]
	[[ "$output" == *".. is not a sub cgroup path"* ]] || fail "$output"
	run rt exec --cgroup memory:sub/../../x "$ID" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"sub/../../x is not a sub cgroup path"* ]] || fail "$output"

	run rt exec --cgroup whaaat:/ "$ID" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"unknown controller whaaat"* ]] || fail "$output"
	run rt exec --cgroup a --cgroup b "$ID" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"invalid --cgroup argument: a (missing <controller>: prefix)"* ]] || fail "$output"
}

@test "exec -t -d --console-socket: the process gets a pty of the container's devpts" {
	[ -x "$RECVTTY" ] || skip "recvtty not built: run 'make helpers'"
	start_sleeper
	SOCK=$TEST_DIR/tty.sock
	"$RECVTTY" --no-stdin --once "$SOCK" >"$TEST_DIR/tty.out" 2>"$TEST_DIR/recvtty.err" </dev/null 3>&- &
	RECV_PID=$!
	track_pid "$RECV_PID"
	for i in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.02; done
	rt exec -t -d --console-socket "$SOCK" "$ID" sh -c '[ -t 0 ] && [ -t 1 ] && echo all-ttys; tty; echo tty-MARK' \
		>"$TEST_DIR/exec.out" 2>&1 || { cat "$TEST_DIR/exec.out"; false; }
	for i in $(seq 200); do kill -0 "$RECV_PID" 2>/dev/null || break; sleep 0.05; done
	mapfile -t out < <(tr -d '\r' <"$TEST_DIR/tty.out")
	[ "${out[0]}" = all-ttys ] || fail "tty output: ${out[*]}"
	[[ "${out[1]}" == /dev/pts/* ]]
	[ "${out[2]}" = tty-MARK ]
	# /dev/console of the container was not touched by exec
	run rt exec "$ID" sh -c 'stat -c %F /dev/console 2>/dev/null || echo none'
	[[ "$output" != *"character special"* ]]
}

@test "exec -t -d without --console-socket is refused" {
	start_sleeper
	run rt exec -t -d "$ID" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"cannot allocate tty if "*" will detach without setting console socket"* ]]
}

@test "exec: the process inherits no extra fds, --preserve-fds passes fd 3" {
	start_sleeper
	# ls is the exec'd binary itself; its only own fd is 3, the directory it
	# reads (a leaked fd would show up and push that to a higher number)
	run rt exec "$ID" ls /proc/self/fd
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$(echo $output)" = "0 1 2 3" ]
	echo preserved-MARK >"$TEST_DIR/data"
	run exec_raw --preserve-fds 1 "$ID" ls /proc/self/fd 3<"$TEST_DIR/data"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$(echo $output)" = "0 1 2 3 4" ]
	run exec_raw --preserve-fds 1 "$ID" sh -c 'cat <&3' 3<"$TEST_DIR/data"
	[ "$status" -eq 0 ]
	[ "$output" = preserved-MARK ]
}

@test "exec: no process in the container runs the runtime binary afterwards" {
	# /proc/<pid>/exe of every process the container can see is a container
	# binary: no runtime stage (intermediate or child) stayed in there.
	start_sleeper
	run rt exec "$ID" sh -c 'for p in /proc/[0-9]*; do readlink $p/exe; done'
	[ "$status" -eq 0 ]
	[[ "$output" != *isorun* && "$output" != *runc* ]]
}

@test "exec without a command fails like runc" {
	start_sleeper
	run rt exec "$ID"
	[ "$status" -ne 0 ]
	if is_isorun; then
		# runc 1.1.5 reaches its own check first: "process args cannot be empty", 255
		[ "$status" -eq 1 ]
		[[ "$output" == *'"exec" requires a minimum of 2 argument'* ]]
	fi
}

@test "exec: the container's seccomp profile and rlimits apply to the process" {
	start_sleeper '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}' \
		'.process.rlimits = [{type: "RLIMIT_NOFILE", hard: 777, soft: 555}]'
	run rt exec "$ID" sh -c 'grep ^Seccomp: /proc/self/status; ulimit -n; ulimit -Hn; mkdir /tmp/blocked 2>&1; echo rc=$?'
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[[ "${lines[0]}" == "Seccomp:"*2 ]]
	[ "${lines[1]}" = 555 ]
	[ "${lines[2]}" = 777 ]
	[[ "${lines[3]}" == *"Operation not permitted"* ]]
	[ "${lines[4]}" = rc=1 ]
}

@test "exec in the foreground forwards signals to the process" {
	start_sleeper
	timeout --kill-after=5 "$TMO" "$ISORUN" --root "$ROOT" exec "$ID" sh -c 'trap "echo got-TERM; exit 3" TERM; echo ready; while :; do sleep 0.1; done' \
		</dev/null >"$TEST_DIR/fg.out" 2>&1 3>&- &
	rpid=$!
	track_pid "$rpid"
	wait_file "$TEST_DIR/fg.out"
	kill -TERM "$rpid"
	st=0
	wait "$rpid" || st=$?
	[ "$st" -eq 3 ] || { cat "$TEST_DIR/fg.out"; fail "exit status $st"; }
	grep -qx got-TERM "$TEST_DIR/fg.out"
}

@test "exec into a container with a user namespace" {
	start_sleeper '.linux.namespaces += [{type: "user"}]' \
		'.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]' \
		'.linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	rt exec -d --pid-file "$TEST_DIR/u.pid" "$ID" sleep 300
	pid=$(cat "$TEST_DIR/u.pid")
	[ "$(readlink /proc/$pid/ns/user)" = "$(readlink /proc/$INIT_PID/ns/user)" ]
	# container root is host uid 100000
	[ "$(awk '/^Uid:/ {print $2}' /proc/$pid/status)" = 100000 ]
	run rt exec --user 1000:1000 "$ID" sh -c 'id -u; cat /proc/self/uid_map'
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "${lines[0]}" = 1000 ]
	[[ "${lines[1]}" == *"0"*"100000"*"65536" ]]
}

@test "exec as containerd's shim calls it: --process --detach --pid-file, errors in the json log" {
	start_sleeper
	jq -n '{terminal: false, user: {uid: 0, gid: 0}, args: ["sleep", "301"], env: ["PATH=/bin"], cwd: "/"}' \
		>"$TEST_DIR/shim-process.json"
	log=$TEST_DIR/log.json
	rt --log "$log" --log-format json exec --process "$TEST_DIR/shim-process.json" --detach \
		--pid-file "$TEST_DIR/exec1.pid" "$ID" >"$TEST_DIR/exec.out" 2>&1 || { cat "$TEST_DIR/exec.out"; false; }
	pid=$(cat "$TEST_DIR/exec1.pid")
	[ "$(tr '\0' ' ' </proc/$pid/cmdline)" = "sleep 301 " ]
	[ ! -s "$TEST_DIR/exec.out" ]
	# a failing exec: the last error line of the log is what the shim reports
	jq -n '{args: ["no-such-binary"], cwd: "/"}' >"$TEST_DIR/bad-process.json"
	run rt --log "$log" --log-format json exec --process "$TEST_DIR/bad-process.json" --detach \
		--pid-file "$TEST_DIR/exec2.pid" "$ID"
	[ "$status" -eq 255 ]
	[ ! -e "$TEST_DIR/exec2.pid" ]
	msg=$(jq -rs 'map(select(.level == "error")) | last | .msg' "$log")
	[ "$msg" = 'exec failed: unable to start container process: exec: "no-such-binary": executable file not found in $PATH' ]
}

@test "exec into a created (not yet started) container" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 600
	ID=$(new_id)
	create_ctr "$ID" || { cat "$TEST_DIR/$ID.err"; false; }
	run rt exec "$ID" sh -c 'echo in-created; cat /proc/1/cmdline | tr "\0" " "'
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "${lines[0]}" = in-created ]
	[ "$(state_field "$ID" status)" = created ]
}
