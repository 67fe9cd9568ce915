/* The checks and the error path every command shares, worded as runc words them
 * because engines match on the text. */
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "common/log.h"
#include "common/cleanup.h"
#include "common/util.h"
#include "namespaces/namespaces.h"
#include "runtime/state/state_store.h"

static bool json_on_stderr;

void cmd_set_json_stderr(bool json)
{
	json_on_stderr = json;
}

int cmd_report_error(error *e)
{
	const char *msg = e ? err_msg(e) : "unknown error";
	/* With --log-format json but no --log, the log is stderr itself and a reader
	 * of it expects only JSON lines there, as runc writes them. */
	if (log_to_file() || json_on_stderr)
		log_error("%s", msg);
	if (!json_on_stderr) {
		/* Messages that already name the tool ("isorun create failed: ...",
		 * "isorun: \"kill\" requires ...") are not prefixed twice. */
		bool named =
		    str_has_prefix(msg, ISORUN_NAME ": ") || str_has_prefix(msg, ISORUN_NAME " ");
		fprintf(stderr, "%s%s\n", named ? "" : ISORUN_NAME ": ", msg);
		fflush(stderr);
	}
	err_free(e);
	return 1;
}

error *cmd_check_args(const struct command *cmd, size_t n)
{
	switch (cmd->check) {
	case ARGS_ANY:
		return NULL;
	case ARGS_EXACT:
		if (n != (size_t)cmd->min_args)
			return err_new(ISORUN_NAME ": \"%s\" requires exactly %d argument(s)",
				       cmd->name, cmd->min_args);
		return NULL;
	case ARGS_MIN_MAX:
		if (n < (size_t)cmd->min_args)
			return err_new(ISORUN_NAME ": \"%s\" requires a minimum of %d argument(s)",
				       cmd->name, cmd->min_args);
		if (n > (size_t)cmd->max_args)
			return err_new(ISORUN_NAME ": \"%s\" requires a maximum of %d argument(s)",
				       cmd->name, cmd->max_args);
		return NULL;
	}
	return NULL;
}

error *cmd_prepare_create(struct cmd_ctx *ctx)
{
	return cmd_resolve_rootless(ctx);
}

error *cmd_resolve_rootless(struct cmd_ctx *ctx)
{
	/* runc's "auto": not root, or root of a user namespace other than the
	 * initial one (with the cgroupfs driver runc cannot tell whether the
	 * cgroup paths are ours, so it expects permission errors there too).
	 * TODO(systemd driver): runc asks the user manager's OwnerUID instead. */
	ctx->rt.rootless = geteuid() != 0 || userns_running_in();
	const char *r = ctx->rootless_raw;
	if (!r || !strcmp(r, "auto"))
		return NULL;
	bool b;
	if (args_parse_go_bool(r, &b) < 0)
		return err_new("strconv.ParseBool: parsing \"%s\": invalid syntax", r);
	ctx->rt.rootless = b;
	return NULL;
}

error *cmd_container_id(const struct parsed_args *pa, const char **id)
{
	const char *s = pa->n_pos ? pa->pos[0] : "";
	error *e = state_validate_id(s);
	if (e)
		return e;
	*id = s;
	return NULL;
}

char *cmd_abs_path(const char *p)
{
	if (p[0] == '/')
		return path_clean(p);
	_cleanup_free_ char *cwd = getcwd(NULL, 0);
	return cwd ? path_join_clean(cwd, p) : NULL;
}
