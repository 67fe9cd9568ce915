#!/usr/bin/env bash
# make demo: a busybox bundle from config.json.example, run once, cleaned up.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
	echo "make demo needs root (namespaces, cgroups and mounts)" >&2
	exit 1
fi
bundle=$(mktemp -d /tmp/isorun-demo.XXXXXX)
root=$(mktemp -d /tmp/isorun-demo-root.XXXXXX)
id=demo-$$
cleanup() {
	./isorun --root "$root" delete --force "$id" >/dev/null 2>&1 || true
	rm -rf "$bundle" "$root"
}
trap cleanup EXIT
tests/make-rootfs.sh "$bundle/rootfs"
cp config.json.example "$bundle/config.json"
echo "== isorun run --bundle $bundle $id"
out=$(./isorun --root "$root" run --bundle "$bundle" "$id")
echo "$out"
echo
echo "== namespaces, container vs host (from /proc/self/ns):"
for ns in cgroup ipc mnt net pid time user uts; do
	inside=$(echo "$out" | sed -n "s/^$ns: \($ns:\[\)/\1/p")
	host=$(readlink "/proc/self/ns/$ns")
	if [ "$inside" = "$host" ]; then
		printf '  %-7s shared with the host (%s)\n' "$ns" "$host"
	else
		printf '  %-7s private (%s, host %s)\n' "$ns" "$inside" "$host"
	fi
done
