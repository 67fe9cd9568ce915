/* isorun restore: a container from a checkpoint, with runc's flags
 * (runtime/restore.c). Like run: in the foreground it exits with the
 * restored container's status. */
#include <string.h>

#include "cmd/cmd.h"
#include "common/cleanup.h"
#include "common/util.h"

static const struct flag_def restore_flags[] = {
    {"console-socket", NULL, FLAG_STRING,
     "path to an AF_UNIX socket which will receive a file descriptor referencing the master "
     "end of the console's pseudoterminal"},
    {"image-path", NULL, FLAG_STRING, "path to criu image files for restoring"},
    {"work-path", NULL, FLAG_STRING, "path for saving work files and logs"},
    {"tcp-established", NULL, FLAG_BOOL, "allow open tcp connections"},
    {"ext-unix-sk", NULL, FLAG_BOOL, "allow external unix sockets"},
    {"shell-job", NULL, FLAG_BOOL, "allow shell jobs"},
    {"file-locks", NULL, FLAG_BOOL, "handle file locks, for safety"},
    {"manage-cgroups-mode", NULL, FLAG_STRING,
     "cgroups mode: soft|full|strict|ignore (default: soft)"},
    {"bundle", "b", FLAG_STRING, "path to the root of the bundle directory"},
    {"detach", "d", FLAG_BOOL, "detach from the container's process"},
    {"pid-file", NULL, FLAG_STRING, "specify the file to write the process id to"},
    {"no-subreaper", NULL, FLAG_BOOL,
     "disable the use of the subreaper used to reap "
     "reparented processes"},
    {"no-pivot", NULL, FLAG_BOOL,
     "do not use pivot root to jail process inside rootfs.  This "
     "should be used whenever the rootfs is on top of a ramdisk"},
    {"empty-ns", NULL, FLAG_LIST, "create a namespace, but don't restore its properties"},
    {"auto-dedup", NULL, FLAG_BOOL, "enable auto deduplication of memory images"},
    {"lazy-pages", NULL, FLAG_BOOL, "use userfaultfd to lazily restore memory pages"},
};

static error *abs_flag(const struct parsed_args *pa, const char *flag, const char **dst,
		       char ***owned)
{
	const char *v = args_str(pa, flag);
	*dst = NULL;
	if (!v || !*v)
		return NULL;
	_cleanup_free_ char *abs = cmd_abs_path(v);
	if (!abs || strv_push(owned, abs) < 0)
		return err_sys(ENOMEM, "--%s %s", flag, v);
	*dst = (*owned)[strv_len(*owned) - 1];
	return NULL;
}

static error *run_restore(struct cmd_ctx *ctx, const struct command *cmd,
			  const struct parsed_args *pa)
{
	struct restore_opts o = {0};
	_cleanup_strv_ char **owned = NULL;
	error *e = cmd_container_id(pa, &o.base.id);
	if (!e)
		e = cmd_fill_criu_flags(pa, &o.c);
	if (!e)
		e = cmd_prepare_create(ctx);
	if (!e)
		e = abs_flag(pa, "bundle", &o.base.bundle, &owned);
	if (!e)
		e = abs_flag(pa, "pid-file", &o.base.pid_file, &owned);
	if (!e)
		e = abs_flag(pa, "console-socket", &o.base.console_socket, &owned);
	if (e)
		return err_wrap(e, "restore");
	if (!o.base.bundle) {
		_cleanup_free_ char *cwd = cmd_abs_path(".");
		if (!cwd || strv_push(&owned, cwd) < 0)
			return err_sys(ENOMEM, "restore");
		o.base.bundle = owned[strv_len(owned) - 1];
	}
	o.base.detach = args_bool(pa, "detach");
	o.base.no_pivot = args_bool(pa, "no-pivot");
	o.no_subreaper = args_bool(pa, "no-subreaper");
	int status = 0;
	if ((e = container_restore(&ctx->rt, &o, &status)))
		return err_wrap(e, "restore");
	if (status < 0 || status > 255)
		status = 255;
	ctx->exit_status = o.base.detach ? 0 : status;
	return NULL;
}

const struct command cmd_restore = {
    .name = "restore",
    .summary = "restore a container from a previous checkpoint",
    .args_usage = "<container-id>\n\nWhere \"<container-id>\" is the name for the instance of "
		  "the container to be\nrestored.",
    .description = "Restores the saved state of the container instance that was previously "
		   "saved\nusing the isorun checkpoint command.\n\n"
		   "A stopped container with the same id (the one checkpoint left) is replaced; a\n"
		   "created, running or paused one is an error (\"container with id exists\").",
    .flags = restore_flags,
    .n_flags = ARRAY_SIZE(restore_flags),
    .check = ARGS_EXACT,
    .min_args = 1,
    .run = run_restore,
};
