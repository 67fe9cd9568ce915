#!/usr/bin/env bats
# What a user installs besides the binary: the man pages and the bash completion that
# the build generates from the flag tables, `make install`/`make uninstall`, and the
# version that `--version` derives from git. These are isorun's build products, so
# under ISORUN=runc the tests skip (runc's are made by its own build).

load helpers

MAN_DIR=$REPO_ROOT/build/man
COMPLETION=$REPO_ROOT/build/completion/isorun

skip_unless_isorun() {
	is_isorun || skip "runc 1.1.5: checks isorun's generated man pages, completion and install targets"
}

# The commands that `--help` lists, one a line.
help_commands() {
	"$ISORUN" --help | sed -n '/^COMMANDS:/,/^$/p' | sed -nE 's/^   ([a-z-]+)( |,).*/\1/p' | grep -vx help
}

# help_flags [CMD]: "name<TAB>description" for each flag of `isorun [CMD] --help`.
help_flags() {
	local out
	if [ $# -gt 0 ]; then out=$("$ISORUN" "$1" --help); else out=$("$ISORUN" --help); fi
	sed -nE 's/^   --([a-z0-9-]+)( value)?(, -[a-z]( value)?)? +(.*)$/\1\t\5/p' <<<"$out"
}

# The page rendered as text, one line per paragraph, spaces squeezed.
render() {
	MANWIDTH=2000 man -l -P cat "$1" 2>/dev/null | tr -s ' '
}

@test "man pages: every command's page has every flag of its --help, with its description" {
	skip_unless_isorun
	local cmd name desc page n=0
	for cmd in $(help_commands); do
		[ -s "$MAN_DIR/isorun-$cmd.8" ] || fail "no man page $MAN_DIR/isorun-$cmd.8"
		page=$(render "$MAN_DIR/isorun-$cmd.8")
		grep -q "^ *isorun-$cmd - " <<<"$page" || fail "isorun-$cmd.8: no NAME line"
		while IFS=$'\t' read -r name desc; do
			grep -qe "^ *--$name\b" <<<"$page" || fail "isorun-$cmd.8 lacks --$name"
			desc=$(tr -s ' ' <<<"$desc")
			grep -qF -- "$desc" <<<"$page" || fail "isorun-$cmd.8 lacks the description of --$name: $desc"
			n=$((n + 1))
		done < <(help_flags "$cmd")
	done
	# the table is not empty: run alone has 9 flags
	[ "$n" -gt 40 ] || fail "only $n flags found in the --help outputs"
}

@test "man isorun: the global options of --help and every command" {
	skip_unless_isorun
	local page name desc cmd
	page=$(render "$MAN_DIR/isorun.8")
	while IFS=$'\t' read -r name desc; do
		grep -qe "^ *--$name\b" <<<"$page" || fail "isorun.8 lacks --$name"
		grep -qF -- "$(tr -s ' ' <<<"$desc")" <<<"$page" || fail "isorun.8 lacks the description of --$name"
	done < <(help_flags)
	for cmd in $(help_commands); do
		grep -q "isorun-$cmd(8)" <<<"$page" || fail "isorun.8 does not point to isorun-$cmd(8)"
	done
	# `man ./build/man/isorun-run.8` as the README says
	run env MANWIDTH=100 man -P cat "$MAN_DIR/isorun-run.8"
	[ "$status" -eq 0 ]
	[[ "$output" == *"--bundle value, -b value"*"path to the root of the bundle directory"* ]]
}

# complete_line WORD...: what bash completes for the command line WORD... (the last
# word is the one being completed), one candidate a line, sorted.
complete_line() {
	bash -c 'source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
		complete -p isorun >/dev/null || exit 3
		_isorun
		printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION" "$@" | sed '/^$/d' | sort
}

@test "completion: commands, global flags and their values" {
	skip_unless_isorun
	[ -s "$COMPLETION" ] || fail "no $COMPLETION"
	run complete_line isorun ""
	[ "$status" -eq 0 ]
	diff <(printf '%s\n' "${lines[@]}") <({ help_commands; echo help; } | sort)
	run complete_line isorun ru
	[ "$output" = run ]
	run complete_line isorun --log-
	[ "$output" = --log-format ]
	# each candidate once (the global table has its own --help)
	run complete_line isorun --h
	[ "$output" = --help ]
	run complete_line isorun --log-format ""
	[ "$output" = $'json\ntext' ]
	run complete_line isorun --root /tmp st
	[ "$output" = $'start\nstate' ]
	run complete_line isorun help ki
	[ "$output" = kill ]
}

@test "completion: each command completes exactly the flags of its --help" {
	skip_unless_isorun
	local cmd want got
	for cmd in $(help_commands); do
		want=$( { help_flags "$cmd" | cut -f1 | sed 's/^/--/'; echo --help; } | sort)
		got=$(complete_line isorun "$cmd" -- | grep -e '^--')
		[ "$got" = "$want" ] || fail "$cmd: completes [$got], --help has [$want]"
	done
	run complete_line isorun run --bundle ""
	[ "$status" -eq 0 ]
	run complete_line isorun list --format ""
	[ "$output" = $'json\ntable' ]
	run complete_line isorun kill -a
	[ "$output" = -a ]
}

@test "completion: container ids from list -q (of the --root given), only where one is expected" {
	skip_unless_isorun
	make_bundle "$BUNDLE"
	set_args "$BUNDLE" sleep 30
	local id
	id=$(new_id)
	create_ctr "$id" || fail "create: $(cat "$TEST_DIR/$id.err")"
	for cmd in start state kill delete exec pause resume ps events update inspect; do
		run complete_line "$ISORUN" --root "$ROOT" "$cmd" ""
		[ "$output" = "$id" ] || fail "$cmd: completes [$output], expected $id"
	done
	run complete_line "$ISORUN" --root "$ROOT" kill "${id:0:5}"
	[ "$output" = "$id" ]
	# after the id: nothing more to offer (kill's signal, exec's command)
	run complete_line "$ISORUN" --root "$ROOT" kill "$id" ""
	[ -z "$output" ]
	run complete_line "$ISORUN" --root "$ROOT" delete --force ""
	[ "$output" = "$id" ]
	# create and run name a new container; another --root has none of ours
	run complete_line "$ISORUN" --root "$ROOT" run ""
	[ -z "$output" ]
	run complete_line "$ISORUN" --root "$TEST_DIR/empty-root" state ""
	[ -z "$output" ]
}

@test "make install and make uninstall, into a DESTDIR" {
	skip_unless_isorun
	local dest=$TEST_DIR/dest want cmd
	run make -s -C "$REPO_ROOT" install PREFIX=/usr DESTDIR="$dest"
	[ "$status" -eq 0 ] || fail "make install: $output"
	want=$({
		echo usr/bin/isorun
		echo usr/share/bash-completion/completions/isorun
		echo usr/share/man/man8/isorun.8
		for cmd in $(help_commands); do echo "usr/share/man/man8/isorun-$cmd.8"; done
	} | sort)
	[ "$(cd "$dest" && find . -type f | sed 's|^\./||' | sort)" = "$want" ]
	[ -x "$dest/usr/bin/isorun" ]
	"$dest/usr/bin/isorun" --version | grep -q '^isorun version '
	run make -s -C "$REPO_ROOT" uninstall PREFIX=/usr DESTDIR="$dest"
	[ "$status" -eq 0 ] || fail "make uninstall: $output"
	[ -z "$(find "$dest" -type f)" ] || fail "left after uninstall: $(find "$dest" -type f)"
}

@test "--version: the version comes from git describe when built from a checkout" {
	skip_unless_isorun
	local describe
	describe=$(git -C "$REPO_ROOT" describe --tags --always 2>/dev/null) ||
		skip "not a git checkout: the version is the Makefile's VERSION"
	run "$ISORUN" --version
	[ "$status" -eq 0 ]
	# "isorun version 1.2.3[-N-gHASH][-dirty]" from a tag v1.2.3, else VERSION+git.HASH
	[[ "${lines[0]}" =~ ^isorun\ version\ [0-9]+\.[0-9]+\.[0-9]+ ]]
	[[ "${lines[0]}" == *"${describe#v}"* ]] || fail "${lines[0]} does not contain $describe"
	[[ "${lines[1]}" == "commit: "*"$(git -C "$REPO_ROOT" rev-parse --short HEAD)"* ]] ||
		fail "${lines[1]} does not name HEAD"
}
