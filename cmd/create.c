/* isorun create: set the container up and park its init until `start`. Nothing is
 * printed on success: stdout and stderr belong to the container (the shim passes
 * its IO pipes), so errors go to --log as well. */
#include <errno.h>
#include <string.h>

#include "cmd/cmd.h"
#include "common/cleanup.h"
#include "common/util.h"

static const struct flag_def create_flags[] = {
    {"bundle", "b", FLAG_STRING,
     "path to the root of the bundle directory, defaults to the current directory"},
    {"console-socket", NULL, FLAG_STRING,
     "path to an AF_UNIX socket which will receive a file descriptor referencing the master "
     "end of the console's pseudoterminal"},
    {"pid-file", NULL, FLAG_STRING, "specify the file to write the process id to"},
    {"pidfd-socket", NULL, FLAG_STRING,
     "path to an AF_UNIX socket which will receive a file descriptor referencing the init process"},
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

/* *dst = the absolute form of value (NULL stays NULL), kept alive in *owned. */
static error *abs_opt(const char *flag, const char *value, const char **dst, char ***owned)
{
	*dst = NULL;
	if (!value || !*value)
		return NULL;
	_cleanup_free_ char *abs = cmd_abs_path(value);
	if (!abs || strv_push(owned, abs) < 0)
		return err_sys(ENOMEM, "--%s %s", flag, value);
	*dst = (*owned)[strv_len(*owned) - 1];
	return NULL;
}

error *cmd_fill_create_opts(const struct parsed_args *pa, struct create_opts *o, char ***to_free)
{
	error *e = cmd_container_id(pa, &o->id);
	if (e)
		return e;
	o->no_pivot = args_bool(pa, "no-pivot");
	o->no_new_keyring = args_bool(pa, "no-new-keyring");
	long long fds = args_int(pa, "preserve-fds");
	if (fds < 0 || fds > 65536)
		return err_new("invalid value \"%s\" for flag -preserve-fds: out of range",
			       args_str(pa, "preserve-fds"));
	o->preserve_fds = (int)fds;

	/* runc makes these absolute against the caller's cwd before anything can
	 * change directory (the runtime may chdir into the bundle). */
	const char *bundle = args_str(pa, "bundle");
	if ((e = abs_opt("bundle", bundle && *bundle ? bundle : ".", &o->bundle, to_free)) ||
	    (e = abs_opt("pid-file", args_str(pa, "pid-file"), &o->pid_file, to_free)) ||
	    (e = abs_opt("console-socket", args_str(pa, "console-socket"), &o->console_socket,
			 to_free)) ||
	    (e = abs_opt("pidfd-socket", args_str(pa, "pidfd-socket"), &o->pidfd_socket, to_free)))
		return e;
	return NULL;
}

static error *run_create(struct cmd_ctx *ctx, const struct command *cmd,
			 const struct parsed_args *pa)
{
	struct create_opts o = {0};
	_cleanup_strv_ char **owned = NULL;
	error *e = cmd_fill_create_opts(pa, &o, &owned);
	if (!e)
		e = cmd_prepare_create(ctx);
	if (!e)
		e = container_create(&ctx->rt, &o);
	return err_wrap(e, ISORUN_NAME " %s failed", cmd->name);
}

const struct command cmd_create = {
    .name = "create",
    .summary = "create a container",
    .args_usage = CONTAINER_ID_USAGE,
    .description = BUNDLE_DESCRIPTION("create"),
    .flags = create_flags,
    .n_flags = ARRAY_SIZE(create_flags),
    .check = ARGS_EXACT,
    .min_args = 1,
    .run = run_create,
};
