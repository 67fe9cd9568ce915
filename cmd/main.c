/* isorun's entry point: global flags, then one subcommand, the way runc's
 * urfave/cli app reads its argv. The only place that exits. */
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "runtime/cloned_binary.h"
#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"
#include "namespaces/namespaces.h"

#include "build/version.h" /* ISORUN_FULL_VERSION, ISORUN_COMMIT: by the Makefile */
#define ISORUN_SPEC_VERSION "1.3.0"

static void print_version(FILE *out)
{
	const struct scmp_version *sv = seccomp_version();
	fprintf(out, "%s version %s\ncommit: %s\nspec: %s\n", ISORUN_NAME, ISORUN_FULL_VERSION,
		ISORUN_COMMIT, ISORUN_SPEC_VERSION);
	if (sv)
		fprintf(out, "libseccomp: %u.%u.%u\n", sv->major, sv->minor, sv->micro);
}

static void print_app_help(FILE *out)
{
	fprintf(out, "NAME:\n   %s - %s\n\n%s\n\nUSAGE:\n   %s", ISORUN_NAME, isorun_summary,
		isorun_description, ISORUN_NAME);
	fputs(" [global options] command [command options] [arguments...]\n\nVERSION:\n   ", out);
	/* urfave prints the version block with the first line's "runc version"
	 * dropped; keep the same shape. */
	const struct scmp_version *sv = seccomp_version();
	fprintf(out, "%s\ncommit: %s\nspec: %s\n", ISORUN_FULL_VERSION, ISORUN_COMMIT,
		ISORUN_SPEC_VERSION);
	if (sv)
		fprintf(out, "libseccomp: %u.%u.%u\n", sv->major, sv->minor, sv->micro);
	fputs("\nCOMMANDS:\n", out);
	size_t width = strlen("help, h");
	for (size_t i = 0; i < isorun_n_commands; i++)
		if (strlen(isorun_commands[i]->name) > width)
			width = strlen(isorun_commands[i]->name);
	for (size_t i = 0; i < isorun_n_commands; i++)
		fprintf(out, "   %-*s  %s\n", (int)width, isorun_commands[i]->name,
			isorun_commands[i]->summary);
	fprintf(out, "   %-*s  %s\n", (int)width, "help, h",
		"Shows a list of commands or help for one command");
	fputs("\nGLOBAL OPTIONS:\n", out);
	cmd_print_flags(out, isorun_global_flags, isorun_n_global_flags);
}

/* runc's shouldHonorXDGRuntimeDir: a user, or root of a user namespace that
 * is not USER=root (rootless podman runs us so); the host's root keeps
 * /run even when its session sets XDG_RUNTIME_DIR=/run/user/0. */
static bool honor_xdg_runtime_dir(void)
{
	if (geteuid() != 0)
		return true;
	if (!userns_running_in())
		return false;
	const char *user = getenv("USER");
	return !user || strcmp(user, "root") != 0;
}

/* --root: absolute, like runc's filepath.Abs; the default depends on who runs us. */
static error *resolve_root(const char *flag, char **out)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	_cleanup_free_ char *dflt = NULL;
	if (!flag || !*flag) {
		if (xdg && *xdg && honor_xdg_runtime_dir())
			dflt = str_printf("%s/%s", xdg, ISORUN_NAME);
		else
			dflt = strdup("/run/" ISORUN_NAME);
		if (!dflt)
			return err_errno("--root");
		flag = dflt;
	}
	*out = cmd_abs_path(flag);
	return *out ? NULL : err_errno("--root %s", flag);
}

/* `isorun help [CMD]`: runc exits 3 for an unknown topic. */
static int help_command(int argc, char **argv)
{
	if (argc < 1) {
		print_app_help(stdout);
		return 0;
	}
	const struct command *c = cmd_find(argv[0]);
	if (!c) {
		cmd_report_error(err_new("No help topic for '%s'", argv[0]));
		return 3;
	}
	cmd_print_help(stdout, c);
	return 0;
}

