# cli_checks.sh: the checks shared by the engines with docker's command line
# (podman.sh, docker.sh), sourced after the suite has defined its primitives:
#   pm RT ARGS...      the engine CLI for runtime RT (runc or isorun)
#   pmrun RT ARGS...   `pm RT run` with the suite's common run flags
#   name WHAT TAG      a unique container name
#   full_id RT NAME    the engine's full container id
#   host_cg CTL ID     the container's cgroup dir for controller CTL on the host
#   leftovers RT TAG ID  what the container left behind (empty when nothing)
#   t_tty RT TAG       the terminal check (its command line is the engine's own)
#   RM_FORCE           the flags of a forced, immediate `rm` (array)
# and IMAGE.

remove() { pm "$1" rm "${RM_FORCE[@]}" "$2" >/dev/null 2>&1; }

# start_detached RT NAME [RUN ARGS...] -- CMD...: prints nothing, fails if not running
start_detached() {
	local rt=$1 n=$2 out
	shift 2
	out=$(pmrun "$rt" -d --name "$n" "$@" 2>&1) || fail "run -d: $out" || return 1
	[ "$(pm "$rt" inspect --format '{{.State.Status}}' "$n" 2>&1)" = running ] ||
		fail "not running after run -d: $(pm "$rt" ps -a)"
}

t_run_exit() {
	local out rc
	out=$(pmrun "$1" --rm --name "$(name run "$2")" "$IMAGE" sh -c 'echo hi; exit 3' 2>&1)
	rc=$?
	echo "output: $out"
	expect_eq output "$out" hi || return 1
	expect_eq "exit code" "$rc" 3
}

t_exec() {
	local n out rc out2
	n=$(name exec "$2")
	start_detached "$1" "$n" --env FOO=foo "$IMAGE" sleep 1000 || { remove "$1" "$n"; return 1; }
	out=$(pm "$1" exec "$n" sh -c 'echo exec-$FOO-$(cat /proc/1/comm); exit 4' 2>&1)
	rc=$?
	out2=$(pm "$1" exec -w /tmp --env BAR=bar "$n" sh -c 'echo $BAR:$(pwd)' 2>&1)
	echo "exec: rc=$rc out=$out / $out2"
	remove "$1" "$n"
	expect_eq "exec output" "$out" exec-foo-sleep || return 1
	expect_eq "exec exit code" "$rc" 4 || return 1
	expect_eq "exec --env -w" "$out2" bar:/tmp
}

t_stop_rm() {
	local n id out st code left
	n=$(name stop "$2")
	# pid 1 ignores TERM without a handler: this one exits 42 on TERM
	start_detached "$1" "$n" "$IMAGE" sh -c 'trap "exit 42" TERM; while :; do sleep 0.2; done' ||
		{ remove "$1" "$n"; return 1; }
	id=$(full_id "$1" "$n")
	out=$(pm "$1" stop -t 10 "$n" 2>&1) || fail "stop: $out" || { remove "$1" "$n"; return 1; }
	st=$(pm "$1" inspect --format '{{.State.Status}}' "$n" 2>&1)
	code=$(pm "$1" inspect --format '{{.State.ExitCode}}' "$n" 2>&1)
	echo "after stop: status=$st exit=$code"
	[ "$st" = exited ] && [ "$code" = 42 ] || fail "after stop: status=$st exit=$code (want exited 42)" ||
		{ remove "$1" "$n"; return 1; }
	out=$(pm "$1" rm "$n" 2>&1) || fail "rm: $out" || { remove "$1" "$n"; return 1; }
	left=$(leftovers "$1" "$2" "$id")
	[ -z "$left" ] || fail "left behind: $left"
}

t_rm_force() {
	local n id out left
	n=$(name rmf "$2")
	start_detached "$1" "$n" "$IMAGE" sleep 1000 || { remove "$1" "$n"; return 1; }
	id=$(full_id "$1" "$n")
	out=$(pm "$1" rm "${RM_FORCE[@]}" "$n" 2>&1) || fail "rm -f: $out" || return 1
	left=$(leftovers "$1" "$2" "$id")
	[ -z "$left" ] || fail "left behind: $left"
}

t_memory() {
	local n id lim out rc
	n=$(name mem "$2")
	start_detached "$1" "$n" --memory 64m "$IMAGE" sleep 1000 || { remove "$1" "$n"; return 1; }
	id=$(full_id "$1" "$n")
	lim=$(cat "$(host_cg memory "$id")/memory.limit_in_bytes" 2>&1)
	remove "$1" "$n"
	expect_eq "memory.limit_in_bytes" "$lim" 67108864 || return 1
	# dd fills a 100 MiB buffer: with a 32 MiB limit (and no swap) the OOM killer ends it
	out=$(pmrun "$1" --rm --memory 32m --memory-swap 32m --name "$(name oom "$2")" "$IMAGE" \
		dd if=/dev/zero of=/dev/null bs=100M count=1 2>&1)
	rc=$?
	echo "over-allocation: rc=$rc out=$out"
	expect_eq "exit code of the over-allocation" "$rc" 137
}

t_pids() {
	local n id max out
	n=$(name pids "$2")
	start_detached "$1" "$n" --pids-limit 10 "$IMAGE" sleep 1000 || { remove "$1" "$n"; return 1; }
	id=$(full_id "$1" "$n")
	max=$(cat "$(host_cg pids "$id")/pids.max" 2>&1)
	remove "$1" "$n"
	expect_eq "pids.max" "$max" 10 || return 1
	# 20 background sleeps under a limit of 10 tasks: some forks must fail (the sleeps
	# die with the pid namespace when sh exits)
	out=$(pmrun "$1" --rm --pids-limit 10 --name "$(name fork "$2")" "$IMAGE" \
		sh -c 'for i in $(seq 20); do sleep 3 & done; echo loop-done' 2>&1)
	echo "fork test: $out"
	expect_contains "fork under --pids-limit 10" "$out" "can't fork"
}

run_cli_checks() {
	check "run: output and exit code" t_run_exit
	check "run -t (console socket)" t_tty
	check "exec (output, exit code, --env, -w)" t_exec
	check "stop (SIGTERM, exit code) and rm" t_stop_rm
	check "rm -f of a running container" t_rm_force
	check "--memory (cgroup limit, OOM kill)" t_memory
	check "--pids-limit (cgroup limit, fork fails)" t_pids
	print_summary
}
