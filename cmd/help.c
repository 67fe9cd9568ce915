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
	/* Go's tabwriter aligns a column per block of consecutive lines that
	 * contain a tab: a multi-line help text ends the block after its first
	 * line, so the flags after it are measured on their own. */
	char label[128];
	size_t start = 0;
	while (start < n) {
		size_t end = start, width = 0;
		for (;;) {
			flag_label(&flags[end], label, sizeof(label));
			if (strlen(label) > width)
				width = strlen(label);
			if (strchr(flags[end].help, '\n') || ++end == n)
				break;
		}
		if (end < n)
			end++; /* the multi-line flag closes its block */
		for (size_t i = start; i < end; i++) {
			flag_label(&flags[i], label, sizeof(label));
			fprintf(out, "   %-*s  %s\n", (int)width, label, flags[i].help);
		}
		start = end;
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
