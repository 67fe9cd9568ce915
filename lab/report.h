/* The report model shared by `isorun inspect` and `isorun check`: rows
 * grouped by section, each with a state and named fields, rendered as an
 * aligned table or as one JSON document. Nothing here prints. */
#ifndef ISORUN_LAB_REPORT_H
#define ISORUN_LAB_REPORT_H

#include <stdbool.h>
#include <stddef.h>

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
/* The row appended last (for adding fields to it), NULL in an empty report. */
#define LAST(r) ((r)->n_rows ? &(r)->rows[(r)->n_rows - 1] : NULL)

/* Rendering, as malloc'd text (NULL on ENOMEM): an aligned table grouped by
 * section (upper-case headings), or one JSON document {section: {item: ...}}
 * where an item is its state string when it has no fields, its single field's
 * value when that field is named like the item and there is no state, else an
 * object {"state": ..., field: value...} (numbers as numbers, lists as arrays). */
char *report_to_table(const struct report *r);
char *report_to_json(const struct report *r);

#endif
