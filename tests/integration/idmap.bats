#!/usr/bin/env bats
# Idmapped bind mounts (runtime-spec 1.2+: mounts[].uidMappings/gidMappings with the idmap
# and ridmap options), checked from inside the container and from the host.
#
# The kernel's (and runc 1.2's) direction: a mapping {containerID: C, hostID: H} makes an
# id C stored on disk appear as H through the mount (and a file written as H is stored as
# C). A container without a user namespace sees H itself; one whose user namespace maps H
# to 0 sees root. Sources live under $TEST_DIR on the root filesystem (ext4 here), which
# supports idmapped mounts.

load helpers

# runc 1.1.5 predates idmapped mounts: it ignores uidMappings/gidMappings, hands idmap and
# ridmap to the kernel as data of a bind (which the kernel ignores), so files keep their
# on-disk owners and a ridmap without mappings runs.
skip_runc() {
	is_isorun || skip "runc 1.1.5 has no idmapped mounts (mappings and idmap/ridmap silently ignored)"
}

# $TEST_DIR/src: f owned by 1000:1000, r owned by 0:0.
make_src() {
	mkdir -p "$TEST_DIR/src"
	echo f >"$TEST_DIR/src/f"
	echo r >"$TEST_DIR/src/r"
	chown 1000:1000 "$TEST_DIR/src/f"
	chown 0:0 "$TEST_DIR/src/r"
}

# add_mount DEST SOURCE OPTIONS_JSON [UID_MAP_JSON GID_MAP_JSON]
add_mount() {
	local m
	m=$(jq -n --arg d "$1" --arg s "$2" --argjson o "$3" '{destination: $d, type: "bind", source: $s, options: $o}')
	if [ $# -ge 5 ]; then
		m=$(jq --argjson u "$4" --argjson g "$5" '. + {uidMappings: $u, gidMappings: $g}' <<<"$m")
	fi
	edit_config "$BUNDLE" '.mounts += [$m]' --argjson m "$m"
}

# map C H: a one-entry mapping list of size 1.
map() {
	echo "[{\"containerID\": $1, \"hostID\": $2, \"size\": 1}]"
}

@test "idmap: a file stored as 1000 shows as 0 with mapping 1000->0; the host's owner is unchanged" {
	skip_runc
	make_bundle "$BUNDLE"
	make_src
	add_mount /m "$TEST_DIR/src" '["bind","idmap"]' "$(map 1000 0)" "$(map 1000 0)"
	# the other direction, as runc's tests use it: stored 0 shows as 1000
	add_mount /n "$TEST_DIR/src" '["bind","idmap"]' "$(map 0 1000)" "$(map 0 1000)"
	run_sh "$(new_id)" 'stat -c %u:%g /m/f /m/r /n/f /n/r; grep -c " /m .*idmapped" /proc/self/mountinfo
		ls /proc/1/fd; true'
	[ "$status" -eq 0 ] || fail "$output"
	[ "${lines[0]}" = 0:0 ]
	# unmapped ids show as the overflow id
	[ "${lines[1]}" = "$(cat /proc/sys/kernel/overflowuid):$(cat /proc/sys/kernel/overflowgid)" ]
	[ "${lines[2]}" = "$(cat /proc/sys/kernel/overflowuid):$(cat /proc/sys/kernel/overflowgid)" ]
	[ "${lines[3]}" = 1000:1000 ]
	[ "${lines[4]}" = 1 ]
	# the prepared trees do not reach the container's process
	# (no pipeline in pid 1: the shell holds a pipe's fds while it forks)
	local fds="${lines[*]:5}"
	[ "$fds" = "0 1 2" ] || fail "init fds: $fds"
	# the source is not chowned
	[ "$(stat -c %u:%g "$TEST_DIR/src/f")" = 1000:1000 ]
	[ "$(stat -c %u:%g "$TEST_DIR/src/r")" = 0:0 ]
}

@test "idmap: a file written through the mount is stored with the mapped-back id" {
	skip_runc
	make_bundle "$BUNDLE"
	make_src
	# (root may write only into a directory whose owner the mount maps)
	chown 1000:1000 "$TEST_DIR/src"
	add_mount /m "$TEST_DIR/src" '["bind","idmap"]' "$(map 1000 0)" "$(map 1000 0)"
	run_sh "$(new_id)" 'stat -c %u:%g /m; echo x > /m/new && stat -c %u:%g /m/new'
	[ "$status" -eq 0 ] || fail "$output"
	[ "${lines[0]}" = 0:0 ]
	[ "${lines[1]}" = 0:0 ]
	[ "$(stat -c %u:%g "$TEST_DIR/src/new")" = 1000:1000 ]
}

@test "idmap: mappings without the idmap option still apply (as runc 1.2), not ignored" {
	skip_runc
	make_bundle "$BUNDLE"
	make_src
	add_mount /m "$TEST_DIR/src" '["bind"]' "$(map 1000 0)" "$(map 1000 0)"
	run_sh "$(new_id)" 'stat -c %u:%g /m/f'
	[ "$status" -eq 0 ] || fail "$output"
	[ "${lines[0]}" = 0:0 ]
}

@test "ridmap maps the submounts of an rbind; idmap maps only its top; a plain bind has no submount" {
	skip_runc
	make_bundle "$BUNDLE"
	make_src
	mkdir -p "$TEST_DIR/src/sub" "$TEST_DIR/other"
	echo g >"$TEST_DIR/other/g"
	chown 1000:1000 "$TEST_DIR/other/g"
	mount --bind "$TEST_DIR/other" "$TEST_DIR/src/sub"
	track_mount "$TEST_DIR/src/sub"
	add_mount /r "$TEST_DIR/src" '["rbind","ridmap"]' "$(map 1000 0)" "$(map 1000 0)"
	add_mount /i "$TEST_DIR/src" '["rbind","idmap"]' "$(map 1000 0)" "$(map 1000 0)"
	add_mount /b "$TEST_DIR/src" '["bind","idmap"]' "$(map 1000 0)" "$(map 1000 0)"
	run_sh "$(new_id)" 'stat -c %u:%g /r/f /r/sub/g /i/f /i/sub/g /b/f; ls -A /b/sub | wc -l
		grep -c " /r/sub .*idmapped" /proc/self/mountinfo; grep -c " /i/sub .*idmapped" /proc/self/mountinfo'
	[ "${lines[0]}" = 0:0 ] || fail "$output"
	[ "${lines[1]}" = 0:0 ]
	[ "${lines[2]}" = 0:0 ]
	[ "${lines[3]}" = 1000:1000 ]
	[ "${lines[4]}" = 0:0 ]
	[ "${lines[5]}" = 0 ]
	[ "${lines[6]}" = 1 ]
	[ "${lines[7]}" = 0 ]
	[ "$(stat -c %u:%g "$TEST_DIR/other/g")" = 1000:1000 ]
}

@test "rbind,ridmap without mappings and without a user namespace is refused, leaving nothing" {
	skip_runc
	make_bundle "$BUNDLE"
	make_src
	add_mount /m "$TEST_DIR/src" '["rbind","ridmap"]'
	n=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
	id=$(new_id)
	run_ctr "$id" true
	[ "$status" -ne 0 ]
	[[ "$output" == *"mounts[$n] (/m): option \"ridmap\" without uidMappings and gidMappings"*"the container has none"* ]] || fail "$output"
	run rt state "$id"
	[ "$status" -ne 0 ]
	[ -z "$(mounts_under "$TEST_DIR")" ]
}

@test "idmapped mount errors: uidMappings without gidMappings, idmap on a tmpfs" {
	skip_runc
	make_bundle "$BUNDLE"
	make_src
	cp "$BUNDLE/config.json" "$TEST_DIR/base.json"
	n=$(jq '.mounts | length' "$BUNDLE/config.json")
	edit_config "$BUNDLE" '.mounts += [{destination: "/m", type: "bind", source: $s, options: ["bind","idmap"],
		uidMappings: [{containerID: 1000, hostID: 0, size: 1}]}]' --arg s "$TEST_DIR/src"
	run_ctr "$(new_id)" true
	[ "$status" -ne 0 ]
	[[ "$output" == *"mounts[$n] (/m): uidMappings given without gidMappings"* ]] || fail "$output"
	cp "$TEST_DIR/base.json" "$BUNDLE/config.json"
	edit_config "$BUNDLE" '.mounts += [{destination: "/t", type: "tmpfs", source: "tmpfs", options: ["idmap"],
		uidMappings: [{containerID: 1000, hostID: 0, size: 1}], gidMappings: [{containerID: 1000, hostID: 0, size: 1}]}]'
	run_ctr "$(new_id)" true
	[ "$status" -ne 0 ]
	[[ "$output" == *"mounts[$n] (/t): uidMappings: idmapped mounts are supported for bind mounts only"* ]] || fail "$output"
}

