#!/usr/bin/env bats
# linux.seccomp in real containers, checked from inside: every action, every
# argument operator, defaultErrnoRet, architectures, flags, with and without
# no_new_privs, the SCMP_ACT_NOTIFY round trip through listenerPath, Docker's
# default profile, and bad profiles refused by `create`.
# Validate with ISORUN=runc (runc has all of it).

load helpers

HELPERS_BIN=$REPO_ROOT/build/helpers
PROFILES=$REPO_ROOT/tests/data/seccomp

setup_file() {
	common_setup_file
	[ -x "$HELPERS_BIN/sysprobe" ] && [ -x "$HELPERS_BIN/seccomp_agent" ] ||
		fail "test helpers missing: run make helpers"
}

# sc_set JSON: linux.seccomp = JSON in $BUNDLE.
sc_set() {
	edit_config "$BUNDLE" '.linux.seccomp = $p' --argjson p "$1"
}

# A profile that allows everything but the given rules (a JSON array).
allow_but() {
	jq -cn --argjson r "$1" '{defaultAction: "SCMP_ACT_ALLOW", syscalls: $r}'
}

# install_helper NAME: copies build/helpers/NAME and the libraries it links
# into $BUNDLE/rootfs (busybox rootfs has no libc).
install_helper() {
	local bin=$HELPERS_BIN/$1 lib
	cp "$bin" "$BUNDLE/rootfs/bin/$1"
	for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
		mkdir -p "$BUNDLE/rootfs$(dirname "$lib")"
		cp -L "$lib" "$BUNDLE/rootfs$lib"
	done
}

MKDIR_NAMES='["mkdir","mkdirat"]'

@test "seccomp: SCMP_ACT_ERRNO with errnoRet, Seccomp: 2 and one filter in /proc/self/status" {
	make_bundle "$BUNDLE"
	sc_set "$(allow_but '[{"names":'"$MKDIR_NAMES"',"action":"SCMP_ACT_ERRNO","errnoRet":18}]')"
	run_sh "$(new_id)" 'mkdir /tmp/x; echo rc=$?; grep -E "^Seccomp" /proc/self/status'
	[ "$status" -eq 0 ]
	[[ "$output" == *"can't create directory '/tmp/x': Invalid cross-device link"* ]]
	[[ "$output" == *"rc=1"* ]]
	[[ "$output" =~ Seccomp:[[:space:]]+2 ]]
	[[ "$output" =~ Seccomp_filters:[[:space:]]+1 ]]
}

@test "seccomp: SCMP_ACT_ERRNO without errnoRet is EPERM; no profile means no filter" {
	make_bundle "$BUNDLE"
	run_sh "$(new_id)" 'grep -E "^Seccomp" /proc/self/status'
	[[ "$output" =~ Seccomp:[[:space:]]+0 ]]
	sc_set "$(allow_but '[{"names":'"$MKDIR_NAMES"',"action":"SCMP_ACT_ERRNO"}]')"
	run_sh "$(new_id)" 'mkdir /tmp/x'
	[[ "$output" == *"can't create directory '/tmp/x': Operation not permitted"* ]]
}

@test "seccomp: SCMP_ACT_KILL, KILL_PROCESS and KILL_THREAD end the process with SIGSYS (159)" {
	make_bundle "$BUNDLE"
	local act
	for act in SCMP_ACT_KILL SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL_THREAD; do
		sc_set "$(allow_but '[{"names":'"$MKDIR_NAMES"',"action":"'$act'"}]')"
		run_ctr "$(new_id)" mkdir /tmp/x
		echo "$act: status $status: $output"
		[ "$status" -eq 159 ]
		[ ! -e "$BUNDLE/rootfs/tmp/x" ]
	done
}

