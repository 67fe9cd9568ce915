#!/usr/bin/env bats
# The container process as seen from inside: pid, env, cwd, ids, umask, caps, rlimits, fds.

load helpers

# status_field NAME: awk program output for one /proc/self/status line, tabs -> spaces.
STATUS_LINE='f() { grep "^$1:" /proc/self/status | tr -s "\t " " " | sed "s/ *$//"; }'

DOCKER_CAPS='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW","CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"]'

@test "the process is PID 1 in its pid namespace" {
	make_bundle "$BUNDLE"
	run_sh "$(new_id)" 'echo $$; cat /proc/self/stat | cut -d" " -f4'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	# ppid of cat is sh = 1
	[ "${lines[1]}" = 1 ]
}

@test "env from the spec, HOME from /etc/passwd, and nothing else" {
	make_bundle "$BUNDLE" '.process.env = ["PATH=/bin:/usr/bin", "FOO=bar baz", "EMPTY="]'
	run_ctr "$(new_id)" env
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "${lines[@]}" | sort | tr '\n' '|')" = "EMPTY=|FOO=bar baz|HOME=/root|PATH=/bin:/usr/bin|" ]
	# runc sets HOME from the user's passwd entry when the spec does not; a spec HOME wins
	edit_config "$BUNDLE" '.process.env += ["HOME=/elsewhere"] | .process.user = {uid: 1000, gid: 1000}'
	run_sh "$(new_id)" 'echo "$HOME"'
	[ "$output" = /elsewhere ]
	edit_config "$BUNDLE" '.process.env = ["PATH=/bin"]'
	run_sh "$(new_id)" 'echo "$HOME"'
	[ "$output" = /home/tester ]
}

@test "cwd from the spec; a missing cwd is created" {
	make_bundle "$BUNDLE" '.process.cwd = "/tmp"'
	run_ctr "$(new_id)" pwd
	[ "$status" -eq 0 ]
	[ "$output" = /tmp ]

	edit_config "$BUNDLE" '.process.cwd = "/does/not/exist-yet"'
	run_ctr "$(new_id)" pwd
	[ "$status" -eq 0 ]
	[ "$output" = /does/not/exist-yet ]
	[ -d "$BUNDLE/rootfs/does/not/exist-yet" ]
}

@test "uid, gid and additionalGids" {
	make_bundle "$BUNDLE" '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [10, 20]}'
	run_sh "$(new_id)" "$STATUS_LINE"'; f Uid; f Gid; f Groups; id -u; id -g'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "Uid: 1000 1000 1000 1000" ]
	[ "${lines[1]}" = "Gid: 1000 1000 1000 1000" ]
	[ "${lines[2]}" = "Groups: 10 20" ]
	[ "${lines[3]}" = 1000 ]
	[ "${lines[4]}" = 1000 ]
}

@test "root without additionalGids has no supplementary groups" {
	make_bundle "$BUNDLE" '.process.user = {"uid": 0, "gid": 0}'
	run_sh "$(new_id)" "$STATUS_LINE"'; f Uid; f Gid; f Groups'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "Uid: 0 0 0 0" ]
	[ "${lines[1]}" = "Gid: 0 0 0 0" ]
	[ "${lines[2]}" = "Groups:" ]
}

@test "umask from the spec (default 0022)" {
	make_bundle "$BUNDLE" '.process.user.umask = 23'
	run_sh "$(new_id)" 'umask; touch /tmp/f; stat -c %a /tmp/f'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0027 ]
	[ "${lines[1]}" = 640 ]

	edit_config "$BUNDLE" 'del(.process.user.umask)'
	run_sh "$(new_id)" 'umask'
	[ "$status" -eq 0 ]
	[ "$output" = 0022 ]
}

@test "capabilities: the docker default set in all five sets (root)" {
	make_bundle "$BUNDLE" ".process.capabilities = {bounding: $DOCKER_CAPS, effective: $DOCKER_CAPS, permitted: $DOCKER_CAPS, inheritable: $DOCKER_CAPS, ambient: $DOCKER_CAPS}"
	run_sh "$(new_id)" "$STATUS_LINE"'; f CapInh; f CapPrm; f CapEff; f CapBnd; f CapAmb'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "CapInh: 00000000a80425fb" ]
	[ "${lines[1]}" = "CapPrm: 00000000a80425fb" ]
	[ "${lines[2]}" = "CapEff: 00000000a80425fb" ]
	[ "${lines[3]}" = "CapBnd: 00000000a80425fb" ]
	[ "${lines[4]}" = "CapAmb: 00000000a80425fb" ]
}

