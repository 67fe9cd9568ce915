#!/usr/bin/env bash
# tests/vm/run-systemd-hybrid.sh [NAME-FILTER]: the hybrid systemd VM suite (TAP) of `make check`.
# One qemu (TCG) VM whose PID 1 is systemd on a HYBRID cgroup tree (vm.sh --systemd-hybrid:
# v1 controllers, cgroup2 at /sys/fs/cgroup/unified) runs every tests/vm/sdhybrid-*.sh: the
# --systemd-cgroup driver on v1/hybrid (runc 1.1's legacy manager) next to runc's.
# Same rules, skips and environment as run.sh.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec env VM_PREFIX=sdhybrid- VM_OPTS=--systemd-hybrid "$here/run.sh" "$@"
