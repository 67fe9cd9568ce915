#!/bin/sh
# driver.sh: guest side of tests/vm/run.sh (runs INSIDE the VM). Runs every guest-*.sh
# next to it in turn (or those whose name after "guest-" contains $VM_ONLY), each in a fresh
# scratch dir under /tmp with a per-script timeout ($VM_SCRIPT_TIMEOUT, default 600 s),
# framing each script's output with VMTAP-BEGIN/VMTAP-END lines for run.sh.
# A script with the executable bit runs through its #! line, otherwise with /bin/sh.
dir=$(cd "$(dirname "$0")" && pwd)
per=${VM_SCRIPT_TIMEOUT:-600}
prefix=${VM_PREFIX:-guest-}
for f in "$dir"/"$prefix"*.sh; do
	[ -f "$f" ] || continue
	name=$(basename "$f")
	case ${name#"$prefix"} in *"${VM_ONLY:-}"*) ;; *) continue ;; esac
	echo "VMTAP-BEGIN $name"
	w=$(mktemp -d /tmp/vmtest.XXXXXX)
	if [ -x "$f" ]; then
		(cd "$w" && exec timeout -k 10 "$per" "$f" </dev/null 2>&1)
	else
		(cd "$w" && exec timeout -k 10 "$per" sh "$f" </dev/null 2>&1)
	fi
	rc=$?
	rm -rf "$w" 2>/dev/null
	echo "VMTAP-END $name rc=$rc"
done
exit 0