@test "capabilities: reduced sets for a non-root user, ambient carries them over exec" {
	small='["CAP_KILL","CAP_NET_BIND_SERVICE"]'
	make_bundle "$BUNDLE" ".process.user = {uid: 1000, gid: 1000} | .process.capabilities = {bounding: $DOCKER_CAPS, effective: $small, permitted: $small, inheritable: $small, ambient: $small}"
	run_sh "$(new_id)" "$STATUS_LINE"'; f CapInh; f CapPrm; f CapEff; f CapBnd; f CapAmb'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "CapInh: 0000000000000420" ]
	[ "${lines[1]}" = "CapPrm: 0000000000000420" ]
	[ "${lines[2]}" = "CapEff: 0000000000000420" ]
	[ "${lines[3]}" = "CapBnd: 00000000a80425fb" ]
	[ "${lines[4]}" = "CapAmb: 0000000000000420" ]
}

@test "capabilities: non-root user without ambient has none effective; inheritable empty when unset" {
	make_bundle "$BUNDLE" ".process.user = {uid: 1000, gid: 1000} | .process.capabilities = {bounding: [\"CAP_KILL\"], effective: [\"CAP_KILL\"], permitted: [\"CAP_KILL\"]}"
	run_sh "$(new_id)" "$STATUS_LINE"'; f CapInh; f CapPrm; f CapEff; f CapBnd; f CapAmb'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "CapInh: 0000000000000000" ]
	[ "${lines[1]}" = "CapPrm: 0000000000000000" ]
	[ "${lines[2]}" = "CapEff: 0000000000000000" ]
	[ "${lines[3]}" = "CapBnd: 0000000000000020" ]
	[ "${lines[4]}" = "CapAmb: 0000000000000000" ]
}

@test "noNewPrivileges true and false" {
	make_bundle "$BUNDLE" '.process.noNewPrivileges = true'
	run_sh "$(new_id)" 'grep NoNewPrivs /proc/self/status | tr -s "\t " " "'
	[ "$status" -eq 0 ]
	[ "$output" = "NoNewPrivs: 1" ]

	edit_config "$BUNDLE" '.process.noNewPrivileges = false'
	run_sh "$(new_id)" 'grep NoNewPrivs /proc/self/status | tr -s "\t " " "'
	[ "$status" -eq 0 ]
	[ "$output" = "NoNewPrivs: 0" ]
}

@test "rlimits: RLIMIT_NOFILE soft/hard and RLIMIT_NPROC" {
	make_bundle "$BUNDLE" '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1000, "hard": 2000}, {"type": "RLIMIT_NPROC", "soft": 333, "hard": 444}]'
	run_sh "$(new_id)" 'grep -E "^Max (open files|processes)" /proc/self/limits | tr -s " " " " | sed "s/ *\$//"; ulimit -n'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "Max processes 333 444 processes" ]
	[ "${lines[1]}" = "Max open files 1000 2000 files" ]
	[ "${lines[2]}" = 1000 ]
}

@test "oomScoreAdj" {
	make_bundle "$BUNDLE" '.process.oomScoreAdj = 123'
	run_ctr "$(new_id)" cat /proc/self/oom_score_adj
	[ "$status" -eq 0 ]
	[ "$output" = 123 ]
}

@test "only fds 0 1 2 are open in the container" {
	make_bundle "$BUNDLE"
	# fd 3 is the directory ls itself opens
	run_ctr "$(new_id)" ls /proc/self/fd
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "0 1 2 3" ]
	# also when the runtime is started with extra fds open
	exec 7<"$BUNDLE/config.json" 8>"$TEST_DIR/junk"
	run_ctr "$(new_id)" ls /proc/self/fd
	exec 7<&- 8>&-
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "0 1 2 3" ]
}

run_preserve() { # id, file for fd 3
	timeout --kill-after=5 "$TMO" "$ISORUN" --root "$ROOT" run --preserve-fds 1 --bundle "$BUNDLE" "$1" 3<"$2" </dev/null
}

@test "--preserve-fds 1 passes fd 3" {
	make_bundle "$BUNDLE"
	set_cmd "$BUNDLE" 'ls /proc/self/fd; cat <&3'
	echo preserved-content >"$TEST_DIR/fd3"
	id=$(new_id)
	run run_preserve "$id" "$TEST_DIR/fd3"
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "0 1 2 3 4 preserved-content" ]
}
