# Shared helpers for the integration tests. Loaded by every .bats file with
#   load helpers
#
# Conventions
#   $ISORUN    the runtime under test (default: <repo>/isorun; ISORUN=runc validates the tests)
#   $ROOT      a private --root state dir per .bats file (created in setup_file)
#   $TEST_DIR  a fresh temp dir per test; $BUNDLE=$TEST_DIR/bundle is the default bundle
#   new_id     prints a unique container id and registers it for cleanup in teardown
#   rt ARGS    runs "$ISORUN --root $ROOT ARGS" under a timeout, with stdin from /dev/null
#              and bats' fd 3 closed (a detached container must never hold bats' pipes)
# Every test's teardown force-deletes the ids it registered, kills the pids it tracked,
# then asserts that nothing is left (state dir, cgroup dirs, mounts mentioning $TEST_DIR).

bats_require_minimum_version 1.5.0

HELPERS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$HELPERS_DIR/../.." && pwd)
ISORUN=${ISORUN:-$REPO_ROOT/isorun}
if [[ "$ISORUN" != */* ]]; then
	ISORUN=$(command -v "$ISORUN" || echo "$ISORUN")
fi
CACHE_DIR=$REPO_ROOT/tests/.cache
BUSYBOX_ROOTFS=$CACHE_DIR/busybox-rootfs
BASE_CONFIG=$CACHE_DIR/base-config.json
RECVTTY=${RECVTTY:-$REPO_ROOT/build/helpers/recvtty}
TMO=${ISORUN_TEST_TIMEOUT:-20}

# True when the runtime under test is isorun (and not runc, which validates the tests).
is_isorun() {
	[[ "$(basename "$ISORUN")" == isorun* ]]
}

fail() {
	echo "FAIL: $*" >&2
	return 1
}

# ---------------------------------------------------------------- rootfs and bundles

# Builds the busybox rootfs once into tests/.cache (git-ignored), under a lock.
ensure_busybox_cache() {
	[ -f "$BUSYBOX_ROOTFS.ok" ] && return 0
	mkdir -p "$CACHE_DIR"
	(
		flock 9
		[ -f "$BUSYBOX_ROOTFS.ok" ] && exit 0
		set -e
		local tmp
		rm -rf "$BUSYBOX_ROOTFS"
		tmp=$(mktemp -d "$CACHE_DIR/rootfs.XXXXXX")
		"$REPO_ROOT/tests/make-rootfs.sh" "$tmp"
		mv "$tmp" "$BUSYBOX_ROOTFS"
		touch "$BUSYBOX_ROOTFS.ok"
	) 9>"$CACHE_DIR/.lock"
}

# make_busybox_rootfs DIR: a private copy of the cached busybox rootfs.
make_busybox_rootfs() {
	ensure_busybox_cache
	mkdir -p "$1"
	cp -a "$BUSYBOX_ROOTFS/." "$1/"
}

# The base config.json: `runc spec` (the isorun binary may not exist yet), with
# terminal off and a writable root (tests that want readonly set it).
ensure_base_config() {
	[ -s "$BASE_CONFIG" ] && return 0
	mkdir -p "$CACHE_DIR"
	local d
	d=$(mktemp -d "$CACHE_DIR/spec.XXXXXX")
	runc spec --bundle "$d"
	jq '.process.terminal = false | .root.readonly = false' "$d/config.json" >"$d/c.json"
	mv "$d/c.json" "$BASE_CONFIG"
	rm -rf "$d"
}

# edit_config DIR JQ_FILTER [jq args...]: edits DIR/config.json in place.
edit_config() {
	local dir=$1 filter=$2
	shift 2
	jq "$filter" "$dir/config.json" "$@" >"$dir/config.json.new" || {
		rm -f "$dir/config.json.new"
		fail "jq filter failed: $filter"
		return 1
	}
	mv "$dir/config.json.new" "$dir/config.json"
}

# make_bundle DIR [JQ_FILTER...]: rootfs + config.json with the given jq edits applied.
make_bundle() {
	local dir=$1 f
	shift
	ensure_base_config
	mkdir -p "$dir"
	make_busybox_rootfs "$dir/rootfs"
	cp "$BASE_CONFIG" "$dir/config.json"
	for f in "$@"; do
		edit_config "$dir" "$f" || return 1
	done
}

# set_args DIR ARG...: process.args = ARGs.
set_args() {
	local dir=$1 i=0 a
	shift
	local jargs=()
	for a in "$@"; do
		jargs+=(--arg "a$i" "$a")
		i=$((i + 1))
	done
	# --arg values are never parsed as jq options (unlike --args positionals)
	edit_config "$dir" '.process.args = [$ARGS.named | to_entries | sort_by(.key[1:] | tonumber) | .[].value]' "${jargs[@]}"
}

# set_cmd DIR SCRIPT: process.args = ["sh","-c",SCRIPT].
set_cmd() {
	set_args "$1" sh -c "$2"
}

# ---------------------------------------------------------------- runtime calls

# rt ARGS...: the runtime with our --root, under a timeout.
rt() {
	timeout --kill-after=5 "$TMO" "$ISORUN" --root "$ROOT" "$@" </dev/null 3>&-
}

new_id() {
	local id="it-${BATS_TEST_FILENAME##*/}"
	id="${id%.bats}-$BATS_TEST_NUMBER-$$-$RANDOM"
	echo "$id" >>"$TEST_DIR/.ids"
	echo "$id"
}

