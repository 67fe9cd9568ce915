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

#ifndef ISORUN_VERSION
#define ISORUN_VERSION "0.1.0"
#endif
#ifndef ISORUN_COMMIT
#define ISORUN_COMMIT "unknown"
#endif
#define ISORUN_SPEC_VERSION "1.2.0"

static const struct command *const commands[] = {
    &cmd_create, &cmd_delete, &cmd_kill,    &cmd_list,	 &cmd_run,    &cmd_spec,
    &cmd_start,	 &cmd_state,  &cmd_inspect, &cmd_check,	 &cmd_exec,   &cmd_features,
    &cmd_events, &cmd_pause,  &cmd_ps,	    &cmd_resume, &cmd_update,
};

static const struct flag_def global_flags[] = {
    {"debug", NULL, FLAG_BOOL, "enable debug logging"},
    {"log", NULL, FLAG_STRING,
     "set the log file to write " ISORUN_NAME " logs to (default is '/dev/stderr')"},
    {"log-format", NULL, FLAG_STRING,
     "set the log format ('text' (default), or 'json') (default: \"text\")"},
    {"root", NULL, FLAG_STRING,
     "root directory for storage of container state (this should be located in tmpfs) "
     "(default: \"/run/" ISORUN_NAME "\", or $XDG_RUNTIME_DIR/" ISORUN_NAME " when not root)"},
    {"criu", NULL, FLAG_STRING,
     "path to the criu binary used for checkpoint and restore (default: \"criu\")"},
    {"systemd-cgroup", NULL, FLAG_BOOL,
     "enable systemd cgroup support, expects cgroupsPath to be of form \"slice:prefix:name\" "
     "for e.g. \"system.slice:" ISORUN_NAME ":434234\" (not supported yet)"},
    {"rootless", NULL, FLAG_STRING,
     "ignore cgroup permission errors ('true', 'false', or 'auto') (default: \"auto\")"},
    {"help", "h", FLAG_BOOL, "show help"},
    {"version", "v", FLAG_BOOL, "print the version"},
};

static void print_version(FILE *out)
{
	const struct scmp_version *sv = seccomp_version();
	fprintf(out, "%s version %s\ncommit: %s\nspec: %s\n", ISORUN_NAME, ISORUN_VERSION,
		ISORUN_COMMIT, ISORUN_SPEC_VERSION);
	if (sv)
		fprintf(out, "libseccomp: %u.%u.%u\n", sv->major, sv->minor, sv->micro);
}

static void print_app_help(FILE *out)
{
	fputs("NAME:\n   " ISORUN_NAME " - Open Container Initiative runtime\n\n" ISORUN_NAME
	      " is a command line client for running applications packaged according to\n"
	      "the Open Container Initiative (OCI) format and is a compliant implementation of "
	      "the\nOpen Container Initiative specification, written in C as a drop-in "
	      "replacement\nfor runc.\n\n"
	      "Containers are configured using bundles. A bundle for a container is a directory\n"
	      "that includes a specification file named \"config.json\" and a root filesystem.\n"
	      "The root filesystem contains the contents of the container.\n\n"
	      "To start a new instance of a container:\n\n"
	      "    # " ISORUN_NAME " run [ -b bundle ] <container-id>\n\n"
	      "Where \"<container-id>\" is your name for the instance of the container that you\n"
	      "are starting. The name you provide for the container instance must be unique on\n"
	      "your host. Providing the bundle directory using \"-b\" is optional. The default\n"
	      "value for \"bundle\" is the current directory.\n\n"
	      "USAGE:\n   " ISORUN_NAME
	      " [global options] command [command options] [arguments...]\n\nVERSION:\n   ",
	      out);
	/* urfave prints the version block with the first line's "runc version"
	 * dropped; keep the same shape. */
	const struct scmp_version *sv = seccomp_version();
	fprintf(out, "%s\ncommit: %s\nspec: %s\n", ISORUN_VERSION, ISORUN_COMMIT,
		ISORUN_SPEC_VERSION);
	if (sv)
		fprintf(out, "libseccomp: %u.%u.%u\n", sv->major, sv->minor, sv->micro);
	fputs("\nCOMMANDS:\n", out);
	size_t width = strlen("help, h");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strlen(commands[i]->name) > width)
			width = strlen(commands[i]->name);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "   %-*s  %s\n", (int)width, commands[i]->name, commands[i]->summary);
	fprintf(out, "   %-*s  %s\n", (int)width, "help, h",
		"Shows a list of commands or help for one command");
	fputs("\nGLOBAL OPTIONS:\n", out);
	cmd_print_flags(out, global_flags, ARRAY_SIZE(global_flags));
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

/* --root: absolute, like runc's filepath.Abs; the default depends on who runs us. */
static error *resolve_root(const char *flag, char **out)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	_cleanup_free_ char *dflt = NULL;
	if (!flag || !*flag) {
		if (geteuid() != 0 && xdg && *xdg)
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
	const struct command *c = find_command(argv[0]);
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
	const struct command *c = find_command(g->pos[0]);
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
	main_argv = argv;
	struct parsed_args g;
	error *e = args_parse(global_flags, ARRAY_SIZE(global_flags), argc - 1, argv + 1, true, &g);
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
