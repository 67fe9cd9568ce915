#!/usr/bin/env bash
# tests/vm/run.sh [NAME-FILTER]: the VM suite of `make check` (TAP on stdout).
# Boots ONE qemu (TCG) VM with a pure cgroup v2 hierarchy (tests/vm/vm.sh) and runs
# every tests/vm/guest-*.sh in it (only those whose name contains NAME-FILTER, if
# given), renumbering their TAP lines consecutively ("ok N - guest-x.sh: ...").
# A script that exits non-zero without a failing test, or whose plan does not match,
# adds a "not ok". When no VM can run here it reports each check of each guest script
# (from `guest-x.sh --list`) as "ok N - guest-x.sh: <check> # SKIP <reason>" and exits 0.
# Environment: ISORUN_VM_CHECKPOINT_RUNC=0 (the checkpoint scripts without runc side by side),
# ISORUN_VM_TIMEOUT (whole run, default 850 s: below SUITE_TIMEOUT=900 of tests/run.sh),
# VM_SCRIPT_TIMEOUT (per guest script, default 600 s), ISORUN (isorun binary),
# ISORUN_VM_SKIP=REASON (take the skip path with REASON: run nothing).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
filter=${1:-}
total_timeout=${ISORUN_VM_TIMEOUT:-850}
# run-systemd.sh sets these: which guest scripts (name prefix), extra vm.sh options
prefix=${VM_PREFIX:-guest-}
vm_opts=(${VM_OPTS:-})

scripts=()
for f in "$here"/"$prefix"*.sh; do
	[ -f "$f" ] || continue
	name=${f##*/} base=${name#"$prefix"}
	case $base in *"$filter"*) scripts+=("$name") ;; esac
