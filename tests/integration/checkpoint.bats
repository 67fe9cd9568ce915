#!/usr/bin/env bats
# checkpoint and restore through CRIU. CRIU 3.17 (Debian 12) cannot work on the
# development host's kernel (its vDSO layout: "vdso: Unexpected rt vDSO area
# bounds"), so the tests that need a working CRIU skip there, naming why, and
# run in the cgroup v2 VM (tests/vm/guest-checkpoint.sh runs this file there,
# for isorun and for runc). The error-path tests run everywhere.
#
# The containers' stdio are pipes held by the test (never a host file that is
# not in the container's mount namespace: CRIU cannot dump such an fd, for
# runc neither), and restore is given the same pipes, as an engine does.

load helpers

setup_file() {
	common_setup_file
	CRIU_SKIP=""
	if ! command -v criu >/dev/null; then
		CRIU_SKIP="criu is not installed"
	elif ! out=$(criu check 2>&1); then
		CRIU_SKIP="criu cannot work on this kernel ($(uname -r)): $(grep -m1 -o 'Error.*' <<<"$out")"
	fi
	export CRIU_SKIP
}

need_criu() {
	[ -z "$CRIU_SKIP" ] || skip "$CRIU_SKIP (the cgroup v2 VM runs this test: tests/vm/guest-checkpoint.sh)"
}

setup() {
	common_setup
	# rw pipes (a process substitution's pipe reopened read-write): fd 0 and
	# fds 1/2 of the containers, like a shim's
	exec {PIN}<> <(:)
	exec {POUT}<> <(:)
	exec {PERR}<> <(:)
}

teardown() {
	common_teardown
	local rc=$?
	exec {PIN}>&- {POUT}>&- {PERR}>&-
	return $rc
}

# rtp ARGS: the runtime with the test's pipes as stdio (runc hands its own
# stderr to the container: a file there would make the container undumpable).
rtp() {
	timeout --kill-after=5 60 "$ISORUN" --root "$ROOT" "$@" <&"$PIN" >&"$POUT" 2>&"$PERR" 3>&-
}

# counter_bundle [JQ...]: a container counting in /count every 0.1 s.
counter_bundle() {
	make_bundle "$BUNDLE" '.root.readonly = false' "$@"
	# written aside, then renamed: a reader never sees a half-written file
	set_cmd "$BUNDLE" 'i=0; while :; do i=$((i+1)); echo $i >/count.new; mv /count.new /count; sleep 0.1; done'
}

# count ID: the counter's value, read through exec.
count() {
	rt exec "$1" cat /count
}

# wait_count ID MIN: waits until the counter reached MIN.
wait_count() {
	local i c
	for ((i = 0; i < 200; i++)); do
		c=$(count "$1" 2>/dev/null) || c=0
		[ "${c:-0}" -ge "$2" ] && return 0
		sleep 0.05
	done
	fail "counter of $1 is ${c:-none}, never reached $2"
}