@test "seccomp: SCMP_ACT_TRAP delivers SIGSYS the process can catch" {
	make_bundle "$BUNDLE"
	sc_set "$(allow_but '[{"names":["umask"],"action":"SCMP_ACT_TRAP"}]')"
	# umask is a shell builtin: the shell itself gets SIGSYS and its trap runs
	run_sh "$(new_id)" 'trap "echo caught SIGSYS" SYS; umask 077; echo after'
	[ "$status" -eq 0 ]
	[[ "$output" == *"caught SIGSYS"* ]]
	[[ "$output" == *after* ]]
	# uncaught, SIGSYS kills (unlike ERRNO, which would let umask "work")
	run_sh "$(new_id)" 'umask 077; echo after'
	[ "$status" -eq 159 ]
	[[ "$output" != *after* ]]
}

# audit_count PATTERN: seccomp audit records (type=1326) in the kernel log matching PATTERN.
audit_count() {
	dmesg 2>/dev/null | grep 'type=1326' | grep -c -- "$1" || true
}

# unique_busybox: a busybox copy in $BUNDLE whose comm is unique to this
# test ("busybox-m12345": busybox runs argv[1] as the applet), so its audit
# records cannot be confused with older ones; prints the name.
unique_busybox() {
	local name=busybox-m$((RANDOM % 100000))
	cp "$BUNDLE/rootfs/bin/busybox" "$BUNDLE/rootfs/bin/$name"
	echo "$name"
}

# wait_audit PATTERN RETRY...: waits until dmesg has a seccomp record
# matching PATTERN. The kernel rate-limits these printks (10 per 5 s), so
# after 1 s without one it runs RETRY (which triggers the syscall again) and
# waits again, for about 8 s in all, past the rate-limit interval.
wait_audit() {
	local pattern=$1 round i
	shift
	for ((round = 0; round < 8; round++)); do
		for ((i = 0; i < 20; i++)); do
			[ "$(audit_count "$pattern")" -gt 0 ] && return 0
			sleep 0.05
		done
		"$@" >/dev/null 2>&1 || true
	done
	fail "no seccomp audit record matching $pattern"
}

@test "seccomp: SCMP_ACT_LOG and SCMP_ACT_ALLOW let the syscall through" {
	make_bundle "$BUNDLE"
	local act mk
	mk=$(unique_busybox)
	for act in SCMP_ACT_LOG SCMP_ACT_ALLOW; do
		rm -rf "$BUNDLE/rootfs/tmp/x"
		sc_set "$(jq -cn --arg a "$act" --argjson n "$MKDIR_NAMES" \
			'{defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 18, syscalls: []} |
			 .syscalls = [{names: $n, action: $a}] + input.syscalls' "$PROFILES/docker-default.json")"
		run_ctr "$(new_id)" "$mk" mkdir /tmp/x
		echo "$act: $output"
		[ "$status" -eq 0 ]
		[ -d "$BUNDLE/rootfs/tmp/x" ]
		# LOG leaves an audit record (SECCOMP_RET_LOG = 0x7ffc0000)
		if [ "$act" = SCMP_ACT_LOG ] && grep -qw log /proc/sys/kernel/seccomp/actions_logged; then
			wait_audit "comm=\"$mk\".*code=0x7ffc0000" rt run --bundle "$BUNDLE" "$(new_id)"
		fi
	done
}

@test "seccomp: SCMP_ACT_TRACE without a tracer fails the syscall with ENOSYS" {
	make_bundle "$BUNDLE"
	sc_set "$(allow_but '[{"names":'"$MKDIR_NAMES"',"action":"SCMP_ACT_TRACE"}]')"
	run_sh "$(new_id)" 'mkdir /tmp/x'
	[[ "$output" == *"can't create directory '/tmp/x': Function not implemented"* ]]
	[ ! -e "$BUNDLE/rootfs/tmp/x" ]
}

