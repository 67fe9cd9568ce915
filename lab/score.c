/* The score's plan and its experiments. Each experiment runs busybox
 * workloads in containers made from the copy of the config (lab/score_env.c),
 * measures from outside where it can (cgroup files, /proc, wall time), and
 * turns the measurement into a row. Every workload is bounded in time and size
 * so that a missing limit shows as a verdict, never as harm to the host: the
 * fork bomb has a fixed depth, the memory hog a fixed size. */

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "lab/score.h"
#include "lab/score_env.h"

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
static struct score_row *add_row(struct score *s, const char *name, enum score_grade g,
				 const char *verdict, const char *knob, const char *did_fmt, ...)
    __attribute__((format(printf, 6, 7)));
static struct score_row *add_row(struct score *s, const char *name, enum score_grade g,
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

static void measured(struct score_row *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void measured(struct score_row *r, const char *fmt, ...)
{
	if (!r)
		return;
	va_list ap;
	va_start(ap, fmt);
	free(r->measured);
	r->measured = vfmt(fmt, ap);
	va_end(ap);
}

static void chart(struct score_row *r, double value, const char *vlabel, double ref,
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
static void skip_row(struct score *s, const char *name, const char *knob, error *e)
{
	struct score_row *r =
	    add_row(s, name, SG_SKIP, "not measured", knob, "%s", "(could not run)");
	measured(r, "%s", e ? err_msg(e) : "");
	err_free(e);
}

/* ------------------------------------------------------------------ workloads */

/* Counts loop iterations of `body` for `secs` seconds, prints the count. */
static char *spin_script(const char *body, double secs)
{
	return str_printf("i=0; trap 'echo $i; exit 0' TERM; (sleep %.1f; kill $$) & "
			  "while :; do %s i=$((i+1)); done",
			  secs, body);
}

static long long first_number(const char *text)
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

static error *count_inside(struct score_env *env, const char *name, const char *body, double secs,
			   long long *count)
{
	_cleanup_free_ char *script = spin_script(body, secs);
	_cleanup_free_ char *out = NULL;
	int st;
	if (!script)
		return err_sys(ENOMEM, "score");
	error *e = score_ctr_run(env, name, script, secs + 15, &out, &st, NULL);
	if (e)
		return e;
	*count = first_number(out);
	if (st != 0 || *count < 0)
		return err_new("%s: exit status %d: %.200s", name, st, out);
	return NULL;
}

static error *count_outside(struct score_env *env, const char *body, double secs, long long *count)
{
	if (!env->busybox)
		return err_new("no busybox on the host to compare with");
	_cleanup_free_ char *script = spin_script(body, secs);
	_cleanup_free_ char *out = NULL;
	int st;
	if (!script)
		return err_sys(ENOMEM, "score");
	const char *argv[] = {env->busybox, "sh", "-c", script, NULL};
	error *e = score_spawn((char *const *)argv, NULL, secs + 10, &out, &st, NULL);
	if (e)
		return e;
	*count = first_number(out);
	if (st != 0 || *count < 0)
		return err_new("host loop: exit status %d: %.200s", st, out);
	return NULL;
}

/* ------------------------------------------------------------------ efficient */

struct ctx {
	struct score_env *env;
	struct score *s;
	long long alone; /* the cpu loop's count inside, alone (for the neighbours) */
};

static const char CPU_BODY[] = "";
static const char SYS_BODY[] = ": </dev/null;";
#define SPIN_S 1.0

static void ratio_row(struct ctx *c, const char *name, const char *body, const char *what,
		      const char *knob)
{
	long long in = -1, out = -1, v;
	error *e = NULL;
	/* Best of two rounds each, interleaved: the host is shared, and a
	 * slow round says more about the neighbours than about the container. */
	for (int round = 0; round < 2 && !e; round++) {
		if (!(e = count_outside(c->env, body, SPIN_S, &v)) && v > out)
			out = v;
		if (!e && !(e = count_inside(c->env, name, body, SPIN_S, &v)) && v > in)
			in = v;
	}
	if (e)
		return skip_row(c->s, name, knob, e);
	if (body == CPU_BODY)
		c->alone = in;
	double ratio = out > 0 ? (double)in / (double)out : 0;
	enum score_grade g = ratio >= 0.8 ? SG_PASS : ratio >= 0.5 ? SG_WEAK : SG_FAIL;
	struct score_row *r = add_row(
	    c->s, name, g, g == SG_PASS ? "as fast as the host" : "slower than the host", knob,
	    "counted iterations of %s for %.0f s with the host's busybox and inside (best of 2)",
	    what, SPIN_S);
	measured(r, "inside/outside = %.2f (inside %lld, outside %lld iterations; PASS >= 0.80)",
		 ratio, in, out);
	chart(r, (double)in, "inside", (double)out, "outside", "iterations/s");
}

/* The kernel's part of starting a container: clone() into the config's new
 * namespaces and reap the child. */
static int floor_child(void *arg)
{
	(void)arg;
	_exit(0);
}

static error *ns_floor(const struct oci_config *cfg, double *best)
{
	static const struct {
		enum oci_ns_type t;
		int flag;
	} map[] = {{OCI_NS_PID, CLONE_NEWPID},	    {OCI_NS_NETWORK, CLONE_NEWNET},
		   {OCI_NS_MOUNT, CLONE_NEWNS},	    {OCI_NS_IPC, CLONE_NEWIPC},
		   {OCI_NS_UTS, CLONE_NEWUTS},	    {OCI_NS_USER, CLONE_NEWUSER},
		   {OCI_NS_CGROUP, CLONE_NEWCGROUP}};
	int flags = SIGCHLD;
	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		const struct oci_namespace *ns = spec_find_namespace(cfg, map[i].t);
		if (ns && !(ns->path && *ns->path))
			flags |= map[i].flag;
	}
	static char stack[64 * 1024] __attribute__((aligned(16)));
	*best = 1e9;
	for (int i = 0; i < 5; i++) {
		double t0 = score_now();
		pid_t pid = clone(floor_child, stack + sizeof(stack), flags, NULL);
		if (pid < 0)
			return err_errno("clone(namespaces 0x%x)", flags);
		int st;
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		double t = score_now() - t0;
		if (t < *best)
			*best = t;
	}
	return NULL;
}

static void start_row(struct ctx *c)
{
	const char *knob = "linux.namespaces (each new one costs setup; network the most)";
	double best = 1e9, floor_s = 0;
	error *e = ns_floor(c->env->cfg, &floor_s);
	for (int i = 0; i < 3 && !e; i++) {
		double secs;
		int st;
		_cleanup_free_ char *out = NULL;
		e = score_ctr_run(c->env, "start", "true", 20, &out, &st, &secs);
		if (!e && st != 0)
			e = err_new("exit status %d: %.200s", st, out);
		if (!e && secs < best)
			best = secs;
	}
	if (e)
		return skip_row(c->s, "start", knob, e);
	enum score_grade g = best < 0.25 ? SG_PASS : best < 1 ? SG_WEAK : SG_FAIL;
	struct score_row *r = add_row(
	    c->s, "start", g, g == SG_PASS ? "starts in milliseconds" : "slow to start", knob,
	    "timed `isorun run` of `true` (create, start, wait, delete; best of 3) and a bare "
	    "clone() into the same new namespaces (best of 5)");
	measured(r, "container %.1f ms, unshare floor %.1f ms (x%.0f; PASS < 250 ms)", best * 1000,
		 floor_s * 1000, floor_s > 0 ? best / floor_s : 0);
	chart(r, best * 1000, "container", floor_s * 1000, "unshare floor", "ms");
}

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

static void cpu_row(struct ctx *c)
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
		e = count_inside(c->env, "cpu", CPU_BODY, SPIN_S, &with);
	}
	err_free(score_ctr_delete(c->env, "noisy"));
	if (e)
		return skip_row(c->s, "cpu", knob, e);
	double ratio = (double)with / (double)c->alone;
	bool limited = !str_has_prefix(st, "best effort");
	/* best effort stays WEAK whatever this run measured: nothing guarantees it */
	enum score_grade g = !limited ? SG_WEAK : ratio >= 0.7 ? SG_PASS : SG_FAIL;
	char verdict[160];
	snprintf(verdict, sizeof(verdict), "%s, %s", st,
		 ratio >= 0.7 ? "throughput held" : "throughput lost");
	struct score_row *r =
	    add_row(c->s, "cpu", g, verdict, knob,
		    "ran the cpu loop for %.0f s next to a neighbour container (same config) "
		    "spinning 2 loops",
		    SPIN_S);
	measured(r,
		 "with neighbour / alone = %.2f (%lld vs %lld; PASS >= 0.70 and a limit or "
		 "reservation set; without one it is best effort: WEAK)",
		 ratio, with, c->alone);
	chart(r, (double)with, "with neighbour", (double)c->alone, "alone", "iterations/s");
}

