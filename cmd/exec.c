/* isorun exec [options] ID COMMAND [ARGS...] | -p process.json ID: a new
 * process in a running container. containerd's shim calls
 * `exec --process FILE --detach --pid-file F [--console-socket S] ID`.
 * Every failure after the argument count check is "exec failed: ..." with
 * exit status 255, like runc; foreground exec exits with the process status. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "common/cleanup.h"
#include "common/util.h"
#include "runtime/exec.h"

static const struct flag_def exec_flags[] = {
    {"console-socket", NULL, FLAG_STRING,
     "path to an AF_UNIX socket which will receive a file descriptor referencing the master "
     "end of the console's pseudoterminal"},
    {"cwd", NULL, FLAG_STRING, "current working directory in the container"},
    {"env", "e", FLAG_LIST, "set environment variables"},
    {"tty", "t", FLAG_BOOL, "allocate a pseudo-TTY"},
    {"user", "u", FLAG_STRING, "UID (format: <uid>[:<gid>])"},
    {"additional-gids", "g", FLAG_LIST, "additional gids"},
    {"process", "p", FLAG_STRING, "path to the process.json"},
    {"detach", "d", FLAG_BOOL, "detach from the container's process"},
    {"pid-file", NULL, FLAG_STRING, "specify the file to write the process id to"},
    {"pidfd-socket", NULL, FLAG_STRING,
     "path to an AF_UNIX socket which will receive a file descriptor referencing the exec process"},
    {"process-label", NULL, FLAG_STRING,
     "set the asm process label for the process commonly used with selinux"},
    {"apparmor", NULL, FLAG_STRING, "set the apparmor profile for the process"},
    {"no-new-privs", NULL, FLAG_BOOL, "set the no new privileges value for the process"},
    {"cap", "c", FLAG_LIST, "add a capability to the bounding set for the process"},
    {"preserve-fds", NULL, FLAG_INT,
     "Pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total) "
     "(default: 0)"},
    {"cgroup", NULL, FLAG_LIST,
     "run the process in an (existing) sub-cgroup(s). Format is [<controller>:]<cgroup>."},
    {"ignore-paused", NULL, FLAG_BOOL, "allow exec in a paused container"},
};

static error *parse_gids(const struct flag_val *v, uint32_t **out)
{
	*out = NULL;
	if (!v->n_list)
		return NULL;
	uint32_t *g = calloc(v->n_list, sizeof(*g));
	if (!g)
		return err_sys(ENOMEM, "--additional-gids");
	for (size_t i = 0; i < v->n_list; i++) {
		long long n;
		if (parse_int64(v->list[i], &n) < 0) {
			free(g);
			return err_new(
			    "invalid value \"%s\" for flag -additional-gids: parse error",
			    v->list[i]);
		}
		if (n < 0 || n >= UINT32_MAX) {
			free(g);
			return err_new("additional-gids must be a positive number %lld", n);
		}
		g[i] = (uint32_t)n;
	}
	*out = g;
	return NULL;
}

static error *fill_opts(const struct parsed_args *pa, struct exec_opts *o, uint32_t **gids,
			char **pid_file)
{
	error *e;
	o->id = pa->pos[0];
	o->process_path = args_str(pa, "process");
	if (o->process_path && !*o->process_path)
		o->process_path = NULL;
	o->args = (char *const *)(pa->pos + 1);
	o->cwd = args_str(pa, "cwd");
	o->env = (char *const *)args_get(pa, "env")->list;
	const char *user = args_str(pa, "user");
	if (user && *user) {
		if ((e = exec_parse_user(user, &o->uid, &o->has_gid, &o->gid)))
			return e;
		o->has_user = true;
	}
	if ((e = parse_gids(args_get(pa, "additional-gids"), gids)))
		return e;
	o->additional_gids = *gids;
	o->n_additional_gids = args_get(pa, "additional-gids")->n_list;
	o->caps = (char *const *)args_get(pa, "cap")->list;
	o->no_new_privs_set = args_get(pa, "no-new-privs")->set;
	o->no_new_privs = args_bool(pa, "no-new-privs");
	o->tty = args_bool(pa, "tty");
	o->apparmor = args_str(pa, "apparmor");
	o->process_label = args_str(pa, "process-label");
	o->detach = args_bool(pa, "detach");
	o->console_socket = args_str(pa, "console-socket");
	if (o->console_socket && !*o->console_socket)
		o->console_socket = NULL;
	o->pidfd_socket = args_str(pa, "pidfd-socket");
	if (o->pidfd_socket && !*o->pidfd_socket)
		o->pidfd_socket = NULL;
	long long fds = args_int(pa, "preserve-fds");
	if (fds < 0 || fds > 1 << 20)
		return err_new("--preserve-fds: %lld is not a valid number of fds", fds);
	o->preserve_fds = (int)fds;
	o->ignore_paused = args_bool(pa, "ignore-paused");
	o->cgroups = (char *const *)args_get(pa, "cgroup")->list;
	o->n_cgroups = args_get(pa, "cgroup")->n_list;
	const char *pf = args_str(pa, "pid-file");
	if (pf && *pf) {
		/* runc's revisePidFile: engines pass absolute paths, people may not. */
		if (!(*pid_file = cmd_abs_path(pf)))
			return err_errno("--pid-file %s", pf);
		o->pid_file = *pid_file;
	}
	return NULL;
}