static char **main_argv;

static int run_command(struct cmd_ctx *ctx, const struct command *c, int argc, char **argv)
{
	struct parsed_args pa;
	error *e = args_parse(c->flags, c->n_flags, argc, argv, c->in_order, &pa);
	if (e) {
		printf("Incorrect Usage: %s\n\n", err_msg(e));
		cmd_print_help(stdout, c);
		fflush(stdout);
		return cmd_report_error(e);
	}
	int status = 0;
	if (pa.help) {
		cmd_print_help(stdout, c);
	} else if ((e = cmd_check_args(c, pa.n_pos))) {
		fputs("Incorrect Usage.\n\n", stdout);
		cmd_print_help(stdout, c);
		fflush(stdout);
		status = cmd_report_error(e);
	} else if ((e = c->run(ctx, c, &pa))) {
		status = cmd_report_error(e);
	} else {
		status = ctx->exit_status;
	}
	args_free(&pa);
	return status;
}

/* Everything after the global flags parsed; returns the exit status. */
static int dispatch(const struct parsed_args *g)
{
	if (g->help || args_bool(g, "help")) {
		print_app_help(stdout);
		return 0;
	}
	if (args_bool(g, "version")) {
		print_version(stdout);
		return 0;
	}
	const char *format = args_str(g, "log-format");
	if (format && strcmp(format, "text") && strcmp(format, "json"))
		return cmd_report_error(err_new("invalid log-format: %s", format));
	bool json = format && !strcmp(format, "json");
	error *e = log_init(args_str(g, "log"), json, args_bool(g, "debug"));
	if (e)
		return cmd_report_error(e);
	cmd_set_json_stderr(json && !log_to_file());

	if (g->n_pos == 0) {
		print_app_help(stdout);
		return 0;
	}
	if (!strcmp(g->pos[0], "help") || !strcmp(g->pos[0], "h"))
		return help_command((int)g->n_pos - 1, (char **)g->pos + 1);
	const struct command *c = cmd_find(g->pos[0]);
	if (!c)
		return cmd_report_error(err_new("'%s' is not an %s command; see '%s --help'",
						g->pos[0], ISORUN_NAME, ISORUN_NAME));
	_cleanup_free_ char *root = NULL;
	if ((e = resolve_root(args_str(g, "root"), &root)))
		return cmd_report_error(e);
	struct cmd_ctx ctx = {
	    .rt =
		{
		    .root = root,
		    .systemd_cgroup = args_bool(g, "systemd-cgroup"),
		    .debug = args_bool(g, "debug"),
		    .criu = args_str(g, "criu"),
		},
	    .rootless_raw = args_str(g, "rootless"),
	};
	/* The commands whose processes enter a container run from a sealed copy
	 * of the binary (CVE-2019-5736); see runtime/cloned_binary.h. */
	if (c == &cmd_create || c == &cmd_run || c == &cmd_exec) {
		if ((e = ensure_cloned_binary(main_argv)))
			return cmd_report_error(e);
	}
	/* create/run reject a bad --rootless; the other commands do not care (like
	 * runc) and keep the default. */
	err_free(cmd_resolve_rootless(&ctx));
	return run_command(&ctx, c, (int)g->n_pos - 1, (char **)g->pos + 1);
}

int main(int argc, char **argv)
{
	log_start_clock();
	main_argv = argv;
	struct parsed_args g;
	error *e =
	    args_parse(isorun_global_flags, isorun_n_global_flags, argc - 1, argv + 1, true, &g);
	if (e) {
		printf("Incorrect Usage. %s\n\n", err_msg(e));
		print_app_help(stdout);
		fflush(stdout);
		return cmd_report_error(e);
	}
	int status = dispatch(&g);
	args_free(&g);
	if (fflush(stdout) != 0 && status == 0)
		status = 1;
	log_close();
	return status;
}
