/* isorun run: create + start, and in the foreground wait and exit with the
 * container's status (128+signal when it was killed), like runc. */
#include "cmd/cmd.h"
#include "common/cleanup.h"
#include "common/util.h"

static const struct flag_def run_flags[] = {
    {"bundle", "b", FLAG_STRING,
     "path to the root of the bundle directory, defaults to the current directory"},
    {"console-socket", NULL, FLAG_STRING,
     "path to an AF_UNIX socket which will receive a file descriptor referencing the master "
     "end of the console's pseudoterminal"},
    {"detach", "d", FLAG_BOOL, "detach from the container's process"},
    {"keep", NULL, FLAG_BOOL, "do not delete the container after it exits"},
    {"pid-file", NULL, FLAG_STRING, "specify the file to write the process id to"},
    {"pidfd-socket", NULL, FLAG_STRING,
     "path to an AF_UNIX socket which will receive a file descriptor referencing the init process"},
    {"no-subreaper", NULL, FLAG_BOOL,
     "disable the use of the subreaper used to reap reparented processes"},
    {"no-pivot", NULL, FLAG_BOOL,
     "do not use pivot root to jail process inside rootfs.  This should be used whenever the "
     "rootfs is on top of a ramdisk"},
    {"no-new-keyring", NULL, FLAG_BOOL,
     "do not create a new session keyring for the container.  This will cause the container "
     "to inherit the calling processes session key"},
    {"preserve-fds", NULL, FLAG_INT,
     "Pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total) "
     "(default: 0)"},
};

static error *run_run(struct cmd_ctx *ctx, const struct command *cmd, const struct parsed_args *pa)
{
	struct create_opts o = {0};
	_cleanup_strv_ char **owned = NULL;
	error *e = cmd_fill_create_opts(pa, &o, &owned);
	if (!e)
		e = cmd_prepare_create(ctx);
	if (e)
		return err_wrap(e, ISORUN_NAME " %s failed", cmd->name);
	o.detach = args_bool(pa, "detach");
	o.keep = args_bool(pa, "keep");
	int status = 0;
	e = container_run(&ctx->rt, &o, &status);
	if (e)
		return err_wrap(e, ISORUN_NAME " %s failed", cmd->name);
	if (status < 0 || status > 255)
		status = 255;
	ctx->exit_status = o.detach ? 0 : status;
	return NULL;
}

const struct command cmd_run = {
    .name = "run",
    .summary = "create and run a container",
    .args_usage = CONTAINER_ID_USAGE,
    .description = BUNDLE_DESCRIPTION("run"),
    .flags = run_flags,
    .n_flags = ARRAY_SIZE(run_flags),
    .check = ARGS_EXACT,
    .min_args = 1,
    .run = run_run,
};
