/* isorun check: what this host can isolate and how (runtime/host_check.c).
 * Exit 0 when containers can run here, 1 otherwise. */
#include <stdio.h>

#include "cmd/cmd.h"
#include "common/util.h"
#include "lab/host_check.h"

static const struct flag_def check_flags[] = {
    {"format", "f", FLAG_STRING, "select one of: table or json (default: \"table\")"},
};

static error *run_check(struct cmd_ctx *ctx, const struct command *cmd,
			const struct parsed_args *pa)
{
	(void)cmd;
	bool json, can_run = false;
	error *e = cmd_report_format(pa, &json);
	if (e)
		return e;
	struct report r = {0};
	if ((e = host_check(&r, &can_run)))
		return e;
	e = cmd_print_report(&r, json);
	report_free(&r);
	if (e)
		return e;
	/* The report already says why: exit 1 without a second message. */
	if (!can_run)
		ctx->exit_status = 1;
	return NULL;
}

const struct command cmd_check = {
    .name = "check",
    .summary = "report what this host can isolate (namespaces, cgroups, seccomp, ...)",
    .description = "The check command probes the kernel for the isolation features isorun uses:\n"
		   "namespaces, the cgroup layout (v2, v1 or hybrid) and its controllers, user\n"
		   "namespaces, seccomp and its notify support, clone3 and CLONE_INTO_CGROUP,\n"
		   "pidfds, idmapped mounts, overlayfs, AppArmor/SELinux, newuidmap and subuid\n"
		   "ranges, time namespaces. Each missing feature names what it disables. The\n"
		   "exit status is 0 when containers can run on this host, 1 otherwise.",
    .flags = check_flags,
    .n_flags = ARRAY_SIZE(check_flags),
    .check = ARGS_EXACT,
    .min_args = 0,
    .run = run_check,
};
