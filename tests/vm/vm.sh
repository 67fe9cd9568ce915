#!/usr/bin/env bash
# vm.sh [options] SCRIPT: run SCRIPT with /bin/sh inside a throw-away qemu (TCG) VM
# booted with Debian's cloud kernel in a pure cgroup v2 world, print the script's
# output on stdout and exit with the script's exit code.
#
#   --timeout SECS  hard limit for the whole VM run (default 600); 124 on timeout
#   --share DIR     host directory bound read-only at /mnt/host (default: repo root)
#   --mem MiB       guest memory (default 1024)       --smp N  vCPUs (default 2)
#   --env NAME=VALUE  export NAME=VALUE to SCRIPT (repeatable)
#   --accel A       tcg (default, or $ISORUN_VM_ACCEL), kvm, or auto: kvm when /dev/kvm
#                   boots a kernel within 3 s here (a probe), else tcg
#   --prepare       only download/build the kernel and initramfs (cached), no boot
#   --systemd       systemd as PID 1 (with the system D-Bus), cgroup v2
#   --systemd-hybrid  the same on a HYBRID host: v1 controllers under /sys/fs/cgroup/<name>,
#                   an empty cgroup2 at /sys/fs/cgroup/unified (systemd mounts them)
#   -v, --verbose   copy the guest console (kernel + init) to stderr, report timings
#   --debug         like -v, and trace the guest init (set -x)
#
# Guest layout (see tests/vm/README.md): / is an overlay of the host's / (virtiofs,
# read-only) under a tmpfs, so every host file is visible at its host path and
# writes go to guest RAM; /tmp, /run, /dev/shm are fresh tmpfs; /mnt/host is the
# shared dir (read-only); /.vm/hostroot is the raw host / (read-only); cgroup2 is
# at /sys/fs/cgroup with all controllers enabled in the root's subtree_control.
# SCRIPT may be any host file: under --share it runs as /mnt/host/<rel>, else as
# /.vm/hostroot/<abs>. Its cwd is /tmp; ISORUN_VM=1 and VM_SHARE=/mnt/host are set.
#
# Exit status: the script's, or 124 (timeout), 125 (VM/harness failure), 2 (usage).
# Artefacts are cached in tests/.cache/vm/<kernel package>_<version>/.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${ISORUN_VM_CACHE:-$repo/tests/.cache/vm}
timeout=600 accel=${ISORUN_VM_ACCEL:-tcg} share=$repo mem=1024 smp=2 verbose=0 debug=0 prepare_only=0 systemd=0 hybrid=0
meta_pkg=linux-image-cloud-amd64
modules=(virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci
	virtio_console fuse virtiofs overlay)

usage() { sed -n '2,28s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 2; }
err() { echo "vm.sh: error: $*" >&2; }
die() { err "$*"; exit 125; }
log() { [ "$verbose" = 1 ] && echo "vm.sh: $*" >&2; return 0; }

script=
envs=()
while [ $# -gt 0 ]; do
	case $1 in
	--timeout) timeout=${2:?--timeout needs a value}; shift 2 ;;
	--share) share=${2:?--share needs a value}; shift 2 ;;
	--mem) mem=${2:?}; shift 2 ;;
	--smp) smp=${2:?}; shift 2 ;;
	--env)
		[[ ${2:-} =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || { err "bad --env ${2:-}"; exit 2; }
		envs+=("$2"); shift 2 ;;
	--accel) accel=${2:?--accel needs a value}; shift 2 ;;
	--prepare) prepare_only=1; shift ;;
	--systemd) systemd=1; shift ;;
	--systemd-hybrid) systemd=1 hybrid=1; shift ;;
	-v | --verbose) verbose=1; shift ;;
	--debug) verbose=1 debug=1; shift ;;
	-h | --help) usage ;;
	--) shift; script=${1:-}; shift || true; break ;;
	-*) err "unknown option $1"; usage ;;
	*) script=$1; shift; break ;;
	esac