static int64_t mem_limit(const struct oci_config *cfg)
{
	const struct oci_resources *res = cfg->linux_.has_resources ? &cfg->linux_.resources : NULL;
	if (res && res->has_memory && res->memory.limit.set && res->memory.limit.value > 0)
		return res->memory.limit.value;
	return 0;
}

static int64_t pids_limit(const struct oci_config *cfg)
{
	const struct oci_resources *res = cfg->linux_.has_resources ? &cfg->linux_.resources : NULL;
	return res && res->has_pids && res->pids_limit > 0 ? res->pids_limit : 0;
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

static void memory_row(struct ctx *c)
{
	const char *knob = "linux.resources.memory.limit (isorun spec --memory)";
	int64_t lim = mem_limit(c->env->cfg);
	long long size = hog_size(c->env->cfg);
	if (size < 0) {
		struct score_row *r =
		    add_row(c->s, "memory", SG_SKIP, "limited, not exercised", knob,
			    "nothing: the limit is above what the score allocates");
		measured(r, "limit %lld MiB > %lld MiB", (long long)lim / MIB,
			 MEM_MAX_TRY / MIB - 32);
		return;
	}
	_cleanup_free_ char *script = hog_script(size);
	_cleanup_free_ char *out = NULL;
	int st;
	error *e = script ? score_ctr_run(c->env, "memory", script, 30, &out, &st, NULL)
			  : err_sys(ENOMEM, "score");
	if (e)
		return skip_row(c->s, "memory", knob, e);
	int rc = hog_rc(out);
	struct score_row *r;
	if (lim) {
		bool held = rc == 137;
		r = add_row(c->s, "memory", held ? SG_PASS : SG_FAIL,
			    held ? "limited, holds (OOM kill)" : "limited, did not hold", knob,
			    "allocated %lld MiB in one process against the limit", size / MIB);
		measured(
		    r, "limit %lld MiB; the hog's exit status %d (137 = SIGKILL by the OOM killer)",
		    (long long)lim / MIB, rc);
		chart(r, (double)size / MIB, "asked", (double)lim / MIB, "limit", "MiB");
	} else {
		r = add_row(c->s, "memory", SG_FAIL, "best effort: no limit", knob,
			    "allocated a bounded %lld MiB in one process", size / MIB);
		measured(r,
			 "nothing stopped it (exit status %d); without a limit only the host's "
			 "memory does",
			 rc);
	}
}

static void pids_row(struct ctx *c)
{
	const char *knob = "linux.resources.pids.limit (isorun spec --pids)";
	int64_t lim = pids_limit(c->env->cfg);
	long long want = lim && lim <= 200 ? lim + 8 : 48;
	_cleanup_free_ char *script = str_printf(
	    "n=0; while [ $n -lt %lld ]; do sleep 5 & n=$((n+1)); done 2>/dev/null; sleep 5", want);
	error *e =
	    script ? score_ctr_start(c->env, "pids", script, NULL) : err_sys(ENOMEM, "score");
	long long cur = -1, peak = -1;
	/* until the loop reached the limit (or everything it asked for) */
	long long goal = lim && lim < want ? lim : want;
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
		return skip_row(c->s, "pids", knob, e);
	struct score_row *r;
	if (lim) {
		bool held = peak <= lim;
		r = add_row(c->s, "pids", held ? SG_PASS : SG_FAIL,
			    held ? "limited, holds" : "limited, did not hold", knob,
			    "started %lld processes in a loop against pids.max", want);
		measured(r, "pids.max %lld; peak pids.current %lld", (long long)lim, peak);
		chart(r, (double)peak, "peak", (double)lim, "pids.max", "tasks");
	} else {
		r = add_row(c->s, "pids", SG_FAIL, "best effort: no limit", knob,
			    "started a bounded %lld processes in a loop", want);
		measured(r, "peak pids.current %lld: nothing but the host's pid space stops more",
			 peak);
	}
}

/* ------------------------------------------------------------------ fault */

/* A neighbour counts for SPIN_S while the fault runs; its count against the
 * cpu loop alone is the disturbance. */
static void fault_row(struct ctx *c, const char *name, const char *knob, const char *script,
		      const char *did, bool has_limit, const char *limit_txt)
{
	_cleanup_free_ char *nscript = spin_script(CPU_BODY, SPIN_S + 0.5);
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
		if (counted && first_number(counted) >= 0)
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
		count = first_number(counted);
	if (!e && count < 0)
		e = err_new("the neighbour did not report a count");
	if (e)
		return skip_row(c->s, name, knob, e);
	/* the neighbour counted SPIN_S + 0.5 s */
	double ratio = (double)count / ((double)c->alone * (SPIN_S + 0.5) / SPIN_S);
	bool held = ratio >= 0.7;
	enum score_grade g = held && has_limit ? SG_PASS : held ? SG_WEAK : SG_FAIL;
	char verdict[160];
	snprintf(verdict, sizeof(verdict), "%s, neighbour %s", has_limit ? "contained" : "no limit",
		 held ? "undisturbed" : "disturbed");
	struct score_row *r = add_row(c->s, name, g, verdict, knob, "%s", did);
	measured(
	    r,
	    "neighbour throughput %.2f of alone (bound: >= 0.70); %s; fault's peak tasks %lld; "
	    "fault said: %.80s",
	    ratio, limit_txt, peak, out && *out ? out : "-");
	chart(r, (double)count / (SPIN_S + 0.5), "neighbour during fault", (double)c->alone,
	      "alone", "iterations/s");
	(void)st;
}

static void oom_row(struct ctx *c)
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
		return skip_row(c->s, "oom", knob, err_sys(ENOMEM, "score"));
	fault_row(c, "oom", knob, script,
		  lim ? "ran a memory hog past the limit in one container while a neighbour counted"
		      : "ran a bounded memory hog in one container while a neighbour counted",
		  lim && size > lim, txt);
}

