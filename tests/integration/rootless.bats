#!/usr/bin/env bats
# Rootless containers (issue 14): the runtime runs as an unprivileged test user made here
# (with /etc/subuid and /etc/subgid ranges, removed in teardown_file even on failure), with
# its state under that user's $XDG_RUNTIME_DIR. Checked from inside (uid_map, id, what is
# denied) and from outside (nothing written as root, nothing left after a failed create).
# ISORUN=runc runs the same tests with `runc spec --rootless` configs.

load helpers

setup_file() {
	common_setup_file
	RL_USER=isorun-rl-$$
	useradd -m -s /bin/sh "$RL_USER"
	RL_UID=$(id -u "$RL_USER")
	RL_GID=$(id -g "$RL_USER")
	RL_SUBUID=$(awk -F: -v u="$RL_USER" '$1 == u { print $2; exit }' /etc/subuid)
	RL_SUBGID=$(awk -F: -v u="$RL_USER" '$1 == u { print $2; exit }' /etc/subgid)
	export RL_USER RL_UID RL_GID RL_SUBUID RL_SUBGID
}

teardown_file() {
	if [ -n "${RL_USER:-}" ] && id "$RL_USER" >/dev/null 2>&1; then
		# userdel also drops the user's /etc/subuid and /etc/subgid lines
		userdel -r "$RL_USER" 2>/dev/null || userdel -f -r "$RL_USER" || true
	fi
	common_teardown_file
}

setup() {
	common_setup
	XDG=$TEST_DIR/xdg
	mkdir -m 700 "$XDG"
	chown "$RL_UID:$RL_GID" "$XDG"
	: >"$TEST_DIR/.rl_cgroups"
}

teardown() {
	local id c
	if [ -n "${TEST_DIR:-}" ] && [ -f "$TEST_DIR/.ids" ]; then
		while read -r id; do
			[ -n "$id" ] || continue
			urt delete --force "$id" >/dev/null 2>&1 || true
			if [ -e "$(rl_state)/$id" ]; then
				echo "leftover user state dir: $(rl_state)/$id" >&2
				common_teardown
				return 1
			fi
		done <"$TEST_DIR/.ids"
		# delegated cgroups made for the user (deepest first)
		sort -r "$TEST_DIR/.rl_cgroups" | while read -r c; do
			[ -n "$c" ] && rmdir "$c" 2>/dev/null || true
		done
	fi
	common_teardown
}

# as_user CMD...: CMD as the test user, with a clean environment and its own
# XDG_RUNTIME_DIR, in $BUNDLE (run/create use it by default), under a timeout. RL_CGROUP_PROCS (optional): a cgroup.procs file the
# command is moved into first (as root, before dropping privileges).
as_user() {
	local pre="cd \"$BUNDLE\" 2>/dev/null || cd /; "
	[ -n "${RL_CGROUP_PROCS:-}" ] && pre="${pre}echo \$\$ >$RL_CGROUP_PROCS && "
	timeout --kill-after=5 "$TMO" sh -c "${pre}exec \"\$@\"" sh \
		setpriv --reuid "$RL_UID" --regid "$RL_GID" --init-groups \
		env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME="/home/$RL_USER" XDG_RUNTIME_DIR="$XDG" "$@" </dev/null 3>&-
}

# urt ARGS...: the runtime as the test user, with its default --root.
urt() {
	as_user "$ISORUN" "$@"
}

# urt_d ARGS...: urt for create and run -d, whose container keeps stdout/stderr: those go
# to a file (never to a pipe bats waits on), printed afterwards.
urt_d() {
	local rc=0
	urt "$@" >"$TEST_DIR/urt_d.out" 2>&1 || rc=$?
	cat "$TEST_DIR/urt_d.out"
	return $rc
}

# The user's state dir: runc and isorun both default to $XDG_RUNTIME_DIR/<name>.
rl_state() {
	if is_isorun; then echo "$XDG/isorun"; else echo "$XDG/runc"; fi
}

# rl_bundle [JQ_FILTER...]: $BUNDLE from `spec --rootless` run as the user (runc's own
# spec for runc), terminal off, every file owned by the user.
rl_bundle() {
	local f
	mkdir -p "$BUNDLE"
	rm -f "$BUNDLE/config.json"
	[ -d "$BUNDLE/rootfs/bin" ] || make_busybox_rootfs "$BUNDLE/rootfs"
	chown -R "$RL_UID:$RL_GID" "$BUNDLE"
	as_user "$ISORUN" spec --rootless --bundle "$BUNDLE"
	for f in '.process.terminal = false' "$@"; do
		edit_config "$BUNDLE" "$f" || return 1
	done
	chown -R "$RL_UID:$RL_GID" "$BUNDLE"
}

