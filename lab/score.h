/* `isorun lab score`: a fixed plan of short experiments run against a copy of
 * a bundle's config, each measuring one part of "an efficient, isolated
 * duplicate of the machine, under the runtime's complete control" and giving
 * a verdict that names the config knob deciding it. The experiments run real
 * containers by calling this binary (/proc/self/exe) with a private --root,
 * on an overlay of the bundle's rootfs, so nothing of the user's changes.
 * Nothing here prints: the result is a list of rows that score_render.c turns
 * into a table, JSON or an HTML page. */
#ifndef ISORUN_LAB_SCORE_H
#define ISORUN_LAB_SCORE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

enum score_grade {
	SG_PASS, /* the property holds */
	SG_WEAK, /* holds only partly, or best effort (nothing guarantees it) */
	SG_FAIL, /* does not hold */
	SG_INFO, /* a measurement without a pass/fail claim */
	SG_SKIP, /* could not be measured here (the reason is in `measured`) */
};

struct score_row {
	const char *heading; /* "efficient", "isolated, resource", ... (static) */
	const char *name;    /* short, stable: "cpu-loop", "pid-1" (static) */
	char *did;	     /* what the experiment did */
	char *measured;	     /* what it measured, with the numbers */
	enum score_grade grade;
	char *verdict; /* "private", "limited, holds", "refused", ... */
	char *knob;    /* the config knob that decides it, and the spec flag */
	/* For the charts: a value and what it compares with (same unit), or
	 * has_chart false. */
	bool has_chart;
	double value, reference;
	const char *value_label, *reference_label, *unit; /* static */
};

struct score {
	char *bundle; /* absolute */
	double seconds;
	struct score_row *rows;
	size_t n_rows;
};

struct score_opts {
	const char *bundle; /* NULL: "." */
	const char *self;   /* the isorun binary to run the containers with */
};

/* Runs the whole plan. Fails only when the experiments cannot run at all (no
 * config, no overlay for the rootfs copy); a failing experiment is a row. */
error *score_run(const struct score_opts *o, struct score *out);
void score_free(struct score *s);

/* The experiments, in order, as data (for `lab score --help` and the docs). */
struct score_step {
	const char *heading, *name, *what;
};
extern const struct score_step score_plan[];
extern const size_t score_plan_len;

const char *score_grade_name(enum score_grade g); /* "PASS", "WEAK", ... */

/* Rendering (lab/score_render.c): malloc'd text, NULL on ENOMEM. */
char *score_to_table(const struct score *s);
char *score_to_json(const struct score *s);
char *score_to_html(const struct score *s);

#endif