#define STR_(x)	     #x
#define STRINGIFY(x) STR_(x)
#define BOMB_DEPTH   7 /* at most 2^8 - 1 = 255 processes, limit or not */

static void bomb_row(struct ctx *c)
{
	const char *knob = "linux.resources.pids.limit (isorun spec --pids)";
	int64_t lim = pids_limit(c->env->cfg);
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
		return skip_row(c->s, "fork-bomb", knob, err_sys(ENOMEM, "score"));
	fault_row(
	    c, "fork-bomb", knob, script,
	    "ran a fork bomb of depth " STRINGIFY(BOMB_DEPTH) " (spinning leaves) in one "
							      "container while a neighbour counted",
	    lim > 0 && lim < 255, txt);
}

/* ------------------------------------------------------------------ security */

/* One container answers every security probe, one key=value line each. The
 * probes that write target only the score's own copy (the overlay, /dev/shm of
 * the container) or rewrite a value with itself, so a missing defence changes
 * nothing on the host. */
static const char SECURITY_SCRIPT[] =
    "echo uts=$(readlink /proc/self/ns/uts); echo net=$(readlink /proc/self/ns/net); "
    "echo pidns=$(readlink /proc/self/ns/pid); echo pid=$$; echo host=$(hostname); "
    "echo ifs=$(ls /sys/class/net | tr '\\n' ' '); "
    "v=$(cat /proc/sys/kernel/hostname); "
    "r=$( (echo \"$v\" >/proc/sys/kernel/hostname) 2>&1 ) && echo ro=allowed || echo "
    "\"ro=refused: ${r##*: }\"; "
    "echo masked=$(cat /proc/timer_list 2>/dev/null | wc -c); "
    "r=$( (: >/.isorun-score-probe) 2>&1 ) && echo root=allowed || echo \"root=refused: "
    "${r##*: }\"; "
    "r=$(unshare -U true 2>&1) && echo sc=allowed || echo \"sc=refused: ${r##*: }\"; "
    "r=$( (touch /dev/shm/.probe && chown 1000 /dev/shm/.probe) 2>&1 ) && echo cap=allowed || "
    "echo \"cap=refused: ${r##*: }\"; "
    "r=$( (mknod /dev/shm/.kmsg c 1 11 && head -c 1 /dev/shm/.kmsg >/dev/null) 2>&1 ) && echo "
    "dev=allowed || echo \"dev=refused: ${r##*: }\"";

