#!/usr/bin/env bats
# The attack classes that broke runc and crun, each performed against the
# runtime and shown to fail. docs/security.md maps each test to its CVE.
# Validate with ISORUN=runc: tests for defences runc 1.1.5 predates skip there.

load helpers

HELPERS_BIN=$REPO_ROOT/build/helpers

setup_file() {
	common_setup_file
	[ -x "$HELPERS_BIN/sysprobe" ] || fail "test helpers missing: run make helpers"
}

# install_helper NAME: build/helpers/NAME and its libraries into the rootfs.
install_helper() {
	local bin=$HELPERS_BIN/$1 lib
	cp "$bin" "$BUNDLE/rootfs/bin/$1"
	for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
		mkdir -p "$BUNDLE/rootfs$(dirname "$lib")"
		cp -L "$lib" "$BUNDLE/rootfs$lib"
	done
}

# run_with_fds ID ARGS...: foreground run with the caller holding extra fds
# 3 ($TEST_DIR/hostfile, a decoy: a leaked fd could be reopened for writing
# through /proc/self/fd/3) and 7 ($TEST_DIR/hostdir), as a careless engine might.
run_with_fds() {
	local id=$1
	shift
	register_id "$id"
	run timeout --kill-after=5 "$TMO" "$ISORUN" --root "$ROOT" run --bundle "$BUNDLE" "$@" "$id" \
		</dev/null 3<"$TEST_DIR/hostfile" 7<"$TEST_DIR/hostdir"
}

# host_snapshot: everything a hostile rootfs could make the runtime touch.
host_snapshot() {
	find "$TEST_DIR/host" | sort
	# (other mounts on a shared test host come and go)
	awk -v t="$TEST_DIR/host" 'index($5, t) == 1 || $5 ~ "^/etc" { print $5 }' /proc/self/mountinfo | sort
}

# ------------------------------------------------------------ (2) leaked fds

@test "security (CVE-2024-21626): only stdio reaches the process when the caller leaks fds 3 and 7" {
	make_bundle "$BUNDLE"
	install_helper sysprobe
	mkdir "$TEST_DIR/hostdir"
	echo host-file >"$TEST_DIR/hostfile"
	set_args "$BUNDLE" sh -c 'exec 2>&1; sysprobe fds; ls /proc/self/fd'
	run_with_fds "$(new_id)"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^fd ' <<<"$output")" -eq 3 ]
	grep -q '^fd 0 ' <<<"$output"
	grep -q '^fd 1 ' <<<"$output"
	grep -q '^fd 2 ' <<<"$output"
	[[ "$output" != *hostfile* ]]
	[[ "$output" != *hostdir* ]]
	# --preserve-fds 1: fd 3 is passed on on purpose, fd 7 still is not
	run_with_fds "$(new_id)" --preserve-fds 1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^fd ' <<<"$output")" -eq 4 ]
	grep -q "^fd 3 -> $TEST_DIR/hostfile" <<<"$output"
	[[ "$output" != *hostdir* ]]
}

@test "security (CVE-2024-21626): process.cwd = /proc/self/fd/7 never gives a host cwd" {
	make_bundle "$BUNDLE" '.process.cwd = "/proc/self/fd/7"'
	mkdir "$TEST_DIR/hostdir"
	echo host-file >"$TEST_DIR/hostfile"
	touch "$TEST_DIR/hostdir/HOSTMARKER"
	set_args "$BUNDLE" sh -c 'exec 2>&1; pwd; ls; ls ..'
	run_with_fds "$(new_id)"
	echo "status $status: $output"
	[[ "$output" != *HOSTMARKER* ]]
	if is_isorun; then
		[ "$status" -ne 0 ]
		[[ "$output" == *cwd* ]]
	fi
	# the same with the leaked fd preserved on purpose: still not a way out
	run_with_fds "$(new_id)" --preserve-fds 5
	echo "status $status: $output"
	[[ "$output" != *HOSTMARKER* ]]
}

# ------------------------------------------------------------ (3) hostile rootfs