@test "seccomp: defaultErrnoRet is the errno of the default action" {
	make_bundle "$BUNDLE"
	# Docker's profile without mkdir: mkdir falls to the default action
	sc_set "$(jq -c '.defaultErrnoRet = 18 | .syscalls[0].names -= ["mkdir","mkdirat"]' \
		"$PROFILES/docker-default.json")"
	run_sh "$(new_id)" 'mkdir /tmp/x; ls -d /tmp'
	[[ "$output" == *"can't create directory '/tmp/x': Invalid cross-device link"* ]]
	[[ "$output" == *"/tmp"* ]]
	# with SCMP_ACT_TRACE as the default action it is ignored without a
	# tracer (ENOSYS), and with SCMP_ACT_ALLOW it is ignored (as runc)
	sc_set '{"defaultAction":"SCMP_ACT_ALLOW","defaultErrnoRet":5,"syscalls":[]}'
	run_sh "$(new_id)" 'mkdir /tmp/x && echo mkdir-ok'
	[[ "$output" == *mkdir-ok* ]]
}

# kill_probe RULE_ARGS: with kill(2) failing with EXDEV when RULE_ARGS match,
# prints which of the pids 99 100 101 are "blocked" (kill -0 of a missing pid
# is ESRCH otherwise).
kill_probe() {
	sc_set "$(allow_but '[{"names":["kill"],"action":"SCMP_ACT_ERRNO","errnoRet":18,"args":'"$1"'}]')"
	run_sh "$(new_id)" 'for p in 99 100 101; do kill -0 $p 2>&1 | grep -q "cross-device" && echo -n "$p "; done; echo end'
	[ "$status" -eq 0 ] || fail "container failed: $output"
	blocked=${output%end}
}

@test "seccomp: every argument operator (NE LT LE EQ GE GT MASKED_EQ) on kill(2)'s pid" {
	make_bundle "$BUNDLE"
	local op want
	for op in NE:"99 101 " LT:"99 " LE:"99 100 " EQ:"100 " GE:"100 101 " GT:"101 "; do
		want=${op#*:}
		kill_probe '[{"index":0,"value":100,"op":"SCMP_CMP_'"${op%%:*}"'"}]'
		echo "${op%%:*}: blocked '$blocked' want '$want'"
		[ "$blocked" = "$want" ]
	done
	# (pid & 3) == 0: only 100
	kill_probe '[{"index":0,"value":3,"valueTwo":0,"op":"SCMP_CMP_MASKED_EQ"}]'
	echo "MASKED_EQ: blocked '$blocked'"
	[ "$blocked" = "100 " ]
}

@test "seccomp: several conditions on one syscall must all match" {
	make_bundle "$BUNDLE"
	sc_set "$(allow_but '[{"names":["kill"],"action":"SCMP_ACT_ERRNO","errnoRet":18,"args":[
		{"index":0,"value":100,"op":"SCMP_CMP_EQ"},{"index":1,"value":0,"op":"SCMP_CMP_EQ"}]}]')"
	run_sh "$(new_id)" 'kill -0 100; kill -15 100; kill -0 101'
	[[ "$output" == *"can't kill pid 100: Invalid cross-device link"* ]]
	[[ "$output" == *"can't kill pid 100: No such process"* ]]
	[[ "$output" == *"can't kill pid 101: No such process"* ]]
}

@test "seccomp: two conditions on the same argument are alternatives (runc's rule split)" {
	make_bundle "$BUNDLE"
	kill_probe '[{"index":0,"value":99,"op":"SCMP_CMP_EQ"},{"index":0,"value":101,"op":"SCMP_CMP_EQ"}]'
	echo "blocked '$blocked'"
	[ "$blocked" = "99 101 " ]
}

@test "seccomp: more conditions than arguments are accepted when they repeat an index (runc)" {
	make_bundle "$BUNDLE"
	local c='' v
	for v in 1 2 3 4 5 6 99 101; do
		c="$c${c:+,}"'{"index":0,"value":'"$v"',"op":"SCMP_CMP_EQ"}'
	done
	kill_probe "[$c]"
	echo "blocked '$blocked'"
	[ "$blocked" = "99 101 " ]
}

