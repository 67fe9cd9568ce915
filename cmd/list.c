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

char *list_format_table(const struct container_info *cs, size_t n)
{
	/* Row 0 is the header; every cell is a malloc'd string. */
	size_t rows = n + 1;
	_cleanup_free_ char **cells = calloc(rows * N_COLS, sizeof(char *));
	if (!cells)
		return NULL;
	static const char *const header[N_COLS] = {"ID",     "PID",	"STATUS",
						   "BUNDLE", "CREATED", "OWNER"};
	bool ok = true;
	for (size_t c = 0; c < N_COLS; c++)
		ok &= (cells[c] = strdup(header[c])) != NULL;
	for (size_t r = 1; r < rows && ok; r++) {
		const struct container_info *ci = &cs[r - 1];
		char **row = &cells[r * N_COLS];
		row[0] = strdup(ci->id ? ci->id : "");
		row[1] = str_printf("%d", (int)ci->pid);
		row[2] = strdup(container_status_name(ci->status));
		row[3] = strdup(ci->bundle ? ci->bundle : "");
		row[4] = strdup(ci->created ? ci->created : "");
		row[5] = strdup(ci->owner ? ci->owner : "");
		for (size_t c = 0; c < N_COLS; c++)
			ok &= row[c] != NULL;
	}
	char *out = NULL;
	size_t out_len = 0;
	FILE *f = ok ? open_memstream(&out, &out_len) : NULL;
	if (f) {
		size_t width[N_COLS] = {0};
		for (size_t c = 0; c < N_COLS - 1; c++) {
			width[c] = MIN_WIDTH;
			for (size_t r = 0; r < rows; r++) {
				size_t w = utf8_width(cells[r * N_COLS + c]) + PADDING;
				if (w > width[c])
					width[c] = w;
			}
		}
		/* The last column ends the line, so tabwriter leaves it unpadded. */
		for (size_t r = 0; r < rows; r++) {
			for (size_t c = 0; c < N_COLS; c++) {
				const char *s = cells[r * N_COLS + c];
				fputs(s, f);
				if (c < N_COLS - 1)
					fprintf(f, "%*s", (int)(width[c] - utf8_width(s)), "");
			}
			fputc('\n', f);
		}
		if (fclose(f) != 0) {
			free(out);
			out = NULL;
		}
	}
	for (size_t i = 0; i < rows * N_COLS; i++)
		free(cells[i]);
	return out;
}

/* runc's containerState per entry, compact, in an array; an empty list is Go's
 * nil slice: "null". */
static char *format_json(const struct container_info *cs, size_t n)
{
	if (n == 0)
		return strdup("null");
	char *out = NULL;
	size_t out_len = 0;
	FILE *f = open_memstream(&out, &out_len);
	if (!f)
		return NULL;
	bool ok = true;
	fputc('[', f);
	for (size_t i = 0; i < n && ok; i++) {
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
			ok = false;
		else
			fprintf(f, "%s%s", i ? "," : "", one);
	}
	fputc(']', f);
	if (fclose(f) != 0 || !ok) {
		free(out);
		return NULL;
	}
	return out;
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
	_cleanup_free_ char *text = NULL;
	if (args_bool(pa, "quiet")) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", cs[i].id ? cs[i].id : "");
	} else if (!strcmp(format, "table")) {
		text = list_format_table(cs, n);
		if (!text)
			e = err_sys(ENOMEM, "formatting the list");
		else
			fputs(text, stdout);
	} else if (!strcmp(format, "json")) {
		text = format_json(cs, n);
		if (!text)
			e = err_sys(ENOMEM, "formatting the list");
		else
			printf("%s\n", text);
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