log_on_fail() {
	echo "runtime and container stderr:" >&2
	timeout 1 cat <&"$PERR" >&2 || true
	local f
	for f in "$TEST_DIR"/img*/*.log "$TEST_DIR"/pre/*.log; do
		[ -f "$f" ] && { echo "== $f" >&2; grep -m5 Error "$f" >&2 || true; }
	done
	return 1
}

# ---------------------------------------------------------------- every host

@test "checkpoint: without criu, the error says criu is not installed" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 100
	id=$(new_id)
	run_d_ctr "$id"
	run rt --criu "$TEST_DIR/no-such-criu" checkpoint --image-path "$TEST_DIR/img" "$id"
	[ "$status" -ne 0 ]
	if is_isorun; then
		[[ "$output" == *"checkpoint: criu is not installed"* ]] || fail "$output"
	fi
	# the container is untouched
	[ "$(state_field "$id" status)" = running ]
}

@test "checkpoint: a kernel criu cannot serve is named, with criu check's words" {
	command -v criu >/dev/null || skip "criu is not installed"
	[ -n "$CRIU_SKIP" ] || skip "criu works on this kernel: nothing is lacking"
	is_isorun || skip "runc 1.1.5 only says 'criu failed: type NOTIFY errno 0' and points to dump.log"
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 100
	id=$(new_id)
	run_d_ctr "$id"
	run rt checkpoint --image-path "$TEST_DIR/img" "$id"
	[ "$status" -ne 0 ]
	want=$(criu check 2>&1 | grep -m1 -o 'Error ([^)]*): .*' | sed 's/^Error ([^)]*): //')
	[[ "$output" == *"checkpoint: this kernel lacks what criu needs: $want (criu check"* ]] ||
		fail "wanted '$want' in: $output"
	[ "$(state_field "$id" status)" = running ]
}

@test "checkpoint: the init and exec'd processes lead their own session, as runc's (criu needs it)" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 100
	id=$(new_id)
	run_d_ctr "$id"
	# field 6 of /proc/PID/stat is the session id (pid namespace view)
	run rt exec "$id" sh -c 'cut -d" " -f1,6 /proc/1/stat; cut -d" " -f1,6 /proc/$$/stat'
	[ "$status" -eq 0 ] || fail "$output"
	[ "${lines[0]}" = "1 1" ] || fail "init: ${lines[0]}"
	read -r pid sid <<<"${lines[1]}"
	[ "$pid" = "$sid" ] || fail "exec: ${lines[1]}"
}

@test "checkpoint: an init whose stdio is the host's /dev/null gets the container's (runc's reOpenDevNull)" {
	# podman's conmon hands the host's /dev/null in as stdin; it lives on a mount
	# outside the container's mount namespace, which CRIU cannot dump ("Can't
	# lookup mount=N for fd=0 path=/dev/null")
	make_bundle "$BUNDLE"
	set_cmd "$BUNDLE" 'for f in 0 2; do stat -L -c "%d:%i" /proc/self/fd/$f; done; stat -c "%d:%i" /dev/null; readlink /proc/self/fd/1'
	id=$(new_id)
	# stdin and stderr: the host's /dev/null; stdout: a file to read the answer from
	# (detached: runc passes stdio through only then)
	timeout 30 "$ISORUN" --root "$ROOT" run -d --bundle "$BUNDLE" "$id" </dev/null >"$TEST_DIR/out" 2>/dev/null 3>&-
	wait_status "$id" stopped
	mapfile -t l <"$TEST_DIR/out"
	[ "${#l[@]}" -eq 4 ] || fail "$(cat "$TEST_DIR/out")"
	[ "${l[0]}" = "${l[2]}" ] || fail "stdin is not the container's /dev/null: ${l[*]}"
	[ "${l[1]}" = "${l[2]}" ] || fail "stderr is not the container's /dev/null: ${l[*]}"
	# what is not /dev/null stays as it was
	[[ "${l[3]}" == */out ]] || fail "stdout changed: ${l[3]}"
}

@test "checkpoint: bad flag values are refused" {
	is_isorun || skip "runc 1.1.5 checks these only after loading the container"
	run rt checkpoint --manage-cgroups-mode bogus x
	[ "$status" -ne 0 ]
	[[ "$output" == *"Invalid manage cgroups mode"* ]] || fail "$output"
	run rt checkpoint --empty-ns bogus x
	[ "$status" -ne 0 ]
	[[ "$output" == *'namespace "bogus" is not supported'* ]] || fail "$output"
}

# ---------------------------------------------------------------- with a working criu