@test "seccomp: a multi-architecture profile filters the i386 entry point too" {
	[ "$(uname -m)" = x86_64 ] || skip "x86_64 host only"
	make_bundle "$BUNDLE"
	install_helper sysprobe
	run_ctr "$(new_id)" sysprobe mkdir32 /tmp/m32
	echo "no filter: $output"
	[[ "$output" != *"errno 38"* ]] || skip "kernel without IA32 emulation"
	[[ "$output" == "ok 0" ]]
	[ -d "$BUNDLE/rootfs/tmp/m32" ]
	rmdir "$BUNDLE/rootfs/tmp/m32"
	local p
	p=$(jq -cn --argjson n "$MKDIR_NAMES" '{defaultAction: "SCMP_ACT_ALLOW",
		architectures: ["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X32"],
		syscalls: [{names: $n, action: "SCMP_ACT_ERRNO", errnoRet: 18}]}')
	sc_set "$p"
	run_sh "$(new_id)" 'mkdir /tmp/x; sysprobe mkdir32 /tmp/m32'
	echo "x86_64+x86+x32: $output"
	[[ "$output" == *"can't create directory '/tmp/x': Invalid cross-device link"* ]]
	[[ "$output" == *"errno 18 Invalid cross-device link"* ]]
	[ ! -e "$BUNDLE/rootfs/tmp/m32" ]
	# native only: a syscall of another architecture is never let through
	# (libseccomp's bad-architecture action kills)
	sc_set "$(jq -c '.architectures = ["SCMP_ARCH_X86_64"]' <<<"$p")"
	run_ctr "$(new_id)" sysprobe mkdir32 /tmp/m32
	echo "x86_64 only: status $status: $output"
	[ "$status" -eq 159 ]
	[ ! -e "$BUNDLE/rootfs/tmp/m32" ]
}

@test "seccomp: without noNewPrivileges the filter is loaded too (caps dropped or kept)" {
	make_bundle "$BUNDLE" '.process.noNewPrivileges = false'
	sc_set "$(allow_but '[{"names":'"$MKDIR_NAMES"',"action":"SCMP_ACT_ERRNO","errnoRet":18}]')"
	# default capabilities: no CAP_SYS_ADMIN in the process (the runtime must
	# load the filter while it still has it)
	run_sh "$(new_id)" 'mkdir /tmp/x; grep -E "^(NoNewPrivs|Seccomp|CapEff)" /proc/self/status'
	echo "$output"
	[[ "$output" == *"Invalid cross-device link"* ]]
	[[ "$output" =~ NoNewPrivs:[[:space:]]+0 ]]
	[[ "$output" =~ Seccomp:[[:space:]]+2 ]]
	# CAP_SYS_ADMIN kept by the process (bit 21)
	edit_config "$BUNDLE" '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
	run_sh "$(new_id)" 'mkdir /tmp/x; grep -E "^(NoNewPrivs|Seccomp|CapEff)" /proc/self/status'
	echo "$output"
	[[ "$output" == *"Invalid cross-device link"* ]]
	[[ "$output" =~ NoNewPrivs:[[:space:]]+0 ]]
	local eff
	eff=$(awk '/^CapEff/ { print $2 }' <<<"$output")
	(((0x$eff >> 21) & 1))
}

@test "seccomp: flags SECCOMP_FILTER_FLAG_LOG and SECCOMP_FILTER_FLAG_SPEC_ALLOW" {
	make_bundle "$BUNDLE"
	local p
	p=$(allow_but '[{"names":'"$MKDIR_NAMES"',"action":"SCMP_ACT_ERRNO","errnoRet":18}]')
	is_isorun || skip "runc 1.1.5: seccomp flags are not yet supported by runc"
	sc_set "$(jq -c '.flags = ["SECCOMP_FILTER_FLAG_LOG","SECCOMP_FILTER_FLAG_SPEC_ALLOW"]' <<<"$p")"
	local mk
	mk=$(unique_busybox)
	run_sh "$(new_id)" "$mk"' mkdir /tmp/x; grep -E "^(Seccomp|Speculation_Store_Bypass)" /proc/self/status'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Invalid cross-device link"* ]]
	# with FLAG_LOG even the ERRNO action (0x50000, errno not shown) is audited
	if grep -qw errno /proc/sys/kernel/seccomp/actions_logged; then
		set_args "$BUNDLE" "$mk" mkdir /tmp/x
		wait_audit "comm=\"$mk\".*code=0x50000" rt run --bundle "$BUNDLE" "$(new_id)"
	fi
	[[ "$output" =~ Seccomp:[[:space:]]+2 ]]
	local with
	with=$(grep Speculation_Store_Bypass <<<"$output" || true)
	# without SPEC_ALLOW, a kernel with spec_store_bypass_disable=seccomp
	# force-mitigates; with it, the state is left as it was: compare both
	sc_set "$p"
	run_sh "$(new_id)" 'grep -E "^Speculation_Store_Bypass" /proc/self/status'
	echo "without SPEC_ALLOW: $output / with: $with"
	[ "$status" -eq 0 ]
	[[ "$with" != *"force mitigated"* ]] || [[ "$output" == *"force mitigated"* ]]
	sc_set '{"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_BOGUS"],"syscalls":[]}'
	local id
	id=$(new_id)
	run create_ctr "$id"
	[ "$status" -ne 0 ]
}

