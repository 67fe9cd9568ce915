/* isorun ps [--format table|json] ID [ps options]: containerd's shim calls
 * `ps --format json ID` and parses stdout as a JSON array of host pids. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "common/cleanup.h"
#include "common/util.h"

static const struct flag_def ps_flags[] = {
    {"format", "f", FLAG_STRING, "select one of: table or json (default: \"table\")"},
};

static error *run_ps(struct cmd_ctx *ctx, const struct command *cmd, const struct parsed_args *pa)
{
	(void)cmd;
	const char *id;
	error *e = cmd_container_id(pa, &id);
	if (e)
		return e;
	const char *format = args_str(pa, "format");
	if (!format)
		format = "table";
	/* runc looks the container up before it checks the format. */
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	if ((e = container_pids(&ctx->rt, id, &pids, &n)))
		return e;
	if (!strcmp(format, "json")) {
		/* Go encodes an empty (nil) slice as null. */
		if (!n)
			fputs("null", stdout);
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "[", (int)pids[i]);
		fputs(n ? "]\n" : "\n", stdout);
		return NULL;
	}
	if (strcmp(format, "table"))
		return err_new("invalid format option");
	_cleanup_free_ char *out = NULL;
	if ((e = container_ps_table(&ctx->rt, id, (char *const *)pa->pos + 1, &out)))
		return e;
	fputs(out, stdout);
	return NULL;
}

const struct command cmd_ps = {
    .name = "ps",
    .summary = "ps displays the processes running inside a container",
    .args_usage = "<container-id> [ps options]",
    .flags = ps_flags,
    .n_flags = ARRAY_SIZE(ps_flags),
    .check = ARGS_MIN_MAX,
    .min_args = 1,
    .max_args = 1000,
    .run = run_ps,
};
