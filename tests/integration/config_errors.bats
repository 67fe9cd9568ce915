#!/usr/bin/env bats
# Bad bundles: each create fails with exit 1, an error on stderr, and leaves nothing behind.
# isorun's wording is its own (design.md: "config.json: linux.resources.memory.limit: ..."),
# so for isorun we also assert the JSON path / file named in the error; runc's wording differs.

load helpers

# expect_create_error ID [WORD...]: create must exit 1 with a non-empty stderr; for isorun
# stderr must contain every WORD.
expect_create_error() {
	local id=$1 w
	shift
	run create_ctr "$id"
	[ "$status" -eq 1 ] || fail "create exited $status, wanted 1"
	err=$(cat "$TEST_DIR/$id.err")
	[ -n "$err" ] || fail "no error on stderr"
	if is_isorun; then
		for w in "$@"; do
			[[ "$err" == *"$w"* ]] || fail "error does not mention '$w': $err"
		done
	fi
	run rt state "$id"
	[ "$status" -eq 1 ]
	assert_nothing_left "$id"
}

@test "missing bundle directory" {
	BUNDLE=$TEST_DIR/no-such-bundle
	id=$(new_id)
	expect_create_error "$id" "$BUNDLE"
}

@test "missing config.json" {
	make_bundle "$BUNDLE"
	rm "$BUNDLE/config.json"
	id=$(new_id)
	expect_create_error "$id" config.json
}

@test "invalid JSON" {
	make_bundle "$BUNDLE"
	echo '{"ociVersion": "1.0.2", "process": {' >"$BUNDLE/config.json"
	id=$(new_id)
	expect_create_error "$id" config.json
}

@test "missing rootfs" {
	make_bundle "$BUNDLE"
	rm -rf "$BUNDLE/rootfs"
	id=$(new_id)
	expect_create_error "$id" rootfs
}

@test "empty process.args" {
	make_bundle "$BUNDLE" '.process.args = []'
	id=$(new_id)
	expect_create_error "$id" process.args
}

@test "non-integer memory limit" {
	make_bundle "$BUNDLE" '.linux.resources.memory.limit = "64M"'
	id=$(new_id)
	expect_create_error "$id" linux.resources.memory.limit
}

@test "run with a bad config fails the same way and leaves nothing" {
	make_bundle "$BUNDLE" '.process.args = []'
	id=$(new_id)
	run rt run --bundle "$BUNDLE" "$id"
	[ "$status" -eq 1 ]
	[ -n "$output" ]
	if is_isorun; then
		[[ "$output" == *process.args* ]]
	fi
	assert_nothing_left "$id"
}

@test "an error with --log json goes to the log as level error" {
	make_bundle "$BUNDLE" '.process.args = []'
	id=$(new_id)
	register_id "$id"
	run rt --log "$TEST_DIR/log.json" --log-format json create --bundle "$BUNDLE" "$id"
	[ "$status" -eq 1 ]
	[ "$(jq -rs '[.[] | select(.level == "error")] | length' "$TEST_DIR/log.json")" -ge 1 ]
	msg=$(jq -rs '[.[] | select(.level == "error")] | last | .msg' "$TEST_DIR/log.json")
	[ -n "$msg" ]
	if is_isorun; then
		[[ "$msg" == *process.args* ]]
	else
		[[ "$msg" == *"args must not be empty"* ]]
	fi
	assert_nothing_left "$id"
}

@test "failed creates free everything they took (ASan leak check of the sanitized build)" {
	is_isorun || skip "checks isorun's own sanitized build"
	local san=$REPO_ROOT/build/san/isorun
	[ -x "$san" ] || skip "build/san/isorun not built (make check builds it)"
	id=$(new_id)
	make_bundle "$BUNDLE" '.process.terminal = true'
	run env ASAN_OPTIONS=detect_leaks=1 timeout "$TMO" "$san" --root "$ROOT" create --bundle "$BUNDLE" "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot allocate tty"* ]] || fail "unexpected: $output"
	[[ "$output" != *LeakSanitizer* ]] || fail "leak after a terminal refusal: $output"
	make_bundle "$BUNDLE" 'del(.process)'
	run env ASAN_OPTIONS=detect_leaks=1 timeout "$TMO" "$san" --root "$ROOT" create --bundle "$BUNDLE" "$id"
	[ "$status" -eq 1 ]
	[[ "$output" != *LeakSanitizer* ]] || fail "leak after a missing process: $output"
	assert_nothing_left "$id"
}
