/* isorun state: the OCI state document. stdout must stay pure JSON: go-runc
 * parses stdout and stderr combined. */
#include <stdio.h>

#include "cmd/cmd.h"
#include "common/cleanup.h"
#include "common/util.h"

static error *run_state(struct cmd_ctx *ctx, const struct command *cmd,
			const struct parsed_args *pa)
{
	(void)cmd;
	const char *id;
	_cleanup_free_ char *json = NULL;
	error *e = cmd_container_id(pa, &id);
	if (!e)
		e = container_state_json(&ctx->rt, id, &json);
	if (e)
		return e;
	fputs(json, stdout); /* runc prints no trailing newline */
	return NULL;
}

const struct command cmd_state = {
    .name = "state",
    .summary = "output the state of a container",
    .args_usage = "<container-id>\n\n"
		  "Where \"<container-id>\" is your name for the instance of the container.",
    .description = "The state command outputs current state information for the\n"
		   "instance of a container.",
    .check = ARGS_EXACT,
    .min_args = 1,
    .run = run_state,
};