@test "security (CVE-2026-41579): an image whose /dev is a symlink to a host dir" {
	local target
	for target in "$TEST_DIR/host/dev" ../../host/dev; do
		rm -rf "$TEST_DIR/host" "$BUNDLE"
		make_bundle "$BUNDLE"
		mkdir -p "$TEST_DIR/host/dev"
		rm -rf "$BUNDLE/rootfs/dev"
		ln -s "$target" "$BUNDLE/rootfs/dev"
		local before
		before=$(host_snapshot)
		local id
		id=$(new_id)
		create_ctr "$id" || true
		cat "$TEST_DIR/$id.err"
		# while the container exists: nothing was created in the host dir
		if ! is_isorun && [ "$(host_snapshot)" != "$before" ]; then
			skip "runc 1.1.5 is vulnerable: it created $(ls "$TEST_DIR/host/dev" | xargs) in the host dir"
		fi
		[ "$(host_snapshot)" = "$before" ] || fail "host changed: $(diff <(echo "$before") <(host_snapshot))"
		[ -z "$(ls -A "$TEST_DIR/host/dev")" ]
		rt delete --force "$id" >/dev/null 2>&1 || true
		[ -z "$(ls -A "$TEST_DIR/host/dev")" ]
	done
}

# Every symlink points at $TEST_DIR/host/victim on the host side, never at a
# directory of the machine's: had the defence failed, the runtime would have
# created sub/ and file in the victim dir (issue 10: attacks target decoys only).
@test "security (CVE-2021-30465): mount destinations that are symlinks out of the rootfs" {
	local target
	# absolute, relative, and absolute to a path the image has too (the
	# test used to aim this one at /etc)
	for target in "$TEST_DIR/host/victim" ../../../host/victim "$TEST_DIR/host/victim:in-image"; do
		rm -rf "$TEST_DIR/host" "$BUNDLE"
		echo source >"$TEST_DIR/bind-source"
		make_bundle "$BUNDLE"
		edit_config "$BUNDLE" '.mounts += [{"destination":"/mnt/evil/sub","type":"tmpfs","source":"tmpfs"},
			{"destination":"/mnt/evil/file","type":"bind","source":$src,"options":["bind","ro"]}]' \
			--arg src "$TEST_DIR/bind-source"
		mkdir -p "$TEST_DIR/host/victim"
		if [[ "$target" == *:in-image ]]; then
			target=${target%:in-image}
			mkdir -p "$BUNDLE/rootfs$target"
		fi
		ln -s "$target" "$BUNDLE/rootfs/mnt/evil"
		local before
		before=$(host_snapshot)
		local id
		id=$(new_id)
		set_cmd "$BUNDLE" 'exec 2>&1; grep evil /proc/self/mountinfo; ls /mnt/evil/'
		run_ctr "$id"
		echo "$target: status $status: $output"
		[ "$(host_snapshot)" = "$before" ] || fail "host changed: $(diff <(echo "$before") <(host_snapshot))"
		[ -z "$(ls -A "$TEST_DIR/host/victim")" ]
		# (no listing of /etc: useradd or apt elsewhere on the machine may change it)
		[ ! -e /etc/sub ]
		[ ! -e /etc/file ]
	done
}

@test "security: an image whose /proc is a symlink out of the rootfs" {
	make_bundle "$BUNDLE"
	mkdir -p "$TEST_DIR/host/proc"
	rmdir "$BUNDLE/rootfs/proc"
	ln -s "$TEST_DIR/host/proc" "$BUNDLE/rootfs/proc"
	local before id
	before=$(host_snapshot)
	id=$(new_id)
	create_ctr "$id" || true
	cat "$TEST_DIR/$id.err"
	[ "$(host_snapshot)" = "$before" ] || fail "host changed: $(diff <(echo "$before") <(host_snapshot))"
	[ -z "$(ls -A "$TEST_DIR/host/proc")" ]
	# nothing in the host mount table mentions the target
	if grep -q "$TEST_DIR/host" /proc/self/mountinfo; then fail "host mount table names the target"; fi
	if [ "$(state_field "$id" status)" = created ]; then
		# the symlink was resolved inside the rootfs (as if chrooted): proc
		# went to rootfs/$TEST_DIR/host/proc, a directory of the image
		[ -d "$BUNDLE/rootfs$TEST_DIR/host/proc" ]
		local pid
		pid=$(state_field "$id" pid)
		grep " $TEST_DIR/host/proc .* - proc " "/proc/$pid/mountinfo"
	fi
}

# ------------------------------------------------------------ (4) masked paths

