#!/usr/bin/env bats
# The container's mount table, /dev, masked and read-only paths, bind and tmpfs mounts.

load helpers

# MOUNTS: prints "mountpoint fstype options superoptions optional-fields" per mountinfo line.
MOUNTS='mounts() { awk '"'"'{ opt=""; for (i = 7; $i != "-"; i++) opt = opt $i " "; print $5, $(i+1), $6, $(i+3), opt }'"'"' /proc/self/mountinfo; }'

@test "proc, sysfs, /dev tmpfs, devpts, shm, mqueue are mounted" {
	make_bundle "$BUNDLE"
	run_sh "$(new_id)" "$MOUNTS"'; mounts | cut -d" " -f1,2'
	[ "$status" -eq 0 ]
	for want in "/ " "/proc proc" "/sys sysfs" "/dev tmpfs" "/dev/pts devpts" "/dev/shm tmpfs" "/dev/mqueue mqueue"; do
		printf '%s\n' "${lines[@]}" | grep -q "^$want" || fail "no '$want' in: ${lines[*]}"
	done
	# nothing of the host's mount table leaks in: every mount is at / or below a default mount
	[ "$(printf '%s\n' "${lines[@]}" | grep -cvE '^/(proc|sys|dev)?( |/)')" = 0 ]
}

@test "/dev has the standard devices with the right numbers, ptmx and the fd links" {
	make_bundle "$BUNDLE"
	run_sh "$(new_id)" 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T %a" /dev/$d; done
		readlink /dev/ptmx; test -c /dev/ptmx && echo ptmx-ok
		readlink /dev/fd; readlink /dev/stdin; readlink /dev/stdout; readlink /dev/stderr
		echo x > /dev/null && echo null-write-ok
		head -c 4 /dev/zero | od -An -tx1 | tr -d " "'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "/dev/null character special file 1:3 666" ]
	[ "${lines[1]}" = "/dev/zero character special file 1:5 666" ]
	[ "${lines[2]}" = "/dev/full character special file 1:7 666" ]
	[ "${lines[3]}" = "/dev/random character special file 1:8 666" ]
	[ "${lines[4]}" = "/dev/urandom character special file 1:9 666" ]
	[ "${lines[5]}" = "/dev/tty character special file 5:0 666" ]
	[ "${lines[6]}" = pts/ptmx ]
	[ "${lines[7]}" = ptmx-ok ]
	[ "${lines[8]}" = /proc/self/fd ]
	[ "${lines[9]}" = /proc/self/fd/0 ]
	[ "${lines[10]}" = /proc/self/fd/1 ]
	[ "${lines[11]}" = /proc/self/fd/2 ]
	[ "${lines[12]}" = null-write-ok ]
	[ "${lines[13]}" = 00000000 ]
}

@test "masked paths read empty" {
	make_bundle "$BUNDLE"
	run_sh "$(new_id)" 'for f in /proc/keys /proc/timer_list /proc/kcore; do
			if [ -e $f ]; then echo "$f $(wc -c < $f) $(stat -c "%t:%T" $f)"; else echo "$f absent"; fi
		done
		ls -A /sys/firmware | wc -l
		if [ -d /proc/scsi ]; then ls -A /proc/scsi | wc -l; else echo 0; fi
		if [ -d /proc/acpi ]; then ls -A /proc/acpi | wc -l; else echo 0; fi'
	[ "$status" -eq 0 ]
	# masked files are /dev/null (char 1:3)
	[ "${lines[0]}" = "/proc/keys 0 1:3" ]
	[ "${lines[1]}" = "/proc/timer_list 0 1:3" ]
	if [ -e /proc/kcore ]; then
		[ "${lines[2]}" = "/proc/kcore 0 1:3" ]
	fi
	[ "${lines[3]}" = 0 ]
	[ "${lines[4]}" = 0 ]
	[ "${lines[5]}" = 0 ]
	# and on the host they are not empty
	[ "$(ls -A /sys/firmware | wc -l)" -gt 0 ]
	[ "$(wc -c </proc/keys)" -gt 0 ]
}

