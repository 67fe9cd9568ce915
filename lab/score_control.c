/* The score's "complete control" experiments: update lowers a limit at run time, pause
 * freezes, kill --all kills every process, delete reclaims everything. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "lab/score.h"
#include "lab/score_env.h"
#include "lab/score_experiments.h"

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

void score_control_rows(struct score_ctx *c)
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
		score_skip_row(c->s, "update", "isorun update", e);
		return;
	}
	/* update */
	int64_t lim = score_pids_limit(env->cfg);
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
	r = score_add_row(c->s, "update", ok ? SG_PASS : SG_FAIL,
			  ok ? "lowered at run time" : "not applied",
			  "isorun update (any linux.resources limit)",
			  "isorun update --pids-limit %lld on the running container", want);
	char bs[32];
	snprintf(bs, sizeof(bs), before == -2 ? "max" : "%lld", before);
	score_measured(r, "pids.max %s -> %lld%s%s", bs, after, e ? "; " : "", e ? err_msg(e) : "");
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
	r = score_add_row(
	    c->s, "freeze", frozen ? SG_PASS : SG_FAIL,
	    frozen ? "froze and thawed" : "did not freeze", "the freezer cgroup (always on)",
	    "isorun pause, 0.4 s, isorun resume, 0.4 s; the spinning init's CPU ticks");
	score_measured(r, "ticks paused: %lld -> %lld, resumed: -> %lld%s%s", t0, t1, t2,
		       e ? "; " : "", e ? err_msg(e) : "");
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
	r = score_add_row(c->s, "kill-all", ok ? SG_PASS : SG_FAIL,
			  ok ? "all killed" : "processes left",
			  "the container's cgroup (linux.cgroupsPath)",
			  "isorun kill --all KILL; counted the cgroup's processes");
	score_measured(r, "processes %lld -> %lld%s%s", n_before, n_after, e ? "; " : "",
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
	r = score_add_row(c->s, "reclaim", ok ? SG_PASS : SG_FAIL,
			  ok ? "nothing left" : "left-overs", "the runtime (isorun delete)",
			  "isorun delete; looked for its state dir, cgroup dirs and init pid");
	score_measured(r, "state dir %s, cgroup dirs %s, init %s%s%s", state_left ? "left" : "gone",
		       cg_left ? "left" : "gone",
		       proc_left ? (pstate == 'Z' ? "a zombie" : "alive") : "gone", e ? "; " : "",
		       e ? err_msg(e) : "");
	err_free(e);
}
