#!/usr/bin/env bash
# The README's first command on a fresh machine: a minimal Debian 12 root (mmdebstrap
# --variant=minbase, plus git, make and ca-certificates, nothing else), the current
# commit cloned into it (committed changes only: the working tree's edits are not
# in the clone), `make demo` run there as root, first try. Then the .deb that
# `make deb` builds from the same commit is installed there with apt, and the
# installed isorun runs a busybox container and shows its man page.
#
# The root is entered with its own mount and pid namespaces and pivot_root (not
# chroot: the kernel refuses user namespaces inside a chroot); all its mounts live
# and die in that mount namespace, and the pid namespace takes every process with it
# when the step ends or times out. The minbase tarball is cached in tests/.cache.
# TAP output; when the Debian mirror cannot be reached every step is a SKIP that says
# so, never a pass.
#
# Environment: ISORUN_DEBIAN_MIRROR (default http://deb.debian.org/debian),
# ISORUN_FRESH_REV (default HEAD) the commit to test,
# ISORUN_FRESH_KEEP=1 keeps the work directory for a post-mortem.
set -uo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
MIRROR=${ISORUN_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
REV=${ISORUN_FRESH_REV:-HEAD}
CACHE=$REPO/tests/.cache
TARBALL=$CACHE/debian-$SUITE-minbase-git-make.tar
N_TESTS=9
n=0
t0=$SECONDS

echo "1..$N_TESTS"
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; }
skip_until() { # LAST REASON: tests n+1..LAST are skipped
	while [ "$n" -lt "$1" ]; do
		n=$((n + 1))
		echo "ok $n - fresh Debian root # SKIP $2"
	done
}
skip_rest() { # REASON
	skip_until "$N_TESTS" "$1"
	exit 0
}
# Shows the end of a log as TAP diagnostics.
diag() { tail -n "${2:-25}" "$1" 2>/dev/null | sed 's/^/# /'; }

[ "$(id -u)" -eq 0 ] || skip_rest "needs root (mount namespace, pivot_root, apt in the root)"
for tool in mmdebstrap unshare git; do
	command -v "$tool" >/dev/null || skip_rest "$tool is not installed (make deps installs it)"
done
# The demo's apt-get needs the mirror even when the root is cached.
if ! timeout 20 /usr/lib/apt/apt-helper download-file "$MIRROR/dists/$SUITE/Release" \
	"$(mktemp -u /tmp/isorun-fresh-release.XXXXXX)" >/dev/null 2>&1; then
	skip_rest "the Debian mirror $MIRROR cannot be reached"
fi
rm -f /tmp/isorun-fresh-release.*

WORK=$(mktemp -d /var/tmp/isorun-fresh.XXXXXX)
ROOT=$WORK/root
LOGS=$WORK/logs
mkdir -p "$ROOT" "$LOGS"
child= debpid=
# Everything this test made: the namespaces go with their last process, which is the
# pid namespace's init (killed here if still running); no mount under $WORK was
# ever made in the host's namespace, checked before anything is removed.
cleanup() {
	# Each step runs in its own process group: killing it takes timeout and
	# unshare, whose --kill-child then takes the pid namespace and all in it.
	if [ -n "$child" ]; then
		kill -KILL -- "-$child" 2>/dev/null
		wait "$child" 2>/dev/null
	fi
	child=
	if [ -n "$debpid" ]; then
		kill -KILL -- "-$debpid" 2>/dev/null
		wait "$debpid" 2>/dev/null
		debpid=
	fi
	[ -d "$WORK" ] || return 0
	if grep -qF " $WORK" /proc/self/mountinfo; then
		echo "# mounts under $WORK in the host namespace: not removing it" >&2
		return 1
	fi
	if [ "${ISORUN_FRESH_KEEP:-}" = 1 ]; then
		echo "# kept $WORK"
		return 0
	fi
	rm -rf --one-file-system "$WORK"
}
trap 'cleanup; exit 1' INT TERM
trap cleanup EXIT

