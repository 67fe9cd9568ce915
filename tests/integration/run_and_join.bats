#!/usr/bin/env bats
# Foreground run: signal forwarding and the terminal proxy. Joining every
# namespace type of another container by path.

load helpers

@test "foreground run forwards SIGTERM and SIGUSR1 to the container process" {
	make_bundle "$BUNDLE"
	mkdir -p "$TEST_DIR/out"
	edit_config "$BUNDLE" '.mounts += [{"destination":"/out","type":"bind","source":$d,"options":["rbind","rw"]}]' --arg d "$TEST_DIR/out"
	set_args "$BUNDLE" sh -c 'trap "echo usr1 >> /out/log" USR1; trap "echo term >> /out/log; exit 42" TERM; echo ready > /out/ready; while :; do sleep 0.05; done'
	id=$(new_id)
	# Signals go to the runtime itself (no timeout(1) in between); a watchdog
	# bounds the test instead.
	"$ISORUN" --root "$ROOT" run --bundle "$BUNDLE" "$id" </dev/null 3>&- &
	rpid=$!
	(sleep 20; kill -KILL "$rpid" 2>/dev/null) 3>&- &
	track_pid $!
	wait_file "$TEST_DIR/out/ready"
	kill -USR1 "$rpid"
	for i in $(seq 40); do grep -q usr1 "$TEST_DIR/out/log" 2>/dev/null && break; sleep 0.05; done
	kill -TERM "$rpid"
	status=0
	wait "$rpid" || status=$?
	[ "$status" -eq 42 ]
	[ "$(tr '\n' ' ' <"$TEST_DIR/out/log")" = "usr1 term " ]
}

@test "foreground run with terminal:true proxies a pty and returns the exit status" {
	command -v script >/dev/null || skip "script(1) not installed"
	make_bundle "$BUNDLE" '.process.terminal = true'
	set_args "$BUNDLE" sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo both-ttys; exit 5'
	id=$(new_id)
	register_id "$id"
	run timeout 20 script -qec "$ISORUN --root $ROOT run --bundle $BUNDLE $id" /dev/null </dev/null
	[ "$status" -eq 5 ]
	[[ "$output" == *"/dev/pts/0"* ]]
	[[ "$output" == *"both-ttys"* ]]
}

# join_bundle B A_PID TYPES...: B's config joins A's namespaces of those types.
join_ns() {
	local dir=$1 pid=$2 t filter='.'
	shift 2
	for t in "$@"; do
		filter="$filter | .linux.namespaces |= map(if .type == \"$t\" then .path = \"/proc/$pid/ns/$(ns_file "$t")\" else . end)"
	done
	edit_config "$dir" "$filter"
}

ns_file() {
	case $1 in
	network) echo net ;; mount) echo mnt ;; *) echo "$1" ;;
	esac
}

@test "joining pid, ipc, uts, network, cgroup and time namespaces of another container by path" {
	[ -e /proc/self/ns/time ] || skip "kernel without time namespaces"
	is_isorun || skip "runc 1.1.5 has no time namespace"
	make_bundle "$BUNDLE" '.linux.namespaces += [{"type":"cgroup"},{"type":"time"}]'
	set_args "$BUNDLE" sleep 100
	a=$(new_id)
	create_ctr "$a"
	rt start "$a"
	apid=$(state_field "$a" pid)

	b_bundle=$TEST_DIR/b
	make_bundle "$b_bundle" '.linux.namespaces += [{"type":"cgroup"},{"type":"time"}]'
	join_ns "$b_bundle" "$apid" pid ipc uts network cgroup time
	set_args "$b_bundle" sh -c 'for n in pid ipc uts net cgroup time mnt; do echo "$n $(readlink /proc/self/ns/$n)"; done'
	b=$(new_id)
	run rt run --bundle "$b_bundle" "$b"
	[ "$status" -eq 0 ]
	for n in pid ipc uts net cgroup time; do
		want="$n $(readlink "/proc/$apid/ns/$n")"
		[[ "$output" == *"$want"* ]] || fail "$n not joined: want '$want' in: $output"
	done
	# the mount namespace is always a new one
	[[ "$output" != *"mnt $(readlink "/proc/$apid/ns/mnt")"* ]]
	# joined pid namespace: the joiner sees the first container's init
	rt delete --force "$a"
}

@test "joining a user namespace by path: the container runs with its maps" {
	# runc 1.1.5 refuses: "User namespaces enabled, but no uid mappings found."
	is_isorun || skip "runc 1.1.5 wants uidMappings even for a joined user namespace"
	make_bundle "$BUNDLE" \
		'.linux.namespaces += [{"type":"user"}] | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}] | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]'
	chown -R 100000:100000 "$BUNDLE/rootfs"
	set_args "$BUNDLE" sleep 100
	a=$(new_id)
	create_ctr "$a"
	rt start "$a"
	apid=$(state_field "$a" pid)

	b_bundle=$TEST_DIR/b
	make_bundle "$b_bundle"
	edit_config "$b_bundle" '.linux.namespaces += [{"type":"user","path":$p}]' --arg p "/proc/$apid/ns/user"
	chown -R 100000:100000 "$b_bundle/rootfs"
	set_args "$b_bundle" sh -c 'readlink /proc/self/ns/user; cat /proc/self/uid_map; id -u'
	b=$(new_id)
	run rt run --bundle "$b_bundle" "$b"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(readlink "/proc/$apid/ns/user")" ]
	[[ "${lines[1]}" =~ ^\ +0\ +100000\ +65536$ ]]
	[ "${lines[2]}" = 0 ]
	rt delete --force "$a"
}