@test "security (CVE-2025-31133): masked paths refuse a /dev/null that is not char 1:3 (devices)" {
	is_isorun || skip "runc 1.1.5 predates the /dev/null verification (runc 1.2.8)"
	make_bundle "$BUNDLE" '.linux.devices = [{"path":"/dev/null","type":"c","major":1,"minor":5,"fileMode":438}]'
	local id
	id=$(new_id)
	run create_ctr "$id"
	cat "$TEST_DIR/$id.err"
	[ "$status" -ne 0 ]
	grep -q '/dev/null is not the null device' "$TEST_DIR/$id.err"
	run rt state "$id"
	[ "$status" -ne 0 ]
}

@test "security (CVE-2025-31133): masked paths refuse an attacker file bound at /dev/null" {
	is_isorun || skip "runc 1.1.5 predates the /dev/null verification (runc 1.2.8)"
	echo "attacker-controlled" >"$TEST_DIR/fake-null"
	make_bundle "$BUNDLE"
	edit_config "$BUNDLE" '.mounts += [{"destination":"/dev/null","type":"bind","source":$f,"options":["bind","rw"]}]' \
		--arg f "$TEST_DIR/fake-null"
	local id
	id=$(new_id)
	run create_ctr "$id"
	cat "$TEST_DIR/$id.err"
	[ "$status" -ne 0 ]
	grep -q '/dev/null is not the null device' "$TEST_DIR/$id.err"
	# without masked paths the same bundle runs: the refusal is the check
	edit_config "$BUNDLE" '.linux.maskedPaths = []'
	run_sh "$(new_id)" 'cat /dev/null'
	[ "$status" -eq 0 ]
	[[ "$output" == *attacker-controlled* ]]
}

# ------------------------------------------------------------ (5) fake procfs

@test "security (CVE-2019-16884 class): no tmpfs or bind can be put over /proc or /proc/sys" {
	make_bundle "$BUNDLE" '.linux.sysctl = {"net.ipv4.ip_forward":"1"}'
	cp "$BUNDLE/config.json" "$BUNDLE/config.base"
	echo 0 >"$TEST_DIR/fake-ip-forward"
	# A procfs file bound over the sysctl: the runtime's write of "1" would go
	# there. It is the oom_score_adj of a decoy process of ours, never a
	# setting of the machine's (the test used to bind kernel.core_pattern).
	sleep 60 &
	local decoy=$!
	track_pid "$decoy"
	echo 0 >"/proc/$decoy/oom_score_adj"
	local m id
	for m in '{"destination":"/proc/sys","type":"tmpfs","source":"tmpfs"}' \
		'{"destination":"/proc","type":"tmpfs","source":"tmpfs"}' \
		'{"destination":"/proc/sys/net/ipv4/ip_forward","type":"bind","source":"'"$TEST_DIR"'/fake-ip-forward","options":["bind"]}' \
		'{"destination":"/proc/sys/net/ipv4/ip_forward","type":"bind","source":"/proc/'"$decoy"'/oom_score_adj","options":["bind"]}'; do
		cp "$BUNDLE/config.base" "$BUNDLE/config.json"
		edit_config "$BUNDLE" '.mounts += [$m]' --argjson m "$m"
		id=$(new_id)
		run create_ctr "$id"
		echo "$m: $(cat "$TEST_DIR/$id.err")"
		[ "$status" -ne 0 ]
		grep -q '/proc' "$TEST_DIR/$id.err"
	done
	[ "$(cat "$TEST_DIR/fake-ip-forward")" = 0 ]
	[ "$(cat "/proc/$decoy/oom_score_adj")" = 0 ] || fail "the sysctl write reached the decoy"
	# control: without them the sysctl is applied in the container's netns
	cp "$BUNDLE/config.base" "$BUNDLE/config.json"
	run_sh "$(new_id)" 'cat /proc/sys/net/ipv4/ip_forward'
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
}

# An image that ships its own /proc tree, and a spec without a proc mount:
# every /proc path the runtime writes lands in the image's files unless the
# runtime checks it is talking to a real procfs.
fake_proc_image() {
	make_bundle "$BUNDLE" '.mounts = [.mounts[] | select(.destination != "/proc")]
		| .linux.maskedPaths = [] | .linux.readonlyPaths = []'
	mkdir -p "$BUNDLE/rootfs/proc/sys/net/ipv4" "$BUNDLE/rootfs/proc/self/attr/apparmor"
	echo 0 >"$BUNDLE/rootfs/proc/sys/net/ipv4/ip_forward"
	# looks like AppArmor is on, so a naive runtime writes the exec label here
	echo unconfined >"$BUNDLE/rootfs/proc/self/attr/apparmor/current"
	echo unconfined >"$BUNDLE/rootfs/proc/self/attr/current"
	: >"$BUNDLE/rootfs/proc/self/attr/apparmor/exec"
	: >"$BUNDLE/rootfs/proc/self/attr/exec"
}

