/* Command-line flags the way runc's urfave/cli v1 + Go `flag` accept them, so that
 * every argv containerd, podman or a person builds for runc parses the same here:
 * `-flag` and `--flag` are the same, values as `--flag v` or `--flag=v`, booleans as
 * `--flag` or `--flag=true|false`, flags may follow positional arguments (urfave
 * reorders them), and `--` ends flag parsing. Errors carry Go's wording. */
#ifndef ISORUN_CMD_ARGS_H
#define ISORUN_CMD_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

enum flag_kind {
	FLAG_BOOL,   /* --x, --x=true|false */
	FLAG_STRING, /* --x v, --x=v; the last one wins */
	FLAG_INT,    /* like FLAG_STRING, checked as a Go int (base prefixes allowed) */
	FLAG_LIST,   /* repeatable string: every value is kept, in order */
};

struct flag_def {
	const char *name;  /* long name, no dashes: "bundle" */
	const char *alias; /* one-letter alias or NULL: "b" */
	enum flag_kind kind;
	const char *help; /* one line, as `--help` shows it */
};

struct flag_val {
	bool set;
	bool b;		   /* FLAG_BOOL */
	const char *str;   /* FLAG_STRING/INT: last value (points into argv) */
	long long num;	   /* FLAG_INT */
	const char **list; /* FLAG_LIST: NULL-terminated, values point into argv */
	size_t n_list;
};

struct parsed_args {
	const struct flag_def *defs;
	size_t n_defs;
	struct flag_val *vals; /* one per def, same index */
	const char **pos;      /* positional arguments (point into argv) */
	size_t n_pos;
	bool help; /* --help / -h was given (every command has it, like urfave) */
};

/* Parses argv[0..argc) (no program or command name) against defs.
 * in_order: stop at the first positional argument, leaving it and the rest in
 * ->pos untouched (global flags before the command name); otherwise flags may
 * appear anywhere before `--`. Errors: "flag provided but not defined: -foo",
 * "flag needs an argument: -bundle", "invalid boolean value \"x\" for -d: parse
 * error", "invalid value \"x\" for flag -preserve-fds: parse error",
 * "bad flag syntax: ---x". On error *out is left empty. */
error *args_parse(const struct flag_def *defs, size_t n_defs, int argc, char **argv, bool in_order,
		  struct parsed_args *out);
void args_free(struct parsed_args *pa);

/* Lookups by long name; a name that is not in the table is a programming error
 * and aborts. Unset flags give false / NULL / 0. */
const struct flag_val *args_get(const struct parsed_args *pa, const char *name);
bool args_bool(const struct parsed_args *pa, const char *name);
const char *args_str(const struct parsed_args *pa, const char *name);
long long args_int(const struct parsed_args *pa, const char *name);

/* Go's strconv.ParseBool: 1 t T TRUE true True / 0 f F FALSE false False. */
int args_parse_go_bool(const char *s, bool *out);

#endif