# 1: the minbase root, built once into the cache (under a lock: make check may run
# this twice at a time from two worktrees sharing nothing but the machine).
setup_root() {
	mkdir -p "$CACHE"
	if [ ! -s "$TARBALL" ]; then
		(
			flock 9
			[ -s "$TARBALL" ] && exit 0
			# mmdebstrap picks the format from the name, and writes the file itself.
		tmp=$(mktemp -u --suffix=.tar "$TARBALL.XXXXXX")
			if timeout 240 mmdebstrap --quiet --variant=minbase --include=git,make,ca-certificates \
				"$SUITE" "$tmp" "$MIRROR" >"$LOGS/mmdebstrap.log" 2>&1; then
				mv "$tmp" "$TARBALL"
			else
				rm -f "$tmp"
				exit 1
			fi
		) 9>"$CACHE/.fresh.lock"
		built=$?
		if [ $built -ne 0 ]; then
			diag "$LOGS/mmdebstrap.log"
			not_ok "mmdebstrap --variant=minbase $SUITE failed"
			return 1
		fi
		what="built with mmdebstrap in $((SECONDS - t0)) s"
	else
		what="cached in tests/.cache"
	fi
	if ! tar -xf "$TARBALL" -C "$ROOT" 2>"$LOGS/tar.log"; then
		diag "$LOGS/tar.log"
		not_ok "unpack the minbase root"
		return 1
	fi
	# The commit under test, as a fresh clone (git clone of a worktree takes its branch).
	if ! { git clone -q --no-hardlinks "$REPO" "$ROOT/src/isorun" &&
		git -C "$ROOT/src/isorun" checkout -q --detach "$(git rev-parse "$REV")"; } >"$LOGS/clone.log" 2>&1; then
		diag "$LOGS/clone.log"
		not_ok "clone $REV into the root"
		return 1
	fi
	git diff --quiet HEAD 2>/dev/null || echo "# the working tree has uncommitted changes: they are not in the clone"
	ok "minbase Debian $SUITE root ($what), $REV ($(git rev-parse --short "$REV")) cloned into it"
}

# enter TIMEOUT LOG SCRIPT: runs SCRIPT with bash as root inside the fresh root, in
# new mount and pid namespaces, with a clean environment; its output goes to LOG.
enter() {
	local tmo=$1 log=$2 script=$3
	cat >"$WORK/enter.sh" <<'ENTER'
set -euo pipefail
R=$1
mount --make-rprivate /
mount --bind "$R" "$R"
mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
# /sys with the host's (hybrid) cgroup hierarchies under it.
mount --rbind /sys "$R/sys"
mount -t tmpfs -o nosuid,mode=0755,size=16m tmpfs "$R/dev"
for d in null zero full random urandom tty; do
	touch "$R/dev/$d"
	mount --bind "/dev/$d" "$R/dev/$d"
done
mkdir -p "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"
mount -t tmpfs -o nosuid,nodev tmpfs "$R/dev/shm"
ln -s /proc/self/fd "$R/dev/fd"
ln -s /proc/self/fd/0 "$R/dev/stdin"
ln -s /proc/self/fd/1 "$R/dev/stdout"
ln -s /proc/self/fd/2 "$R/dev/stderr"
mount -t tmpfs -o nosuid,nodev,mode=0755 tmpfs "$R/run"
if [ -e /etc/resolv.conf ]; then
	rm -f "$R/etc/resolv.conf"
	touch "$R/etc/resolv.conf"
	mount --bind "$(readlink -f /etc/resolv.conf)" "$R/etc/resolv.conf"
fi
mkdir -p "$R/.old-root"
cd "$R"
pivot_root . .old-root
cd /
umount -l /.old-root
rmdir /.old-root
exec env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin bash -euo pipefail -c "$2"
ENTER
	setsid timeout --kill-after=5 "$tmo" unshare --mount --pid --fork --kill-child \
		bash "$WORK/enter.sh" "$ROOT" "$script" >"$log" 2>&1 </dev/null &
	child=$!
	wait "$child"
	local rc=$?
	child=
	return $rc
}

demo_steps() {
	# 2-4: make demo, first try, as the README says; it installs only what it needs.
	t=$SECONDS
	extra="runc crun qemu-system-x86 bats jq mmdebstrap debhelper"
	enter 200 "$LOGS/demo.log" "cd /src/isorun && make demo
		for p in $extra; do dpkg -s \$p >/dev/null 2>&1 && echo \"EXTRA PACKAGE: \$p\"; done; true"
	rc=$?
	if [ $rc -eq 0 ]; then
		ok "make demo succeeds on the fresh root, first try ($((SECONDS - t)) s)"
	else
		diag "$LOGS/demo.log" 40
		not_ok "make demo fails on the fresh root (exit $rc, after $((SECONDS - t)) s)"
	fi
	# The demo prints, per namespace, "private" or "shared with the host".
	if grep -Eq '^  pid +private' "$LOGS/demo.log" && grep -Eq '^  mnt +private' "$LOGS/demo.log" &&
		grep -Eq '^  net +private' "$LOGS/demo.log" && grep -Eq '^  user +shared' "$LOGS/demo.log" &&
		grep -q '^hostname: ' "$LOGS/demo.log"; then
		ok "the demo's container has private pid, mnt and net namespaces"
	else
		diag "$LOGS/demo.log" 20
		not_ok "the demo's output does not show the expected namespaces"
	fi
	if [ $rc -eq 0 ] && ! grep -q '^EXTRA PACKAGE' "$LOGS/demo.log"; then
		ok "make demo installed none of the test-only packages ($extra)"
	else
		grep '^EXTRA PACKAGE' "$LOGS/demo.log" | sed 's/^/# /'
		not_ok "make demo installed test-only packages (or failed)"
	fi
}

