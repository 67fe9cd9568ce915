#!/usr/bin/env bats
# create / start / kill / delete / run / list / state, checked against runc's behaviour.

load helpers

@test "create: state is created, pid file matches, process is parked until start" {
	make_bundle "$BUNDLE"
	set_cmd "$BUNDLE" 'echo started-MARK > /tmp/started; exec sleep 100'
	id=$(new_id)
	create_ctr "$id" --pid-file "$TEST_DIR/ctr.pid" || { cat "$TEST_DIR/$id.err"; false; }

	[ "$(state_field "$id" status)" = created ]
	pid=$(state_field "$id" pid)
	[[ "$pid" =~ ^[1-9][0-9]*$ ]]
	# pid file: decimal digits only, no trailing newline (go-runc does Atoi without trim)
	run cat "$TEST_DIR/ctr.pid"
	[[ "$output" =~ ^[0-9]+$ ]]
	[ "$(od -An -c "$TEST_DIR/ctr.pid" | tr -d ' \n')" = "$pid" ]
	[ "$output" = "$pid" ]
	[ -d "/proc/$pid" ]
	# parked: the user process has not run
	[ ! -e "$BUNDLE/rootfs/tmp/started" ]
	! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q started-MARK

	rt start "$id"
	wait_file "$BUNDLE/rootfs/tmp/started"
	[ "$(cat "$BUNDLE/rootfs/tmp/started")" = started-MARK ]
	[ "$(state_field "$id" status)" = running ]
	[ "$(state_field "$id" pid)" = "$pid" ]

	rt kill "$id" KILL
	wait_status "$id" stopped
	[ "$(state_field "$id" pid)" = 0 ]

	rt delete "$id"
	run rt state "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"container does not exist"* ]]
	assert_nothing_left "$id"
}

@test "run: exit code of the process is the exit code of run" {
	make_bundle "$BUNDLE"
	id=$(new_id)
	run_sh "$id" 'echo hello; exit 7'
	[ "$status" -eq 7 ]
	[ "$output" = hello ]
	assert_nothing_left "$id"

	id=$(new_id)
	run_ctr "$id" true
	[ "$status" -eq 0 ]
	assert_nothing_left "$id"
}

@test "run: process killed by a signal gives 128+signal" {
	# without a pid namespace sh is not an init, so its own SIGTERM kills it
	make_bundle "$BUNDLE" 'del(.linux.namespaces[] | select(.type == "pid"))'
	id=$(new_id)
	run_sh "$id" 'kill -TERM $$; sleep 5; exit 3'
	[ "$status" -eq 143 ]
	assert_nothing_left "$id"
}

@test "run: SIGKILL from kill gives 137 to a foreground run" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 100
	id=$(new_id)
	(
		rc=0
		rt run --bundle "$BUNDLE" "$id" >"$TEST_DIR/run.out" 2>&1 || rc=$?
		echo "$rc" >"$TEST_DIR/run.rc"
	) 3>&- &
	wait_status "$id" running
	rt kill "$id" 9
	wait_file "$TEST_DIR/run.rc"
	[ "$(cat "$TEST_DIR/run.rc")" = 137 ]
}

@test "run -d returns while the container runs" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 100
	id=$(new_id)
	SECONDS=0
	run_d_ctr "$id"
	[ "$SECONDS" -lt 10 ]
	[ "$(state_field "$id" status)" = running ]
	pid=$(state_field "$id" pid)
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 100 " ]
}

@test "start on a stopped container fails" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" true
	id=$(new_id)
	create_ctr "$id"
	rt start "$id"
	wait_status "$id" stopped
	run rt start "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot start a container that has stopped"* ]]
	rt delete "$id"
	assert_nothing_left "$id"
}

@test "start on a running container fails" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 100
	id=$(new_id)
	run_d_ctr "$id"
	run rt start "$id"
	[ "$status" -eq 1 ]
	[ "$(state_field "$id" status)" = running ]
}

