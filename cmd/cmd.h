/* What every subcommand shares: its descriptor (flags, help, argument count), the
 * context main.c hands it, and the helpers that print help and report errors the
 * way runc does. */
#ifndef ISORUN_CMD_CMD_H
#define ISORUN_CMD_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cmd/args.h"
#include "common/error.h"
#include "runtime/container.h"

#define ISORUN_NAME "isorun"

/* The ARGS part of create/run/start's usage, as runc prints it. */
#define CONTAINER_ID_USAGE                                                                         \
	"<container-id>\n\n"                                                                       \
	"Where \"<container-id>\" is your name for the instance of the container that you\n"       \
	"are starting. The name you provide for the container instance must be unique on\n"        \
	"your host."

/* create's and run's DESCRIPTION, runc's text. */
#define BUNDLE_DESCRIPTION(cmd)                                                                    \
	"The " cmd " command creates an instance of a container for a bundle. The bundle\n"        \
	"is a directory with a specification file named \"config.json\" and a root\n"              \
	"filesystem.\n\n"                                                                          \
	"The specification file includes an args parameter. The args parameter is used\n"          \
	"to specify command(s) that get run when the container is started. To change the\n"        \
	"command(s) that get executed on start, edit the args parameter of the spec. See\n"        \
	"\"" ISORUN_NAME " spec --help\" for more explanation."

struct cmd_ctx {
	struct runtime_ctx rt;
	const char *rootless_raw; /* --rootless as given (true|false|auto), NULL if absent */
	int exit_status;	  /* set by commands whose success is not 0 (run) */
};

struct command;
typedef error *(*cmd_fn)(struct cmd_ctx *ctx, const struct command *cmd,
			 const struct parsed_args *pa);

enum args_check { ARGS_ANY, ARGS_EXACT, ARGS_MIN_MAX };

struct command {
	const char *name;
	const char *summary;	 /* one line: `isorun --help` and NAME: */
	const char *args_usage;	 /* after the usage line; may hold more paragraphs */
	const char *description; /* NULL: no DESCRIPTION: section */
	const struct flag_def *flags;
	size_t n_flags;
	enum args_check check;
	int min_args, max_args; /* ARGS_EXACT uses min_args */
	/* Flags only before the first argument (exec: `exec ID sh -c x` keeps -c
	 * for the command), instead of urfave's reordering. */
	bool in_order;
	cmd_fn run;
};

/* The subcommands, one file each. */
extern const struct command cmd_create, cmd_start, cmd_run, cmd_state, cmd_kill, cmd_delete,
    cmd_list, cmd_spec;
extern const struct command cmd_inspect;
extern const struct command cmd_check;
extern const struct command cmd_lab;
extern const struct command cmd_exec;
extern const struct command cmd_features;
extern const struct command cmd_update, cmd_pause, cmd_resume, cmd_ps, cmd_events;
extern const struct command cmd_checkpoint, cmd_restore;

/* Every subcommand in `--help` order, the global flags and the app's texts
 * (cmd/commands.c); main.c and build/gendocs (man pages, completion) share them. */
extern const struct command *const isorun_commands[];
extern const size_t isorun_n_commands;
extern const struct flag_def isorun_global_flags[];
extern const size_t isorun_n_global_flags;
extern const char isorun_summary[];
extern const char isorun_description[];
/* The subcommand called name, NULL if none. */
const struct command *cmd_find(const char *name);

/* urfave/cli's command help (NAME, USAGE, DESCRIPTION, OPTIONS) for `CMD --help`. */
void cmd_print_help(FILE *out, const struct command *cmd);
/* The OPTIONS: column of a flag table (also used for the global options). */
void cmd_print_flags(FILE *out, const struct flag_def *flags, size_t n);
/* runc's checkArgs: "isorun: \"create\" requires exactly 1 argument(s)" (also
 * "a minimum of" / "a maximum of"); NULL when the count fits. */
error *cmd_check_args(const struct command *cmd, size_t n);

/* runc's fatal(): the error goes to --log when one is set, and to stderr as
 * "isorun: <msg>" (as a JSON line instead after cmd_set_json_stderr(true)).
 * Frees e; returns the exit status 1. */
int cmd_report_error(error *e);
/* --log-format json without --log: errors go to stderr as JSON lines instead. */
void cmd_set_json_stderr(bool json);

/* create/run refuse what the runtime cannot do yet (systemd cgroups) and resolve
 * --rootless (true|false|auto) into ctx->rt.rootless. */
error *cmd_prepare_create(struct cmd_ctx *ctx);
/* Only the --rootless part; on a bad value rt.rootless keeps the auto default. */
error *cmd_resolve_rootless(struct cmd_ctx *ctx);

/* The container id argument, checked like runc: "container id cannot be empty",
 * "invalid container ID format" ([A-Za-z0-9_+.-]+, not "." or ".."). */
error *cmd_container_id(const struct parsed_args *pa, const char **id);

/* inspect and check: --format table|json, and printing a report in it. */
struct report;
error *cmd_report_format(const struct parsed_args *pa, bool *json);
error *cmd_print_report(const struct report *r, bool json);

/* create and run: the flags both have, into o. Strings point into argv or into
 * the strv *to_free, which the caller frees after the call that uses o. */
error *cmd_fill_create_opts(const struct parsed_args *pa, struct create_opts *o, char ***to_free);
/* checkpoint and restore: the CRIU flags both have (--image-path ...). */
error *cmd_fill_criu_flags(const struct parsed_args *pa, struct criu_flags *f);
/* filepath.Abs: p joined to the cwd when relative, then cleaned lexically
 * ("a/./b/../c" -> "a/c"). malloc'd, NULL on failure with errno set. */
char *cmd_abs_path(const char *p);

#endif
