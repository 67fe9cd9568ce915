/* The score's "isolated, resource" experiments (a CPU share under a noisy neighbour, the
 * memory limit, pids.max) and "isolated, fault" ones (an OOM and a fork bomb inside
 * while a neighbour counts): they share the limits' readers and the memory hog. */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "lab/score.h"
#include "lab/score_env.h"
#include "lab/score_experiments.h"

/* ------------------------------------------------------------------ resource */

static const char *cpu_state(const struct oci_config *cfg, char *buf, size_t n)
{
	const struct oci_resources *res = cfg->linux_.has_resources ? &cfg->linux_.resources : NULL;
	const struct oci_cpu *cpu = res && res->has_cpu ? &res->cpu : NULL;
	if (cpu && cpu->quota.set && cpu->quota.value > 0) {
		uint64_t period = cpu->period.set ? cpu->period.value : 100000;
		snprintf(buf, n, "limited (quota %.2f CPUs)",
			 (double)cpu->quota.value / (double)period);
	} else if (cpu && cpu->shares.set && cpu->shares.value > 1024) {
		snprintf(buf, n, "reserved (shares %llu > 1024)",
			 (unsigned long long)cpu->shares.value);
	} else if (cpu && cpu->cpus && *cpu->cpus) {
		snprintf(buf, n, "limited (cpuset %s)", cpu->cpus);
	} else {
		snprintf(buf, n, "best effort (no quota, default weight)");
	}
	return buf;
}

/* Starts a neighbour running n spinning loops (in the same config). */
static error *noisy(struct score_env *env, const char *name, int n)
{
	_cleanup_free_ char *script =
	    str_printf("for i in $(seq %d); do (while :; do :; done) & done; sleep 30", n);
	return script ? score_ctr_start(env, name, script, NULL) : err_sys(ENOMEM, "score");
}

static void cpu_row(struct score_ctx *c)
{
	const char *knob = "linux.resources.cpu (quota/period, shares; isorun spec --cpus)";
	char st[96];
	cpu_state(c->env->cfg, st, sizeof(st));
	long long with = -1;
	error *e = c->alone > 0 ? NULL : err_new("no baseline (the cpu loop did not run)");
	if (!e)
		e = noisy(c->env, "noisy", 2);
	if (!e) {
		usleep(200000);
		e = score_count_inside(c->env, "cpu", score_cpu_body, SCORE_SPIN_S, &with);
	}
	err_free(score_ctr_delete(c->env, "noisy"));
	if (e)
		return score_skip_row(c->s, "cpu", knob, e);
	double ratio = (double)with / (double)c->alone;
	bool limited = !str_has_prefix(st, "best effort");
	/* best effort stays WEAK whatever this run measured: nothing guarantees it */
	enum score_grade g = !limited ? SG_WEAK : ratio >= 0.7 ? SG_PASS : SG_FAIL;
	char verdict[160];
	snprintf(verdict, sizeof(verdict), "%s, %s", st,
		 ratio >= 0.7 ? "throughput held" : "throughput lost");
	struct score_row *r =
	    score_add_row(c->s, "cpu", g, verdict, knob,
			  "ran the cpu loop for %.0f s next to a neighbour container (same config) "
			  "spinning 2 loops",
			  SCORE_SPIN_S);
	score_measured(r,
		       "with neighbour / alone = %.2f (%lld vs %lld; PASS >= 0.70 and a limit or "
		       "reservation set; without one it is best effort: WEAK)",
		       ratio, with, c->alone);
	score_chart(r, (double)with, "with neighbour", (double)c->alone, "alone", "iterations/s");
}

static int64_t mem_limit(const struct oci_config *cfg)
{
	const struct oci_resources *res = cfg->linux_.has_resources ? &cfg->linux_.resources : NULL;
	if (res && res->has_memory && res->memory.limit.set && res->memory.limit.value > 0)
		return res->memory.limit.value;
	return 0;
}

#define MIB	      (1024 * 1024LL)
#define MEM_UNLIMITED (64 * MIB)  /* what the hog takes when there is no limit */
#define MEM_MAX_TRY   (192 * MIB) /* never allocate more than this */

/* The hog: allocates `bytes` in tail's buffer; prints rc=<tail's status>. */
static char *hog_script(long long bytes)
{
	return str_printf("head -c %lld /dev/zero | tail >/dev/null; echo rc=$?", bytes);
}

static long long hog_size(const struct oci_config *cfg)
{
	int64_t lim = mem_limit(cfg);
	if (!lim)
		return MEM_UNLIMITED;
	return lim + 32 * MIB <= MEM_MAX_TRY ? lim + 32 * MIB : -1;
}

static int hog_rc(const char *out)
{
	const char *p = out ? strstr(out, "rc=") : NULL;
	return p ? atoi(p + 3) : -1;
}

