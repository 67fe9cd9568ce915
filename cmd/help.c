/* Help text laid out like urfave/cli v1's templates, which runc's users and docs
 * know: flags in a column padded to the widest entry plus two spaces. */
#include <string.h>

#include "cmd/cmd.h"

/* "--bundle value, -b value" / "--detach, -d" */
static void flag_label(const struct flag_def *f, char *out, size_t len)
{
	const char *v = f->kind == FLAG_BOOL ? "" : " value";
	if (f->alias)
		snprintf(out, len, "--%s%s, -%s%s", f->name, v, f->alias, v);
	else
		snprintf(out, len, "--%s%s", f->name, v);
}

void cmd_print_flags(FILE *out, const struct flag_def *flags, size_t n)
{
	char label[128];
	size_t width = 0;
	for (size_t i = 0; i < n; i++) {
		flag_label(&flags[i], label, sizeof(label));
		if (strlen(label) > width)
			width = strlen(label);
	}
	for (size_t i = 0; i < n; i++) {
		flag_label(&flags[i], label, sizeof(label));
		fprintf(out, "   %-*s  %s\n", (int)width, label, flags[i].help);
	}
}

void cmd_print_help(FILE *out, const struct command *cmd)
{
	fprintf(out, "NAME:\n   %s %s - %s\n\n", ISORUN_NAME, cmd->name, cmd->summary);
	fprintf(out, "USAGE:\n   %s %s%s %s\n", ISORUN_NAME, cmd->name,
		cmd->n_flags ? " [command options]" : "",
		cmd->args_usage ? cmd->args_usage : "[arguments...]");
	if (cmd->description)
		fprintf(out, "\nDESCRIPTION:\n   %s\n", cmd->description);
	if (cmd->n_flags) {
		fputs("\nOPTIONS:\n", out);
		cmd_print_flags(out, cmd->flags, cmd->n_flags);
		/* urfave's template leaves an indented empty line here. */
		fputs("   \n", out);
	}
}
