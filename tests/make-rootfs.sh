#!/usr/bin/env bash
# make-rootfs.sh DIR: a minimal busybox rootfs (static busybox, applet links,
# passwd/group with root, nobody and tester 1000). Used by demo, bench and tests.
set -euo pipefail
dir=$1
bb=/bin/busybox
[ -x "$bb" ] || { echo "busybox-static is not installed" >&2; exit 1; }
mkdir -p "$dir"/{bin,sbin,etc,proc,sys,dev,tmp,root,home/tester,usr/bin,usr/sbin,mnt,var,run}
chmod 1777 "$dir/tmp"
cp "$bb" "$dir/bin/busybox"
for applet in $("$bb" --list); do
	[ "$applet" = busybox ] || ln -sf busybox "$dir/bin/$applet"
done
cat >"$dir/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
tester:x:1000:1000:tester:/home/tester:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
P
cat >"$dir/etc/group" <<'G'
root:x:0:
tester:x:1000:
nogroup:x:65534:
G
echo "127.0.0.1 localhost" >"$dir/etc/hosts"
echo "isorun" >"$dir/etc/hostname"
chown 1000:1000 "$dir/home/tester"
chmod 755 "$dir"
