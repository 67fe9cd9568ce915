/* The score's plan (its experiments, as data), the rows and the workloads its
 * experiments share, and score_run, which runs the experiments heading by heading
 * (lab/score_efficient.c, score_isolation.c, score_security.c, score_control.c). Each
 * experiment runs busybox workloads in containers made from the copy of the config
 * (lab/score_env.c), measures from outside where it can (cgroup files, /proc, wall time),
 * and turns the measurement into a row. Every workload is bounded in time and size so
 * that a missing limit shows as a verdict, never as harm to the host: the fork bomb has a
 * fixed depth, the memory hog a fixed size. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "lab/score.h"
#include "lab/score_env.h"
#include "lab/score_experiments.h"

const struct score_step score_plan[] = {
    {"efficient", "cpu-loop", "a busybox sh counting loop, 1 s on the host and 1 s inside"},
    {"efficient", "syscall-loop", "a loop of open/dup/close (`: </dev/null`), host vs inside"},
    {"efficient", "start", "container run of `true` vs a bare clone() into the same namespaces"},
    {"isolated, resource", "cpu", "the cpu loop next to a noisy neighbour (2 spinning loops)"},
    {"isolated, resource", "memory", "a bounded memory hog (head -c | tail) against the limit"},
    {"isolated, resource", "pids", "a bounded burst of processes against pids.max"},
    {"isolated, fault", "oom", "a memory hog inside while a neighbour counts"},
    {"isolated, fault", "fork-bomb", "a depth-bounded fork bomb while a neighbour counts"},
    {"isolated, security", "hostname", "the UTS namespace inside vs the host's"},
    {"isolated, security", "pid-1", "the shell's pid and PID namespace inside"},
    {"isolated, security", "network", "the network namespace and interfaces inside"},
    {"isolated, security", "readonly-path", "write /proc/sys/kernel/hostname (its own value)"},
    {"isolated, security", "masked-path", "read /proc/timer_list"},
    {"isolated, security", "readonly-root", "create a file in / (the score's overlay copy)"},
    {"isolated, security", "syscall", "unshare(CLONE_NEWUSER), denied by the default profile"},
    {"isolated, security", "capability", "chown a file of its own to uid 1000 (CAP_CHOWN)"},
    {"isolated, security", "device", "mknod + read /dev/kmsg (c 1:11), not in the allow list"},
    {"complete control", "update", "isorun update --pids-limit lowers pids.max at run time"},
    {"complete control", "freeze", "isorun pause: the spinning init's CPU time stops"},
    {"complete control", "kill-all", "isorun kill --all KILL: every process gone"},
    {"complete control", "reclaim", "isorun delete: no state, cgroup or process left"},
};
const size_t score_plan_len = ARRAY_SIZE(score_plan);

const char *score_grade_name(enum score_grade g)
{
	static const char *const n[] = {"PASS", "WEAK", "FAIL", "INFO", "SKIP"};
	return g <= SG_SKIP ? n[g] : "?";
}

static char *vfmt(const char *fmt, va_list ap)
{
	char *s = NULL;
	return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

/* Appends a row for plan step `name`; the texts are printf formats. */
struct score_row *score_add_row(struct score *s, const char *name, enum score_grade g,
				const char *verdict, const char *knob, const char *did_fmt, ...)
{
	struct score_row *rows = realloc(s->rows, (s->n_rows + 1) * sizeof(*rows));
	if (!rows)
		return NULL;
	s->rows = rows;
	struct score_row *r = &rows[s->n_rows++];
	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < score_plan_len; i++)
		if (!strcmp(score_plan[i].name, name)) {
			r->heading = score_plan[i].heading;
			r->name = score_plan[i].name;
		}
	va_list ap;
	va_start(ap, did_fmt);
	r->did = vfmt(did_fmt, ap);
	va_end(ap);
	r->grade = g;
	r->verdict = strdup(verdict);
	r->knob = strdup(knob);
	return r;
}

void score_measured(struct score_row *r, const char *fmt, ...)
{
	if (!r)
		return;
	va_list ap;
	va_start(ap, fmt);
	free(r->measured);
	r->measured = vfmt(fmt, ap);
	va_end(ap);
}