# start_agent MODE: the notify agent on $TEST_DIR/agent.sock, in the background.
start_agent() {
	"$HELPERS_BIN/seccomp_agent" "$TEST_DIR/agent.sock" "$TEST_DIR/agent.state" \
		"$TEST_DIR/agent.log" "$1" </dev/null >"$TEST_DIR/agent.out" 2>&1 3>&- &
	track_pid $!
	wait_file "$TEST_DIR/agent.log"
	edit_config "$BUNDLE" '.linux.seccomp.listenerPath = $s | .linux.seccomp.listenerMetadata = "meta-1"' \
		--arg s "$TEST_DIR/agent.sock"
}

@test "seccomp: SCMP_ACT_NOTIFY: the agent gets the state and fails mkdir with its errno" {
	make_bundle "$BUNDLE"
	sc_set "$(allow_but '[{"names":'"$MKDIR_NAMES"',"action":"SCMP_ACT_NOTIFY"}]')"
	start_agent errno:28
	local id
	id=$(new_id)
	run_sh "$id" 'mkdir /tmp/x; echo rc=$?'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"can't create directory '/tmp/x': No space left on device"* ]]
	[ ! -e "$BUNDLE/rootfs/tmp/x" ]
	grep -q "notify mkdir" "$TEST_DIR/agent.log"
	cat "$TEST_DIR/agent.state"
	# runtime-spec "container process state": fds, pid, metadata, state
	[ "$(jq -r '.state.id' "$TEST_DIR/agent.state")" = "$id" ]
	[ "$(jq -r '.state.status' "$TEST_DIR/agent.state")" = creating ]
	[ "$(jq -r '.pid' "$TEST_DIR/agent.state")" -gt 0 ]
	[ "$(jq -r '.state.pid' "$TEST_DIR/agent.state")" = "$(jq -r '.pid' "$TEST_DIR/agent.state")" ]
	[ "$(jq -c '.fds' "$TEST_DIR/agent.state")" = '["seccompFd"]' ]
	[ "$(jq -r '.metadata' "$TEST_DIR/agent.state")" = meta-1 ]
}

@test "seccomp: SCMP_ACT_NOTIFY: the agent fakes success (nothing created)" {
	make_bundle "$BUNDLE"
	sc_set "$(allow_but '[{"names":'"$MKDIR_NAMES"',"action":"SCMP_ACT_NOTIFY"}]')"
	start_agent fake:0
	run_sh "$(new_id)" 'mkdir /tmp/x && echo mkdir-ok; ls -d /tmp/x'
	echo "$output"
	[[ "$output" == *mkdir-ok* ]]
	[[ "$output" == *"/tmp/x: No such file or directory"* ]]
	[ ! -e "$BUNDLE/rootfs/tmp/x" ]
}