rl_set_cmd() {
	set_cmd "$BUNDLE" "$1"
	chown "$RL_UID:$RL_GID" "$BUNDLE/config.json"
}

# Nothing under the user's paths was written by anyone else.
assert_all_user_owned() {
	local bad
	bad=$(find "$XDG" "$BUNDLE" ! -user "$RL_USER" -print 2>/dev/null | head -5)
	[ -z "$bad" ] || fail "not owned by $RL_USER: $bad"
}

# A cgroup v1 directory of CONTROLLER below the hierarchy root, owned by the user (what an
# administrator delegates); removed in teardown. Prints its path.
rl_delegate_v1() {
	local dir=/sys/fs/cgroup/$1/isorun-rl-$$-$BATS_TEST_NUMBER-$RANDOM
	[ -w "/sys/fs/cgroup/$1/cgroup.procs" ] || return 1
	mkdir "$dir" || return 1
	echo "$dir" >>"$TEST_DIR/.rl_cgroups"
	chown -R "$RL_UID:$RL_GID" "$dir"
	echo "$dir"
}

@test "rootless run: the caller is root of a user namespace mapping only its own ids" {
	rl_bundle
	rl_set_cmd 'id; cat /proc/self/uid_map /proc/self/gid_map; cat /proc/self/status | grep CapEff'
	local id
	id=$(new_id)
	run urt run "$id"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"uid=0(root) gid=0(root)"* ]]
	# one line each: container 0 -> the caller, size 1
	grep -Eq "^ +0 +$RL_UID +1$" <<<"$output"
	grep -Eq "^ +0 +$RL_GID +1$" <<<"$output"
	[ "$(grep -Ec '^ +[0-9]+ +[0-9]+ +[0-9]+$' <<<"$output")" -eq 2 ]
	# the state went under $XDG_RUNTIME_DIR/<runtime>, and is gone again after run
	[ -d "$(rl_state)" ]
	[ ! -e "$(rl_state)/$id" ]
	assert_all_user_owned
}

@test "rootless lifecycle: create, list, start, exec, ps, kill, delete as the user" {
	rl_bundle
	rl_set_cmd 'echo started; exec sleep 60'
	local id
	id=$(new_id)
	run urt_d create "$id"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -d "$(rl_state)/$id" ]
	assert_all_user_owned
	run urt list
	[[ "$output" == *"$id"*created*"$RL_USER"* ]]
	run urt start "$id"
	[ "$status" -eq 0 ]
	run urt exec "$id" sh -c 'id -u; cat /proc/self/uid_map; cat /proc/1/cmdline | tr "\0" " "'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == 0 ]]
	grep -Eq "^ +0 +$RL_UID +1$" <<<"$output"
	[[ "$output" == *"sleep 60"* ]]
	# exec joined the container's pid namespace: pid 1 is its sleep
	run urt exec "$id" sh -c 'echo $$ >/dev/null; ls /proc | grep -c "^[0-9]"'
	[ "$status" -eq 0 ]
	if is_isorun; then
		# without a cgroup, ps lists the processes of the container's pid namespace
		# (runc 1.1.5 fails: "unable to get all container pids: lstat : no such file")
		run urt ps --format json "$id"
		echo "$output"
		[ "$status" -eq 0 ]
		[ "$(jq length <<<"$output")" -ge 1 ]
	fi
	run urt kill "$id" KILL
	[ "$status" -eq 0 ]
	wait_user_status "$id" stopped
	run urt delete "$id"
	[ "$status" -eq 0 ]
	[ ! -e "$(rl_state)/$id" ]
	assert_all_user_owned
}

# wait_user_status ID STATUS: polls `state` as the user.
wait_user_status() {
	local i st
	for ((i = 0; i < 100; i++)); do
		st=$(urt state "$1" 2>/dev/null | jq -r .status) || st=""
		[ "$st" = "$2" ] && return 0
		sleep 0.05
	done
	fail "container $1: status '$st', wanted '$2'"
}

