/* isorun resume ID: thaws a paused container. */
#include "cmd/cmd.h"

static error *run_resume(struct cmd_ctx *ctx, const struct command *cmd,
			 const struct parsed_args *pa)
{
	(void)cmd;
	const char *id;
	error *e = cmd_container_id(pa, &id);
	return e ? e : container_resume(&ctx->rt, id);
}

const struct command cmd_resume = {
    .name = "resume",
    .summary = "resumes all processes that have been previously paused",
    .args_usage = "<container-id>\n\n"
		  "Where \"<container-id>\" is the name for the instance of the container to be\n"
		  "resumed.",
    .description = "The resume command resumes all processes in the instance of the container.\n\n"
		   "Use " ISORUN_NAME " list to identify instances of containers and their current "
		   "status.",
    .check = ARGS_EXACT,
    .min_args = 1,
    .run = run_resume,
};