@test "readonly paths cannot be written" {
	make_bundle "$BUNDLE"
	# kernel.hostname is per uts namespace: harmless even if the test fails
	run_sh "$(new_id)" "$MOUNTS"'; echo x > /proc/sys/kernel/hostname && echo WROTE
		for p in /proc/sys /proc/bus /proc/fs /proc/irq /proc/sysrq-trigger; do
			[ -e $p ] && echo "$p $(mounts | awk -v p=$p '"'"'$1 == p { print $3 }'"'"' | cut -d, -f1)"
		done; true'
	[[ "${lines[0]}" == *"Read-only file system"* ]]
	[[ "$output" != *WROTE* ]]
	[ "${lines[1]}" = "/proc/sys ro" ]
	[ "${lines[2]}" = "/proc/bus ro" ]
	[ "${lines[3]}" = "/proc/fs ro" ]
	[ "${lines[4]}" = "/proc/irq ro" ]
	if [ -e /proc/sysrq-trigger ]; then
		[ "${lines[5]}" = "/proc/sysrq-trigger ro" ]
	fi
}

@test "root.readonly: the rootfs is mounted read-only" {
	make_bundle "$BUNDLE" '.root.readonly = true'
	run_sh "$(new_id)" "$MOUNTS"'; touch /x; echo rc=$?; mounts | grep "^/ " | cut -d" " -f3; touch /dev/shm/ok && echo shm-rw'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *"Read-only file system"* ]]
	[ "${lines[1]}" = rc=1 ]
	[[ "${lines[2]}" == ro,* ]]
	[ "${lines[3]}" = shm-rw ]
	[ ! -e "$BUNDLE/rootfs/x" ]
}

@test "bind mounts: ro refuses writes, rw writes reach the host" {
	mkdir -p "$TEST_DIR/ro" "$TEST_DIR/rw"
	echo host-data >"$TEST_DIR/ro/f"
	make_bundle "$BUNDLE"
	edit_config "$BUNDLE" '.mounts += [
		{"destination": "/data-ro", "type": "bind", "source": $ro, "options": ["rbind", "ro"]},
		{"destination": "/data-rw", "type": "bind", "source": $rw, "options": ["rbind", "rw"]}]' \
		--arg ro "$TEST_DIR/ro" --arg rw "$TEST_DIR/rw"
	run_sh "$(new_id)" "$MOUNTS"'; cat /data-ro/f; touch /data-ro/g; echo rc=$?; echo ctr > /data-rw/h
		mounts | grep "^/data-ro " | cut -d" " -f3'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = host-data ]
	[[ "${lines[1]}" == *"Read-only file system"* ]]
	[ "${lines[2]}" = rc=1 ]
	[[ "${lines[3]}" == ro,* ]]
	[ ! -e "$TEST_DIR/ro/g" ]
	[ "$(cat "$TEST_DIR/rw/h")" = ctr ]
}

@test "tmpfs mount with size and mode options" {
	make_bundle "$BUNDLE"
	edit_config "$BUNDLE" '.mounts += [{"destination": "/scratch", "type": "tmpfs", "source": "tmpfs",
		"options": ["nosuid", "nodev", "size=1m", "mode=1750"]}]'
	run_sh "$(new_id)" "$MOUNTS"'; mounts | grep "^/scratch "; stat -c %a /scratch'
	[ "$status" -eq 0 ]
	read -r mp fstype opts super _ <<<"${lines[0]}"
	[ "$fstype" = tmpfs ]
	[[ ",$opts," == *,nosuid,* ]]
	[[ ",$opts," == *,nodev,* ]]
	[[ ",$super," == *,size=1024k,* ]]
	[[ ",$super," == *,mode=1750,* ]]
	[ "${lines[1]}" = 1750 ]
}

# prop_bundle: $BUNDLE whose rootfs is a shared mount point on the host (as containerd's
# overlay rootfs would be), with CAP_SYS_ADMIN so the container can mount.
prop_bundle() {
	make_bundle "$BUNDLE" '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
	mount --bind "$BUNDLE/rootfs" "$BUNDLE/rootfs"
	track_mount "$BUNDLE/rootfs"
	mount --make-shared "$BUNDLE/rootfs"
}

@test "rootfsPropagation slave: the root receives from the host, mounts do not leak out" {
	prop_bundle
	edit_config "$BUNDLE" '.linux.rootfsPropagation = "rslave"'
	run_sh "$(new_id)" "$MOUNTS"'; mounts | grep "^/ "; mount -t tmpfs leak-test /mnt && echo mounted; grep -c leak-test /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ master:[0-9]+ ]]
	[[ ! "${lines[0]}" =~ shared:[0-9]+ ]]
	[ "${lines[1]}" = mounted ]
	[ "${lines[2]}" = 1 ]
	# not propagated to the host
	! grep -q leak-test /proc/self/mountinfo
}

