#!/usr/bin/env bats
# Namespaces: creation, isolation, id maps, joining by path, and their absence.

load helpers

ns_inode() { # pid type
	readlink "/proc/$1/ns/$2"
}

@test "every namespace of the default spec is new" {
	make_bundle "$BUNDLE"
	run_sh "$(new_id)" 'for n in pid net ipc uts mnt; do readlink /proc/self/ns/$n; done'
	[ "$status" -eq 0 ]
	i=0
	for n in pid net ipc uts mnt; do
		[[ "${lines[$i]}" =~ ^$n:\[[0-9]+\]$ ]] || fail "inside: ${lines[$i]}"
		[ "${lines[$i]}" != "$(ns_inode $$ $n)" ] || fail "$n namespace is the host's"
		i=$((i + 1))
	done
}

@test "hostname in a new uts namespace; host hostname untouched" {
	host=$(hostname)
	make_bundle "$BUNDLE" '.hostname = "ctr-host-1"'
	run_ctr "$(new_id)" hostname
	[ "$status" -eq 0 ]
	[ "$output" = ctr-host-1 ]
	[ "$(hostname)" = "$host" ]
}

@test "private pid namespace: only the container's processes" {
	make_bundle "$BUNDLE"
	run_ctr "$(new_id)" ps -o pid,comm
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(echo ${lines[1]})" = "1 ps" ]
}

@test "network namespace: only lo" {
	make_bundle "$BUNDLE"
	run_sh "$(new_id)" 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
	[ "$status" -eq 0 ]
	[ "$output" = lo ]
}

@test "ipc namespace: a host SysV message queue is not visible" {
	make_bundle "$BUNDLE"
	qid=$(ipcmk -Q | awk '{ print $NF }')
	[[ "$qid" =~ ^[0-9]+$ ]]
	on_host=$(awk -v q="$qid" '$2 == q' /proc/sysvipc/msg | wc -l)
	run_sh "$(new_id)" 'cat /proc/sysvipc/msg | wc -l'
	ipcrm -q "$qid"
	[ "$on_host" = 1 ]
	[ "$status" -eq 0 ]
	# header line only
	[ "$output" = 1 ]
}

@test "user namespace: uid_map and gid_map are exactly the spec's" {
	make_bundle "$BUNDLE" '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
		| .mounts |= map(select(.destination != "/sys/fs/cgroup"))'
	chown -hR 100000:200000 "$BUNDLE/rootfs"
	set_cmd "$BUNDLE" 'cat /proc/self/uid_map /proc/self/gid_map; id -u; readlink /proc/self/ns/user; sleep 100'
	id=$(new_id)
	run_d_ctr "$id"
	pid=$(state_field "$id" pid)
	wait_file "$TEST_DIR/$id.out"
	for i in $(seq 20); do [ "$(wc -l <"$TEST_DIR/$id.out")" -ge 4 ] && break; sleep 0.05; done
	mapfile -t out <"$TEST_DIR/$id.out"
	[ "$(echo ${out[0]})" = "0 100000 65536" ]
	[ "$(echo ${out[1]})" = "0 200000 65536" ]
	[ "${out[2]}" = 0 ]
	[ "${out[3]}" != "$(ns_inode $$ user)" ]
	# seen from the host the process runs as 100000:200000
	[ "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" = 100000 ]
	[ "$(awk '/^Gid:/ { print $2 }' "/proc/$pid/status")" = 200000 ]
}

@test "joining an existing network namespace by path" {
	unshare -n sleep 100 3>&- &
	holder=$!
	track_pid "$holder"
	for i in $(seq 50); do
		[ "$(ns_inode "$holder" net)" != "$(ns_inode $$ net)" ] && break
		sleep 0.05
	done
	want=$(ns_inode "$holder" net)
	[ "$want" != "$(ns_inode $$ net)" ]
	make_bundle "$BUNDLE"
	edit_config "$BUNDLE" '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' --arg p "/proc/$holder/ns/net"
	run_ctr "$(new_id)" readlink /proc/self/ns/net
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
}

@test "joining the caller's uts namespace by path shares the hostname" {
	sleep 100 3>&- &
	holder=$!
	track_pid "$holder"
	make_bundle "$BUNDLE"
	# no .hostname: with a joined uts namespace runc 1.1.5 would set it in that (host) namespace
	edit_config "$BUNDLE" '.linux.namespaces |= map(if .type == "uts" then .path = $p else . end) | del(.hostname)' --arg p "/proc/$holder/ns/uts"
	host=$(hostname)
	run_sh "$(new_id)" 'readlink /proc/self/ns/uts; hostname'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(ns_inode "$holder" uts)" ]
	[ "${lines[1]}" = "$host" ]
	[ "$(hostname)" = "$host" ]
}

@test "without a pid namespace the container sees host processes" {
	make_bundle "$BUNDLE" 'del(.linux.namespaces[] | select(.type == "pid"))'
	run_sh "$(new_id)" "readlink /proc/self/ns/pid; test -d /proc/$$ && echo host-pid-visible; echo \$\$"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(ns_inode $$ pid)" ]
	[ "${lines[1]}" = host-pid-visible ]
	[ "${lines[2]}" != 1 ]
}

@test "cgroup namespace: the container's cgroups are its root" {
	make_bundle "$BUNDLE" '.linux.namespaces += [{"type": "cgroup"}]'
	run_sh "$(new_id)" 'readlink /proc/self/ns/cgroup; grep -c -v ":/$" /proc/self/cgroup; grep "^0::" /proc/self/cgroup'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" != "$(ns_inode $$ cgroup)" ]
	# every hierarchy shows "/"
	[ "${lines[1]}" = 0 ]
	[ "${lines[2]}" = "0::/" ]
}

@test "no cgroup namespace: /proc/self/cgroup shows host paths" {
	make_bundle "$BUNDLE"
	id=$(new_id)
	run_sh "$id" 'readlink /proc/self/ns/cgroup; grep ":memory:" /proc/self/cgroup'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(ns_inode $$ cgroup)" ]
	[[ "${lines[1]}" == *":memory:/"*"$id"* ]]
}

@test "time namespace with a monotonic offset" {
	[ -e /proc/self/timens_offsets ] || skip "kernel without time namespaces"
	# runc 1.1.5 does not know the time namespace (added in runc 1.2)
	is_isorun || skip "runc 1.1.5 lacks time namespace support"
	make_bundle "$BUNDLE" '.linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"monotonic": {"secs": 86400, "nanosecs": 0}, "boottime": {"secs": 172800, "nanosecs": 5}}'
	run_sh "$(new_id)" 'cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime'
	[ "$status" -eq 0 ]
	[ "$(echo ${lines[0]})" = "monotonic 86400 0" ]
	[ "$(echo ${lines[1]})" = "boottime 172800 5" ]
	host_up=$(cut -d. -f1 /proc/uptime)
	[ "${lines[2]}" -ge $((host_up + 172800 - 5)) ]
}