@test "delete of a running container needs --force" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 100
	id=$(new_id)
	run_d_ctr "$id"
	pid=$(state_field "$id" pid)
	run rt delete "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot delete container $id that is not stopped: running"* ]]
	[ "$(state_field "$id" status)" = running ]
	kill -0 "$pid"

	rt delete --force "$id"
	run rt state "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"container does not exist"* ]]
	# the process is gone (a zombie still has /proc/PID: check its state)
	for i in $(seq 50); do
		[ -e "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null || break
		sleep 0.05
	done
	! [ -e "/proc/$pid" ] || grep -q '^State:.*Z' "/proc/$pid/status"
	assert_nothing_left "$id"
}

@test "delete of a created container kills it" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 100
	id=$(new_id)
	create_ctr "$id"
	pid=$(state_field "$id" pid)
	rt delete "$id"
	run rt state "$id"
	[ "$status" -eq 1 ]
	assert_nothing_left "$id"
}

@test "kill accepts KILL, SIGKILL and 9" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 100
	for sig in KILL SIGKILL 9; do
		id=$(new_id)
		run_d_ctr "$id"
		rt kill "$id" "$sig"
		wait_status "$id" stopped
	done
}

@test "kill TERM reaches a process that handles it" {
	make_bundle "$BUNDLE"
	set_cmd "$BUNDLE" 'trap "echo got-term > /tmp/term; exit 0" TERM; echo ready > /tmp/ready; while :; do sleep 0.1; done'
	id=$(new_id)
	run_d_ctr "$id"
	wait_file "$BUNDLE/rootfs/tmp/ready"
	rt kill "$id" TERM
	wait_status "$id" stopped
	[ "$(cat "$BUNDLE/rootfs/tmp/term")" = got-term ]
}

@test "kill of a stopped container fails with container not running" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" true
	id=$(new_id)
	run_d_ctr "$id"
	wait_status "$id" stopped
	run rt kill "$id" 9
	[ "$status" -eq 1 ]
	[[ "$output" == *"container not running"* ]]
}

@test "list: table, json and -q" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 100
	id=$(new_id)
	run_d_ctr "$id"
	pid=$(state_field "$id" pid)

	run rt list
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^ID\ +PID\ +STATUS\ +BUNDLE\ +CREATED\ +OWNER ]]
	[[ "${lines[1]}" =~ ^$id\ +$pid\ +running\ +$BUNDLE\  ]]
	[ "${#lines[@]}" -eq 2 ]

	run --separate-stderr rt list --format json
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(jq 'length' <<<"$output")" = 1 ]
	[ "$(jq -r '.[0].id' <<<"$output")" = "$id" ]
	[ "$(jq -r '.[0].pid' <<<"$output")" = "$pid" ]
	[ "$(jq -r '.[0].status' <<<"$output")" = running ]
	[ "$(jq -r '.[0].bundle' <<<"$output")" = "$BUNDLE" ]

	run rt list -q
	[ "$status" -eq 0 ]
	[ "$output" = "$id" ]
}

@test "state JSON has every field runc prints, and nothing on stderr" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 100
	id=$(new_id)
	create_ctr "$id"
	run --separate-stderr rt state "$id"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	s=$output
	[ -n "$(jq -r '.ociVersion // empty' <<<"$s")" ]
	[ "$(jq -r .id <<<"$s")" = "$id" ]
	[ "$(jq -r '.pid | type' <<<"$s")" = number ]
	[ "$(jq -r .pid <<<"$s")" -gt 0 ]
	[ "$(jq -r .status <<<"$s")" = created ]
	[ "$(jq -r .bundle <<<"$s")" = "$BUNDLE" ]
	[ "$(jq -r .rootfs <<<"$s")" = "$BUNDLE/rootfs" ]
	[ "$(jq -r '.owner | type' <<<"$s")" = string ]
	created=$(jq -r .created <<<"$s")
	[[ "$created" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$ ]]
	t=$(date -d "$created" +%s)
	now=$(date +%s)
	[ $((now - t)) -ge 0 ] && [ $((now - t)) -lt 60 ]
}