# register_id ID: makes teardown delete --force this id too.
register_id() {
	echo "$1" >>"$TEST_DIR/.ids"
}

# track_pid PID: teardown kills it (processes the test started itself).
track_pid() {
	echo "$1" >>"$TEST_DIR/.pids"
}

# track_mount PATH: a mount the test made on the host; teardown unmounts it first.
track_mount() {
	echo "$1" >>"$TEST_DIR/.mounts"
}

# run_ctr ID [ARG...]: foreground `run` of $BUNDLE (process.args replaced by ARGs when
# given), output (stdout+stderr of runtime and container) in $output, exit code in $status.
run_ctr() {
	local id=$1
	shift
	register_id "$id"
	if [ $# -gt 0 ]; then set_args "$BUNDLE" "$@"; fi
	run rt run --bundle "$BUNDLE" "$id"
}

# run_sh ID SCRIPT: run_ctr with sh -c SCRIPT, the script's stderr merged into its stdout
# inside the container (a foreground runtime may copy the two streams separately, so their
# relative order would not be kept otherwise).
run_sh() {
	run_ctr "$1" sh -c "exec 2>&1; $2"
}

# create_ctr ID [create options...]: `create` of $BUNDLE; the container's and the runtime's
# stdout/stderr go to $TEST_DIR/ID.out / ID.err (never to a pipe bats waits on).
# Returns the runtime's exit code.
create_ctr() {
	local id=$1
	shift
	register_id "$id"
	timeout --kill-after=5 "$TMO" "$ISORUN" --root "$ROOT" create --bundle "$BUNDLE" "$@" "$id" \
		</dev/null >"$TEST_DIR/$id.out" 2>"$TEST_DIR/$id.err" 3>&-
}

# run_d_ctr ID [options]: `run -d` of $BUNDLE, output to files like create_ctr.
run_d_ctr() {
	local id=$1
	shift
	register_id "$id"
	timeout --kill-after=5 "$TMO" "$ISORUN" --root "$ROOT" run -d --bundle "$BUNDLE" "$@" "$id" \
		</dev/null >"$TEST_DIR/$id.out" 2>"$TEST_DIR/$id.err" 3>&-
}

# state_field ID FIELD: one field of `state ID` (empty + failure if state fails).
state_field() {
	local s
	s=$(rt state "$1" 2>/dev/null) || return 1
	jq -r ".$2" <<<"$s"
}

# wait_status ID STATUS [TRIES]: polls state until status matches (0.05 s steps).
wait_status() {
	local i st
	for ((i = 0; i < ${3:-100}; i++)); do
		st=$(state_field "$1" status 2>/dev/null) || st=""
		[ "$st" = "$2" ] && return 0
		sleep 0.05
	done
	fail "container $1: status '$st', wanted '$2'"
}

# wait_file FILE [TRIES]: polls until FILE is non-empty.
wait_file() {
	local i
	for ((i = 0; i < ${2:-100}; i++)); do
		[ -s "$1" ] && return 0
		sleep 0.05
	done
	fail "file $1 never appeared"
}

# ---------------------------------------------------------------- leftovers

# cgroup_dirs_for ID: prints every cgroup dir named after ID in any hierarchy.
cgroup_dirs_for() {
	find /sys/fs/cgroup -mindepth 1 -maxdepth 5 -type d -name "*$1*" 2>/dev/null
}

# mounts_under PATH: prints mount points whose path mentions PATH.
mounts_under() {
	awk -v p="$1" 'index($5, p) || index($4, p) { print $5 }' /proc/self/mountinfo
}

# assert_nothing_left ID: no state dir, no cgroup dir, no mount for this test.
assert_nothing_left() {
	local id=$1 bad=0 left
	if [ -e "$ROOT/$id" ]; then
		echo "leftover state dir: $ROOT/$id" >&2
		bad=1
	fi
	left=$(cgroup_dirs_for "$id")
	if [ -n "$left" ]; then
		echo "leftover cgroup dirs:" $left >&2
		bad=1
	fi
	left=$(mounts_under "$TEST_DIR")
	if [ -n "$left" ]; then
		echo "leftover mounts:" $left >&2
		bad=1
	fi
	return $bad
}

# ---------------------------------------------------------------- setup / teardown

common_setup_file() {
	ensure_busybox_cache
	ensure_base_config
	ROOT=$(mktemp -d /tmp/isorun-it-root.XXXXXX)
	export ROOT
}

common_teardown_file() {
	if [ -n "${ROOT:-}" ] && [ -d "$ROOT" ]; then
		local left
		left=$(ls -A "$ROOT")
		rm -rf --one-file-system "$ROOT"
		[ -z "$left" ] || fail "leftover in root: $left"
	fi
}

common_setup() {
	# negative tests expect failures: a missing runtime must not make them pass
	[ -x "$ISORUN" ] || fail "runtime under test not found: $ISORUN (build it, or set ISORUN)"
	TEST_DIR=$(mktemp -d /tmp/isorun-it.XXXXXX)
	# traversable by container uids of a user namespace
	chmod 755 "$TEST_DIR"
	BUNDLE=$TEST_DIR/bundle
	: >"$TEST_DIR/.ids"
	: >"$TEST_DIR/.pids"
	: >"$TEST_DIR/.mounts"
}

common_teardown() {
	[ -n "${TEST_DIR:-}" ] && [ -d "$TEST_DIR" ] || return 0
	local id pid bad=0 i m
	while read -r id; do
		[ -n "$id" ] || continue
		rt delete --force "$id" >/dev/null 2>&1 || true
	done <"$TEST_DIR/.ids"
	while read -r pid; do
		[ -n "$pid" ] || continue
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done <"$TEST_DIR/.pids"
	tac "$TEST_DIR/.mounts" | while read -r m; do
		[ -n "$m" ] && umount -l "$m" 2>/dev/null || true
	done
	while read -r id; do
		[ -n "$id" ] || continue
		# a killed container's cgroup can take a moment to empty
		for ((i = 0; i < 40; i++)); do
			[ -z "$(cgroup_dirs_for "$id")" ] && [ ! -e "$ROOT/$id" ] && break
			sleep 0.05
		done
		assert_nothing_left "$id" || bad=1
	done < <(sort -u "$TEST_DIR/.ids")
	m=$(mounts_under "$TEST_DIR")
	if [ -n "$m" ]; then
		echo "leftover mounts under $TEST_DIR:" $m >&2
		bad=1
		# never rm -rf through a leaked bind mount
		for m in $(echo "$m" | sort -r); do umount -l "$m" 2>/dev/null || true; done
	fi
	# leftover cgroup dirs would make the next run fail too: remove empty ones
	while read -r id; do
		[ -n "$id" ] || continue
		cgroup_dirs_for "$id" | sort -r | xargs -r rmdir 2>/dev/null || true
	done <"$TEST_DIR/.ids"
	rm -rf --one-file-system "$TEST_DIR"
	return $bad
}

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
setup() { common_setup; }
teardown() { common_teardown; }

# cgroup_dir_of PID CONTROLLER: the host directory of PID's cgroup for a controller
# ("memory", "pids", ...; "" for the cgroup2 tree), from /proc/PID/cgroup and the
# mounts: a v1 hierarchy carrying the controller, else the cgroup2 mount.
cgroup_dir_of() {
	local pid=$1 ctl=$2 path mnt
	path=$(awk -F: -v c="$ctl" 'c != "" { n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) { print $3; exit } }' "/proc/$pid/cgroup")
	if [ -n "$path" ]; then
		mnt=$(awk -v c="$ctl" '{ split($0, p, " - "); split(p[2], q, " "); if (q[1] != "cgroup") next;
			n = split(q[3], o, ","); for (i = 1; i <= n; i++) if (o[i] == c) { print $5; exit } }' /proc/self/mountinfo)
	else
		path=$(awk -F: '$1 == "0" { print $3; exit }' "/proc/$pid/cgroup")
		mnt=$(awk '{ split($0, p, " - "); split(p[2], q, " "); if (q[1] == "cgroup2") { print $5; exit } }' /proc/self/mountinfo)
	fi
	[ -n "$path" ] && [ -n "$mnt" ] || return 1
	echo "$mnt${path%/}"
}

# ---------------------------------------------------------------- isorun spec knobs (lab)

# The binary that writes knob configs: `runc spec` has no knobs, so when the runtime under
# test is runc (validating the tests), configs still come from isorun's spec.
spec_bin() {
	if is_isorun; then echo "$ISORUN"; else echo "${ISORUN_SPEC:-$REPO_ROOT/isorun}"; fi
}

# spec_bundle [SPEC FLAGS...]: $BUNDLE = busybox rootfs + `isorun spec FLAGS` (knobs).
spec_bundle() {
	mkdir -p "$BUNDLE"
	make_busybox_rootfs "$BUNDLE/rootfs"
	"$(spec_bin)" spec --bundle "$BUNDLE" "$@"
}

# cg_file_in CONTROLLER V1FILE V2FILE: a shell snippet for inside a container that prints
# its own cgroup file (v1 hierarchy or the v2 unified one).
cg_file_in() {
	echo "cat /sys/fs/cgroup/$1/$2 2>/dev/null || cat /sys/fs/cgroup/$3"
}