@test "checkpoint/restore: a counter keeps counting; the container is running again with exec, kill, delete" {
	need_criu
	counter_bundle
	id=$(new_id)
	rtp run -d --bundle "$BUNDLE" "$id" || log_on_fail
	wait_count "$id" 5
	old_pid=$(state_field "$id" pid)
	old_cg=$(cgroup_dir_of "$old_pid" pids)
	rtp checkpoint --image-path "$TEST_DIR/img" "$id" || log_on_fail
	before=$(cat "$BUNDLE/rootfs/count")
	# its processes and its cgroup are gone
	! kill -0 "$old_pid" 2>/dev/null || fail "init $old_pid still runs"
	[ ! -d "$old_cg" ] || fail "cgroup $old_cg is left"
	if is_isorun; then
		# stopped (the runtime-spec's state once the process is gone) ...
		[ "$(state_field "$id" status)" = stopped ]
		[ "$(state_field "$id" pid)" = 0 ]
		run rt list
		[[ "$output" == *"$id "*stopped* ]] || fail "$output"
	else
		# runc 1.1.5 removes a checkpointed container
		run rt state "$id"
		[ "$status" -ne 0 ]
		[[ "$output" == *"does not exist"* ]] || fail "$output"
	fi
	# ... and restore with the same id replaces it (no delete in between)
	rtp restore -d --image-path "$TEST_DIR/img" --bundle "$BUNDLE" "$id" || log_on_fail
	[ "$(state_field "$id" status)" = running ]
	new_pid=$(state_field "$id" pid)
	[ "$new_pid" -gt 0 ]
	kill -0 "$new_pid"
	# counting goes on from where it was, not from 1
	after=$(count "$id")
	[ "$after" -ge "$before" ] || fail "counter went back: $before -> $after"
	wait_count "$id" $((before + 5))
	# the restored init is the container's pid 1
	run rt exec "$id" cat /proc/1/cmdline
	[[ "$output" == sh* ]] || fail "$output"
	rt kill "$id" KILL
	wait_status "$id" stopped
	rt delete "$id"
	run rt state "$id"
	[ "$status" -ne 0 ]
	echo "old pid $old_pid, new pid $new_pid"
}

@test "checkpoint/restore: an open file and a pipe inside the container survive" {
	need_criu
	make_bundle "$BUNDLE" '.root.readonly = false'
	set_cmd "$BUNDLE" 'exec 5>>/log; (while :; do echo t; sleep 0.1; done) | (n=0; while read l; do n=$((n+1)); echo $n >/piped.new; mv /piped.new /piped; echo $n >&5; done)'
	id=$(new_id)
	rtp run -d --bundle "$BUNDLE" "$id" || log_on_fail
	for i in $(seq 100); do [ "$(cat "$BUNDLE/rootfs/piped" 2>/dev/null || echo 0)" -ge 3 ] && break; sleep 0.05; done
	rtp checkpoint --image-path "$TEST_DIR/img" "$id" || log_on_fail
	before=$(cat "$BUNDLE/rootfs/piped")
	lines_before=$(wc -l <"$BUNDLE/rootfs/log")
	# the stopped container is deleted before the restore, as podman does
	# (runc 1.1.5 has already removed it)
	if is_isorun; then
		rt delete "$id"
		run rt state "$id"
		[[ "$output" == *"does not exist"* ]] || fail "$output"
	fi
	rtp restore -d --image-path "$TEST_DIR/img" --bundle "$BUNDLE" "$id" || log_on_fail
	for i in $(seq 100); do [ "$(cat "$BUNDLE/rootfs/piped")" -ge $((before + 3)) ] && break; sleep 0.05; done
	after=$(cat "$BUNDLE/rootfs/piped")
	[ "$after" -ge $((before + 3)) ] || fail "the pipe reader stopped: $before -> $after"
	# the appending fd 5 still names /log, and the file grew through it
	[ "$(wc -l <"$BUNDLE/rootfs/log")" -gt "$lines_before" ]
	run rt exec "$id" sh -c 'for p in /proc/[0-9]*; do readlink $p/fd/5; done'
	[[ "$output" == *"/log"* ]] || fail "$output"
	run rt exec "$id" sh -c 'for p in /proc/[0-9]*; do readlink $p/fd/1; done'
	[[ "$output" == *"pipe:"* ]] || fail "$output"
}

