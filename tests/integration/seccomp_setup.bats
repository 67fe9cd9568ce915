#!/usr/bin/env bats
# The runtime's own steps after the seccomp filter is loaded must not depend on
# a syscall the profile may deny (docs/security.md, "After the seccomp filter").
# The profile here is a 2019-era allow list (tests/data/seccomp/allow-2019.json:
# Docker's default allow list without anything newer than Linux 4.10, so no
# close_range, openat2, faccessat2, clone3, pidfd_*, mount_setattr, statx,
# rseq...) whose default action is SCMP_ACT_ERRNO, with EPERM, ENXIO (6) and
# ENOSYS (38). run, exec and a terminal must all work, with and without
# no_new_privs (the filter is loaded at different points).
# Validate with ISORUN=runc.

load helpers

PROFILES=$REPO_ROOT/tests/data/seccomp

need_recvtty() {
	[ -x "$RECVTTY" ] || fail "recvtty not built: run 'make helpers' ($RECVTTY missing)"
}

# profile_2019 [ERRNO]: linux.seccomp = the 2019 allow list, default ERRNO
# (with defaultErrnoRet ERRNO when given).
profile_2019() {
	if [ -n "${1:-}" ]; then
		edit_config "$BUNDLE" '.linux.seccomp = ($p[0] | .defaultErrnoRet = ($e | tonumber))' \
			--slurpfile p "$PROFILES/allow-2019.json" --arg e "$1"
	else
		edit_config "$BUNDLE" '.linux.seccomp = $p[0]' --slurpfile p "$PROFILES/allow-2019.json"
	fi
}

# check_run ERRNO NNP: foreground run of sh/echo/cat/ls under the profile.
check_run() {
	make_bundle "$BUNDLE" ".process.noNewPrivileges = $2"
	profile_2019 "$1"
	echo hello-file >"$BUNDLE/rootfs/tmp/f"
	run_sh "$(new_id)" 'echo run-ok; cat /tmp/f; ls / | grep -q etc && echo ls-ok
		grep -E "^Seccomp:" /proc/self/status'
	echo "errno ${1:-EPERM} nnp $2: status $status: $output"
	[ "$status" -eq 0 ]
	[[ "$output" == *run-ok* ]]
	[[ "$output" == *hello-file* ]]
	[[ "$output" == *ls-ok* ]]
	[[ "$output" =~ Seccomp:[[:space:]]+2 ]]
}

# check_exec ERRNO NNP: exec (also a relative cwd and env) into a container with the profile.
check_exec() {
	make_bundle "$BUNDLE" ".process.noNewPrivileges = $2"
	profile_2019 "$1"
	set_args "$BUNDLE" sleep 100
	local id
	id=$(new_id)
	run_d_ctr "$id" || { cat "$TEST_DIR/$id.err"; false; }
	run rt exec --cwd /tmp --env X=exec-env "$id" sh -c 'echo exec-ok $X $(pwd); grep -E "^Seccomp:" /proc/self/status'
	echo "errno ${1:-EPERM} nnp $2: status $status: $output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"exec-ok exec-env /tmp"* ]]
	[[ "$output" =~ Seccomp:[[:space:]]+2 ]]
	rt delete --force "$id"
}

# check_tty ERRNO NNP: a container whose process has a terminal (console socket).
check_tty() {
	need_recvtty
	make_bundle "$BUNDLE" ".process.noNewPrivileges = $2" '.process.terminal = true'
	profile_2019 "$1"
	set_cmd "$BUNDLE" '[ -t 0 ] && [ -t 1 ] && echo tty-ok; tty'
	local sock=$TEST_DIR/tty.sock id
	"$RECVTTY" --no-stdin --once "$sock" >"$TEST_DIR/tty.out" 2>"$TEST_DIR/recvtty.err" </dev/null 3>&- &
	local recv=$!
	track_pid "$recv"
	wait_socket "$sock"
	id=$(new_id)
	run_d_ctr "$id" --console-socket "$sock" || { cat "$TEST_DIR/$id.err"; false; }
	wait_status "$id" stopped
	for i in $(seq 200); do
		kill -0 "$recv" 2>/dev/null || break
		sleep 0.05
	done
	cat "$TEST_DIR/tty.out"
	grep -q tty-ok "$TEST_DIR/tty.out"
	grep -q /dev/pts/0 "$TEST_DIR/tty.out"
	rt delete "$id"
}

wait_socket() {
	local i
	for i in $(seq 100); do
		[ -S "$1" ] && return 0
		sleep 0.02
	done
	fail "no socket at $1"
}

@test "seccomp setup: 2019 allow list, default ERRNO (EPERM): run works, with and without no_new_privs" {
	check_run "" true
	check_run "" false
}

@test "seccomp setup: 2019 allow list, defaultErrnoRet ENXIO: run works, with and without no_new_privs" {
	check_run 6 true
	check_run 6 false
}

@test "seccomp setup: 2019 allow list, defaultErrnoRet ENOSYS: run works, with and without no_new_privs" {
	check_run 38 true
	check_run 38 false
}