static void memory_row(struct score_ctx *c)
{
	const char *knob = "linux.resources.memory.limit (isorun spec --memory)";
	int64_t lim = mem_limit(c->env->cfg);
	long long size = hog_size(c->env->cfg);
	if (size < 0) {
		struct score_row *r =
		    score_add_row(c->s, "memory", SG_SKIP, "limited, not exercised", knob,
				  "nothing: the limit is above what the score allocates");
		score_measured(r, "limit %lld MiB > %lld MiB", (long long)lim / MIB,
			       MEM_MAX_TRY / MIB - 32);
		return;
	}
	_cleanup_free_ char *script = hog_script(size);
	_cleanup_free_ char *out = NULL;
	int st;
	error *e = script ? score_ctr_run(c->env, "memory", script, 30, &out, &st, NULL)
			  : err_sys(ENOMEM, "score");
	if (e)
		return score_skip_row(c->s, "memory", knob, e);
	int rc = hog_rc(out);
	struct score_row *r;
	if (lim) {
		bool held = rc == 137;
		r = score_add_row(c->s, "memory", held ? SG_PASS : SG_FAIL,
				  held ? "limited, holds (OOM kill)" : "limited, did not hold",
				  knob, "allocated %lld MiB in one process against the limit",
				  size / MIB);
		score_measured(
		    r, "limit %lld MiB; the hog's exit status %d (137 = SIGKILL by the OOM killer)",
		    (long long)lim / MIB, rc);
		score_chart(r, (double)size / MIB, "asked", (double)lim / MIB, "limit", "MiB");
	} else {
		r = score_add_row(c->s, "memory", SG_FAIL, "best effort: no limit", knob,
				  "allocated a bounded %lld MiB in one process", size / MIB);
		score_measured(
		    r,
		    "nothing stopped it (exit status %d); without a limit only the host's "
		    "memory does",
		    rc);
	}
}

static void pids_row(struct score_ctx *c)
{
	const char *knob = "linux.resources.pids.limit (isorun spec --pids)";
	int64_t lim = score_pids_limit(c->env->cfg);
	long long want = lim && lim <= 200 ? lim + 8 : 48;
	/* The loop runs in a child shell: busybox sh gives up at the first fork
	 * pids.max refuses, and had that been the container's init, its exit would
	 * have killed every sleeper before the peak could be read. The outer shell
	 * waits, then becomes a sleeper itself (exec: no fork needed at the limit). */
	_cleanup_free_ char *script = str_printf(
	    "sh -c 'n=0; while [ $n -lt %lld ]; do sleep 5 & n=$((n+1)); done' 2>/dev/null; "
	    "exec sleep 5",
	    want);
	error *e =
	    script ? score_ctr_start(c->env, "pids", script, NULL) : err_sys(ENOMEM, "score");
	long long cur = -1, peak = -1;
	/* Until the loop reached the limit (or everything it asked for); the
	 * shell whose fork was refused exits, so one below the limit is as high as
	 * a limited run can be seen. Not reached: the run proves nothing (SKIP). */
	long long goal = lim && lim < want ? lim - 1 : want;
	for (int i = 0; i < 60 && !e; i++) {
		usleep(50000);
		cur = score_cg_number(c->env, "pids", "pids", "pids.current");
		if (cur > peak)
			peak = cur;
		if (peak >= goal)
			break;
	}
	err_free(score_ctr_delete(c->env, "pids"));
	if (!e && peak < 0)
		e = err_new("no pids.current for the container");
	if (e)
		return score_skip_row(c->s, "pids", knob, e);
	struct score_row *r;
	if (lim && peak < goal) {
		_cleanup_free_ char *why =
		    str_printf("the loop reached %lld processes of pids.max %lld in 3 s", peak,
			       (long long)lim);
		return score_skip_row(c->s, "pids", knob,
				      err_new("%s", why ? why : "the limit was not reached"));
	}
	if (lim) {
		bool held = peak <= lim;
		r = score_add_row(c->s, "pids", held ? SG_PASS : SG_FAIL,
				  held ? "limited, holds" : "limited, did not hold", knob,
				  "started %lld processes in a loop against pids.max", want);
		score_measured(r, "pids.max %lld; peak pids.current %lld", (long long)lim, peak);
		score_chart(r, (double)peak, "peak", (double)lim, "pids.max", "tasks");
	} else {
		r = score_add_row(c->s, "pids", SG_FAIL, "best effort: no limit", knob,
				  "started a bounded %lld processes in a loop", want);
		score_measured(
		    r, "peak pids.current %lld: nothing but the host's pid space stops more", peak);
	}
}

/* ------------------------------------------------------------------ fault */

/* A neighbour counts for SCORE_SPIN_S while the fault runs; its count against the
 * cpu loop alone is the disturbance. */
