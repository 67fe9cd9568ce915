#!/usr/bin/env bats
# A container's root built from image layers: an overlay mount with destination "/" as the
# first entry of config.json's mounts (runc accepts it and makes it the root; so does
# isorun). root.path is an empty directory the overlay covers; the lower layers are shared
# read-only, each container writes to its own upper layer.

load helpers

# layers_setup: $TEST_DIR/layers/l1 (busybox, /etc/motd "layer one", /etc/one) and
# layers/l2 (overrides /etc/motd); $BUNDLE with an empty root dir and the base config.
layers_setup() {
	L1=$TEST_DIR/layers/l1
	L2=$TEST_DIR/layers/l2
	make_busybox_rootfs "$L1"
	echo 'layer one' >"$L1/etc/motd"
	echo 'only in layer one' >"$L1/etc/one"
	mkdir -p "$L2/etc" "$BUNDLE/root"
	echo 'layer two' >"$L2/etc/motd"
	cp "$BASE_CONFIG" "$BUNDLE/config.json"
	edit_config "$BUNDLE" '.root.path = "root"'
	# what the layers hold, to compare after the containers ran
	LOWER_BEFORE=$(layers_sum)
}

layers_sum() {
	(cd "$TEST_DIR/layers" && find . -printf '%p %y %m %u %s %T@\n' | sort | md5sum)
}

# overlay_first C: the bundle's mounts start with an overlay at / whose upper and work
# dirs are $TEST_DIR/C/upper and $TEST_DIR/C/work (made here).
overlay_first() {
	mkdir -p "$TEST_DIR/$1/upper" "$TEST_DIR/$1/work"
	edit_config "$BUNDLE" '.mounts = [{"destination": "/", "type": "overlay", "source": "overlay",
		"options": ["lowerdir=\($l2):\($l1)", "upperdir=\($d)/upper", "workdir=\($d)/work"]}]
		+ [.mounts[] | select(.destination != "/")]' \
		--arg l1 "$L1" --arg l2 "$L2" --arg d "$TEST_DIR/$1"
}

@test "an overlay at / is the root: the top layer wins, /proc and /dev go into it, writes go up" {
	layers_setup
	overlay_first c1
	run_sh "$(new_id)" 'cat /etc/motd /etc/one
		awk '\''$5 == "/" { print $9 }'\'' /proc/self/mountinfo
		awk '\''$5 == "/proc" || $5 == "/dev" { print $5, $9 }'\'' /proc/self/mountinfo
		test -c /dev/null && echo dev-null-ok
		echo written >/new && rm /etc/one && echo wrote'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "layer two" ]
	[ "${lines[1]}" = "only in layer one" ]
	[ "${lines[2]}" = overlay ]
	[ "${lines[3]}" = "/proc proc" ]
	[ "${lines[4]}" = "/dev tmpfs" ]
	[ "${lines[5]}" = dev-null-ok ]
	[ "${lines[6]}" = wrote ]
	# the write and the deletion (a whiteout) are in the upper layer only
	[ "$(cat "$TEST_DIR/c1/upper/new")" = written ]
	[ -c "$TEST_DIR/c1/upper/etc/one" ]
	[ "$(layers_sum)" = "$LOWER_BEFORE" ]
	# root.path is only the mount point: nothing was written into it
	[ -z "$(ls -A "$BUNDLE/root")" ]
}

@test "two containers share the lower layers at the same time, each writes to its own upper" {
	layers_setup
	local a b
	a=$(new_id)
	b=$(new_id)
	overlay_first ca
	set_cmd "$BUNDLE" 'cat /etc/motd >/seen; hostname >/who; sleep 30'
	edit_config "$BUNDLE" '.hostname = "ca"'
	run_d_ctr "$a" || fail "run -d $a: $(cat "$TEST_DIR/$a.err")"
	overlay_first cb
	edit_config "$BUNDLE" '.hostname = "cb"'
	run_d_ctr "$b" || fail "run -d $b: $(cat "$TEST_DIR/$b.err")"
	wait_file "$TEST_DIR/ca/upper/who"
	wait_file "$TEST_DIR/cb/upper/who"
	# both run now, on the same lower directories
	[ "$(state_field "$a" status)" = running ]
	[ "$(state_field "$b" status)" = running ]
	local pa pb
	pa=$(state_field "$a" pid)
	pb=$(state_field "$b" pid)
	grep -q " / / .* overlay overlay .*lowerdir=$L2:$L1,upperdir=$TEST_DIR/ca/upper" "/proc/$pa/mountinfo"
	grep -q " / / .* overlay overlay .*lowerdir=$L2:$L1,upperdir=$TEST_DIR/cb/upper" "/proc/$pb/mountinfo"
	# each sees its own write, not the other's
	[ "$(cat "/proc/$pa/root/who")" = ca ]
	[ "$(cat "/proc/$pb/root/who")" = cb ]
	[ "$(cat "/proc/$pa/root/seen")" = "layer two" ]
	[ "$(cat "/proc/$pb/root/seen")" = "layer two" ]
	[ "$(cat "$TEST_DIR/ca/upper/who")" = ca ]
	[ "$(cat "$TEST_DIR/cb/upper/who")" = cb ]
	[ "$(layers_sum)" = "$LOWER_BEFORE" ]
	rt kill "$a" KILL
	rt kill "$b" KILL
	wait_status "$a" stopped
	wait_status "$b" stopped
	rt delete "$a"
	rt delete "$b"
	[ "$(layers_sum)" = "$LOWER_BEFORE" ]
}

