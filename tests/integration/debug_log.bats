#!/usr/bin/env bats
# --debug: each setup step of create/run and of exec is logged (not only the
# plans), including the steps the container's init and the exec child take
# after the clone, in the order they happen.

load helpers

# assert_in_order FILE TEXT...: each TEXT is on a line of FILE, after the
# first line holding the previous one.
assert_in_order() {
	local f=$1 prev=0 n p
	shift
	for p in "$@"; do
		n=$(grep -n -F -- "$p" "$f" | awk -F: -v min="$prev" '$1 > min { print $1; exit }')
		if [ -z "$n" ]; then
			cat "$f" >&2
			fail "no line with '$p' after line $prev"
			return 1
		fi
		prev=$n
	done
}

# A bundle that has every step: a user namespace (identity maps: the maps
# step), a seccomp profile loaded just before execve (noNewPrivileges), a
# startContainer hook.
steps_bundle() {
	make_bundle "$BUNDLE" \
		'.linux.namespaces += [{type: "user"}]
		 | .linux.uidMappings = [{containerID: 0, hostID: 0, size: 65536}]
		 | .linux.gidMappings = [{containerID: 0, hostID: 0, size: 65536}]
		 | .process.noNewPrivileges = true
		 | .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		     syscalls: [{names: ["kexec_load"], action: "SCMP_ACT_ERRNO"}]}
		 | .hooks.startContainer = [{path: "/bin/true"}]'
}

RUNC_SKIP="the step names are isorun's; runc 1.1.5 logs its own (nsexec-0/1/2 stages, 'child process in init()')"

CREATE_STEPS=("create: clone3 init" "create: maps" "init: cgroup join"
	"init: namespaces entered" "init: rootfs mounts" "init: devices" "init: pivot" "init: masked paths"
	"init: startContainer hooks" "init: seccomp: loading the filter"
	"init: exec: about to execve /bin/")

@test "--debug --log: run logs each step, the init's included, in order; the output stays clean" {
	is_isorun || skip "$RUNC_SKIP"
	steps_bundle
	set_args "$BUNDLE" echo hello
	ID=$(new_id)
	run rt --debug --log "$TEST_DIR/debug.log" run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$output" = hello ] || fail "output: $output"
	assert_in_order "$TEST_DIR/debug.log" "${CREATE_STEPS[@]}"
	! grep -v 'level=debug' "$TEST_DIR/debug.log" || fail "non-debug lines"
}

@test "--debug without --log: the init's steps reach stderr, not the container's stdout" {
	is_isorun || skip "$RUNC_SKIP"
	steps_bundle
	set_args "$BUNDLE" echo hello
	ID=$(new_id)
	register_id "$ID"
	rt --debug run --bundle "$BUNDLE" "$ID" >"$TEST_DIR/out" 2>"$TEST_DIR/err" ||
		fail "run: $(cat "$TEST_DIR/err")"
	[ "$(cat "$TEST_DIR/out")" = hello ] || fail "stdout: $(cat "$TEST_DIR/out")"
	assert_in_order "$TEST_DIR/err" "${CREATE_STEPS[@]}"
}

@test "--debug exec logs the exec's steps in order" {
	is_isorun || skip "$RUNC_SKIP"
	steps_bundle
	set_args "$BUNDLE" sleep 600
	ID=$(new_id)
	run_d_ctr "$ID" || fail "run -d: $(cat "$TEST_DIR/$ID.err")"
	run rt --debug --log "$TEST_DIR/exec.log" exec "$ID" echo hi
	[ "$status" -eq 0 ] || fail "$output"
	[ "$output" = hi ] || fail "output: $output"
	assert_in_order "$TEST_DIR/exec.log" "exec: clone3" "exec: cgroup join" "exec: namespaces joined" \
		"exec: seccomp: loading the filter" "exec: about to execve /bin/"
}

@test "--debug: nothing is logged by the init once its seccomp filter is loaded" {
	is_isorun || skip "$RUNC_SKIP"
	# The filter goes on at start, before the startContainer hooks (they run
	# under it, as in runc); a profile that kills write(2) would kill a later
	# debug line's writer, so the init falls silent before loading it.
	make_bundle "$BUNDLE" '.process.noNewPrivileges = false
		| .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		    syscalls: [{names: ["kexec_load"], action: "SCMP_ACT_ERRNO"}]}
		| .hooks.startContainer = [{path: "/bin/true"}]'
	set_args "$BUNDLE" echo hello
	ID=$(new_id)
	run rt --debug --log "$TEST_DIR/debug.log" run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$output" = hello ] || fail "output: $output"
	assert_in_order "$TEST_DIR/debug.log" "init: masked paths" "init: startContainer hooks: 1" \
		"init: seccomp: loading the filter" "init: exec: about to execve"
	n=$(grep -n -F "init: exec: about to execve" "$TEST_DIR/debug.log" | cut -d: -f1)
	! tail -n +"$((n + 1))" "$TEST_DIR/debug.log" | grep -E 'msg="(init: |running startContainer)' ||
		fail "init logged after its filter"
}

@test "--debug: each debug line carries t=<ms since the command started>, monotonic across the init and the re-exec" {
	is_isorun || skip "the t= field is isorun's (make bench's profile of a run); runc 1.1.5 has none"
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" true
	ID=$(new_id)
	run rt --debug --log "$TEST_DIR/debug.log" run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ] || fail "$output"
	# every line has it; the init's lines included; never decreasing (one
	# clock from main, carried over the re-exec from the protected binary)
	! grep -v -E ' t=[0-9]+\.[0-9]ms$' "$TEST_DIR/debug.log" || fail "lines without t="
	assert_in_order "$TEST_DIR/debug.log" "create: clone3 init" "init: pivot" "run: process started" \
		"run: wait: process exited" "run: delete: done"
	sed -E 's/.* t=([0-9.]+)ms$/\1/' "$TEST_DIR/debug.log" |
		awk 'NR > 1 && $1 + 0 < prev { bad = 1 } { prev = $1 + 0 } END { exit bad }' ||
		fail "t= went backwards: $(grep -o 't=[0-9.]*ms' "$TEST_DIR/debug.log" | xargs)"
	# the JSON format has it as "t"
	rt --debug --log "$TEST_DIR/json.log" --log-format json run --bundle "$BUNDLE" "$(new_id)"
	jq -e 'select(.level == "debug") | .t | test("^[0-9]+\\.[0-9]ms$")' "$TEST_DIR/json.log" >/dev/null ||
		fail "json lines without t: $(head -3 "$TEST_DIR/json.log")"
}