/* Everything after the argument checks: failures are "exec failed: ..."
 * with status 255 (runc's fatalWithCode), reported here. */
static void exec_with(struct cmd_ctx *ctx, const struct parsed_args *args, const char *id)
{
	struct exec_opts o = {0};
	_cleanup_free_ uint32_t *gids = NULL;
	_cleanup_free_ char *pid_file = NULL;
	int status = 0;
	error *e = fill_opts(args, &o, &gids, &pid_file);
	o.id = id;
	if (!e)
		e = container_exec(&ctx->rt, &o, &status);
	if (e) {
		cmd_report_error(err_wrap(e, "exec failed"));
		ctx->exit_status = 255;
		return;
	}
	ctx->exit_status = o.detach ? 0 : (status < 0 || status > 255 ? 255 : status);
}

static error *run_exec(struct cmd_ctx *ctx, const struct command *cmd, const struct parsed_args *pa)
{
	const struct parsed_args *args = pa;
	/* runc's checkArgs: a command is needed unless --process gives one. */
	const char *pp = args_str(args, "process");
	struct command need = *cmd;
	need.check = ARGS_MIN_MAX;
	need.min_args = pp && *pp ? 1 : 2;
	const char *id = NULL;
	error *e = cmd_check_args(&need, args->n_pos);
	if (e) {
		fputs("Incorrect Usage.\n\n", stdout);
		cmd_print_help(stdout, cmd);
		fflush(stdout);
	} else if (!(e = cmd_container_id(args, &id))) {
		exec_with(ctx, args, id);
	}
	return e;
}

const struct command cmd_exec = {
    .name = "exec",
    .summary = "execute new process inside the container",
    .args_usage =
	"<container-id> <command> [command options]  || -p process.json <container-id>\n\n"
	"Where \"<container-id>\" is the name for the instance of the container and\n"
	"\"<command>\" is the command to be executed in the container.\n"
	"\"<command>\" can't be empty unless a \"-p\" flag provided.\n\n"
	"EXAMPLE:\n"
	"For example, if the container is configured to run the linux ps command the\n"
	"following will output a list of processes running in the container:\n\n"
	"       # " ISORUN_NAME " exec <container-id> ps",
    .flags = exec_flags,
    .in_order = true,
    .n_flags = ARRAY_SIZE(exec_flags),
    .check = ARGS_ANY, /* 1 with --process, else 2: checked in run_exec */
    .max_args = 1 << 20,
    .run = run_exec,
};