@test "rootless pause without a writable freezer is refused with a reason" {
	rl_bundle
	rl_set_cmd 'exec sleep 60'
	local id
	id=$(new_id)
	run urt_d run -d "$id"
	[ "$status" -eq 0 ]
	run urt pause "$id"
	echo "$output"
	[ "$status" -ne 0 ]
	if is_isorun; then
		[[ "$output" == *"no cgroup to freeze"*rootless* ]]
	else
		[[ "$output" == *"cgroups not configured for container"* ]]
	fi
	[ "$(urt state "$id" | jq -r .status)" = running ]
}

@test "rootless: a limit without a writable cgroup is refused and leaves nothing behind" {
	rl_bundle '.linux.resources = {"memory": {"limit": 33554432}}'
	rl_set_cmd 'true'
	local id
	id=$(new_id)
	run urt_d create "$id"
	echo "$output"
	[ "$status" -ne 0 ]
	# both say it the same way (runc: "cannot set memory limit: container could not join
	# or create cgroup")
	[[ "$output" == *"cannot set memory limit"* ]]
	[ ! -e "$(rl_state)/$id" ]
	[ -z "$(cgroup_dirs_for "$id")" ]
	assert_all_user_owned
}

@test "rootless: an explicit cgroupsPath must be writable" {
	rl_bundle '.linux.cgroupsPath = "/isorun-rl-not-delegated"'
	rl_set_cmd 'true'
	local id
	id=$(new_id)
	run urt run "$id"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"/isorun-rl-not-delegated"*"ermission denied"* ]]
	[ ! -e "$(rl_state)/$id" ]
	[ -z "$(find /sys/fs/cgroup -maxdepth 2 -name isorun-rl-not-delegated)" ]
}

@test "rootless: a delegated v1 hierarchy is used, the others skipped" {
	local ly dir
	ly=$(stat -fc %T /sys/fs/cgroup)
	[ "$ly" = tmpfs ] || skip "needs a cgroup v1/hybrid host (here: $ly)"
	dir=$(rl_delegate_v1 pids) || skip "no writable pids v1 hierarchy to delegate from"
	rl_bundle '.linux.resources = {"pids": {"limit": 42}}'
	rl_set_cmd 'cat /proc/self/cgroup'
	local id
	id=$(new_id)
	RL_CGROUP_PROCS=$dir/cgroup.procs run urt run "$id"
	echo "$output"
	[ "$status" -eq 0 ]
	# in the pids hierarchy: below the user's own cgroup; elsewhere not moved
	grep -Eq "^[0-9]+:pids:/${dir##*/}/$id\$" <<<"$output"
	grep -Eq '^[0-9]+:cpu,?[a-z,]*:/$' <<<"$output" || grep -Eq '^[0-9]+:cpu:/$' <<<"$output"
	# and its limit was written, by the user
	id=$(new_id)
	rl_set_cmd 'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || echo none; sleep 60'
	RL_CGROUP_PROCS=$dir/cgroup.procs run urt_d run -d "$id"
	[ "$status" -eq 0 ]
	[ "$(cat "$dir/$id/pids.max")" = 42 ]
	[ "$(stat -c %U "$dir/$id")" = "$RL_USER" ]
	urt delete --force "$id"
	[ ! -e "$dir/$id" ]
	# a limit of a hierarchy that is not delegated is still refused, with nothing left
	rl_bundle '.linux.resources = {"pids": {"limit": 42}, "memory": {"limit": 33554432}}'
	id=$(new_id)
	RL_CGROUP_PROCS=$dir/cgroup.procs run urt_d create "$id"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"cannot set memory limit"* ]]
	[ ! -e "$dir/$id" ]
	[ ! -e "$(rl_state)/$id" ]
}

