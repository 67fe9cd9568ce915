/* Isolation reports read from the kernel: `isorun inspect` (what a live
 * container is isolated from, and how) and `isorun check` (what this host can
 * isolate). Both are a list of rows grouped by section; cmd/ prints them as
 * an aligned table or as JSON. Nothing here prints. */
#ifndef ISORUN_RUNTIME_INSPECT_H
#define ISORUN_RUNTIME_INSPECT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "runtime/container.h"

enum report_kind {
	RK_STRING,
	RK_NUMBER, /* value is a decimal integer (JSON number) */
	RK_LIST,   /* value is comma-separated (JSON array of strings) */
	RK_BOOL,   /* "true" / "false" */
};

struct report_field {
	char *name;
	char *value;
	enum report_kind kind;
};

/* One line of the report: e.g. section "resources", item "memory", state
 * "limited", fields limit=67108864 current=... */
struct report_row {
	char *section;
	char *item;
	char *state; /* private/shared, reserved/limited/best effort, yes/no...; may be NULL */
	struct report_field *fields;
	size_t n_fields;
};

struct report {
	struct report_row *rows;
	size_t n_rows;
	bool failed_alloc; /* set when an append ran out of memory */
};

/* Building a report (used by the collectors and by unit tests). */
struct report_row *report_row(struct report *r, const char *section, const char *item,
			      const char *state);
void report_field(struct report *r, struct report_row *row, const char *name, enum report_kind kind,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void report_free(struct report *r);

/* Rendering, as malloc'd text (NULL on ENOMEM): an aligned table grouped by
 * section (upper-case headings), or one JSON document {section: {item: ...}}
 * where an item is its state string when it has no fields, its single field's
 * value when that field is named like the item and there is no state, else an
 * object {"state": ..., field: value...} (numbers as numbers, lists as arrays). */
char *report_to_table(const struct report *r);
char *report_to_json(const struct report *r);

/* The report of container id: status "running" or "created" (a process to
 * read); missing: "container does not exist"; stopped: an error saying so.
 * Header rows (section "container") carry id, pid, status, bundle. */
error *inspect_container(const struct runtime_ctx *rt, const char *id, struct report *out);

/* Pure helpers, exposed for the unit tests. */
/* Capability names of a /proc/PID/status hex mask ("00000000a80425fb"), upper
 * case with CAP_ prefix, comma-separated, "" for none. malloc'd. */
char *inspect_caps_from_hex(const char *hex);
/* v1 "unlimited" (PAGE_COUNTER_MAX rounded) or v2 "max" -> true. */
bool inspect_is_unlimited(const char *value);
/* /proc/PID/mountinfo text: is the mount at "/" read-only; the masked paths
 * (/dev/null binds and read-only tmpfs under /proc and /sys) and read-only
 * paths (ro binds of proc/sysfs below /proc and /sys) as comma lists. */
error *inspect_parse_mountinfo(const char *text, bool *root_ro, char **masked, char **readonly);

#endif
