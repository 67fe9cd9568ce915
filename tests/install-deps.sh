#!/usr/bin/env bash
# install-deps.sh [demo|deb|test]: installs, with apt-get and only when missing, what a
# target needs. demo: the compiler, pkg-config, the four -dev packages and busybox-static
# (`make demo`); deb: dpkg-buildpackage's tools and the build dependencies (`make deb`);
# test (default): all of that plus what `make check` runs: bats, jq, runc and crun to
# compare with, qemu for the cgroup v2 VM, mmdebstrap for the fresh-machine test, uidmap
# (newuidmap) for the rootless tests.
set -euo pipefail
demo=(gcc libc6-dev make pkg-config libseccomp-dev libcap-dev libyajl-dev libmount-dev libsystemd-dev busybox-static)
deb=("${demo[@]}" git dpkg-dev debhelper lintian)
test=("${deb[@]}" bats jq runc crun criu qemu-system-x86 cpio iproute2 procps util-linux e2fsprogs
	libcap2-bin man-db mmdebstrap chromium libsystemd-dev systemd dbus uidmap)
case "${1:-test}" in
demo) pkgs=("${demo[@]}") ;;
deb) pkgs=("${deb[@]}") ;;
test) pkgs=("${test[@]}") ;;
*) echo "usage: $0 [demo|deb|test]" >&2; exit 2 ;;
esac
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