@test "--log --log-format json records the error as a JSON line" {
	log=$TEST_DIR/log.json
	echo '{"level":"info","msg":"earlier line","time":"2020-01-01T00:00:00Z"}' >"$log"
	id=$(new_id)
	run rt --log "$log" --log-format json state "$id"
	[ "$status" -eq 1 ]
	run rt --log "$log" --log-format json kill "$id" 9
	[ "$status" -eq 1 ]
	# appended, not truncated
	[ "$(head -n1 "$log")" = '{"level":"info","msg":"earlier line","time":"2020-01-01T00:00:00Z"}' ]
	n=0
	while IFS= read -r line; do
		jq -e 'type == "object"' <<<"$line" >/dev/null || fail "not JSON: $line"
		t=$(jq -r .time <<<"$line")
		[[ "$t" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$ ]] || fail "time not RFC 3339: $t"
		if [ "$(jq -r .level <<<"$line")" = error ]; then
			[[ "$(jq -r .msg <<<"$line")" == *"container does not exist"* ]] || fail "msg: $line"
			n=$((n + 1))
		fi
	done <"$log"
	[ "$n" -eq 2 ]
}

@test "create with an id that exists fails and leaves the first container alone" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 100
	id=$(new_id)
	create_ctr "$id"
	pid=$(state_field "$id" pid)
	run create_ctr "$id"
	[ "$status" -eq 1 ]
	[ "$(state_field "$id" status)" = created ]
	[ "$(state_field "$id" pid)" = "$pid" ]
	kill -0 "$pid"
	rt start "$id"
	[ "$(state_field "$id" status)" = running ]
}

@test "create fails when process.args[0] does not exist, leaving nothing" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" /no/such/binary
	id=$(new_id)
	run create_ctr "$id"
	[ "$status" -eq 1 ]
	grep -q /no/such/binary "$TEST_DIR/$id.err"
	# the failed create must not leave a container to start
	run rt state "$id"
	[ "$status" -eq 1 ]
	assert_nothing_left "$id"

	set_args "$BUNDLE" nosuchcommand-in-path
	id=$(new_id)
	run create_ctr "$id"
	[ "$status" -eq 1 ]
	grep -q nosuchcommand-in-path "$TEST_DIR/$id.err"
	assert_nothing_left "$id"
}

@test "the container process is not a child of the runtime after create" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 100
	id=$(new_id)
	create_ctr "$id"
	pid=$(state_field "$id" pid)
	ppid=$(awk '/^PPid:/ { print $2 }' "/proc/$pid/status")
	# allowed parents: init or one of our ancestors (a subreaper); never a runtime process
	allowed=" 1 "
	p=$$
	while [ "$p" -gt 1 ]; do
		allowed+="$p "
		p=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status")
	done
	[[ "$allowed" == *" $ppid "* ]] || fail "parent $ppid ($(tr '\0' ' ' <"/proc/$ppid/cmdline")) not in [$allowed]"
	[ "$(readlink "/proc/$ppid/exe")" != "$(readlink -f "$ISORUN")" ]
}

@test "create, start, kill, delete print nothing on success (stdio belongs to the container)" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 100
	id=$(new_id)
	create_ctr "$id"
	[ ! -s "$TEST_DIR/$id.out" ]
	[ ! -s "$TEST_DIR/$id.err" ]
	for cmd in start "kill" delete; do
		case $cmd in
		"kill") args=(kill "$id" KILL) ;;
		delete) wait_status "$id" stopped; args=(delete "$id") ;;
		*) args=("$cmd" "$id") ;;
		esac
		run --separate-stderr rt "${args[@]}"
		[ "$status" -eq 0 ] || fail "$cmd exited $status: $stderr"
		[ -z "$output" ] || fail "$cmd printed: $output"
		[ -z "$stderr" ] || fail "$cmd printed on stderr: $stderr"
	done
	assert_nothing_left "$id"
}

@test "kill without a signal sends SIGTERM" {
	make_bundle "$BUNDLE"
	set_cmd "$BUNDLE" 'trap "echo term > /tmp/sig; exit 0" TERM; trap "echo int > /tmp/sig; exit 0" INT; echo ready > /tmp/ready; while :; do sleep 0.1; done'
	id=$(new_id)
	run_d_ctr "$id"
	wait_file "$BUNDLE/rootfs/tmp/ready"
	rt kill "$id"
	wait_status "$id" stopped
	[ "$(cat "$BUNDLE/rootfs/tmp/sig")" = term ]
}