done
[ ${#scripts[@]} -gt 0 ] || { echo "ok 1 - vm # SKIP no tests/vm/$prefix*.sh matching '$filter'"; echo "1..1"; exit 0; }

# skip REASON: every check of every guest script, skipped by name.
skip() {
	local s c k=0 checks
	for s in "${scripts[@]}"; do
		if checks=$("$here/$s" --list 2>/dev/null) && [ -n "$checks" ]; then
			while IFS= read -r c; do
				k=$((k + 1))
				echo "ok $k - $s: $c # SKIP $*"
			done <<<"$checks"
		else
			k=$((k + 1))
			echo "ok $k - $s # SKIP $* (its checks could not be listed)"
		fi
	done
	echo "1..$k"
	exit 0
}

[ -z "${ISORUN_VM_SKIP:-}" ] || skip "$ISORUN_VM_SKIP"
[ "$(uname -m)" = x86_64 ] || skip "not an x86_64 host"
command -v apt-get >/dev/null || skip "not a Debian host (no apt-get)"
# downloads/installs what is missing (as root) and builds the cached kernel + initramfs
if ! prep=$("$here/vm.sh" --prepare 2>&1); then
	skip "cannot prepare the VM: $(printf '%s\n' "$prep" | grep -m1 'error:' || printf '%s\n' "$prep" | tail -n1)"
fi
qemu-system-x86_64 -accel help 2>/dev/null | grep -qx tcg || skip "qemu-system-x86_64 has no TCG accelerator"
# runc and crun for the guest (crun refuses hybrid hosts, but works in the VM)
missing=()
for p in runc crun; do command -v "$p" >/dev/null || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
		echo "# warning: could not install ${missing[*]}" >&2
fi

# the podman checkpoint script needs podman on the host (the guest's / is the host's) and
# the engines' busybox image, which the engines suite would build only after this one
for s in "${scripts[@]}"; do
	case $s in *podman*)
		"$here/../engines/install.sh" >&2 || echo "# warning: could not install the engines" >&2
		(source "$here/../engines/common.sh" && build_image) >/dev/null 2>&1 ||
			echo "# warning: could not build the engines' busybox image" >&2
		break ;;
	esac
done

vm_pid=
tmp=$(mktemp -d /tmp/isorun-vmrun.XXXXXX)
cleanup() {
	trap '' INT TERM HUP # a second signal must not cut the cleanup short
	if [ -n "$vm_pid" ]; then # vm.sh kills its qemu and virtiofsd on TERM
		kill -TERM "$vm_pid" 2>/dev/null
		wait "$vm_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
	return 0
}
trap cleanup EXIT
trap 'exit 143' TERM HUP
trap 'exit 130' INT

n=0 failed=0 cur= cnt=0 cur_failed=0 plan= vmrc=
finished=" "
emit() { # emit ok|not-ok DESCRIPTION
	n=$((n + 1))
	if [ "$1" = ok ]; then echo "ok $n - $2"; else failed=$((failed + 1)); echo "not ok $n - $2"; fi
}
end_script() { # end_script NAME RC
	if [ "$2" != 0 ] && [ "$cur_failed" = 0 ]; then
		emit not-ok "$1 exited with status $2$([ "$2" = 124 ] && echo " (timeout)")"
	elif [ -n "$plan" ] && [ "$plan" != skip ] && [ "$plan" != "$cnt" ]; then
		emit not-ok "$1: planned $plan tests but ran $cnt"
	elif [ -z "$plan" ] && [ "$cnt" = 0 ]; then
		emit not-ok "$1 printed no TAP results"
	fi
	finished+="$1 "
	cur=
}

t0=$SECONDS
mkfifo "$tmp/out"
"$here/vm.sh" ${vm_opts[@]+"${vm_opts[@]}"} --timeout "$total_timeout" --env "VM_ONLY=$filter" --env "VM_PREFIX=$prefix" \
	--env "VM_SCRIPT_TIMEOUT=${VM_SCRIPT_TIMEOUT:-600}" \
	--env "CHECKPOINT_RUNC=${ISORUN_VM_CHECKPOINT_RUNC:-1}" "$here/driver.sh" >"$tmp/out" &
vm_pid=$!
exec {vmout}<"$tmp/out"
tap_re='^(not )?ok([[:space:]]+[0-9]+)?([[:space:]]*-)?[[:space:]]*(.*)$'
while IFS= read -r -u "$vmout" line; do
	if [[ $line =~ ^(.*)VMTAP-END\ ([^ ]+)\ rc=([0-9]+)$ ]]; then
		[ -n "${BASH_REMATCH[1]}" ] && echo "# ${BASH_REMATCH[1]}"
		end_script "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}"
		continue
	fi
	case $line in
	"VMTAP-BEGIN "*)
		cur=${line#VMTAP-BEGIN } cnt=0 cur_failed=0 plan=
		echo "# --- vm/$cur"
		;;
	"") ;;
	"#"*) echo "$line" ;;
	"Bail out!"*)
		echo "# $line"
		emit not-ok "${cur:-vm}: $line"; cur_failed=1
		;;
	1..*)
		if [[ $line =~ ^1\.\.0([^0-9]|$) ]]; then
			plan=skip
			r=${line#*# SKIP}; emit ok "${cur:-vm} # SKIP ${r# }"
		else
			plan=${line#1..} plan=${plan%%[!0-9]*}
		fi
		;;
	*)
		if [ -n "$cur" ] && [[ $line =~ $tap_re ]]; then
			cnt=$((cnt + 1))
			# (a "# TODO" is a failure too: nothing may hide one)
			if [ -n "${BASH_REMATCH[1]}" ]; then
				emit not-ok "$cur: ${BASH_REMATCH[4]}"
				cur_failed=1
			else
				emit ok "$cur: ${BASH_REMATCH[4]}"
			fi
		else
			echo "# $line"
		fi
		;;
	esac
done
exec {vmout}<&-
vmrc=0
wait "$vm_pid" || vmrc=$?
vm_pid=
if [ -n "$cur" ]; then
	emit not-ok "$cur did not finish (the VM run ended)"
	finished+="$cur "
fi
for s in "${scripts[@]}"; do
	case $finished in *" $s "*) ;; *) emit not-ok "$s did not run (VM run failed, status ${vmrc:-unknown})" ;; esac
done
if [ "${vmrc:-x}" != 0 ]; then
	emit not-ok "vm: tests/vm/vm.sh exited with status ${vmrc:-unknown}$([ "${vmrc:-}" = 124 ] && echo " (timeout)")"
fi
echo "# vm: ${#scripts[@]} guest script(s) in one VM${vm_opts[*]:+ (${vm_opts[*]})}, $((SECONDS - t0)) s"
echo "1..$n"
[ "$failed" = 0 ]