@test "checkpoint/restore: the memory limit is there after restore" {
	need_criu
	counter_bundle '.linux.resources.memory = {"limit": 67108864}'
	id=$(new_id)
	rtp run -d --bundle "$BUNDLE" "$id" || log_on_fail
	wait_count "$id" 2
	rtp checkpoint --image-path "$TEST_DIR/img" "$id" || log_on_fail
	rtp restore -d --image-path "$TEST_DIR/img" --bundle "$BUNDLE" "$id" || log_on_fail
	pid=$(state_field "$id" pid)
	dir=$(cgroup_dir_of "$pid" memory)
	if [ -f "$dir/memory.max" ]; then
		[ "$(cat "$dir/memory.max")" = 67108864 ]
	else
		[ "$(cat "$dir/memory.limit_in_bytes")" = 67108864 ]
	fi
	# and the restored process is in the container's cgroup, named after the id
	[[ "$dir" == *"$id"* ]] || fail "restored into $dir"
}

@test "checkpoint/restore: --pre-dump, then a dump with --parent-path, then restore" {
	need_criu
	counter_bundle
	id=$(new_id)
	rtp run -d --bundle "$BUNDLE" "$id" || log_on_fail
	wait_count "$id" 3
	rtp checkpoint --pre-dump --image-path "$TEST_DIR/pre" "$id" || log_on_fail
	# a pre-dump leaves it running
	[ "$(state_field "$id" status)" = running ]
	wait_count "$id" 6
	rtp checkpoint --parent-path ../pre --image-path "$TEST_DIR/img" "$id" || log_on_fail
	[ -e "$TEST_DIR/img/parent" ] || fail "no parent link in the images"
	before=$(cat "$BUNDLE/rootfs/count")
	rtp restore -d --image-path "$TEST_DIR/img" --bundle "$BUNDLE" "$id" || log_on_fail
	wait_count "$id" $((before + 3))
}

@test "checkpoint/restore: restore into a different id and bundle" {
	need_criu
	is_isorun || skip "runc 1.1.5 restores a new id into the old id's cgroup (cgroup v2) and leaves that cgroup behind"
	counter_bundle
	id=$(new_id)
	rtp run -d --bundle "$BUNDLE" "$id" || log_on_fail
	wait_count "$id" 3
	rtp checkpoint --image-path "$TEST_DIR/img" "$id" || log_on_fail
	before=$(cat "$BUNDLE/rootfs/count")
	# another bundle dir with the same rootfs content
	cp -a "$BUNDLE" "$TEST_DIR/b2"
	id2=$(new_id)
	rtp restore -d --image-path "$TEST_DIR/img" --bundle "$TEST_DIR/b2" "$id2" || log_on_fail
	[ "$(state_field "$id2" status)" = running ]
	[ "$(state_field "$id2" bundle)" = "$TEST_DIR/b2" ]
	# the checkpointed one stays stopped beside it (runc 1.1.5: removed), and goes with delete
	[ "$(state_field "$id" status)" = stopped ]
	rt delete "$id"
	run rt state "$id"
	[ "$status" -ne 0 ]
	wait_count "$id2" $((before + 3))
	pid=$(state_field "$id2" pid)
	[[ "$(cgroup_dir_of "$pid" pids)" == *"$id2"* ]]
}

@test "checkpoint/restore: --leave-running keeps the container running" {
	need_criu
	counter_bundle
	id=$(new_id)
	rtp run -d --bundle "$BUNDLE" "$id" || log_on_fail
	wait_count "$id" 2
	pid=$(state_field "$id" pid)
	rtp checkpoint --leave-running --image-path "$TEST_DIR/img" "$id" || log_on_fail
	[ "$(state_field "$id" status)" = running ]
	[ "$(state_field "$id" pid)" = "$pid" ]
	c=$(count "$id")
	wait_count "$id" $((c + 3))
}