@test "idmap on a filesystem without idmapped mount support (ramfs) is refused naming the mount" {
	skip_runc
	make_bundle "$BUNDLE"
	mkdir -p "$TEST_DIR/ram"
	mount -t ramfs ramfs "$TEST_DIR/ram"
	track_mount "$TEST_DIR/ram"
	add_mount /m "$TEST_DIR/ram" '["bind","idmap"]' "$(map 1000 0)" "$(map 1000 0)"
	n=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
	id=$(new_id)
	run_ctr "$id" true
	[ "$status" -ne 0 ]
	[[ "$output" == *"mounts[$n] (/m): idmapped mount of $TEST_DIR/ram: mount_setattr(MOUNT_ATTR_IDMAP): the filesystem"*"does not support idmapped mounts"* ]] || fail "$output"
	run rt state "$id"
	[ "$status" -ne 0 ]
}

# A container with a user namespace mapping 0..65535 to 100000..165535.
userns_bundle() {
	make_bundle "$BUNDLE" '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .mounts |= map(select(.destination != "/sys/fs/cgroup"))'
	chown -hR 100000:100000 "$BUNDLE/rootfs"
}

@test "user namespace container: idmap without mappings uses the container's; own mappings win" {
	skip_runc
	userns_bundle
	make_src
	# no mappings of its own: the container's (stored 0 -> 100000 = root inside)
	add_mount /c "$TEST_DIR/src" '["bind","idmap"]'
	# its own: stored 1000 -> host 100000 = root inside
	add_mount /o "$TEST_DIR/src" '["bind","idmap"]' "$(map 1000 100000)" "$(map 1000 100000)"
	# a plain bind: host root is unmapped inside
	add_mount /p "$TEST_DIR/src" '["bind"]'
	run_sh "$(new_id)" 'stat -c %u:%g /c/r /c/f /o/f /p/r /p/f; echo x > /c/new && stat -c %u:%g /c/new'
	[ "$status" -eq 0 ] || fail "$output"
	[ "${lines[0]}" = 0:0 ]
	[ "${lines[1]}" = 1000:1000 ]
	[ "${lines[2]}" = 0:0 ]
	[ "${lines[3]}" = 65534:65534 ]
	[ "${lines[4]}" = 65534:65534 ]
	# the container's root writes files stored as root on the host
	[ "${lines[5]}" = 0:0 ]
	[ "$(stat -c %u:%g "$TEST_DIR/src/new")" = 0:0 ]
}
