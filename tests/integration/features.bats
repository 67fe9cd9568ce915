#!/usr/bin/env bats
# features: the runtime-spec features document (containerd reads it to gate
# idmap mounts, user namespaces, rro...). Pure JSON on stdout, nothing on stderr.

load helpers

setup() {
	common_setup
	"$ISORUN" features >"$TEST_DIR/f.json" 2>"$TEST_DIR/f.err" </dev/null 3>&-
}

@test "features: valid JSON on stdout, nothing on stderr, exit 0" {
	"$ISORUN" features >/dev/null 2>&1 </dev/null 3>&-
	jq -e 'type == "object"' "$TEST_DIR/f.json"
	[ ! -s "$TEST_DIR/f.err" ]
	# global flags do not change it (containerd calls it without them)
	"$ISORUN" --root "$TEST_DIR/nowhere" features 3>&- | cmp - "$TEST_DIR/f.json"
	[ ! -e "$TEST_DIR/nowhere" ]
}

@test "features: OCI versions and the six hooks" {
	[ "$(jq -r .ociVersionMin "$TEST_DIR/f.json")" = 1.0.0 ]
	max=$(jq -r .ociVersionMax "$TEST_DIR/f.json")
	# runtime-spec 1.3.0 (runc 1.1.5 says 1.0.2-dev)
	if is_isorun; then [ "$max" = 1.3.0 ]; else [ -n "$max" ]; fi
	[ "$(jq -c .hooks "$TEST_DIR/f.json")" = \
		'["prestart","createRuntime","createContainer","startContainer","poststart","poststop"]' ]
}

@test "features: namespaces, and every capability the kernel knows" {
	for ns in cgroup ipc mount network pid user uts; do
		jq -e --arg n "$ns" '.linux.namespaces | index($n) != null' "$TEST_DIR/f.json"
	done
	# runc 1.1.5 predates time namespaces
	if is_isorun && [ -e /proc/self/ns/time ]; then
		[ "$(jq '.linux.namespaces | length' "$TEST_DIR/f.json")" -eq 8 ]
		jq -e '.linux.namespaces | index("time") != null' "$TEST_DIR/f.json"
	fi
	last=$(cat /proc/sys/kernel/cap_last_cap)
	[ "$(jq '.linux.capabilities | length' "$TEST_DIR/f.json")" -eq $((last + 1)) ]
	[ "$(jq -r '.linux.capabilities[0]' "$TEST_DIR/f.json")" = CAP_CHOWN ]
	jq -e '.linux.capabilities | index("CAP_SYS_ADMIN") != null' "$TEST_DIR/f.json"
}

@test "features: seccomp actions, operators, archs and flags" {
	jq -e '.linux.seccomp.enabled == true' "$TEST_DIR/f.json"
	for a in SCMP_ACT_ALLOW SCMP_ACT_ERRNO SCMP_ACT_KILL_PROCESS SCMP_ACT_NOTIFY SCMP_ACT_LOG; do
		jq -e --arg a "$a" '.linux.seccomp.actions | index($a) != null' "$TEST_DIR/f.json"
	done
	jq -e '.linux.seccomp.operators | index("SCMP_CMP_MASKED_EQ") != null' "$TEST_DIR/f.json"
	jq -e '.linux.seccomp.archs | index("SCMP_ARCH_X86_64") != null' "$TEST_DIR/f.json"
	if is_isorun; then
		# supported flags are the subset of the known ones this kernel accepts
		jq -e '.linux.seccomp as $s | $s.supportedFlags - $s.knownFlags == []' "$TEST_DIR/f.json"
		jq -e '.linux.seccomp.knownFlags | index("SECCOMP_FILTER_FLAG_LOG") != null' "$TEST_DIR/f.json"
	fi
	# the libseccomp version is the one the binary reports
	want=$("$ISORUN" --version | awk '/^libseccomp:/ {print $2}')
	[ -n "$want" ]
	[ "$(jq -r '.annotations["io.github.seccomp.libseccomp.version"]' "$TEST_DIR/f.json")" = "$want" ]
}

@test "features: mount options, cgroup drivers and LSMs as they are" {
	for o in ro rw rbind rro rnosuid rprivate tmpcopyup nosymfollow; do
		jq -e --arg o "$o" '.mountOptions | index($o) != null' "$TEST_DIR/f.json"
	done
	jq -e '.linux.cgroup.v1 == true and .linux.cgroup.v2 == true' "$TEST_DIR/f.json"
	# the systemd driver, system and user manager, is built in (as runc says)
	jq -e '.linux.cgroup.systemd == true and .linux.cgroup.systemdUser == true' "$TEST_DIR/f.json"
	want_aa=false
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] && want_aa=true
	want_se=false
	[ -e /sys/fs/selinux/enforce ] && want_se=true
	if is_isorun; then
		# the systemd driver is built in (usable where systemd is PID 1), as runc says
		jq -e '.linux.cgroup.systemd == true and .linux.cgroup.systemdUser == true' "$TEST_DIR/f.json"
		jq -e '.linux.intelRdt.enabled == false' "$TEST_DIR/f.json"
		# idmapped bind mounts work on this kernel (idmap.bats); runc 1.1.5 has none
		jq -e '.linux.mountExtensions.idmap.enabled == true' "$TEST_DIR/f.json"
		jq -e '.mountOptions | index("idmap") != null and index("ridmap") != null' "$TEST_DIR/f.json"
		# runc 1.1.5 reports what it was built with, not the host
		[ "$(jq -r .linux.apparmor.enabled "$TEST_DIR/f.json")" = "$want_aa" ]
		[ "$(jq -r .linux.selinux.enabled "$TEST_DIR/f.json")" = "$want_se" ]
		jq -e '.annotations["io.github.isorun.version"] | length > 0' "$TEST_DIR/f.json"
	fi
}

@test "features: the runtime-spec 1.3 sections claim only what works on this host" {
	is_isorun || skip "runc 1.1.5 predates runtime-spec 1.3 (no memoryPolicy, netDevices, intelRdt.schemata)"
	# intelRdt: create refuses it without resctrl, so it is enabled only with it
	want=false
	[ -e /sys/fs/resctrl/schemata ] && want=true
	jq -e --argjson w "$want" '.linux.intelRdt == {"enabled": $w, "schemata": $w, "monitoring": $w}' "$TEST_DIR/f.json"
	# memoryPolicy: every mode and flag the parser takes and set_mempolicy applies
	jq -e '.linux.memoryPolicy.modes | sort == ["MPOL_BIND", "MPOL_DEFAULT", "MPOL_INTERLEAVE", "MPOL_LOCAL", "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_WEIGHTED_INTERLEAVE"]' "$TEST_DIR/f.json"
	jq -e '.linux.memoryPolicy.flags | sort == ["MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES"]' "$TEST_DIR/f.json"
	jq -e '.linux.netDevices == {"enabled": true}' "$TEST_DIR/f.json"
	# the systemd driver passes org.systemd.property.* annotations on
	jq -e '.potentiallyUnsafeConfigAnnotations == ["org.systemd.property."]' "$TEST_DIR/f.json"
}

@test "features says checkpoint/restore is built in, with runc's annotation" {
	run "$ISORUN" features
	[ "$status" -eq 0 ]
	jq -e '.annotations["org.opencontainers.runc.checkpoint.enabled"] == "true"' <<<"$output"
}

@test "features takes no arguments" {
	run "$ISORUN" features extra
	[ "$status" -eq 1 ]
	# runc's text log escapes the quotes
	[[ "${output//\\/}" == *'"features" requires exactly 0 argument'* ]]
}
