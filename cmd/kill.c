/* isorun kill ID [SIGNAL]: containerd sends the signal as a number ("9"). */
#include <signal.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/signals.h"
#include "common/util.h"

static const struct flag_def kill_flags[] = {
    {"all", "a", FLAG_BOOL, "send the specified signal to all processes inside the container"},
};

static error *run_kill(struct cmd_ctx *ctx, const struct command *cmd, const struct parsed_args *pa)
{
	(void)cmd;
	const char *id;
	error *e = cmd_container_id(pa, &id);
	if (e)
		return e;
	int sig = SIGTERM;
	if (pa->n_pos > 1) {
		e = signal_parse(pa->pos[1], &sig);
		if (e) {
			/* runc looks the container up before parsing the signal, so
			 * a missing container wins over a bad signal name. */
			struct container_info ci;
			memset(&ci, 0, sizeof(ci));
			error *st = container_state(&ctx->rt, id, &ci);
			if (st) {
				err_free(e);
				return st;
			}
			container_info_free(&ci);
			return e;
		}
	}
	return container_kill(&ctx->rt, id, sig, args_bool(pa, "all"));
}

const struct command cmd_kill = {
    .name = "kill",
    .summary = "kill sends the specified signal (default: SIGTERM) to the container's init "
	       "process",
    .args_usage =
	"<container-id> [signal]\n\n"
	"Where \"<container-id>\" is the name for the instance of the container and\n"
	"\"[signal]\" is the signal to be sent to the init process.\n\n"
	"EXAMPLE:\n"
	"For example, if the container id is \"ubuntu01\" the following will send a \"KILL\"\n"
	"signal to the init process of the \"ubuntu01\" container:\n\n"
	"       # " ISORUN_NAME " kill ubuntu01 KILL",
    .flags = kill_flags,
    .n_flags = ARRAY_SIZE(kill_flags),
    .check = ARGS_MIN_MAX,
    .min_args = 1,
    .max_args = 2,
    .run = run_kill,
};
