#!/usr/bin/env bats
# Command-line surface: version, help, unknown commands/flags, spec, errors for missing ids.

load helpers

@test "--version: '<name> version X', then commit: and spec: lines" {
	run rt --version
	[ "$status" -eq 0 ]
	if is_isorun; then
		# isorun prints its own name (runc prints "runc version 1.1.5+ds1")
		[[ "${lines[0]}" =~ ^isorun\ version\ [0-9]+\.[0-9]+\.[0-9]+ ]]
	else
		[[ "${lines[0]}" =~ ^runc\ version\ [0-9]+\.[0-9]+\.[0-9]+ ]]
	fi
	printf '%s\n' "${lines[@]}" | grep -Eq '^commit: .+'
	printf '%s\n' "${lines[@]}" | grep -Eq '^spec: [0-9]+\.[0-9]+\.[0-9]+'
	run rt -v
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *" version "* ]]
}

@test "--help and CMD --help exit 0" {
	run rt --help
	[ "$status" -eq 0 ]
	[[ "$output" == *create* ]] && [[ "$output" == *delete* ]]
	for cmd in create start run state kill delete list spec; do
		run rt "$cmd" --help
		[ "$status" -eq 0 ] || fail "$cmd --help exited $status"
		[[ "$output" == *"$cmd"* ]] || fail "$cmd --help does not mention $cmd"
	done
}

@test "unknown command and unknown flags fail" {
	run rt no-such-command
	# runc exits 3 here (urfave/cli); any failure but timeout's own codes (124-127)
	[ "$status" -ne 0 ] && [ "$status" -lt 124 ]
	run rt --no-such-flag list
	[ "$status" -eq 1 ]
	run rt list --no-such-flag
	[ "$status" -eq 1 ]
}

@test "spec writes a parseable config.json with process.args [sh]" {
	mkdir "$TEST_DIR/b"
	rt spec --bundle "$TEST_DIR/b"
	jq -e . "$TEST_DIR/b/config.json" >/dev/null
	[ "$(jq -c .process.args "$TEST_DIR/b/config.json")" = '["sh"]' ]
	[ "$(jq -r .root.path "$TEST_DIR/b/config.json")" = rootfs ]
	[[ "$(jq -r .ociVersion "$TEST_DIR/b/config.json")" =~ ^1\.[0-9]+\.[0-9]+ ]]
	if is_isorun; then
		# isorun implements runtime-spec 1.3.0 (runc 1.1.5 writes 1.0.2-dev)
		[ "$(jq -r .ociVersion "$TEST_DIR/b/config.json")" = 1.3.0 ]
	fi
	# namespaces of a default (non-rootless) spec
	for ns in pid mount ipc uts network; do
		jq -e --arg ns "$ns" '.linux.namespaces | map(.type) | index($ns) != null' "$TEST_DIR/b/config.json" >/dev/null ||
			fail "default spec lacks $ns namespace"
	done

	# without --bundle: the current directory
	mkdir "$TEST_DIR/c"
	(cd "$TEST_DIR/c" && rt spec)
	jq -e . "$TEST_DIR/c/config.json" >/dev/null
}

@test "spec refuses to overwrite config.json" {
	mkdir "$TEST_DIR/b"
	echo '{"keep":"me"}' >"$TEST_DIR/b/config.json"
	run rt spec --bundle "$TEST_DIR/b"
	[ "$status" -eq 1 ]
	[ "$(cat "$TEST_DIR/b/config.json")" = '{"keep":"me"}' ]
}

@test "spec --rootless has a user namespace with mappings" {
	mkdir "$TEST_DIR/b"
	rt spec --rootless --bundle "$TEST_DIR/b"
	c=$TEST_DIR/b/config.json
	jq -e '.linux.namespaces | map(.type) | index("user") != null' "$c" >/dev/null
	# no network namespace in a rootless spec (as runc)
	jq -e '.linux.namespaces | map(.type) | index("network") == null' "$c" >/dev/null
	[ "$(jq '.linux.uidMappings | length' "$c")" -ge 1 ]
	[ "$(jq '.linux.gidMappings | length' "$c")" -ge 1 ]
	[ "$(jq -r '.linux.uidMappings[0].containerID' "$c")" = 0 ]
	[ "$(jq -r '.linux.uidMappings[0].hostID' "$c")" = "$(id -u)" ]
	[ "$(jq -r '.linux.gidMappings[0].hostID' "$c")" = "$(id -g)" ]
	[ "$(jq -r '.linux.uidMappings[0].size' "$c")" = 1 ]
}

@test "state, delete, kill, start of a missing container: container does not exist" {
	id=$(new_id)
	for cmd in state delete start "kill"; do
		run rt $cmd "$id"
		[ "$status" -eq 1 ] || fail "$cmd exited $status"
		[[ "$output" == *"container does not exist"* ]] || fail "$cmd: $output"
	done
	run rt kill "$id" 9
	[ "$status" -eq 1 ]
	[[ "$output" == *"container does not exist"* ]]
	# delete --force of a missing container succeeds (runc; the shim relies on it)
	rt delete --force "$id"
	assert_nothing_left "$id"
}

@test "commands without a container id fail" {
	for cmd in state start delete "kill"; do
		run rt $cmd
		[ "$status" -eq 1 ] || fail "$cmd without id exited 0"
	done
}

@test "list on an empty root: header only, json null or [], -q empty" {
	run rt list
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" =~ ^ID\ +PID\ +STATUS\ +BUNDLE\ +CREATED\ +OWNER ]]
	run --separate-stderr rt list --format json
	[ "$status" -eq 0 ]
	[ "$(jq -c 'if . == null then [] else . end' <<<"$output")" = '[]' ]
	run rt list -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}