void score_chart(struct score_row *r, double value, const char *vlabel, double ref,
		 const char *rlabel, const char *unit)
{
	if (!r)
		return;
	r->has_chart = true;
	r->value = value;
	r->reference = ref;
	r->value_label = vlabel;
	r->reference_label = rlabel;
	r->unit = unit;
}

/* A row for an experiment that could not run: SKIP with the error. */
void score_skip_row(struct score *s, const char *name, const char *knob, error *e)
{
	struct score_row *r =
	    score_add_row(s, name, SG_SKIP, "not measured", knob, "%s", "(could not run)");
	score_measured(r, "%s", e ? err_msg(e) : "");
	err_free(e);
}

/* ------------------------------------------------------------------ workloads */

/* Counts loop iterations of `body` for `secs` seconds, prints the count. */
char *score_spin_script(const char *body, double secs)
{
	return str_printf("i=0; trap 'echo $i; exit 0' TERM; (sleep %.1f; kill $$) & "
			  "while :; do %s i=$((i+1)); done",
			  secs, body);
}

long long score_first_number(const char *text)
{
	long long v = -1;
	for (const char *p = text; p && *p; p++)
		if (*p >= '0' && *p <= '9' && (p == text || p[-1] == '\n')) {
			char *end;
			v = strtoll(p, &end, 10);
			if (*end == '\n' || !*end)
				return v;
		}
	return -1;
}

error *score_count_inside(struct score_env *env, const char *name, const char *body, double secs,
			  long long *count)
{
	_cleanup_free_ char *script = score_spin_script(body, secs);
	_cleanup_free_ char *out = NULL;
	int st;
	if (!script)
		return err_sys(ENOMEM, "score");
	error *e = score_ctr_run(env, name, script, secs + 15, &out, &st, NULL);
	if (e)
		return e;
	*count = score_first_number(out);
	if (st != 0 || *count < 0)
		return err_new("%s: exit status %d: %.200s", name, st, out);
	return NULL;
}

error *score_count_outside(struct score_env *env, const char *body, double secs, long long *count)
{
	if (!env->busybox)
		return err_new("no busybox on the host to compare with");
	_cleanup_free_ char *script = score_spin_script(body, secs);
	_cleanup_free_ char *out = NULL;
	int st;
	if (!script)
		return err_sys(ENOMEM, "score");
	const char *argv[] = {env->busybox, "sh", "-c", script, NULL};
	error *e = score_spawn((char *const *)argv, NULL, secs + 10, &out, &st, NULL);
	if (e)
		return e;
	*count = score_first_number(out);
	if (st != 0 || *count < 0)
		return err_new("host loop: exit status %d: %.200s", st, out);
	return NULL;
}
const char score_cpu_body[] = "";

int64_t score_pids_limit(const struct oci_config *cfg)
{
	const struct oci_resources *res = cfg->linux_.has_resources ? &cfg->linux_.resources : NULL;
	return res && res->has_pids && res->pids_limit > 0 ? res->pids_limit : 0;
}

/* ------------------------------------------------------------------ the plan */

error *score_run(const struct score_opts *o, struct score *out)
{
	memset(out, 0, sizeof(*out));
	double t0 = score_now();
	struct score_env env;
	error *e = score_env_setup(&env, o->bundle ? o->bundle : ".", o->self);
	if (e) {
		score_env_teardown(&env);
		return e;
	}
	out->bundle = strdup(env.cfg->bundle ? env.cfg->bundle : ".");
	struct score_ctx c = {&env, out, -1};
	/* in the order of score_plan */
	score_efficient_rows(&c);
	score_resource_rows(&c);
	score_fault_rows(&c);
	score_security_rows(&c);
	score_control_rows(&c);
	score_env_teardown(&env);
	out->seconds = score_now() - t0;
	return NULL;
}

void score_free(struct score *s)
{
	for (size_t i = 0; i < s->n_rows; i++) {
		free(s->rows[i].did);
		free(s->rows[i].measured);
		free(s->rows[i].verdict);
		free(s->rows[i].knob);
	}
	free(s->rows);
	free(s->bundle);
	memset(s, 0, sizeof(*s));
}