@test "checkpoint/restore: a container with a terminal (--console-socket on both sides)" {
	need_criu
	[ -x "$RECVTTY" ] || skip "recvtty not built: run 'make helpers'"
	counter_bundle '.process.terminal = true'
	set_cmd "$BUNDLE" 'i=0; while :; do i=$((i+1)); tty >/tty.new; mv /tty.new /tty; echo $i >/count.new; mv /count.new /count; sleep 0.1; done'
	sock1=$TEST_DIR/tty1.sock sock2=$TEST_DIR/tty2.sock
	"$RECVTTY" --no-stdin --once "$sock1" >"$TEST_DIR/tty1.out" 2>&1 </dev/null 3>&- &
	track_pid $!
	"$RECVTTY" --no-stdin --once "$sock2" >"$TEST_DIR/tty2.out" 2>&1 </dev/null 3>&- &
	track_pid $!
	for i in $(seq 100); do [ -S "$sock1" ] && [ -S "$sock2" ] && break; sleep 0.02; done
	id=$(new_id)
	rtp run -d --console-socket "$sock1" --bundle "$BUNDLE" "$id" || log_on_fail
	wait_count "$id" 3
	rtp checkpoint --image-path "$TEST_DIR/img" "$id" || log_on_fail
	before=$(cat "$BUNDLE/rootfs/count")
	rtp restore -d --console-socket "$sock2" --image-path "$TEST_DIR/img" --bundle "$BUNDLE" "$id" || log_on_fail
	wait_count "$id" $((before + 3))
	# still on a terminal: the new pty pair whose master went to the second socket
	[[ "$(cat "$BUNDLE/rootfs/tty")" == /dev/pts/* ]] || fail "tty: $(cat "$BUNDLE/rootfs/tty")"
}

@test "checkpoint/restore: restore without --detach waits, exits with the container's status, removes it" {
	need_criu
	counter_bundle
	id=$(new_id)
	rtp run -d --bundle "$BUNDLE" "$id" || log_on_fail
	wait_count "$id" 2
	rtp checkpoint --image-path "$TEST_DIR/img" "$id" || log_on_fail
	rtp restore --image-path "$TEST_DIR/img" --bundle "$BUNDLE" "$id" &
	rpid=$!
	track_pid "$rpid"
	wait_status "$id" running 400
	c=$(count "$id")
	wait_count "$id" $((c + 2))
	rt kill "$id" KILL
	rc=0
	wait "$rpid" || rc=$?
	[ "$rc" -eq 137 ] || fail "restore exited $rc"
	run rt state "$id"
	[ "$status" -ne 0 ]
}

@test "restore: an id a running container has is refused, and the container is untouched" {
	command -v criu >/dev/null || skip "criu is not installed"
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 100
	id=$(new_id)
	run_d_ctr "$id"
	pid=$(state_field "$id" pid)
	mkdir "$TEST_DIR/empty"
	run rt restore -d --image-path "$TEST_DIR/empty" --bundle "$BUNDLE" "$id"
	[ "$status" -ne 0 ]
	if is_isorun; then
		[[ "$output" == *"restore: container with id exists: $id"* ]] || fail "$output"
	else
		# runc 1.1.5's words
		[[ "$output" == *"container with given ID already exists"* ]] || fail "$output"
	fi
	[ "$(state_field "$id" status)" = running ]
	[ "$(state_field "$id" pid)" = "$pid" ]
}

@test "restore: a missing checkpoint fails and leaves nothing behind" {
	is_isorun || [ -z "$CRIU_SKIP" ] || skip "runc 1.1.5 needs a working criu to get this far"
	command -v criu >/dev/null || skip "criu is not installed"
	make_bundle "$BUNDLE"
	mkdir "$TEST_DIR/empty"
	id=$(new_id)
	run rt restore -d --image-path "$TEST_DIR/empty" --bundle "$BUNDLE" "$id"
	[ "$status" -ne 0 ]
	run rt state "$id"
	[ "$status" -ne 0 ]
}