@test "rootless: several id ranges go through newuidmap/newgidmap with the user's subuids" {
	command -v newuidmap >/dev/null || skip "newuidmap is not installed (Debian: uidmap)"
	[ -n "$RL_SUBUID" ] && [ -n "$RL_SUBGID" ] || skip "useradd gave $RL_USER no subuid/subgid range"
	rl_bundle ".linux.uidMappings = [{containerID: 0, hostID: $RL_UID, size: 1}, {containerID: 1, hostID: $RL_SUBUID, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: $RL_GID, size: 1}, {containerID: 1, hostID: $RL_SUBGID, size: 65536}]
		| .process.capabilities.bounding += [\"CAP_CHOWN\"] | .process.capabilities.effective += [\"CAP_CHOWN\"]
		| .process.capabilities.permitted += [\"CAP_CHOWN\"]"
	rl_set_cmd 'cat /proc/self/uid_map; touch /mnt/by-root && chown 1000:1000 /mnt/by-root && stat -c "%u:%g" /mnt/by-root'
	edit_config "$BUNDLE" '.mounts += [{destination: "/mnt", type: "bind", source: "'"$TEST_DIR/out"'", options: ["rbind"]}]'
	mkdir "$TEST_DIR/out"
	chown "$RL_UID:$RL_GID" "$TEST_DIR/out" "$BUNDLE/config.json"
	local id
	id=$(new_id)
	run urt run "$id"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -Eq "^ +0 +$RL_UID +1$" <<<"$output"
	grep -Eq "^ +1 +$RL_SUBUID +65536$" <<<"$output"
	[[ "$output" == *"1000:1000"* ]]
	# container uid 1000 is the user's subuid start + 999 on the host
	[ "$(stat -c %u "$TEST_DIR/out/by-root")" -eq $((RL_SUBUID + 999)) ]
	[ "$(stat -c %g "$TEST_DIR/out/by-root")" -eq $((RL_SUBGID + 999)) ]
}

@test "rootless: ids outside the user's subuid ranges are refused by newuidmap" {
	command -v newuidmap >/dev/null || skip "newuidmap is not installed (Debian: uidmap)"
	rl_bundle ".linux.uidMappings = [{containerID: 0, hostID: 1, size: 10}]"
	rl_set_cmd 'true'
	local id
	id=$(new_id)
	run urt run "$id"
	echo "$output"
	[ "$status" -ne 0 ]
	[ ! -e "$(rl_state)/$id" ]
	if is_isorun; then
		# runc 1.1.5 fails later and says only "fchown fd 7: operation not permitted"
		[[ "$output" == *"not allowed"* ]]
		[[ "$output" == *"linux.uidMappings"*newuidmap* ]]
	fi
}

@test "rootless: a config without a user namespace is refused" {
	rl_bundle 'del(.linux.namespaces[] | select(.type == "user")) | del(.linux.uidMappings, .linux.gidMappings)'
	rl_set_cmd 'true'
	local id
	id=$(new_id)
	run urt run "$id"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"rootless container requires user namespaces"* ]]
	[ ! -e "$(rl_state)/$id" ]
}

@test "rootless: oomScoreAdj may only go up" {
	rl_bundle '.process.oomScoreAdj = 500'
	rl_set_cmd 'cat /proc/self/oom_score_adj'
	local id
	id=$(new_id)
	run urt run "$id"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = 500 ]
	rl_bundle '.process.oomScoreAdj = -100'
	id=$(new_id)
	run urt run "$id"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *oom_score_adj*"ermission denied"* ]]
	if is_isorun; then
		[[ "$output" == *"CAP_SYS_RESOURCE"* ]]
	fi
	[ ! -e "$(rl_state)/$id" ]
}

@test "rootless: what is denied inside (mknod, host sysctls, writing /sys), and /dev is bound" {
	rl_bundle '.root.readonly = false | .hostname = "inside"'
	rl_set_cmd 'mknod /tmp/n c 1 3 && echo MKNOD-OK; echo x >/sys/kernel/profiling && echo SYS-OK
		hostname
		awk '"'"'$5 == "/dev/null" { print "devnull", $4, $9 }'"'"' /proc/self/mountinfo
		awk '"'"'$5 == "/sys" { print "sys", $6 }'"'"' /proc/self/mountinfo
		echo 1 >/proc/sys/net/ipv4/ip_forward && echo SYSCTL-OK; exit 0'
	local id
	id=$(new_id)
	run urt run "$id"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" != *MKNOD-OK* ]]
	[[ "$output" == *"mknod: /tmp/n: Operation not permitted"* ]]
	[[ "$output" != *SYS-OK* ]]
	[[ "$output" != *SYSCTL-OK* ]]
	# the uts namespace is ours
	[[ "$output" == *inside* ]]
	# /dev/null is the host's node, bind-mounted (a user namespace cannot mknod)
	grep -Eq '^devnull /null ' <<<"$output"
	grep -Eq '^sys ro,' <<<"$output"
	# a net sysctl needs a network namespace, which a rootless spec lacks
	rl_bundle '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	rl_set_cmd 'true'
	id=$(new_id)
	run urt run "$id"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"net.ipv4.ip_forward"*"not allowed in the host"*"network namespace"* ]] ||
		[[ "$output" == *"net.ipv4.ip_forward"*"not allowed in host network namespace"* ]]
}

