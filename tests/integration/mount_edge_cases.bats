#!/usr/bin/env bats
# Mount setups the runtime-spec allows and runc runs, off the usual path: no mount
# namespace at all, bind sources the container's root of a user namespace cannot reach,
# and the host's /proc bound where proc cannot be mounted (issue 10, section 4).

load helpers

USERNS='.linux.namespaces += [{type: "user"}]
	| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
NO_MNTNS='.linux.namespaces |= map(select(.type != "mount"))
	| del(.linux.maskedPaths, .linux.readonlyPaths)'

# Without a mount namespace the container's mounts are made in the host's. runc 1.1.5
# leaves them there after delete (the rootfs bind and everything on it); isorun removes
# them. Under runc, clean up what it left so the next tests start clean.
check_no_mntns_leftovers() {
	if is_isorun; then
		local left
		left=$(mounts_under "$BUNDLE")
		[ -z "$left" ] || fail "mounts left after delete:" $left
	else
		umount -R -l "$BUNDLE/rootfs" 2>/dev/null || true
	fi
}

@test "no mount namespace: run chroots into the rootfs, shares the host's mount namespace" {
	make_bundle "$BUNDLE" "$NO_MNTNS"
	echo INSIDE >"$BUNDLE/rootfs/marker"
	id=$(new_id)
	run_sh "$id" 'cat /marker; readlink /proc/self/ns/mnt; test -e /etc/passwd && grep -c tester /etc/passwd'
	rt delete --force "$id" >/dev/null 2>&1 || true
	check_no_mntns_leftovers
	[ "$status" -eq 0 ] || fail "$output"
	[ "${lines[0]}" = INSIDE ]
	[ "${lines[1]}" = "$(readlink /proc/self/ns/mnt)" ]
	[ "${lines[2]}" = 1 ]
}

@test "no mount namespace: exec runs in the container's rootfs too" {
	is_isorun || skip "runc 1.1.5 runs an exec'd process of a container without a mount namespace in the host's root"
	make_bundle "$BUNDLE" "$NO_MNTNS" '.process.args = ["sleep", "300"]'
	echo INSIDE >"$BUNDLE/rootfs/marker"
	id=$(new_id)
	run_d_ctr "$id" || fail "$(cat "$TEST_DIR/$id.err")"
	run rt exec "$id" sh -c 'cat /marker; ls /'
	[ "$status" -eq 0 ] || fail "$output"
	[ "${lines[0]}" = INSIDE ]
	# the rootfs's own top level, not the host's
	[ "$(printf '%s\n' "${lines[@]:1}" | tr '\n' ' ')" = "$(ls "$BUNDLE/rootfs" | tr '\n' ' ')" ]
	rt delete --force "$id"
	check_no_mntns_leftovers
}

@test "no mount namespace: the config's mounts and /dev are there (isorun removes them on delete)" {
	make_bundle "$BUNDLE" "$NO_MNTNS"
	id=$(new_id)
	run_sh "$id" 'awk "{print \$5, \$9}" /proc/self/mountinfo | grep -E "^/(proc|dev|dev/pts|sys) "; test -c /dev/null && echo null-ok'
	rt delete --force "$id" >/dev/null 2>&1 || true
	check_no_mntns_leftovers
	[ "$status" -eq 0 ] || fail "$output"
	for want in "/proc proc" "/dev tmpfs" "/dev/pts devpts" "/sys sysfs" null-ok; do
		printf '%s\n' "${lines[@]}" | grep -qx "$want" || fail "no '$want' in: ${lines[*]}"
	done
}

@test "no mount namespace: the caller's mount propagation is left alone" {
	is_isorun || skip "runc 1.1.5 makes the caller's / private (its rslave and parent-private steps run in the host's mount namespace)"
	make_bundle "$BUNDLE" "$NO_MNTNS"
	id=$(new_id)
	# in a private copy of the mount table whose / is shared, as on a systemd host
	run timeout --kill-after=5 "$TMO" unshare -m --propagation shared sh -c '
		shared() { grep -cE "^[0-9]+ [0-9]+ [^ ]+ / / [^ ]+ shared:" /proc/self/mountinfo; }
		shared; "$1" --root "$2" run --bundle "$3" "$4" >/dev/null 2>&1 </dev/null; echo rc=$?; shared
		grep -c " $3/" /proc/self/mountinfo || true' sh "$ISORUN" "$ROOT" "$BUNDLE" "$id"
	[ "$status" -eq 0 ] || fail "$output"
	[ "${lines[*]}" = "1 rc=0 1 0" ] || fail "shared before, rc, shared after, mounts left: ${lines[*]}"
}

@test "no mount namespace: maskedPaths and readonlyPaths are refused, naming the field" {
	make_bundle "$BUNDLE" '.linux.namespaces |= map(select(.type != "mount"))'
	id=$(new_id)
	run_ctr "$id" true
	check_no_mntns_leftovers
	[ "$status" -ne 0 ]
	[[ "$output" == *"unable to restrict sys entries without a private MNT namespace"* ]] || fail "$output"
	if is_isorun; then [[ "$output" == *"linux.maskedPaths"* ]] || fail "$output"; fi
	make_bundle "$BUNDLE" '.linux.namespaces |= map(select(.type != "mount")) | del(.linux.maskedPaths)'
	run_ctr "$(new_id)" true
	check_no_mntns_leftovers
	[ "$status" -ne 0 ]
	[[ "$output" == *"unable to restrict sys entries without a private MNT namespace"* ]] || fail "$output"
	if is_isorun; then [[ "$output" == *"linux.readonlyPaths"* ]] || fail "$output"; fi
}

