#!/usr/bin/env bash
# tests/vm/run-systemd.sh [NAME-FILTER]: the systemd VM suite of `make check` (TAP).
# One qemu (TCG) VM whose PID 1 is systemd with the system D-Bus (vm.sh --systemd), running
# every tests/vm/systemd-*.sh in it: the --systemd-cgroup driver of isorun next to runc's.
# Same rules, skips and environment as run.sh.
exec env VM_PREFIX=systemd- VM_OPTS=--systemd "$(dirname "${BASH_SOURCE[0]}")/run.sh" "$@"