@test "rootfsPropagation shared and private show in the optional fields" {
	# runc 1.1.5 applies rootfsPropagation before binding the rootfs and pivoting, so its
	# container root ends up "master:N" whatever the value; isorun applies it to the new root.
	is_isorun || skip "runc 1.1.5 does not apply rootfsPropagation to the container root"
	prop_bundle
	edit_config "$BUNDLE" '.linux.rootfsPropagation = "shared"'
	run_sh "$(new_id)" "$MOUNTS"'; mounts | grep "^/ "'
	[ "$status" -eq 0 ]
	[[ "$output" =~ shared:[0-9]+ ]]

	edit_config "$BUNDLE" '.linux.rootfsPropagation = "private"'
	run_sh "$(new_id)" "$MOUNTS"'; mounts | grep "^/ "'
	[ "$status" -eq 0 ]
	[[ ! "$output" =~ (shared|master):[0-9]+ ]]
}

@test "a mount destination that is a symlink to /etc lands inside the rootfs" {
	mkdir -p "$TEST_DIR/src"
	echo "marker-$$" >"$TEST_DIR/src/isorun-marker"
	make_bundle "$BUNDLE"
	ln -s /etc "$BUNDLE/rootfs/etclink"
	edit_config "$BUNDLE" '.mounts += [{"destination": "/etclink", "type": "bind", "source": $src, "options": ["rbind", "rw"]}]' \
		--arg src "$TEST_DIR/src"
	host_etc_before=$(ls -A /etc | md5sum)
	run_sh "$(new_id)" "$MOUNTS"'; cat /etc/isorun-marker; test -e /etc/passwd || echo passwd-hidden
		mounts | grep -c "^/etc "; echo new > /etc/written'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "marker-$$" ]
	[ "${lines[1]}" = passwd-hidden ]
	[ "${lines[2]}" = 1 ]
	[ "$(cat "$TEST_DIR/src/written")" = new ]
	# the host's /etc is untouched and has no mount
	[ ! -e /etc/isorun-marker ]
	[ ! -e /etc/written ]
	[ "$(ls -A /etc | md5sum)" = "$host_etc_before" ]
	! awk '$5 == "/etc"' /proc/self/mountinfo | grep -q .
	# the image's own /etc is untouched too (the bind went over it, not into it)
	[ -e "$BUNDLE/rootfs/etc/passwd" ]
	[ ! -e "$BUNDLE/rootfs/etc/written" ]
}

@test "mount options: nosuid,noexec on a bind, and the default /dev/shm options" {
	mkdir -p "$TEST_DIR/exe"
	cp /bin/busybox "$TEST_DIR/exe/bb"
	make_bundle "$BUNDLE"
	edit_config "$BUNDLE" '.mounts += [{"destination": "/exe", "type": "bind", "source": $s, "options": ["bind", "nosuid", "noexec"]}]' \
		--arg s "$TEST_DIR/exe"
	run_sh "$(new_id)" "$MOUNTS"'; /exe/bb true; echo rc=$?; mounts | grep "^/exe " | cut -d" " -f3'
	[ "$status" -eq 0 ]
	[ "${lines[-2]}" = rc=126 ]
	[[ ",${lines[-1]}," == *,nosuid,* ]]
	[[ ",${lines[-1]}," == *,noexec,* ]]
}

@test "a bind mount with filesystem-specific options is refused naming the entry and the option" {
	# runc 1.2+ refuses these too ("bind mounts cannot have any filesystem-specific
	# options applied"): the kernel ignores mount data with MS_BIND.
	is_isorun || skip "runc 1.1.5 silently ignores filesystem-specific options on a bind mount"
	mkdir -p "$TEST_DIR/src"
	make_bundle "$BUNDLE"
	n=$(jq '.mounts | length' "$BUNDLE/config.json")
	edit_config "$BUNDLE" '.mounts += [{"destination": "/b", "type": "bind", "source": $s, "options": ["rbind", "ro", "size=10m", "mode=755"]}]' \
		--arg s "$TEST_DIR/src"
	id=$(new_id)
	run_ctr "$id" true
	[ "$status" -ne 0 ]
	[[ "$output" == *"mounts[$n] (/b): bind mounts cannot have filesystem-specific options: \"size=10m,mode=755\""* ]] || fail "$output"
	run rt state "$id"
	[ "$status" -ne 0 ]
	# the same options on a tmpfs are the filesystem's, and apply
	edit_config "$BUNDLE" '.mounts[-1] = {"destination": "/b", "type": "tmpfs", "source": "tmpfs", "options": ["size=10m", "mode=755"]}'
	run_sh "$(new_id)" 'stat -c %a /b'
	[ "$status" -eq 0 ] || fail "$output"
	[ "${lines[0]}" = 755 ]
}
