/* isorun delete [--force] ID. containerd ignores errors containing "does not
 * exist", so the runtime's wording passes through untouched. */
#include "cmd/cmd.h"
#include "common/util.h"

static const struct flag_def delete_flags[] = {
    {"force", "f", FLAG_BOOL,
     "Forcibly deletes the container if it is still running (uses SIGKILL)"},
};

static error *run_delete(struct cmd_ctx *ctx, const struct command *cmd,
			 const struct parsed_args *pa)
{
	(void)cmd;
	const char *id;
	error *e = cmd_container_id(pa, &id);
	return e ? e : container_delete(&ctx->rt, id, args_bool(pa, "force"));
}

const struct command cmd_delete = {
    .name = "delete",
    .summary = "delete any resources held by the container often used with detached container",
    .args_usage =
	"<container-id>\n\n"
	"Where \"<container-id>\" is the name for the instance of the container.\n\n"
	"EXAMPLE:\n"
	"For example, if the container id is \"ubuntu01\" and " ISORUN_NAME
	" list currently shows the\n"
	"status of \"ubuntu01\" as \"stopped\" the following will delete resources "
	"held for\n"
	"\"ubuntu01\" removing \"ubuntu01\" from the " ISORUN_NAME " list of containers:\n\n"
	"       # " ISORUN_NAME " delete ubuntu01",
    .flags = delete_flags,
    .n_flags = ARRAY_SIZE(delete_flags),
    .check = ARGS_EXACT,
    .min_args = 1,
    .run = run_delete,
};