/* The value of "key=" in the probe output (static buffer per call site). */
static const char *probe(const char *out, const char *key, char *buf, size_t n)
{
	size_t kl = strlen(key);
	for (const char *p = out; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len > kl && !strncmp(p, key, kl) && p[kl] == '=') {
			snprintf(buf, n, "%.*s", (int)(len - kl - 1), p + kl + 1);
			return buf;
		}
		p = nl ? nl + 1 : NULL;
	}
	snprintf(buf, n, "?");
	return buf;
}

static char *host_ns(const char *type)
{
	_cleanup_free_ char *p = str_printf("/proc/self/ns/%s", type);
	char buf[128];
	ssize_t n = p ? readlink(p, buf, sizeof(buf) - 1) : -1;
	if (n < 0)
		return strdup("?");
	buf[n] = 0;
	return strdup(buf);
}

static void ns_row(struct ctx *c, const char *name, const char *type, const char *inside,
		   const char *extra, const char *knob, const char *did)
{
	_cleanup_free_ char *host = host_ns(type);
	bool priv = host && strcmp(host, inside) != 0 && strcmp(inside, "?") != 0;
	struct score_row *r = add_row(c->s, name, priv ? SG_PASS : SG_FAIL,
				      priv ? "private" : "shared with the host", knob, "%s", did);
	measured(r, "inside %s, host %s; %s", inside, host ? host : "?", extra);
}

