/* isorun list [--format table|json] [--quiet]. */
#include "cmd/list.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "common/cleanup.h"
#include "common/util.h"
#include "spec/state_json.h"

enum { N_COLS = 6, MIN_WIDTH = 12, PADDING = 3 };

/* Width as tabwriter counts it: runes, not bytes. */
static size_t utf8_width(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Row r's cell c; row 0 is the header. pid is scratch for the PID cell. */
static const char *cell(const struct container_info *cs, size_t r, size_t c, char pid[16])
{
	static const char *const header[N_COLS] = {"ID",     "PID",	"STATUS",
						   "BUNDLE", "CREATED", "OWNER"};
	if (r == 0)
		return header[c];
	const struct container_info *ci = &cs[r - 1];
	switch (c) {
	case 0:
		return ci->id ? ci->id : "";
	case 1:
		snprintf(pid, 16, "%d", (int)ci->pid);
		return pid;
	case 2:
		return container_status_name(ci->status);
	case 3:
		return ci->bundle ? ci->bundle : "";
	case 4:
		return ci->created ? ci->created : "";
	default:
		return ci->owner ? ci->owner : "";
	}
}

/* Straight to f, without a copy of the cells or of the text: `list` at a
 * thousand containers stays within its memory budget. */
int list_write_table(FILE *f, const struct container_info *cs, size_t n)
{
	size_t rows = n + 1, width[N_COLS] = {0};
	char pid[16];
	for (size_t c = 0; c < N_COLS - 1; c++) {
		width[c] = MIN_WIDTH;
		for (size_t r = 0; r < rows; r++) {
			size_t w = utf8_width(cell(cs, r, c, pid)) + PADDING;
			if (w > width[c])
				width[c] = w;
		}
	}
	/* The last column ends the line, so tabwriter leaves it unpadded. */
	for (size_t r = 0; r < rows; r++) {
		for (size_t c = 0; c < N_COLS; c++) {
			const char *s = cell(cs, r, c, pid);
			fputs(s, f);
			if (c < N_COLS - 1)
				fprintf(f, "%*s", (int)(width[c] - utf8_width(s)), "");
		}
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}

char *list_format_table(const struct container_info *cs, size_t n)
{
	char *out = NULL;
	size_t out_len = 0;
	FILE *f = open_memstream(&out, &out_len);
	if (!f)
		return NULL;
	int r = list_write_table(f, cs, n);
	if (fclose(f) != 0 || r < 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* runc's containerState per entry, compact, in an array; an empty list is Go's
 * nil slice: "null". */
static int write_json(FILE *f, const struct container_info *cs, size_t n)
{
	if (n == 0) {
		fputs("null\n", f);
		return ferror(f) ? -1 : 0;
	}
	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		const struct container_info *ci = &cs[i];
		struct str_map ann = {
		    .keys = ci->annotation_keys,
		    .values = ci->annotation_values,
		    .n = strv_len(ci->annotation_keys),
		};
		struct oci_state st = {
		    .oci_version = ci->oci_version ? ci->oci_version : "",
		    .id = ci->id ? ci->id : "",
		    .status = ci->status,
		    .pid = ci->pid,
		    .bundle = ci->bundle ? ci->bundle : "",
		    .rootfs = ci->rootfs ? ci->rootfs : "",
		    .created = ci->created ? ci->created : "",
		    .owner = ci->owner ? ci->owner : "",
		    .annotations = ann.n ? &ann : NULL,
		};
		_cleanup_free_ char *one = oci_state_to_json(&st, false);
		if (!one)
			return -1;
		fprintf(f, "%s%s", i ? "," : "", one);
	}
	fputs("]\n", f);
	return ferror(f) ? -1 : 0;
}

static const struct flag_def list_flags[] = {
    {"format", "f", FLAG_STRING, "select one of: table or json (default: \"table\")"},
    {"quiet", "q", FLAG_BOOL, "display only container IDs"},
};

static error *run_list(struct cmd_ctx *ctx, const struct command *cmd, const struct parsed_args *pa)
{
	(void)cmd;
	const char *format = args_str(pa, "format");
	if (!format)
		format = "table";
	struct container_info *cs = NULL;
	size_t n = 0;
	error *e = container_list(&ctx->rt, &cs, &n);
	if (e)
		return e;
	if (args_bool(pa, "quiet")) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", cs[i].id ? cs[i].id : "");
	} else if (!strcmp(format, "table")) {
		if (list_write_table(stdout, cs, n) < 0)
			e = err_sys(errno ? errno : ENOMEM, "writing the list");
	} else if (!strcmp(format, "json")) {
		if (write_json(stdout, cs, n) < 0)
			e = err_sys(errno ? errno : ENOMEM, "writing the list");
	} else {
		e = err_new("invalid format option");
	}
	for (size_t i = 0; i < n; i++)
		container_info_free(&cs[i]);
	free(cs);
	return e;
}

const struct command cmd_list = {
    .name = "list",
    .summary = "lists containers started by " ISORUN_NAME " with the given root",
    .args_usage = "\n\n"
		  "Where the given root is specified via the global option \"--root\"\n"
		  "(default: \"/run/" ISORUN_NAME "\").\n\n"
		  "EXAMPLE 1:\n"
		  "To list containers created via the default \"--root\":\n"
		  "       # " ISORUN_NAME " list\n\n"
		  "EXAMPLE 2:\n"
		  "To list containers created using a non-default value for \"--root\":\n"
		  "       # " ISORUN_NAME " --root value list",
    .flags = list_flags,
    .n_flags = ARRAY_SIZE(list_flags),
    .check = ARGS_EXACT,
    .min_args = 0,
    .run = run_list,
};
