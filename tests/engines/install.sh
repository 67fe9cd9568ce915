#!/usr/bin/env bash
# install.sh: installs containerd, podman and docker (Debian packages) when missing, for
# tests/engines/. --no-install-recommends keeps cgroupfs-mount and apparmor out.
# The packages' maintainer scripts would start system-wide containerd/docker services;
# the suites never use those, so a temporary policy-rc.d (exit 101: "action forbidden")
# keeps them from starting during the install. Prints what it did on stderr.
set -euo pipefail
pkgs=(containerd podman docker.io conmon)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "missing packages: ${missing[*]} (run as root to install them)" >&2
	exit 1
fi
echo "installing: ${missing[*]}" >&2
policy=/usr/sbin/policy-rc.d
made_policy=
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 0755 "$policy"
	made_policy=1
fi
trap '[ -z "$made_policy" ] || rm -f "$policy"' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
