/* What the score's experiments share (internal to lab/score*.c): the context they run
 * in, the row builders, the counting workloads, and one entry point per heading of
 * score_plan. score.c defines the helpers and runs the headings in order. */
#ifndef ISORUN_LAB_SCORE_EXPERIMENTS_H
#define ISORUN_LAB_SCORE_EXPERIMENTS_H

#include <stdint.h>

#include "common/error.h"
#include "lab/score.h"
#include "lab/score_env.h"
#include "spec/config.h"

struct score_ctx {
	struct score_env *env;
	struct score *s;
	long long alone; /* the cpu loop's count inside, alone (for the neighbours) */
};

/* The counting loops run this long; the CPU-bound loop's body (empty: only the count). */
#define SCORE_SPIN_S 1.0
extern const char score_cpu_body[];

/* Appends a row for plan step `name`; the texts are printf formats. NULL on ENOMEM (the
 * helpers below accept it). */
struct score_row *score_add_row(struct score *s, const char *name, enum score_grade g,
				const char *verdict, const char *knob, const char *did_fmt, ...)
    __attribute__((format(printf, 6, 7)));
void score_measured(struct score_row *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void score_chart(struct score_row *r, double value, const char *vlabel, double ref,
		 const char *rlabel, const char *unit);
/* A row for an experiment that could not run: SKIP with the error (freed). */
void score_skip_row(struct score *s, const char *name, const char *knob, error *e);

/* A busybox sh loop that counts iterations of `body` for `secs` seconds, prints the count
 * (malloc'd, NULL on ENOMEM). */
char *score_spin_script(const char *body, double secs);
/* The first line of text that is a number, or -1. */
long long score_first_number(const char *text);
/* The loop's count in a container `name` of the score, or on the host (busybox sh). */
error *score_count_inside(struct score_env *env, const char *name, const char *body, double secs,
			  long long *count);
error *score_count_outside(struct score_env *env, const char *body, double secs, long long *count);
/* linux.resources.pids.limit, 0 when none. */
int64_t score_pids_limit(const struct oci_config *cfg);

/* The experiments of each heading, in plan order. */
void score_efficient_rows(struct score_ctx *c); /* score_efficient.c */
void score_resource_rows(struct score_ctx *c);	/* score_isolation.c */
void score_fault_rows(struct score_ctx *c);	/* score_isolation.c */
void score_security_rows(struct score_ctx *c);	/* score_security.c */
void score_control_rows(struct score_ctx *c);	/* score_control.c */

#endif