@test "seccomp: SCMP_ACT_NOTIFY without a reachable listenerPath fails create and leaves nothing" {
	make_bundle "$BUNDLE"
	sc_set "$(allow_but '[{"names":'"$MKDIR_NAMES"',"action":"SCMP_ACT_NOTIFY"}]')"
	edit_config "$BUNDLE" '.linux.seccomp.listenerPath = $s' --arg s "$TEST_DIR/nobody.sock"
	local id
	id=$(new_id)
	run create_ctr "$id"
	[ "$status" -ne 0 ]
	cat "$TEST_DIR/$id.err"
	run rt state "$id"
	[ "$status" -ne 0 ]
}

@test "seccomp: Docker's default profile runs busybox and denies unshare, mount, keyctl" {
	make_bundle "$BUNDLE"
	install_helper sysprobe
	# CAP_SYS_ADMIN in the process: the denial below comes from the filter
	edit_config "$BUNDLE" '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
	run_sh "$(new_id)" 'sysprobe unshare 20000; sysprobe mount; sysprobe keyctl'
	echo "no profile: $output"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^ok' <<<"$output")" -eq 3 ]

	sc_set "$(cat "$PROFILES/docker-default.json")"
	run_sh "$(new_id)" 'ls / >/dev/null && echo ls-ok; ps >/dev/null && echo ps-ok
		wget -h 2>&1 | grep -q Usage && echo wget-ok; sh -c "echo sh-ok"
		(echo subshell-ok); sleep 0.1 & wait && echo bg-ok
		unshare -m true; sysprobe unshare 20000; sysprobe mount; sysprobe keyctl
		grep -E "^Seccomp" /proc/self/status'
	echo "docker profile: $output"
	[ "$status" -eq 0 ]
	local w
	for w in ls-ok ps-ok wget-ok sh-ok subshell-ok bg-ok; do
		[[ "$output" == *"$w"* ]] || fail "missing $w"
	done
	[[ "$output" == *"unshare(0x20000): Operation not permitted"* ]]
	[ "$(grep -c '^errno 1 Operation not permitted' <<<"$output")" -eq 3 ]
	[[ "$output" =~ Seccomp:[[:space:]]+2 ]]
}

# bad_profile JQ_EDIT WORD...: create fails, stderr names each WORD, nothing left.
bad_profile() {
	local filter=$1 id w
	shift
	make_bundle "$BUNDLE"
	sc_set "$(allow_but '[{"names":["getppid"],"action":"SCMP_ACT_ERRNO"}]')"
	edit_config "$BUNDLE" "$filter"
	id=$(new_id)
	run create_ctr "$id"
	cat "$TEST_DIR/$id.err"
	[ "$status" -ne 0 ]
	run rt state "$id"
	[ "$status" -ne 0 ]
	[ ! -e "$ROOT/$id" ]
	is_isorun || return 0
	for w in "$@"; do
		grep -qF -- "$w" "$TEST_DIR/$id.err" || fail "error does not say: $w"
	done
}

@test "seccomp: unknown action fails create naming the field" {
	bad_profile '.linux.seccomp.syscalls[0].action = "SCMP_ACT_FOO"' \
		'linux.seccomp.syscalls[0].action' SCMP_ACT_FOO
}

@test "seccomp: unknown operator fails create naming the field" {
	bad_profile '.linux.seccomp.syscalls[0].args = [{"index":0,"value":1,"op":"SCMP_CMP_FOO"}]' \
		'linux.seccomp.syscalls[0].args[0].op' SCMP_CMP_FOO
}

@test "seccomp: an argument index beyond 5 fails create" {
	bad_profile '.linux.seccomp.syscalls[0].args = [{"index":6,"value":1,"op":"SCMP_CMP_EQ"}]' \
		'linux.seccomp.syscalls[0].args[0].index'
}

@test "seccomp: unknown default action and unknown architecture fail create" {
	bad_profile '.linux.seccomp.defaultAction = "SCMP_ACT_NOPE"' 'linux.seccomp.defaultAction'
	bad_profile '.linux.seccomp.architectures = ["SCMP_ARCH_VAX"]' \
		'linux.seccomp.architectures[0]' SCMP_ARCH_VAX
}