@test "security (CVE-2019-16884 class): sysctl is never written into an image's fake /proc" {
	is_isorun || skip "runc 1.1.5 has no procfs check on sysctl writes (isorun error path)"
	fake_proc_image
	edit_config "$BUNDLE" '.linux.sysctl = {"net.ipv4.ip_forward":"1"}'
	local id
	id=$(new_id)
	run create_ctr "$id"
	cat "$TEST_DIR/$id.err"
	[ "$status" -ne 0 ]
	grep -q 'linux.sysctl.*not on procfs' "$TEST_DIR/$id.err"
	[ "$(cat "$BUNDLE/rootfs/proc/sys/net/ipv4/ip_forward")" = 0 ]
}

@test "security (CVE-2019-19921 class): AppArmor/SELinux labels are never written into a fake /proc" {
	is_isorun || skip "isorun-specific error path"
	fake_proc_image
	local field id
	for field in apparmorProfile selinuxLabel; do
		edit_config "$BUNDLE" 'del(.process.apparmorProfile, .process.selinuxLabel) | .process[$f] = "system_u:system_r:isorun_t:s0"' \
			--arg f "$field"
		id=$(new_id)
		run create_ctr "$id"
		cat "$TEST_DIR/$id.err"
		[ "$status" -ne 0 ]
		grep -q "process.$field" "$TEST_DIR/$id.err"
		[ ! -s "$BUNDLE/rootfs/proc/self/attr/apparmor/exec" ]
		[ ! -s "$BUNDLE/rootfs/proc/self/attr/exec" ]
	done
}

# ------------------------------------------------------------ (6) inheritable caps

@test "security (CVE-2022-29162): inheritable capabilities are empty, file caps gain nothing" {
	command -v setcap >/dev/null || skip "setcap (libcap2-bin) not installed"
	make_bundle "$BUNDLE"
	install_helper sysprobe
	run_sh "$(new_id)" 'grep CapInh /proc/self/status'
	[[ "$output" =~ CapInh:[[:space:]]+0000000000000000 ]]
	# a non-root process without no_new_privs, CAP_NET_RAW only in the bounding
	# set, exec'ing an image binary with the file capability cap_net_raw+ei
	setcap cap_net_raw+ei "$BUNDLE/rootfs/bin/sysprobe"
	edit_config "$BUNDLE" '.process.user = {"uid":1000,"gid":1000} | .process.noNewPrivileges = false
		| .process.capabilities = {"bounding":["CAP_NET_RAW","CAP_KILL"]}'
	run_ctr "$(new_id)" sysprobe status
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" =~ CapInh:[[:space:]]+0000000000000000 ]]
	[[ "$output" =~ CapPrm:[[:space:]]+0000000000000000 ]]
	[[ "$output" =~ CapEff:[[:space:]]+0000000000000000 ]]
	# control: had the runtime left CAP_NET_RAW (bit 13) inheritable, the
	# binary would have gained it
	edit_config "$BUNDLE" '.process.capabilities.inheritable = ["CAP_NET_RAW"]'
	run_ctr "$(new_id)" sysprobe status
	echo "$output"
	[[ "$output" =~ CapEff:[[:space:]]+0000000000002000 ]]
}

# ------------------------------------------------------------ (7) ptrace of init

@test "security (CVE-2016-9962): the parked init is non-dumpable until execve" {
	make_bundle "$BUNDLE" '.linux.namespaces += [{"type":"user"}]
		| .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
		| .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]'
	chown -R 100000:100000 "$BUNDLE/rootfs"
	set_args "$BUNDLE" sleep 30
	local id pid
	id=$(new_id)
	create_ctr "$id" || fail "create: $(cat "$TEST_DIR/$id.err")"
	pid=$(state_field "$id" pid)
	grep -E '^Uid' "/proc/$pid/status"
	# runs as host uid 100000, yet /proc/PID is root's: the kernel's sign of a
	# non-dumpable mm (task_dump_owner); uid 100000 cannot read its memory.
	# (With a user namespace the kernel also clears dumpable on the uid change;
	# the next test is the one that needs the runtime's own prctl.)
	awk '/^Uid/ { exit $2 != 100000 }' "/proc/$pid/status"
	[ "$(stat -c %u "/proc/$pid/environ")" = 0 ]
	run setpriv --reuid 100000 --regid 100000 --clear-groups cat "/proc/$pid/environ"
	[ "$status" -ne 0 ]
	run setpriv --reuid 100000 --regid 100000 --clear-groups readlink "/proc/$pid/exe"
	[ "$status" -ne 0 ]
	# control: after execve (start) the process is dumpable again
	rt start "$id"
	wait_status "$id" running
	[ "$(stat -c %u "/proc/$pid/environ")" = 100000 ]
}