@test "root.readonly makes the overlay root read-only: nothing reaches the upper layer" {
	layers_setup
	overlay_first c1
	edit_config "$BUNDLE" '.root.readonly = true'
	run_sh "$(new_id)" 'cat /etc/motd; echo x >/new || echo refused
		awk '\''$5 == "/" { print $6 }'\'' /proc/self/mountinfo | cut -d, -f1'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "layer two" ]
	[ "${lines[1]}" = "sh: can't create /new: Read-only file system" ]
	[ "${lines[2]}" = refused ]
	[ "${lines[3]}" = ro ]
	[ -z "$(ls -A "$TEST_DIR/c1/upper")" ]
}

@test "an overlay root in a user namespace: the writes belong to the mapped root" {
	layers_setup
	overlay_first c1
	# the container's root (host uid 100000) must own the upper and work dirs, or the
	# kernel mounts the overlay read-only
	chown 100000:100000 "$TEST_DIR/c1/upper" "$TEST_DIR/c1/work"
	edit_config "$BUNDLE" '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	run_sh "$(new_id)" 'id -u; cat /etc/motd; echo x >/new && echo wrote'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = "layer two" ]
	[ "${lines[2]}" = wrote ]
	[ "$(stat -c %u:%g "$TEST_DIR/c1/upper/new")" = 100000:100000 ]
	[ "$(layers_sum)" = "$LOWER_BEFORE" ]
}

@test "an overlay at / after other mounts would hide them: refused" {
	layers_setup
	overlay_first c1
	# the overlay moved to the end, after /proc
	edit_config "$BUNDLE" '.mounts = .mounts[1:] + .mounts[:1]'
	local n
	n=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
	run_ctr "$(new_id)" true
	[ "$status" -ne 0 ]
	if is_isorun; then
		[[ "$output" == *"mounts[$n] (/): a mount over the container's root must come before the other mounts: it would cover mounts[0] (/proc)"* ]]
	else
		# runc 1.1.5 mounts it, hides /proc, and fails at the exec
		[[ "$output" == *"open /proc/self/fd: no such file or directory"* ]]
	fi
	[ "$(layers_sum)" = "$LOWER_BEFORE" ]
}

@test "an overlay at / with bad options: the error names mounts[0] and the option" {
	layers_setup
	overlay_first c1
	edit_config "$BUNDLE" '.mounts[0].options = [.mounts[0].options[] | select(startswith("lowerdir=") | not)]'
	run_ctr "$(new_id)" true
	[ "$status" -ne 0 ]
	if is_isorun; then
		[[ "$output" == *"mounts[0] (/): overlay needs a lowerdir= option (the read-only layers)"* ]]
	else
		[[ "$output" == *"mount overlay:/"*"invalid argument"* ]]
	fi
	overlay_first c1
	edit_config "$BUNDLE" '.mounts[0].options[1] = "upperdir=\($d)/nope"' --arg d "$TEST_DIR"
	run_ctr "$(new_id)" true
	[ "$status" -ne 0 ]
	if is_isorun; then
		[[ "$output" == *"mounts[0] (/): mount overlay: upperdir $TEST_DIR/nope: No such file or directory"* ]]
	else
		[[ "$output" == *"no such file or directory"* ]]
	fi
	# the upper layer inside root.path: reached through the runtime's bind of root.path,
	# not on the mount of its workdir (EINVAL from the kernel)
	overlay_first c1
	edit_config "$BUNDLE" '.root.path = "upper" | .mounts[0].options[1] = "upperdir=\($b)/upper"' --arg b "$BUNDLE"
	mkdir -p "$BUNDLE/upper"
	run_ctr "$(new_id)" true
	[ "$status" -ne 0 ]
	if is_isorun; then
		[[ "$output" == *"mounts[0] (/): mount overlay: upperdir $BUNDLE/upper and workdir $TEST_DIR/c1/work are on different mounts"* ]]
	else
		[[ "$output" == *"invalid argument"* ]]
	fi
	[ ! -e "$TEST_DIR/nope" ]
	[ -z "$(ls -A "$BUNDLE/upper")" ]
	[ -z "$(ls -A "$BUNDLE/root")" ]
	[ "$(layers_sum)" = "$LOWER_BEFORE" ]
}

@test "a symlink in a layer cannot lead a later mount out of the overlay root" {
	layers_setup
	overlay_first c1
	# the top layer's /srv points, through "..", at a decoy dir of this test on the host
	mkdir -p "$TEST_DIR/decoy"
	ln -s "/../../../..$TEST_DIR/decoy" "$L2/srv"
	LOWER_BEFORE=$(layers_sum)
	edit_config "$BUNDLE" '.mounts += [{"destination": "/srv", "type": "tmpfs", "source": "tmpfs"}]'
	run_sh "$(new_id)" 'awk '\''$9 == "tmpfs" { print $5 }'\'' /proc/self/mountinfo | grep decoy
		echo inside >/srv/file && cat '"$TEST_DIR"'/decoy/file'
	[ "$status" -eq 0 ]
	# the tmpfs is on the decoy path inside the container's root ...
	[ "${lines[0]}" = "$TEST_DIR/decoy" ]
	[ "${lines[1]}" = inside ]
	# ... created in its upper layer, never on the host's decoy
	[ -d "$TEST_DIR/c1/upper$TEST_DIR/decoy" ]
	[ -z "$(ls -A "$TEST_DIR/decoy")" ]
	[ "$(layers_sum)" = "$LOWER_BEFORE" ]
}