@test "seccomp: SCMP_ACT_NOTIFY also reaches the agent for an exec'd process" {
	make_bundle "$BUNDLE"
	sc_set "$(allow_but '[{"names":'"$MKDIR_NAMES"',"action":"SCMP_ACT_NOTIFY"}]')"
	start_agent errno:28
	set_args "$BUNDLE" sleep 100
	local id
	id=$(new_id)
	create_ctr "$id"
	rt start "$id"
	wait_file "$TEST_DIR/agent.state"
	run rt exec "$id" sh -c 'mkdir /tmp/y; echo rc=$?'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"can't create directory '/tmp/y': No space left on device"* ]]
	[ -s "$TEST_DIR/agent.state.2" ]
	# the exec'd process's own state: its pid, the container running
	[ "$(jq -r '.state.id' "$TEST_DIR/agent.state.2")" = "$id" ]
	[ "$(jq -r '.state.status' "$TEST_DIR/agent.state.2")" = running ]
	[ "$(jq -r '.pid' "$TEST_DIR/agent.state.2")" != "$(jq -r '.state.pid' "$TEST_DIR/agent.state.2")" ]
	rt delete --force "$id"
}

# ------------------------------------------------------------ seccomp and hooks
# runtime-spec: startContainer hooks run in the container after `start`,
# before the user process; runc runs them under the container's filter (it
# loads the filter before `create` returns), and so does isorun.

@test "seccomp: a startContainer hook runs under the filter: mkdir killed, run fails naming the hook" {
	local act
	for act in SCMP_ACT_KILL SCMP_ACT_KILL_PROCESS; do
		make_bundle "$BUNDLE"
		sc_set "$(allow_but '[{"names":'"$MKDIR_NAMES"',"action":"'$act'"}]')"
		set_args "$BUNDLE" true
		edit_config "$BUNDLE" '.hooks.startContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "mkdir /tmp/hookdir"]}]'
		local id
		id=$(new_id)
		run_ctr "$id"
		echo "$act: status $status: $output"
		[ "$status" -ne 0 ]
		[[ "$output" == *"hook"* ]]
		[[ "$output" == *"bad system call"* ]]
		[ ! -e "$BUNDLE/rootfs/tmp/hookdir" ]
		run rt state "$id"
		[ "$status" -ne 0 ]
		rm -rf "$BUNDLE"
	done
}

@test "seccomp: run with SCMP_ACT_NOTIFY and no agent at listenerPath fails saying so and leaves nothing" {
	make_bundle "$BUNDLE"
	sc_set "$(allow_but '[{"names":'"$MKDIR_NAMES"',"action":"SCMP_ACT_NOTIFY"}]')"
	edit_config "$BUNDLE" '.linux.seccomp.listenerPath = $s' --arg s "$TEST_DIR/nobody.sock"
	# a socket nobody accepts on is refused the same way as no socket at all
	local id
	id=$(new_id)
	run_ctr "$id" sh -c 'echo should-not-run'
	echo "status $status: $output"
	[ "$status" -ne 0 ]
	[[ "$output" != *should-not-run* ]]
	[[ "$output" == *"seccomp agent"* ]]
	run rt state "$id"
	[ "$status" -ne 0 ]
	[ ! -e "$ROOT/$id" ]
}

@test "seccomp: SCMP_ACT_NOTIFY with a startContainer hook: the hook runs, the agent answers the process" {
	make_bundle "$BUNDLE"
	sc_set "$(allow_but '[{"names":'"$MKDIR_NAMES"',"action":"SCMP_ACT_NOTIFY"}]')"
	start_agent errno:28
	edit_config "$BUNDLE" '.hooks.startContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "echo hook-ran >/tmp/hook.out"]}]'
	run_sh "$(new_id)" 'cat /tmp/hook.out; mkdir /tmp/x; echo rc=$?'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *hook-ran* ]]
	[[ "$output" == *"can't create directory '/tmp/x': No space left on device"* ]]
	[[ "$output" == *rc=1* ]]
	grep -q "notify mkdir" "$TEST_DIR/agent.log"
}