done
[ $# -eq 0 ] || { err "unexpected arguments: $*"; usage; }
[[ $timeout =~ ^[0-9]+$ ]] && [ "$timeout" -gt 0 ] || { err "bad --timeout $timeout"; exit 2; }
case $accel in tcg | kvm | auto) ;; *) err "bad --accel $accel"; exit 2 ;; esac
[[ $mem =~ ^[0-9]+$ && $smp =~ ^[0-9]+$ ]] || { err "bad --mem/--smp"; exit 2; }
if [ "$prepare_only" = 0 ]; then
	[ -n "$script" ] || { err "no SCRIPT given"; usage; }
	[ -f "$script" ] || { err "script not found: $script"; exit 2; }
	[ -d "$share" ] || { err "share dir not found: $share"; exit 2; }
fi

# ---------------------------------------------------------------- host tools
qemu=qemu-system-x86_64
virtiofsd=/usr/lib/qemu/virtiofsd
busybox=/bin/busybox

apt_install() { # apt_install PKG...: install when root; apt-get update only if needed
	[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || return 1
	echo "vm.sh: installing $*" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
}
static_busybox() { [ -x "$busybox" ] && ! LC_ALL=C ldd "$busybox" >/dev/null 2>&1; }

need=()
command -v "$qemu" >/dev/null && [ -x "$virtiofsd" ] || need+=(qemu-system-x86)
static_busybox || need+=(busybox-static)
command -v cpio >/dev/null || need+=(cpio)
command -v dpkg >/dev/null && command -v apt-get >/dev/null || die "needs a Debian host (dpkg, apt-get)"
if [ ${#need[@]} -gt 0 ]; then
	apt_install "${need[@]}" || die "missing packages: ${need[*]} (run as root to install them)"
fi
command -v "$qemu" >/dev/null || die "$qemu not found"
[ -x "$virtiofsd" ] || die "$virtiofsd not found (package qemu-system-common)"
static_busybox || die "$busybox is not a static busybox (package busybox-static)"

# ---------------------------------------------------------------- kernel (cached)
mkdir -p "$cache"
resolve_kernel_pkg() { # prints "PKG VERSION" of the cloud kernel apt would install
	local pkg ver
	pkg=$(apt-cache depends "$meta_pkg" 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
	[ -n "$pkg" ] || return 1
	ver=$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ {print $2; exit}')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || return 1
	echo "$pkg $ver"
}
newest_cached() { ls -1dt "$cache"/linux-image-*/.ready 2>/dev/null | head -n1 | xargs -r dirname; }

kdir=
resolved=$cache/resolved # "PKG VERSION" from apt, reused for a day (apt-cache takes seconds)
if [ -f "$resolved" ] && [ -n "$(find "$resolved" -mmin -1440 2>/dev/null)" ] &&
	read -r pv <"$resolved" && [ -f "$cache/${pv/ /_}/.ready" ]; then
	kdir=$cache/${pv/ /_}
elif pv=$(resolve_kernel_pkg); then
	echo "$pv" >"$resolved"
	kdir=$cache/${pv/ /_}
elif kdir=$(newest_cached) && [ -n "$kdir" ]; then
	: # apt knows no cloud kernel (no lists), but one is cached: use it
else
	[ "$(id -u)" = 0 ] || die "apt-cache knows no $meta_pkg and none is cached; run once as root"
	echo "vm.sh: apt-get update (to find $meta_pkg)" >&2
	apt-get update -qq >/dev/null 2>&1 || die "apt-get update failed"
	pv=$(resolve_kernel_pkg) || die "no $meta_pkg package available from apt"
	echo "$pv" >"$resolved"
	kdir=$cache/${pv/ /_}
fi

if [ ! -f "$kdir/.ready" ]; then
	read -r pkg ver <<<"$pv"
	echo "vm.sh: fetching $pkg $ver into $kdir" >&2
	dl=$(mktemp -d "$cache/.fetch.XXXXXX")
	chmod 755 "$dl"
	trap 'rm -rf "$dl"' EXIT
	if ! (cd "$dl" && apt-get download "$pkg=$ver" >"$dl/apt.log" 2>&1); then
		echo "vm.sh: apt-get download failed, retrying after apt-get update" >&2
		apt-get update -qq >/dev/null 2>&1 || true
		(cd "$dl" && apt-get download "$pkg=$ver" >"$dl/apt.log" 2>&1) ||
			die "apt-get download $pkg=$ver failed: $(tail -n3 "$dl/apt.log")"
	fi
	dpkg -x "$dl"/*.deb "$dl/x" || die "dpkg -x failed"
	kver=$(ls -1 "$dl/x/lib/modules" | head -n1)
	[ -n "$kver" ] && [ -f "$dl/x/boot/vmlinuz-$kver" ] || die "no vmlinuz/modules in $pkg"
	out=$dl/out
	mkdir -p "$out/modules/lib/modules"
	cp "$dl/x/boot/vmlinuz-$kver" "$out/vmlinuz"
	cp "$dl/x/boot/config-$kver" "$out/config" 2>/dev/null || true
	mv "$dl/x/lib/modules/$kver" "$out/modules/lib/modules/$kver"
	# modules.dep for modprobe inside the guest (the package's postinst normally does this)
	"$busybox" depmod -b "$out/modules" "$kver" >/dev/null 2>&1 ||
		{ command -v depmod >/dev/null && depmod -b "$out/modules" "$kver" >/dev/null 2>&1; } || true
	echo "$kver" >"$out/kver"
	echo "$pkg $ver" >"$out/package"
	touch "$out/.ready"
	if ! mv -T "$out" "$kdir" 2>/dev/null; then
		[ -f "$kdir/.ready" ] || die "cannot install $kdir"
	fi
	rm -rf "$dl"
	trap - EXIT
fi
kver=$(cat "$kdir/kver")
vmlinuz=$kdir/vmlinuz

# ---------------------------------------------------------------- initramfs (cached)
# keyed by the init script, busybox and module list
ihash=$( { cat "$here/init" "$busybox"; echo "${modules[*]}"; } | sha256sum | cut -c1-16)
initrd=$kdir/initramfs-$ihash.cpio.gz
if [ ! -f "$initrd" ]; then
	log "building $initrd"
	st=$(mktemp -d "$cache/.initrd.XXXXXX")
	trap 'rm -rf "$st"' EXIT
	mkdir -p "$st/root/bin" "$st/root/dev" "$st/root/lib/modules"
	cp "$busybox" "$st/root/bin/busybox"
	install -m 0755 "$here/init" "$st/root/init"
	mknod -m 600 "$st/root/dev/console" c 5 1 2>/dev/null || true
	for m in "${modules[@]}"; do
		f=$(find "$kdir/modules/lib/modules/$kver" -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" -o -name "$m.ko.gz" | head -n1)
		[ -n "$f" ] || die "module $m not found in $kdir"
		case $f in
		*.xz) xz -dc "$f" ;; *.zst) zstd -dcq "$f" ;; *.gz) gzip -dc "$f" ;; *) cat "$f" ;;
		esac >"$st/root/lib/modules/$m.ko" || die "cannot decompress $f"
	done
	if command -v cpio >/dev/null; then
		(cd "$st/root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 >"$st/initrd"
	else
		(cd "$st/root" && find . | LC_ALL=C sort | "$busybox" cpio -o -H newc) | gzip -1 >"$st/initrd"
	fi
	find "$kdir" -maxdepth 1 -name 'initramfs-*.cpio.gz' -mmin +120 -delete 2>/dev/null || true
	mv "$st/initrd" "$initrd"
	rm -rf "$st"
	trap - EXIT
fi
# a busybox rootfs made on the host by tests/make-rootfs.sh (cached), for guest scripts
# that want one quickly (make-rootfs.sh itself takes ~30 s under TCG: one process per applet)
rootfs=
if [ -f "$repo/tests/make-rootfs.sh" ]; then
	rhash=$( { cat "$repo/tests/make-rootfs.sh" "$busybox"; } | sha256sum | cut -c1-16)
	rootfs=$cache/rootfs-$rhash
	if [ ! -d "$rootfs" ]; then
		find "$cache" -maxdepth 1 -name 'rootfs-*' -mmin +120 -exec rm -rf {} + 2>/dev/null || true
		rt=$(mktemp -d "$cache/.rootfs.XXXXXX")
		if bash "$repo/tests/make-rootfs.sh" "$rt/rootfs" >"$rt/log" 2>&1; then
			mv -T "$rt/rootfs" "$rootfs" 2>/dev/null || true
		else
			err "warning: tests/make-rootfs.sh failed: $(tail -n2 "$rt/log")"
			rootfs=
		fi
		rm -rf "$rt"
	fi
fi
if [ "$prepare_only" = 1 ]; then
	echo "vm.sh: ready: kernel $kver ($vmlinuz), initramfs $initrd"
	exit 0
fi

# ---------------------------------------------------------------- run
share=$(realpath -e "$share")
abs=$(realpath -e "$script")
case $abs in
"$share"/*) gscript=/mnt/host/${abs#"$share"/} ;;
*) gscript=/.vm/hostroot$abs ;;
esac
for p in "$share" "$gscript" "$kdir"; do
	[[ $p =~ ^[A-Za-z0-9_./+=:@,-]+$ ]] || die "path with unsupported characters: $p"
done

tmp=$(mktemp -d /tmp/isorun-vm.XXXXXX)
qemu_pid= vfs_pid=
cleanup() {
	local p
	trap '' INT TERM HUP PIPE # a second signal must not cut the cleanup short
	for p in $qemu_pid $vfs_pid; do
		kill -TERM "$p" 2>/dev/null || continue
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	qemu_pid= vfs_pid=
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
trap 'exit 141' PIPE

guest_path() { # host path -> the same file in the guest
	case $1 in
	"$share") echo /mnt/host ;;
	"$share"/*) echo "/mnt/host/${1#"$share"/}" ;;
	*) echo "/.vm/hostroot$1" ;;
	esac
}
# environment for the script: a file the guest reads through /.vm/hostroot
: >"$tmp/env"
isorun_bin=${ISORUN:-$repo/isorun}
[[ $isorun_bin = /* ]] || isorun_bin=$PWD/$isorun_bin
envs=("VM_REPO=$(guest_path "$repo")" "ISORUN=$(guest_path "$isorun_bin")"
	${rootfs:+"VM_ROOTFS=/.vm/hostroot$rootfs"} ${envs[@]+"${envs[@]}"})
for e in "${envs[@]}"; do
	v=${e#*=}
	printf "export %s='%s'\n" "${e%%=*}" "${v//\'/\'\\\'\'}" >>"$tmp/env"
done

# KVM where it works: /dev/kvm can exist and still hang the guest (or make qemu abort on
# an MSR, as on the development hosts), so auto boots the kernel alone for at most 3 s
# and takes KVM only when the kernel's first console line appears.
accel_why=
if [ "$accel" = auto ]; then
	accel=tcg accel_why="no usable /dev/kvm"
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		accel_why="/dev/kvm exists but a KVM guest did not boot within 3 s"
		timeout 3 "$qemu" -nodefaults -no-user-config -machine pc -accel kvm -cpu host -m 128 \
			-display none -no-reboot -kernel "$vmlinuz" -append "console=ttyS0 panic=-1" \
			-serial stdio </dev/null >"$tmp/kvm-probe" 2>/dev/null || true
		if grep -q 'Linux version' "$tmp/kvm-probe"; then
			accel=kvm accel_why="a KVM guest booted"
		fi
	fi
fi
cpu=${ISORUN_VM_CPU:-qemu64} accel_opt=tcg,thread=multi
[ "$accel" = kvm ] && cpu=${ISORUN_VM_CPU:-host} accel_opt=kvm
log "accelerator: $accel${accel_why:+ ($accel_why)}"
echo "export VM_ACCEL='$accel'" >>"$tmp/env"

t0=$(date +%s.%N)
"$virtiofsd" --socket-path="$tmp/vfs.sock" -o source=/ -o sandbox=chroot -o cache="${ISORUN_VM_FSCACHE:-always}" \
	-o log_level=err </dev/null >"$tmp/virtiofsd.log" 2>&1 &
vfs_pid=$!
for _ in $(seq 100); do
	[ -S "$tmp/vfs.sock" ] && break
	kill -0 "$vfs_pid" 2>/dev/null || die "virtiofsd exited: $(cat "$tmp/virtiofsd.log")"
	sleep 0.05
done
[ -S "$tmp/vfs.sock" ] || die "virtiofsd did not create its socket"

append="console=ttyS0 loglevel=1 panic=-1 rdinit=/init mitigations=off"
# pure v2 unless hybrid: then systemd mounts the hierarchies (init leaves /sys/fs/cgroup
# alone); Debian's systemd 252 defaults to unified, legacy_systemd_cgroup_controller=0
# makes it hybrid (name=systemd is then tracked in cgroup2 at unified/) rather than legacy
if [ "$hybrid" = 1 ]; then
	append+=" vm.cgroup=hybrid systemd.unified_cgroup_hierarchy=0 systemd.legacy_systemd_cgroup_controller=0"
else
	append+=" cgroup_no_v1=all"
fi
append+=" no_timer_check tsc=reliable vm.share=$share vm.script=$gscript vm.modules=$kdir/modules vm.env=$tmp/env"
[ "$debug" = 1 ] && append+=" vm.debug=1" && append=${append/loglevel=1/loglevel=7}
# systemd as PID 1 (init stage 2 execs it): quiet on the console, which carries the TAP
[ "$systemd" = 1 ] && [ "$hybrid" = 0 ] && append+=" systemd.unified_cgroup_hierarchy=1"
[ "$systemd" = 1 ] && append+=" vm.systemd=1 systemd.show_status=0 systemd.log_level=${ISORUN_VM_SDLOG:-warning} systemd.log_target=kmsg"
mkfifo "$tmp/console"
"$qemu" -nodefaults -no-user-config -machine pc -accel "$accel_opt" -cpu "$cpu" \
	-smp "$smp" -m "${mem}M" \
	-object "memory-backend-memfd,id=mem,size=${mem}M,share=on" -numa node,memdev=mem \
	-chardev "socket,id=vfs,path=$tmp/vfs.sock" -device vhost-user-fs-pci,chardev=vfs,tag=hostroot \
	-kernel "$vmlinuz" -initrd "$initrd" -append "$append" \
	-display none -serial stdio -no-reboot \
	</dev/null >"$tmp/console" 2>"$tmp/qemu.err" &
qemu_pid=$!
exec {con}<"$tmp/console"

deadline=$((SECONDS + timeout))
state=boot rc= partial= initerr= timed_out=0
while :; do
	left=$((deadline - SECONDS))
	if [ "$left" -le 0 ]; then timed_out=1; break; fi
	if IFS= read -r -t "$left" -u "$con" line; then
		line=$partial$line partial=
	else
		st=$?
		if [ "$st" -gt 128 ]; then partial+=$line; continue; fi
		line=$partial$line partial=
		[ -n "$line" ] || break
		eof=1
	fi
	line=${line//$'\r'/}
	printf '%s\n' "$line" >>"$tmp/console.log"
	case $state in
	boot)
		[ "$verbose" = 1 ] && printf '[vm] %s\n' "$line" >&2
		case $line in
		VM-SCRIPT-BEGIN)
			state=run
			log "guest script started after $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"
			;;
		VM-INIT-ERROR:*) initerr=${line#VM-INIT-ERROR: } ;;
		esac
		;;
	run)
		if [[ $line =~ ^(.*)VM-EXIT-CODE=([0-9]+)$ ]]; then
			[ -n "${BASH_REMATCH[1]}" ] && printf '%s\n' "${BASH_REMATCH[1]}"
			rc=${BASH_REMATCH[2]} state=done
			# the guest powers off now; do not wait for it for long
			[ $((SECONDS + 20)) -lt "$deadline" ] && deadline=$((SECONDS + 20))
		else
			printf '%s\n' "$line"
		fi
		;;
	done) [ "$verbose" = 1 ] && printf '[vm] %s\n' "$line" >&2 ;;
	esac
	[ "${eof:-0}" = 1 ] && break
done
exec {con}<&-
t1=$(date +%s.%N)

if [ "$timed_out" = 1 ] && [ -z "$rc" ]; then
	err "timed out after ${timeout}s (state: $state); last console lines:"
	tail -n 30 "$tmp/console.log" >&2 || true
	exit 124
fi
if [ -n "$rc" ]; then
	# rc known: give qemu a moment to exit after poweroff, cleanup kills it otherwise
	for _ in $(seq 50); do kill -0 "$qemu_pid" 2>/dev/null || break; sleep 0.1; done
fi
qrc=0
if ! kill -0 "$qemu_pid" 2>/dev/null; then wait "$qemu_pid" || qrc=$?; qemu_pid=; fi
log "VM run took $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s, qemu status $qrc"
if [ -z "$rc" ]; then
	[ -n "$initerr" ] && err "guest init failed: $initerr"
	err "the VM ended without reporting an exit code (qemu status $qrc); qemu stderr:"
	cat "$tmp/qemu.err" >&2 || true
	echo "vm.sh: last console lines:" >&2
	tail -n 30 "$tmp/console.log" >&2 || true
	exit 125
fi
exit "$rc"
