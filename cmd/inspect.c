/* isorun inspect: the isolation report of a live container, read from the
 * kernel (see runtime/inspect.c). Not a runc command: for people learning
 * what a container isolates (docs/lab.md). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "common/cleanup.h"
#include "common/util.h"
#include "lab/inspect.h"

static const struct flag_def inspect_flags[] = {
    {"format", "f", FLAG_STRING, "select one of: table or json (default: \"table\")"},
};

error *cmd_report_format(const struct parsed_args *pa, bool *json)
{
	const char *f = args_str(pa, "format");
	if (!f || !strcmp(f, "table")) {
		*json = false;
		return NULL;
	}
	if (!strcmp(f, "json")) {
		*json = true;
		return NULL;
	}
	return err_new("invalid format option");
}

error *cmd_print_report(const struct report *r, bool json)
{
	_cleanup_free_ char *text = json ? report_to_json(r) : report_to_table(r);
	if (!text)
		return err_sys(ENOMEM, "formatting the report");
	fputs(text, stdout);
	return NULL;
}

static error *run_inspect(struct cmd_ctx *ctx, const struct command *cmd,
			  const struct parsed_args *pa)
{
	(void)cmd;
	const char *id;
	bool json;
	error *e = cmd_container_id(pa, &id);
	if (!e)
		e = cmd_report_format(pa, &json);
	if (e)
		return e;
	struct report r = {0};
	if ((e = inspect_container(&ctx->rt, id, &r)))
		return e;
	e = cmd_print_report(&r, json);
	report_free(&r);
	return e;
}

const struct command cmd_inspect = {
    .name = "inspect",
    .summary = "show what a running container is isolated from, read from the kernel",
    .args_usage = "<container-id>\n\n"
		  "Where \"<container-id>\" is your name for the instance of the container.",
    .description = "The inspect command reports the isolation of a live container as the kernel\n"
		   "sees it (not as config.json asked for it): which namespaces are private and\n"
		   "which are the host's (compared with /proc/1), the cgroup limits next to the\n"
		   "current use, each marked reserved, limited or best effort, the capabilities,\n"
		   "seccomp mode, LSM label, read-only and masked paths, allowed devices, and\n"
		   "what bounds its faults (oom_score_adj, rlimits, pids.max).",
    .flags = inspect_flags,
    .n_flags = ARRAY_SIZE(inspect_flags),
    .check = ARGS_EXACT,
    .min_args = 1,
    .run = run_inspect,
};
