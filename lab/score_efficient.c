/* The score's "efficient" experiments: the CPU-bound and syscall-heavy loops inside vs
 * on the host (ratios), and a container's start vs the unshare floor. */

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "lab/score.h"
#include "lab/score_env.h"
#include "lab/score_experiments.h"

/* ------------------------------------------------------------------ efficient */

static const char SYS_BODY[] = ": </dev/null;";

static void ratio_row(struct score_ctx *c, const char *name, const char *body, const char *what,
		      const char *knob)
{
	long long in = -1, out = -1, v;
	error *e = NULL;
	/* Best of two rounds each, interleaved: the host is shared, and a
	 * slow round says more about the neighbours than about the container. */
	for (int round = 0; round < 2 && !e; round++) {
		if (!(e = score_count_outside(c->env, body, SCORE_SPIN_S, &v)) && v > out)
			out = v;
		if (!e && !(e = score_count_inside(c->env, name, body, SCORE_SPIN_S, &v)) && v > in)
			in = v;
	}
	if (e)
		return score_skip_row(c->s, name, knob, e);
	if (body == score_cpu_body)
		c->alone = in;
	double ratio = out > 0 ? (double)in / (double)out : 0;
	enum score_grade g = ratio >= 0.8 ? SG_PASS : ratio >= 0.5 ? SG_WEAK : SG_FAIL;
	struct score_row *r = score_add_row(
	    c->s, name, g, g == SG_PASS ? "as fast as the host" : "slower than the host", knob,
	    "counted iterations of %s for %.0f s with the host's busybox and inside (best of 2)",
	    what, SCORE_SPIN_S);
	score_measured(r,
		       "inside/outside = %.2f (inside %lld, outside %lld iterations; PASS >= 0.80)",
		       ratio, in, out);
	score_chart(r, (double)in, "inside", (double)out, "outside", "iterations/s");
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

static void start_row(struct score_ctx *c)
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
		return score_skip_row(c->s, "start", knob, e);
	enum score_grade g = best < 0.25 ? SG_PASS : best < 1 ? SG_WEAK : SG_FAIL;
	struct score_row *r = score_add_row(
	    c->s, "start", g, g == SG_PASS ? "starts in milliseconds" : "slow to start", knob,
	    "timed `isorun run` of `true` (create, start, wait, delete; best of 3) and a bare "
	    "clone() into the same new namespaces (best of 5)");
	score_measured(r, "container %.1f ms, unshare floor %.1f ms (x%.0f; PASS < 250 ms)",
		       best * 1000, floor_s * 1000, floor_s > 0 ? best / floor_s : 0);
	score_chart(r, best * 1000, "container", floor_s * 1000, "unshare floor", "ms");
}

void score_efficient_rows(struct score_ctx *c)
{
	ratio_row(c, "cpu-loop", score_cpu_body, "a counting loop (CPU-bound)",
		  "linux.resources.cpu (a quota caps it), linux.seccomp (the filter's cost)");
	ratio_row(c, "syscall-loop", SYS_BODY, "`: </dev/null` (open, dup2, close: syscall-heavy)",
		  "linux.seccomp (every syscall runs the filter)");
	start_row(c);
}