@test "security (CVE-2016-9962): another container in the same pid namespace cannot read the parked init" {
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 30
	local a pid
	a=$(new_id)
	create_ctr "$a" || fail "create: $(cat "$TEST_DIR/$a.err")"
	pid=$(state_field "$a" pid)
	local b=$TEST_DIR/b
	make_bundle "$b"
	edit_config "$b" '.linux.namespaces = [.linux.namespaces[] | if .type == "pid" then .path = $p else . end]' \
		--arg p "/proc/$pid/ns/pid"
	set_args "$b" sh -c 'exec 2>&1; cat /proc/1/environ >/dev/null && echo ENVIRON-READ; readlink /proc/1/exe || echo exe-denied'
	local id
	id=$(new_id)
	register_id "$id"
	run rt run --bundle "$b" "$id"
	echo "$output"
	if ! is_isorun && [[ "$output" == *ENVIRON-READ* ]]; then
		skip "runc 1.1.5 is vulnerable: its parked init is dumpable"
	fi
	[[ "$output" != *ENVIRON-READ* ]]
	[[ "$output" == *exe-denied* ]]
	rt delete --force "$a"
}

# ------------------------------------------------------------ (8) /proc and /sys

@test "security: /proc and /sys are hardened (remount, sysrq-trigger, kcore, firmware)" {
	make_bundle "$BUNDLE"
	install_helper sysprobe
	run_sh "$(new_id)" 'mount -o remount,rw /proc/sys && echo REMOUNTED
		echo sysrq $(sysprobe open /proc/sysrq-trigger w)
		echo kcore=$(head -c 16 /proc/kcore 2>/dev/null | wc -c)
		echo firmware=$(ls -A /sys/firmware 2>/dev/null | wc -l)
		touch /proc/sys/kernel/x 2>/dev/null && echo PROCSYS-WRITABLE
		echo done'
	echo "$output"
	[[ "$output" == *done* ]]
	[[ "$output" != *REMOUNTED* ]]
	# opened for writing, never written: a write would reach the machine's kernel
	# (the test used to write "h"; on a kernel without sysrq the file is absent)
	[[ "$output" != *"sysrq ok"* ]]
	[[ "$output" != *PROCSYS-WRITABLE* ]]
	[[ "$output" == *kcore=0* ]]
	[[ "$output" == *firmware=0* ]]
}

# ------------------------------------------------------------ (1) runtime overwrite

# attack_runtime_copy [EXEC FLAGS...]: the CVE-2019-5736 attack with nothing of the
# machine's at stake. The runtime under test runs as a copy in $TEST_DIR, the one
# decoy the attacker (sysprobe overwrite-exe, told $TEST_DIR and the copy's
# st_dev:st_ino) may write; a handle on any other binary is reported as
# "WOULD OVERWRITE" and left alone. The copy starts the attacker, then execs
# `true` into its container 20 times. The attacker's report: $TEST_DIR/attack.out.
attack_runtime_copy() {
	local rtcopy=$TEST_DIR/rt-copy sum id i
	cp "$ISORUN" "$rtcopy"
	if [ -n "${RT_READONLY:-}" ]; then
		# installed read-only: a read-only bind of the copy onto itself
		mount --bind "$rtcopy" "$rtcopy" && track_mount "$rtcopy" &&
			mount -o remount,bind,ro "$rtcopy" || fail "read-only bind of the runtime's copy"
	fi
	sum=$(sha256sum <"$rtcopy")
	set_args "$BUNDLE" sysprobe overwrite-exe 6 "$TEST_DIR" "$(stat -c %d:%i "$rtcopy")"
	id=$(new_id)
	timeout --kill-after=5 "$TMO" "$rtcopy" --root "$ROOT" run -d --bundle "$BUNDLE" "$id" \
		</dev/null >"$TEST_DIR/attack.out" 2>&1 3>&-
	for ((i = 0; i < 20; i++)); do
		timeout 10 "$rtcopy" --root "$ROOT" exec "$@" "$id" true \
			</dev/null >/dev/null 2>&1 3>&- || true
	done
	wait_status "$id" stopped 200 || true
	cat "$TEST_DIR/attack.out"
	[ "$(sha256sum <"$rtcopy")" = "$sum" ] || fail "the attacker overwrote the runtime's copy"
	if grep -q OVERWROTE "$TEST_DIR/attack.out"; then fail "the attacker overwrote a binary"; fi
	if grep -q 'WOULD OVERWRITE' "$TEST_DIR/attack.out"; then
		fail "the attacker got a handle on a binary outside the container (not attacked)"
	fi
}

