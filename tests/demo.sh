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
echo "== host:"
echo "hostname: $(hostname)"
for ns in /proc/self/ns/*; do echo "$(basename "$ns"): $(readlink "$ns")"; done
echo
echo "== isorun run --bundle $bundle $id:"
./isorun --root "$root" run --bundle "$bundle" "$id"