static void refusal_row(struct ctx *c, const char *name, const char *v, const char *knob,
			const char *did)
{
	bool refused = str_has_prefix(v, "refused");
	struct score_row *r = add_row(c->s, name, refused ? SG_PASS : SG_FAIL,
				      refused ? "refused" : "allowed", knob, "%s", did);
	measured(r, "%s", v);
}

static void security_rows(struct ctx *c)
{
	_cleanup_free_ char *out = NULL;
	int st;
	error *e = score_ctr_run(c->env, "security", SECURITY_SCRIPT, 20, &out, &st, NULL);
	if (e) {
		skip_row(c->s, "hostname", "linux.namespaces", e);
		return;
	}
	char a[256], b[768];
	char hostname[256] = "?";
	gethostname(hostname, sizeof(hostname) - 1);
	snprintf(b, sizeof(b), "hostname inside %s, host %s", probe(out, "host", a, sizeof(a)),
		 hostname);
	ns_row(c, "hostname", "uts", probe(out, "uts", a, sizeof(a)), b,
	       "linux.namespaces uts, hostname (isorun spec --share uts, --hostname)",
	       "compared the UTS namespace and hostname inside with the host's");
	char pid[32];
	probe(out, "pid", pid, sizeof(pid));
	snprintf(b, sizeof(b), "the shell's pid inside: %s", pid);
	ns_row(c, "pid-1", "pid", probe(out, "pidns", a, sizeof(a)), b,
	       "linux.namespaces pid (isorun spec --share pid)",
	       "compared the PID namespace inside with the host's; pid 1 means its own tree");
	char ifs[200];
	probe(out, "ifs", ifs, sizeof(ifs));
	snprintf(b, sizeof(b), "interfaces inside: %s", ifs);
	ns_row(c, "network", "net", probe(out, "net", a, sizeof(a)), b,
	       "linux.namespaces network (isorun spec --share net)",
	       "compared the network namespace and interfaces inside with the host's");
	refusal_row(c, "readonly-path", probe(out, "ro", a, sizeof(a)),
		    "linux.readonlyPaths (/proc/sys), capabilities",
		    "wrote /proc/sys/kernel/hostname with its own current value");
	probe(out, "masked", a, sizeof(a));
	bool masked = !strcmp(a, "0");
	struct score_row *r = add_row(
	    c->s, "masked-path", masked ? SG_PASS : SG_FAIL, masked ? "masked" : "visible",
	    "linux.maskedPaths (/proc/timer_list)", "read /proc/timer_list (the host's timers)");
	measured(r, "%s bytes read", a);
	refusal_row(c, "readonly-root", probe(out, "root", a, sizeof(a)),
		    "root.readonly (isorun spec --readonly/--writable)",
		    "created /.isorun-score-probe (in the score's copy of the rootfs)");
	refusal_row(c, "syscall", probe(out, "sc", a, sizeof(a)),
		    "linux.seccomp (isorun spec --seccomp default|none|FILE)",
		    "called unshare(CLONE_NEWUSER) (`unshare -U true`)");
	refusal_row(c, "capability", probe(out, "cap", a, sizeof(a)),
		    "process.capabilities CAP_CHOWN (isorun spec --cap-add/--cap-drop)",
		    "chowned its own file /dev/shm/.probe to uid 1000");
	refusal_row(c, "device", probe(out, "dev", a, sizeof(a)),
		    "linux.resources.devices, CAP_MKNOD (isorun spec --cap-add MKNOD)",
		    "mknod /dev/shm/.kmsg c 1 11 and read a byte of it");
	(void)st;
}