@test "security (CVE-2019-5736): a container process cannot overwrite the runtime during exec" {
	make_bundle "$BUNDLE"
	install_helper sysprobe
	attack_runtime_copy
	# the attacker did see the runtime inside the container (else this proved nothing)
	grep -Eq 'no overwrite \(([1-9][0-9]* handles|0 handles, [1-9][0-9]* processes refused)' \
		"$TEST_DIR/attack.out"
}

@test "security (CVE-2019-5736): with CAP_SYS_PTRACE past non-dumpability, the sealed copy holds" {
	is_isorun || skip "runc 1.1.5's memfd clone differs; this checks isorun's sealed copy"
	make_bundle "$BUNDLE" '.process.capabilities |= with_entries(.value += ["CAP_SYS_PTRACE"])'
	install_helper sysprobe
	attack_runtime_copy --cap CAP_SYS_PTRACE
	# CAP_SYS_PTRACE got the attacker handles on the runtime's exe: the memfd
	# seals, not non-dumpability, are what held.
	grep -Eq 'handle on /proc/[0-9]*/exe -> (/memfd:isorun|/rt-copy \(on an overlayfs\))' "$TEST_DIR/attack.out"
	grep -Eq 'no overwrite \([1-9][0-9]* handles' "$TEST_DIR/attack.out"
}

@test "security (CVE-2019-5736): a runtime installed read-only holds without a re-exec, CAP_SYS_PTRACE or not" {
	is_isorun || skip "runc 1.1.5 makes a memfd copy of itself whatever the mount; this checks isorun's read-only install"
	make_bundle "$BUNDLE" '.process.capabilities |= with_entries(.value += ["CAP_SYS_PTRACE"])'
	install_helper sysprobe
	RT_READONLY=1 attack_runtime_copy --cap CAP_SYS_PTRACE
	# the handles named the installed file itself, not an overlay or memfd
	# view of it: nothing was re-executed, and the read-only mount held
	grep -Eq "handle on /proc/[0-9]*/exe -> $TEST_DIR/rt-copy\$" "$TEST_DIR/attack.out"
	! grep -Eq 'handle on /proc/[0-9]*/exe -> (/memfd:|.*on an overlayfs)' "$TEST_DIR/attack.out"
	grep -Eq 'no overwrite \([1-9][0-9]* handles' "$TEST_DIR/attack.out"
}

@test "security: masks never follow an image's fake /proc/self/fd links (no proc mount)" {
	is_isorun || skip "isorun-specific check"
	make_bundle "$BUNDLE" '.mounts = [.mounts[] | select(.destination != "/proc")]'
	# the image's own /proc: kcore to be masked, and self/fd/N all leading
	# to a passwd file, where a naive runtime would bind /dev/null instead.
	# The links name a decoy in the test dir (which the image has too), so
	# that a runtime following them on the host side reaches no file of the
	# machine's (they used to name /etc/passwd).
	local decoy=$TEST_DIR/host/passwd
	mkdir -p "$BUNDLE/rootfs/proc/self/fd" "$TEST_DIR/host" "$BUNDLE/rootfs$TEST_DIR/host"
	echo host-decoy >"$decoy"
	echo image-decoy >"$BUNDLE/rootfs$decoy"
	echo secret >"$BUNDLE/rootfs/proc/kcore"
	local n
	for n in $(seq 0 40); do ln -s "$decoy" "$BUNDLE/rootfs/proc/self/fd/$n"; done
	set_cmd "$BUNDLE" "exec 2>&1; cat $decoy"
	run_ctr "$(new_id)"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"does not lead to the opened file"* ]]
}
