/* isorun checkpoint: runc's flags, CRIU does the work (runtime/checkpoint.c). */
#include <sched.h>
#include <string.h>

#include "cmd/cmd.h"
#include "common/cleanup.h"
#include "common/util.h"
#include "runtime/criu_rpc.h"

static const struct flag_def checkpoint_flags[] = {
    {"image-path", NULL, FLAG_STRING, "path for saving criu image files"},
    {"work-path", NULL, FLAG_STRING, "path for saving work files and logs"},
    {"parent-path", NULL, FLAG_STRING, "path for previous criu image files in pre-dump"},
    {"leave-running", NULL, FLAG_BOOL, "leave the process running after checkpointing"},
    {"tcp-established", NULL, FLAG_BOOL, "allow open tcp connections"},
    {"ext-unix-sk", NULL, FLAG_BOOL, "allow external unix sockets"},
    {"shell-job", NULL, FLAG_BOOL, "allow shell jobs"},
    {"lazy-pages", NULL, FLAG_BOOL, "use userfaultfd to lazily restore memory pages"},
    {"file-locks", NULL, FLAG_BOOL, "handle file locks, for safety"},
    {"pre-dump", NULL, FLAG_BOOL,
     "dump container's memory information only, leave the "
     "container running after this"},
    {"manage-cgroups-mode", NULL, FLAG_STRING,
     "cgroups mode: soft|full|strict|ignore (default: soft)"},
    {"empty-ns", NULL, FLAG_LIST, "create a namespace, but don't restore its properties"},
    {"auto-dedup", NULL, FLAG_BOOL, "enable auto deduplication of memory images"},
};

static error *parse_cg_mode(const char *s, int *mode)
{
	static const struct {
		const char *name;
		int mode;
	} modes[] = {{"soft", CRIU_CG_SOFT},
		     {"full", CRIU_CG_FULL},
		     {"strict", CRIU_CG_STRICT},
		     {"ignore", CRIU_CG_IGNORE}};
	*mode = CRIU_CG_UNSET;
	if (!s || !*s)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
		if (!strcmp(s, modes[i].name)) {
			*mode = modes[i].mode;
			return NULL;
		}
	return err_new("Invalid manage cgroups mode");
}

static error *parse_empty_ns(const char *const *list, unsigned *out)
{
	static const struct {
		const char *name;
		unsigned flag;
	} ns[] = {{"pid", CLONE_NEWPID},   {"network", CLONE_NEWNET}, {"mount", CLONE_NEWNS},
		  {"user", CLONE_NEWUSER}, {"ipc", CLONE_NEWIPC},     {"uts", CLONE_NEWUTS}};
	*out = 0;
	for (; list && *list; list++) {
		size_t i = 0;
		while (i < ARRAY_SIZE(ns) && strcmp(*list, ns[i].name))
			i++;
		if (i == ARRAY_SIZE(ns))
			return err_new("namespace \"%s\" is not supported", *list);
		*out |= ns[i].flag;
	}
	return NULL;
}

error *cmd_fill_criu_flags(const struct parsed_args *pa, struct criu_flags *f)
{
	memset(f, 0, sizeof(*f));
	f->image_path = args_str(pa, "image-path");
	f->work_path = args_str(pa, "work-path");
	f->tcp_established = args_bool(pa, "tcp-established");
	f->ext_unix_sk = args_bool(pa, "ext-unix-sk");
	f->shell_job = args_bool(pa, "shell-job");
	f->file_locks = args_bool(pa, "file-locks");
	f->auto_dedup = args_bool(pa, "auto-dedup");
	f->lazy_pages = args_bool(pa, "lazy-pages");
	error *e = parse_cg_mode(args_str(pa, "manage-cgroups-mode"), &f->manage_cgroups_mode);
	if (!e)
		e = parse_empty_ns(args_get(pa, "empty-ns")->list, &f->empty_ns);
	return e;
}

static error *run_checkpoint(struct cmd_ctx *ctx, const struct command *cmd,
			     const struct parsed_args *pa)
{
	struct checkpoint_opts o = {0};
	error *e = cmd_container_id(pa, &o.id);
	if (!e)
		e = cmd_fill_criu_flags(pa, &o.c);
	if (e)
		return e;
	o.parent_path = args_str(pa, "parent-path");
	o.leave_running = args_bool(pa, "leave-running");
	o.pre_dump = args_bool(pa, "pre-dump");
	return err_wrap(container_checkpoint(&ctx->rt, &o), "checkpoint");
}

const struct command cmd_checkpoint = {
    .name = "checkpoint",
    .summary = "checkpoint a running container",
    .args_usage = "<container-id>\n\nWhere \"<container-id>\" is the name for the instance of "
		  "the container to be\ncheckpointed.",
    .description =
	"The checkpoint command saves the state of the container instance.\n\n"
	"Unless --leave-running or --pre-dump is given, the container's processes end with the\n"
	"checkpoint and its cgroup is removed; the container stays as a stopped container\n"
	"(runc 1.x removes it instead). \"delete\" removes it, and \"restore\" with the same\n"
	"id replaces it.",
    .flags = checkpoint_flags,
    .n_flags = ARRAY_SIZE(checkpoint_flags),
    .check = ARGS_EXACT,
    .min_args = 1,
    .run = run_checkpoint,
};
