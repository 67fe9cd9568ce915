#!/usr/bin/env bash
# tests/vm/run-systemd.sh [NAME-FILTER]: the systemd VM suites (TAP). One qemu (TCG) VM whose
# PID 1 is systemd with the system D-Bus (vm.sh --systemd) runs every tests/vm/systemd-*.sh:
# the --systemd-cgroup driver of isorun next to runc's (`make check`). With
# SYSTEMD_SUITE=engines it runs tests/vm/sdengines-*.sh instead: containerd, podman and docker
# with their systemd cgroup drivers over isorun and runc (`make check-systemd`, slower).
# Same rules, skips and environment as run.sh.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prefix=systemd-
if [ "${SYSTEMD_SUITE:-}" = engines ]; then
	prefix=sdengines-
	# the guest reads the busybox image from the repo (tests/.cache); building it there
	# takes far longer than here
	if [ -z "${ISORUN_VM_SKIP:-}" ]; then
		(source "$here/../engines/common.sh" && build_image) >/dev/null 2>&1 ||
			export ISORUN_VM_SKIP="cannot build the engines' busybox image"
	fi
fi
exec env VM_PREFIX=$prefix VM_OPTS=--systemd "$here/run.sh" "$@"