/* ------------------------------------------------------------------ control */

static long long proc_cpu_ticks(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	_cleanup_free_ char *s = read_file_trimmed(path);
	const char *p = s ? strrchr(s, ')') : NULL;
	unsigned long long ut = 0, stt = 0;
	if (!p ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &stt) != 2)
		return -1;
	return (long long)(ut + stt);
}

static char proc_state(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	_cleanup_free_ char *s = read_file_trimmed(path);
	const char *p = s ? strrchr(s, ')') : NULL;
	return p && p[1] ? p[2] : '?';
}

static long long count_lines(const char *path)
{
	_cleanup_free_ char *s = NULL;
	if (!path)
		return -1;
	error *e = read_file(path, &s, NULL);
	if (e) {
		err_free(e);
		return -1;
	}
	long long n = 0;
	for (char *p = s; *p; p++)
		n += *p == '\n';
	return n;
}

static pid_t ctr_pid(struct score_env *env, const char *id)
{
	const char *args[] = {"state", id, NULL};
	_cleanup_free_ char *out = NULL;
	error *e = score_isorun(env, args, 10, &out, NULL);
	if (e) {
		err_free(e);
		return -1;
	}
	const char *p = strstr(out, "\"pid\":");
	return p ? (pid_t)atoi(p + 6 + strspn(p + 6, " ")) : -1;
}

static bool cg_dirs_left(const struct score_env *env, const char *name)
{
	static const char *const dirs[] = {"",	       "pids/",	   "memory/", "cpu/",
					   "freezer/", "devices/", "unified/"};
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		_cleanup_free_ char *p =
		    str_printf("/sys/fs/cgroup/%sisorun-score-%d-%s", dirs[i], (int)env->pid, name);
		if (p && access(p, F_OK) == 0)
			return true;
	}
	return false;
}