@test "no mount namespace: root.readonly is applied to the container's rootfs" {
	is_isorun || skip "runc 1.1.5 ignores root.readonly without a mount namespace (the rootfs stays writable)"
	make_bundle "$BUNDLE" "$NO_MNTNS" '.root.readonly = true'
	id=$(new_id)
	run_sh "$id" 'touch /x && echo WROTE; touch /tmp/y && echo tmp-wrote'
	check_no_mntns_leftovers
	[[ "$output" == *"Read-only file system"* ]] || fail "$output"
	[[ "$output" != *WROTE* ]] || fail "$output"
	[ ! -e "$BUNDLE/rootfs/x" ]
}

# A host dir only the host's root may enter (0700), holding the dir to bind: the
# container's root is host uid 100000, which cannot even reach the source.
private_source() {
	mkdir -p "$TEST_DIR/private/data"
	chmod 700 "$TEST_DIR/private"
	chmod 755 "$TEST_DIR/private/data"
	echo secret-data >"$TEST_DIR/private/data/f"
}

@test "user namespace: a bind source only the host's root can reach is mounted, for run and exec" {
	private_source
	make_bundle "$BUNDLE" "$USERNS"
	edit_config "$BUNDLE" '.mounts += [{destination: "/mnt/data", type: "bind", source: $src, options: ["rbind", "ro"]}]' \
		--arg src "$TEST_DIR/private/data"
	chown -R 100000:100000 "$BUNDLE/rootfs"
	id=$(new_id)
	run_sh "$id" 'ls -ln /mnt/data; cat /mnt/data/f'
	[ "$status" -eq 0 ] || fail "$output"
	# host root's files show as the overflow uid/gid
	[[ "${lines[1]}" == *" 65534 "*" 65534 "*" f" ]] || fail "$output"
	[ "${lines[2]}" = secret-data ]

	edit_config "$BUNDLE" '.process.args = ["sleep", "300"]'
	id=$(new_id)
	run_d_ctr "$id" || fail "$(cat "$TEST_DIR/$id.err")"
	run rt exec "$id" sh -c 'cat /mnt/data/f; id -u'
	[ "$status" -eq 0 ] || fail "$output"
	[ "${lines[0]}" = secret-data ]
	[ "${lines[1]}" = 0 ]
}

@test "user namespace: a bind source that does not exist still fails, naming it" {
	make_bundle "$BUNDLE" "$USERNS"
	edit_config "$BUNDLE" '.mounts += [{destination: "/mnt/data", type: "bind", source: $src, options: ["rbind"]}]' \
		--arg src "$TEST_DIR/missing"
	chown -R 100000:100000 "$BUNDLE/rootfs"
	run_ctr "$(new_id)" true
	[ "$status" -ne 0 ]
	[[ "$output" == *"$TEST_DIR/missing"* ]] || fail "$output"
}

# runc's own tests run rootless or host-pid containers this way: proc cannot be
# mounted there (a user namespace that does not own the pid namespace), so the config
# binds the host's /proc instead.
HOSTPROC='.linux.namespaces |= map(select(.type != "pid"))
	| .mounts |= map(if .type == "proc" then .type = "none" | .source = "/proc"
		| .options = ["rbind", "nosuid", "nodev", "noexec"] else . end)'

@test "user namespace + host pid namespace: the host's /proc bind-mounted, masks on top" {
	make_bundle "$BUNDLE" "$USERNS" "$HOSTPROC"
	chown -R 100000:100000 "$BUNDLE/rootfs"
	run_sh "$(new_id)" 'head -1 /proc/self/status
		ls /proc/1/ >/dev/null && echo proc1-ok
		awk "\$5 == \"/proc\" {print \$9}" /proc/self/mountinfo
		stat -c "%n %t:%T" /proc/keys /proc/timer_list
		test -d /proc/acpi && ls -A /proc/acpi | wc -l
		awk "\$5 == \"/proc/sys\" {print \$6}" /proc/self/mountinfo | cut -d, -f1'
	[ "$status" -eq 0 ] || fail "$output"
	[ "${lines[0]}" = "Name:	head" ]
	[ "${lines[1]}" = proc1-ok ]
	[ "${lines[2]}" = proc ]
	# maskedPaths: /dev/null over files, an empty read-only tmpfs over dirs
	[ "${lines[3]}" = "/proc/keys 1:3" ]
	[ "${lines[4]}" = "/proc/timer_list 1:3" ]
	if [ -d /proc/acpi ]; then [ "${lines[5]}" = 0 ]; fi
	# readonlyPaths
	[ "${lines[-1]}" = ro ]
}

@test "a bind onto /proc whose source is not a procfs is refused" {
	mkdir -p "$TEST_DIR/fakeproc"
	make_bundle "$BUNDLE"
	edit_config "$BUNDLE" '.mounts |= map(if .type == "proc" then .type = "none" | .source = $src
		| .options = ["rbind"] else . end)' --arg src "$TEST_DIR/fakeproc"
	run_ctr "$(new_id)" true
	[ "$status" -ne 0 ]
	[[ "$output" == *"cannot be mounted because it is not of type proc"* ]] || fail "$output"
}
