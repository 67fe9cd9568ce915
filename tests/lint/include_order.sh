#!/usr/bin/env bash
# The layer order as data: a file may include headers of its own room or of a
# room with a lower rank, never upward or sideways. Prints TAP, one line per room.
set -uo pipefail
cd "$(dirname "$0")/../.."
declare -A rank=(
	[cmd]=8
	[lab]=7
	[runtime]=6
	[runtime/state]=4 [runtime/child]=4
	[cgroups]=3 [namespaces]=3
	[spec]=2
	[common]=1
	[build]=0 # generated (version.h)
)
n=0 bad=0
for room in cmd lab runtime runtime/state runtime/child cgroups namespaces spec common; do
	n=$((n + 1))
	errs=""
	for f in "$room"/*.c "$room"/*.h; do
		[ -f "$f" ] || continue
		while IFS= read -r inc; do
			to=${inc%/*}
			if [ -z "${rank[$to]+x}" ]; then
				errs+="  $f includes \"$inc\": unknown room $to"$'\n'
			elif [ "$to" != "$room" ] && [ "${rank[$to]}" -ge "${rank[$room]}" ]; then
				errs+="  $f includes \"$inc\": $to (rank ${rank[$to]}) is not below $room (rank ${rank[$room]})"$'\n'
			fi
		done < <(sed -n 's/^#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
	done
	if [ -z "$errs" ]; then
		echo "ok $n - includes of $room/ go only down the layers"
	else
		bad=1
		echo "not ok $n - includes of $room/ go only down the layers"
		printf '%s' "$errs" | sed 's/^/# /'
	fi
done
echo "1..$n"
exit $bad
