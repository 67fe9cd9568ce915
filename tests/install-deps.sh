#!/usr/bin/env bash
# Installs what building, the demo and the tests need, with apt-get, only when missing.
set -euo pipefail
pkgs=(gcc make pkg-config libseccomp-dev libcap-dev libyajl-dev libmount-dev
	busybox-static bats jq runc crun criu qemu-system-x86 cpio iproute2 procps util-linux e2fsprogs libcap2-bin)
[ -n "${ISORUN_EXTRA_DEPS:-}" ] && pkgs+=(${ISORUN_EXTRA_DEPS})
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "missing packages: ${missing[*]} (run as root to install them)" >&2
	exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