static void fault_row(struct score_ctx *c, const char *name, const char *knob, const char *script,
		      const char *did, bool has_limit, const char *limit_txt)
{
	_cleanup_free_ char *nscript = score_spin_script(score_cpu_body, SCORE_SPIN_S + 0.5);
	_cleanup_free_ char *nb = str_printf("%s-nb", name);
	_cleanup_free_ char *log = NULL, *out = NULL, *counted = NULL;
	int st = -1;
	long long count = -1, peak = -1;
	error *e = c->alone > 0 ? NULL : err_new("no baseline (the cpu loop did not run)");
	if (!e)
		e = nscript && nb ? score_ctr_start(c->env, nb, nscript, &log)
				  : err_sys(ENOMEM, "score");
	if (!e)
		e = score_ctr_start(c->env, name, script, NULL);
	/* while the neighbour counts: the fault's task count */
	for (int i = 0; !e && i < 60; i++) {
		usleep(50000);
		long long cur = score_cg_number(c->env, name, "pids", "pids.current");
		if (cur > peak)
			peak = cur;
		err_free(read_file(log, &counted, NULL));
		if (counted && score_first_number(counted) >= 0)
			break;
		free(counted);
		counted = NULL;
	}
	_cleanup_free_ char *mlog = str_printf("%s/%s.log", c->env->tmp, name);
	out = mlog ? read_file_trimmed(mlog) : NULL;
	for (char *p = out; p && *p; p++)
		if (*p == '\n')
			*p = ' ';
	err_free(score_ctr_delete(c->env, name));
	err_free(score_ctr_delete(c->env, nb));
	if (!e && counted)
		count = score_first_number(counted);
	if (!e && count < 0)
		e = err_new("the neighbour did not report a count");
	if (e)
		return score_skip_row(c->s, name, knob, e);
	/* the neighbour counted SCORE_SPIN_S + 0.5 s */
	double ratio = (double)count / ((double)c->alone * (SCORE_SPIN_S + 0.5) / SCORE_SPIN_S);
	bool held = ratio >= 0.7;
	enum score_grade g = held && has_limit ? SG_PASS : held ? SG_WEAK : SG_FAIL;
	char verdict[160];
	snprintf(verdict, sizeof(verdict), "%s, neighbour %s", has_limit ? "contained" : "no limit",
		 held ? "undisturbed" : "disturbed");
	struct score_row *r = score_add_row(c->s, name, g, verdict, knob, "%s", did);
	score_measured(
	    r,
	    "neighbour throughput %.2f of alone (bound: >= 0.70); %s; fault's peak tasks %lld; "
	    "fault said: %.80s",
	    ratio, limit_txt, peak, out && *out ? out : "-");
	score_chart(r, (double)count / (SCORE_SPIN_S + 0.5), "neighbour during fault",
		    (double)c->alone, "alone", "iterations/s");
	(void)st;
}

static void oom_row(struct score_ctx *c)
{
	const char *knob = "linux.resources.memory.limit (isorun spec --memory)";
	int64_t lim = mem_limit(c->env->cfg);
	long long size = hog_size(c->env->cfg);
	if (size < 0)
		size = MEM_UNLIMITED;
	_cleanup_free_ char *hog = hog_script(size);
	_cleanup_free_ char *script = hog ? str_printf("%s; sleep 5", hog) : NULL;
	char txt[96];
	if (lim)
		snprintf(txt, sizeof(txt), "memory limit %lld MiB, hog %lld MiB",
			 (long long)lim / MIB, size / MIB);
	else
		snprintf(txt, sizeof(txt), "no memory limit: the hog took %lld MiB of the host's",
			 size / MIB);
	if (!script)
		return score_skip_row(c->s, "oom", knob, err_sys(ENOMEM, "score"));
	fault_row(c, "oom", knob, script,
		  lim ? "ran a memory hog past the limit in one container while a neighbour counted"
		      : "ran a bounded memory hog in one container while a neighbour counted",
		  lim && size > lim, txt);
}

#define STR_(x)	     #x
#define STRINGIFY(x) STR_(x)
#define BOMB_DEPTH   7 /* at most 2^8 - 1 = 255 processes, limit or not */

static void bomb_row(struct score_ctx *c)
{
	const char *knob = "linux.resources.pids.limit (isorun spec --pids)";
	int64_t lim = score_pids_limit(c->env->cfg);
	/* Leaves spin, so a bomb that gets through costs CPU too; the depth bound
	 * keeps it finite without any limit. */
	_cleanup_free_ char *script = str_printf(
	    "b() { if [ $1 -lt %d ]; then b $(($1+1)) & b $(($1+1)) & wait; else while :; do :; "
	    "done; fi; }; b 0 2>/dev/null",
	    BOMB_DEPTH);
	char txt[96];
	if (lim)
		snprintf(txt, sizeof(txt), "pids.max %lld", (long long)lim);
	else
		snprintf(txt, sizeof(txt),
			 "no pids.max: only the bomb's depth bound (%d) stopped it", BOMB_DEPTH);
	if (!script)
		return score_skip_row(c->s, "fork-bomb", knob, err_sys(ENOMEM, "score"));
	fault_row(
	    c, "fork-bomb", knob, script,
	    "ran a fork bomb of depth " STRINGIFY(BOMB_DEPTH) " (spinning leaves) in one "
							      "container while a neighbour counted",
	    lim > 0 && lim < 255, txt);
}

void score_resource_rows(struct score_ctx *c)
{
	cpu_row(c);
	memory_row(c);
	pids_row(c);
}

void score_fault_rows(struct score_ctx *c)
{
	oom_row(c);
	bomb_row(c);
}