deb_steps() {
	# 5-8: the Debian package of the same commit, built on this machine (dpkg-buildpackage
	# needs debhelper, which `make deb` installs), then installed in the root with apt.
	# The first time is when make deb ended, not when the root's make demo did.
	wait "$debpid"
	local rc=$?
	debpid=
	if [ $rc -eq 0 ] && deb=$(ls "$ROOT"/src/isorun/build/deb/isorun_*.deb 2>/dev/null) && [ -n "$deb" ]; then
		grep -E '^[EWIPX]: ' "$LOGS/deb.log" | sed 's/^/# lintian: /'
		ok "make deb builds ${deb##*/}, lintian finds no error ($(cat "$LOGS/deb.secs") s, next to make demo)"
	else
		diag "$LOGS/deb.log" 40
		not_ok "make deb fails"
		skip_until $((N_TESTS - 1)) "no .deb"
		return 0
	fi
	deb_in_root=/src/isorun/build/deb/${deb##*/}
	t=$SECONDS
	if enter 150 "$LOGS/install.log" "
		apt-get install -y -qq --no-install-recommends $deb_in_root man-db
		dpkg -s isorun | grep -q '^Status: install ok installed'
		echo '== isorun --version'; isorun --version
		echo '== man isorun'; MANWIDTH=100 man -P cat isorun | sed -n 1,20p
		echo '== man isorun-run'; MANWIDTH=100 man -P cat isorun-run | grep -A1 -e '--bundle'
	"; then
		ok "the .deb installs with apt on the fresh root ($((SECONDS - t)) s)"
	else
		diag "$LOGS/install.log" 30
		not_ok "the .deb does not install on the fresh root"
	fi
	if grep -Eq '^isorun version [0-9]+\.[0-9]+\.[0-9]+' "$LOGS/install.log" &&
		grep -q '^commit: ' "$LOGS/install.log" &&
		grep -q '^ISORUN(8)' "$LOGS/install.log" &&
		grep -q 'path to the root of the bundle directory' "$LOGS/install.log"; then
		ok "the installed isorun prints its version; man isorun and man isorun-run render"
	else
		diag "$LOGS/install.log" 30
		not_ok "isorun --version or man isorun failed in the fresh root"
	fi
	if enter 60 "$LOGS/run.log" '
		b=$(mktemp -d /tmp/deb-run.XXXXXX)
		/src/isorun/tests/make-rootfs.sh $b/rootfs
		cd $b && /usr/bin/isorun spec --args "cat /proc/self/cgroup /etc/hostname"
		/usr/bin/isorun run deb-run
		/usr/bin/isorun list -q | grep -q . && { echo "a container was left behind"; exit 1; }
		rm -rf $b
	'; then
		ok "/usr/bin/isorun from the .deb runs a busybox container"
	else
		diag "$LOGS/run.log" 20
		not_ok "/usr/bin/isorun from the .deb cannot run a busybox container"
	fi
}

if setup_root; then
	# The .deb builds on this machine while the root runs make demo (which spends
	# much of its time waiting for apt): in its own process group, for cleanup.
	setsid bash -c 's=$SECONDS; timeout 300 make -C "$1/src/isorun" deb; rc=$?
		echo $((SECONDS - s)) >"$2.secs"; exit $rc' _ "$ROOT" "$LOGS/deb" >"$LOGS/deb.log" 2>&1 </dev/null &
	debpid=$!
	demo_steps
	deb_steps
else
	skip_until $((N_TESTS - 1)) "no fresh root to test in"
fi

# 9: nothing left: no process, mount or directory.
cleanup
if [ -e "$WORK" ] && [ "${ISORUN_FRESH_KEEP:-}" != 1 ]; then
	not_ok "cleanup left $WORK behind"
elif grep -qF "$WORK" /proc/self/mountinfo; then
	not_ok "cleanup left mounts under $WORK"
else
	ok "no mount, process or directory left behind (whole step $((SECONDS - t0)) s)"
fi
