#!/usr/bin/env bash
# tests/engines/list-checks.sh ENGINE...: the names of an engine suite's checks, one per
# line, as the suite reports them ("containerd: tasks ps [isorun]"), without running
# anything: read from the `check "NAME" FUNC` lines of ENGINE.sh and of cli_checks.sh
# when ENGINE.sh sources it. For reporting each check as skipped when a suite cannot run.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${RUNTIMES:=runc isorun}"
checks_of() { sed -n 's/^[[:space:]]*check "\([^"]*\)" .*/\1/p' "$1"; }
for e in "$@"; do
	f=$here/$e.sh
	[ -f "$f" ] || { echo "list-checks.sh: no suite $e" >&2; exit 1; }
	{
		checks_of "$f"
		grep -q '^source .*cli_checks\.sh' "$f" && checks_of "$here/cli_checks.sh"
	} | while IFS= read -r name; do
		for label in $RUNTIMES; do echo "$e: $name [$label]"; done
	done
done
