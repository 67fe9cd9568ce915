/* isorun start: release a created container's init into the user process. */
#include "cmd/cmd.h"
#include "common/util.h"

static error *run_start(struct cmd_ctx *ctx, const struct command *cmd,
			const struct parsed_args *pa)
{
	(void)cmd;
	const char *id;
	error *e = cmd_container_id(pa, &id);
	return e ? e : container_start(&ctx->rt, id);
}

const struct command cmd_start = {
    .name = "start",
    .summary = "executes the user defined process in a created container",
    .args_usage = CONTAINER_ID_USAGE,
    .description = "The start command executes the user defined process in a created container.",
    .check = ARGS_EXACT,
    .min_args = 1,
    .run = run_start,
};