@test "seccomp setup: 2019 allow list, default ERRNO (EPERM): exec works" {
	check_exec "" true
	check_exec "" false
}

@test "seccomp setup: 2019 allow list, defaultErrnoRet ENXIO: exec works" {
	check_exec 6 true
	check_exec 6 false
}

@test "seccomp setup: 2019 allow list, defaultErrnoRet ENOSYS: exec works" {
	check_exec 38 true
	check_exec 38 false
}

@test "seccomp setup: 2019 allow list, default ERRNO (EPERM): a process with a terminal works" {
	check_tty "" true
	check_tty "" false
}

@test "seccomp setup: 2019 allow list, defaultErrnoRet ENXIO: a process with a terminal works" {
	check_tty 6 true
	check_tty 6 false
}

@test "seccomp setup: 2019 allow list, defaultErrnoRet ENOSYS: a process with a terminal works" {
	check_tty 38 true
	check_tty 38 false
}

@test "seccomp setup: 2019 allow list: a startContainer hook runs under it (no pidfd_open) and the process starts" {
	local errno
	for errno in "" 6 38; do
		make_bundle "$BUNDLE"
		profile_2019 "$errno"
		edit_config "$BUNDLE" '.hooks.startContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "cat >/tmp/hook.state"]}]'
		run_sh "$(new_id)" 'grep -o "\"status\":\"created\"" /tmp/hook.state && echo after-hook'
		echo "errno ${errno:-EPERM}: status $status: $output"
		[ "$status" -eq 0 ]
		[[ "$output" == *'"status":"created"'* ]]
		[[ "$output" == *after-hook* ]]
		rm -rf "$BUNDLE"
	done
}

@test "seccomp setup: without no_new_privs, uid 1000: the capability sets are exactly the config's (none kept for loading the filter)" {
	make_bundle "$BUNDLE" '.process.noNewPrivileges = false' '.process.user = {"uid": 1000, "gid": 1000}' \
		'.process.capabilities = {"bounding": ["CAP_KILL", "CAP_CHOWN"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL", "CAP_CHOWN"], "inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL"]}'
	set_cmd "$BUNDLE" 'grep -E "^(Cap|NoNewPrivs|Seccomp:)" /proc/self/status'
	run rt run --bundle "$BUNDLE" "$(new_id)"
	[ "$status" -eq 0 ]
	local without=$output
	echo "no profile: $without"
	profile_2019 6
	run rt run --bundle "$BUNDLE" "$(new_id)"
	echo "2019 profile: $output"
	[ "$status" -eq 0 ]
	[ "$(grep ^Cap <<<"$output")" = "$(grep ^Cap <<<"$without")" ]
	# CAP_KILL is bit 5: effective, permitted, inheritable and ambient have it
	grep -q '^CapAmb:[[:space:]]*0000000000000020$' <<<"$output"
	grep -q '^CapEff:[[:space:]]*0000000000000020$' <<<"$output"
	[[ "$output" =~ Seccomp:[[:space:]]+2 ]]
}

# install_rawsys: build/helpers/rawsys and its libraries into $BUNDLE/rootfs.
install_rawsys() {
	local bin=$REPO_ROOT/build/helpers/rawsys lib
	[ -x "$bin" ] || fail "rawsys missing: run make helpers"
	cp "$bin" "$BUNDLE/rootfs/bin/rawsys"
	for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
		mkdir -p "$BUNDLE/rootfs$(dirname "$lib")"
		cp -L "$lib" "$BUNDLE/rootfs$lib"
	done
}

# runc's -ENOSYS stub: what an old profile cannot name gets ENOSYS (so libc
# falls back to the old syscall), what it could name but did not gets the
# default errno.
@test "seccomp setup: 2019 allow list: syscalls newer than the profile get ENOSYS, older unlisted ones the default errno" {
	local errno want
	for errno in "" 6; do
		make_bundle "$BUNDLE"
		install_rawsys
		profile_2019 "$errno"
		want=${errno:-1}
		# 436 close_range(3,3,0), 435 clone3(NULL,0), 437 openat2: newer than anything
		# in the list; 163 acct(NULL) and 169 reboot(0): old, not listed
		run_sh "$(new_id)" 'rawsys 436 3 3 0; rawsys 435 0 0; rawsys 437 -100 0 0 0; rawsys 163 0; rawsys 169 0'
		echo "default errno $want: $output"
		[ "$status" -eq 0 ]
		[ "$output" = "$(printf 'errno 38\nerrno 38\nerrno 38\nerrno %s\nerrno %s' "$want" "$want")" ]
		rm -rf "$BUNDLE"
	done
}

@test "seccomp setup: with an allow-all default nothing gets ENOSYS from the stub" {
	make_bundle "$BUNDLE"
	install_rawsys
	edit_config "$BUNDLE" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["acct"], "action": "SCMP_ACT_ERRNO", "errnoRet": 6}]}'
	run_sh "$(new_id)" 'rawsys 436 3 3 0; rawsys 163 0'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'ok 0\nerrno 6')" ]
}