static void control_rows(struct ctx *c)
{
	struct score_env *env = c->env;
	_cleanup_free_ char *id = score_ctr_id(env, "control");
	error *e =
	    id ? score_ctr_start(env, "control", "sleep 30 & sleep 30 & while :; do :; done", NULL)
	       : err_sys(ENOMEM, "score");
	pid_t pid = e ? -1 : ctr_pid(env, id);
	if (!e && pid <= 0)
		e = err_new("no pid for the container");
	if (e) {
		skip_row(c->s, "update", "isorun update", e);
		return;
	}
	/* update */
	int64_t lim = pids_limit(env->cfg);
	long long want = lim > 16 ? lim / 2 : lim > 0 ? lim - 1 : 16;
	if (want < 4)
		want = 4;
	char wants[32];
	snprintf(wants, sizeof(wants), "%lld", want);
	long long before = score_cg_number(env, "control", "pids", "pids.max");
	const char *up[] = {"update", "--pids-limit", wants, id, NULL};
	e = score_isorun(env, up, 10, NULL, NULL);
	long long after = score_cg_number(env, "control", "pids", "pids.max");
	struct score_row *r;
	bool ok = !e && after == want;
	r = add_row(c->s, "update", ok ? SG_PASS : SG_FAIL,
		    ok ? "lowered at run time" : "not applied",
		    "isorun update (any linux.resources limit)",
		    "isorun update --pids-limit %lld on the running container", want);
	char bs[32];
	snprintf(bs, sizeof(bs), before == -2 ? "max" : "%lld", before);
	measured(r, "pids.max %s -> %lld%s%s", bs, after, e ? "; " : "", e ? err_msg(e) : "");
	err_free(e);
	/* freeze */
	const char *pa[] = {"pause", id, NULL}, *re[] = {"resume", id, NULL};
	e = score_isorun(env, pa, 10, NULL, NULL);
	long long t0 = proc_cpu_ticks(pid);
	usleep(400000);
	long long t1 = proc_cpu_ticks(pid);
	if (!e)
		e = score_isorun(env, re, 10, NULL, NULL);
	usleep(400000);
	long long t2 = proc_cpu_ticks(pid);
	bool frozen = !e && t0 >= 0 && t1 == t0 && t2 > t1;
	r = add_row(c->s, "freeze", frozen ? SG_PASS : SG_FAIL,
		    frozen ? "froze and thawed" : "did not freeze",
		    "the freezer cgroup (always on)",
		    "isorun pause, 0.4 s, isorun resume, 0.4 s; the spinning init's CPU ticks");
	measured(r, "ticks paused: %lld -> %lld, resumed: -> %lld%s%s", t0, t1, t2, e ? "; " : "",
		 e ? err_msg(e) : "");
	err_free(e);
	/* kill every process */
	_cleanup_free_ char *procs = score_cg_file(env, "control", "pids", "cgroup.procs");
	long long n_before = count_lines(procs);
	const char *ka[] = {"kill", "--all", id, "KILL", NULL};
	e = score_isorun(env, ka, 10, NULL, NULL);
	long long n_after = -1;
	for (int i = 0; i < 40; i++) {
		usleep(50000);
		n_after = count_lines(procs);
		if (n_after == 0)
			break;
	}
	ok = !e && n_before > 0 && n_after == 0;
	r = add_row(c->s, "kill-all", ok ? SG_PASS : SG_FAIL, ok ? "all killed" : "processes left",
		    "the container's cgroup (linux.cgroupsPath)",
		    "isorun kill --all KILL; counted the cgroup's processes");
	measured(r, "processes %lld -> %lld%s%s", n_before, n_after, e ? "; " : "",
		 e ? err_msg(e) : "");
	err_free(e);
	/* reclaim */
	const char *da[] = {"delete", "-f", id, NULL};
	e = score_isorun(env, da, 10, NULL, NULL);
	_cleanup_free_ char *sdir = str_printf("%s/%s", env->state, id);
	bool state_left = sdir && access(sdir, F_OK) == 0;
	bool cg_left = cg_dirs_left(env, "control");
	/* the init's parent (not us) reaps it: give it a moment */
	bool proc_left = true;
	char pstate = '?';
	for (int i = 0; i < 40 && proc_left; i++) {
		long long t = proc_cpu_ticks(pid);
		proc_left = t >= 0 && (pstate = proc_state(pid)) != 'Z';
		if (proc_left)
			usleep(25000);
	}
	ok = !e && !state_left && !cg_left && !proc_left;
	r = add_row(c->s, "reclaim", ok ? SG_PASS : SG_FAIL, ok ? "nothing left" : "left-overs",
		    "the runtime (isorun delete)",
		    "isorun delete; looked for its state dir, cgroup dirs and init pid");
	measured(r, "state dir %s, cgroup dirs %s, init %s%s%s", state_left ? "left" : "gone",
		 cg_left ? "left" : "gone",
		 proc_left ? (pstate == 'Z' ? "a zombie" : "alive") : "gone", e ? "; " : "",
		 e ? err_msg(e) : "");
	err_free(e);
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
	struct ctx c = {&env, out, -1};
	ratio_row(&c, "cpu-loop", CPU_BODY, "a counting loop (CPU-bound)",
		  "linux.resources.cpu (a quota caps it), linux.seccomp (the filter's cost)");
	ratio_row(&c, "syscall-loop", SYS_BODY, "`: </dev/null` (open, dup2, close: syscall-heavy)",
		  "linux.seccomp (every syscall runs the filter)");
	start_row(&c);
	cpu_row(&c);
	memory_row(&c);
	pids_row(&c);
	oom_row(&c);
	bomb_row(&c);
	security_rows(&c);
	control_rows(&c);
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
