#!/usr/bin/env bash
# make-image.sh OUT.tar [NAME:TAG]: a one-layer busybox image as a docker-archive
# tarball (manifest.json + config JSON + layer.tar), the format that `ctr images
# import`, `podman load` and `docker load` all accept. There is no registry here, so
# the engine suites build their image from busybox-static (tests/make-rootfs.sh).
# Digests are sha256 of the exact bytes written (sha256sum).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$1
name=${2:-localhost/isorun-busybox:latest}
work=$(mktemp -d /tmp/isorun-image.XXXXXX)
trap 'rm -rf "$work"' EXIT

"$here/../make-rootfs.sh" "$work/rootfs"
# numeric owners, fixed mtime: the same rootfs gives the same layer digest
tar --numeric-owner --mtime=@0 --sort=name -C "$work/rootfs" -cf "$work/layer.tar" .
layer=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
mkdir -p "$work/out/$layer"
mv "$work/layer.tar" "$work/out/$layer/layer.tar"

cat >"$work/config.json" <<CFG
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"],"WorkingDir":"/"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$layer"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"tests/engines/make-image.sh"}]}
CFG
cfg=$(sha256sum "$work/config.json" | cut -d' ' -f1)
mv "$work/config.json" "$work/out/$cfg.json"
printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]\n' \
	"$cfg" "$name" "$layer" >"$work/out/manifest.json"
tar --numeric-owner --mtime=@0 -C "$work/out" -cf "$out.tmp" manifest.json "$cfg.json" "$layer"
mv "$out.tmp" "$out"