@test "rootless: --rootless false makes cgroup permission errors fatal again" {
	rl_bundle
	rl_set_cmd 'true'
	local id
	id=$(new_id)
	run urt --rootless false run "$id"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"ermission denied"* ]]
	[ ! -e "$(rl_state)/$id" ]
	run urt --rootless true run "$id"
	[ "$status" -eq 0 ]
	run urt --rootless auto run "$id"
	[ "$status" -eq 0 ]
	# runc 1.1.5 says this only as root; as a user it goes on as with false
	if is_isorun; then
		run urt --rootless maybe run "$id"
		[ "$status" -ne 0 ]
		[[ "$output" == *'strconv.ParseBool: parsing "maybe": invalid syntax'* ]]
	fi
}

@test "check as the user: what it can isolate without root, and why not" {
	is_isorun || skip "runc 1.1.5 has no check command"
	run urt check --format json
	echo "$output"
	[ "$status" -eq 0 ]
	local r
	r=$(jq .host.rootless <<<"$output")
	[ "$(jq -r .user <<<"$r")" = "$RL_USER($RL_UID)" ]
	[ "$(jq -r .user_namespaces <<<"$r")" = true ]
	[ "$(jq -r .subuid <<<"$r")" = "$(awk -F: -v u="$RL_USER" '$1 == u { print $2 ":" $3 }' /etc/subuid)" ]
	if [ -u /usr/bin/newuidmap ] && [ -u /usr/bin/newgidmap ]; then
		[ "$(jq -r .newuidmap_setuid <<<"$r")" = true ]
	fi
	# nothing delegated: limits and pause are refused, and it says so
	[ "$(jq -r '.writable_cgroups | length' <<<"$r")" = 0 ]
	[[ "$(jq -r .why_no_limits <<<"$r")" == *"linux.resources and pause are refused"* ]]
	[ "$(jq -r .state <<<"$r")" = limited ]
	# a delegated pids hierarchy is seen
	local ly dir
	ly=$(stat -fc %T /sys/fs/cgroup)
	if [ "$ly" = tmpfs ] && dir=$(rl_delegate_v1 pids); then
		RL_CGROUP_PROCS=$dir/cgroup.procs run urt check --format json
		[ "$(jq -r '.host.rootless.writable_cgroups | join(",")' <<<"$output")" = pids ]
	fi
	# as root it only points at the user
	run "$ISORUN" check --format json
	[ "$(jq -r .host.rootless.state <<<"$output")" = root ]
}

@test "rootless as root of a user namespace (how rootless podman runs it): auto-detected, state in XDG_RUNTIME_DIR" {
	command -v unshare >/dev/null || skip "unshare not installed"
	rl_bundle
	# inside `unshare -rm` (a user and a mount namespace, as podman's pause process has; runc
	# 1.1.5 cannot bind mounts without the mount namespace: "failed to setns to host
	# mntns"), uid 0 is the user: the config maps container 0 to that 0
	edit_config "$BUNDLE" '.linux.uidMappings[0].hostID = 0 | .linux.gidMappings[0].hostID = 0'
	rl_set_cmd 'cat /proc/self/uid_map'
	local id
	id=$(new_id)
	# --rootless auto: euid 0, but not in the initial user namespace, so cgroups the
	# namespace cannot write are skipped; the default --root honours XDG_RUNTIME_DIR
	run as_user unshare -rm sh -c "\"$ISORUN\" run -d \"$id\" >/dev/null 2>&1 </dev/null; echo rc=\$?; ls \"\$XDG_RUNTIME_DIR\"/*"
	echo "$output"
	[[ "$output" == *rc=0* ]]
	[[ "$output" == *"$id"* ]]
	[ -d "$(rl_state)/$id" ]
	[ "$(stat -c %U "$(rl_state)/$id")" = "$RL_USER" ]
	run as_user unshare -rm "$ISORUN" delete --force "$id"
	[ "$status" -eq 0 ]
	[ ! -e "$(rl_state)/$id" ]
}
