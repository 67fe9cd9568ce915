/* Freezing, listing and signalling the container's processes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"

static void sleep_ms(long ms)
{
	nanosleep(&(struct timespec){ms / 1000, (ms % 1000) * 1000000L}, NULL);
}

/* v1 freezer.state: "THAWED", "FREEZING" or "FROZEN". */
static error *v1_state(const char *dir, char buf[16])
{
	_cleanup_free_ char *s = NULL;
	int rc = cg_read(dir, "freezer.state", &s);
	if (rc)
		return err_sys(rc, "read %s/freezer.state", dir);
	snprintf(buf, 16, "%.*s", (int)strcspn(s, "\n"), s);
	return NULL;
}

/* v2 cgroup.events "frozen 0|1". */
static error *v2_frozen(const char *dir, bool *frozen)
{
	_cleanup_free_ char *s = NULL;
	int rc = cg_read(dir, "cgroup.events", &s);
	if (rc)
		return err_sys(rc, "read %s/cgroup.events", dir);
	const char *f = strstr(s, "frozen ");
	*frozen = f && f[7] == '1';
	return NULL;
}

static error *freeze_v1(const char *dir, bool frozen)
{
	const char *want = frozen ? "FROZEN" : "THAWED";
	char st[16];
	/* A freeze can stall in FREEZING while a task is in an uninterruptible
	 * sleep; writing FROZEN again re-kicks it (runc does the same). */
	for (int i = 0; i < 1000; i++) {
		if (i % 10 == 0) {
			int rc = cg_write(dir, "freezer.state", want);
			if (rc)
				return err_sys(rc, "write %s to %s/freezer.state", want, dir);
		}
		error *e = v1_state(dir, st);
		if (e)
			return e;
		if (strcmp(st, want) == 0)
			return NULL;
		sleep_ms(i < 10 ? 1 : 10);
	}
	if (frozen)
		cg_write(dir, "freezer.state", "THAWED");
	return err_new("%s/freezer.state: still %s after 10s (wanted %s)", dir, st, want);
}

static error *freeze_v2(const char *dir, bool frozen)
{
	int rc = cg_write(dir, "cgroup.freeze", frozen ? "1" : "0");
	if (rc)
		return err_sys(rc, "write %s/cgroup.freeze", dir);
	for (int i = 0; i < 1000; i++) {
		bool now;
		error *e = v2_frozen(dir, &now);
		if (e)
			return e;
		if (now == frozen)
			return NULL;
		sleep_ms(i < 10 ? 1 : 10);
	}
	if (frozen)
		cg_write(dir, "cgroup.freeze", "0");
	return err_new("%s/cgroup.events: frozen did not become %d after 10s", dir, frozen);
}

/* On hybrid hosts the v1 freezer is authoritative, as with runc, so that
 * tools reading freezer.state agree with us. */
static const struct cg_hier *freezer_hier(const struct cgroup *cg)
{
	if (cg->layout == CGROUP_LAYOUT_V2)
		return cg_find_v2(cg);
	return cg_find_v1(cg, "freezer");
}

error *cgroup_freeze(const struct cgroup *cg, bool frozen)
{
	const struct cg_hier *h = freezer_hier(cg);
	if (!h)
		return err_new("cgroup %s: no freezer cgroup hierarchy mounted", cgroup_path(cg));
	_cleanup_free_ char *dir = cg_dir(h);
	if (!dir)
		return err_sys(ENOMEM, "cgroup");
	error *e = h->v2 ? freeze_v2(dir, frozen) : freeze_v1(dir, frozen);
	return err_wrap(e, "cgroup %s: %s", h->path, frozen ? "freeze" : "thaw");
}

error *cgroup_is_frozen(const struct cgroup *cg, bool *frozen)
{
	const struct cg_hier *h = freezer_hier(cg);
	if (!h) {
		*frozen = false;
		return NULL;
	}
	_cleanup_free_ char *dir = cg_dir(h);
	if (!dir)
		return err_sys(ENOMEM, "cgroup");
	error *e;
	if (h->v2) {
		e = v2_frozen(dir, frozen);
	} else {
		char st[16];
		e = v1_state(dir, st);
		*frozen = !e && strcmp(st, "FROZEN") == 0;
	}
	return err_wrap(e, "cgroup %s", h->path);
}

struct pidvec {
	pid_t *v;
	size_t n, cap;
};

static int collect(const char *dir, struct pidvec *pv)
{
	_cleanup_free_ char *procs = NULL;
	int rc = cg_read(dir, "cgroup.procs", &procs);
	if (rc)
		return rc;
	for (char *p = procs; *p;) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		if (pv->n == pv->cap) {
			size_t cap = pv->cap ? pv->cap * 2 : 16;
			pid_t *nv = realloc(pv->v, cap * sizeof(*nv));
			if (!nv)
				return ENOMEM;
			pv->v = nv;
			pv->cap = cap;
		}
		pv->v[pv->n++] = (pid_t)v;
		p = end;
		while (*p == '\n')
			p++;
	}
	/* Processes that moved into nested cgroups still belong to us. */
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	DIR *d = fdopendir(fd);
	if (!d)
		return errno;
	fd = -1;
	struct dirent *de;
	while (!rc && (de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		_cleanup_free_ char *sub = str_printf("%s/%s", dir, de->d_name);
		rc = sub ? collect(sub, pv) : ENOMEM;
		if (rc == ENOENT)
			rc = 0;
	}
	closedir(d);
	return rc;
}

error *cgroup_pids(const struct cgroup *cg, pid_t **pids, size_t *n)
{
	const struct cg_hier *h = cg_tracking(cg);
	if (!h)
		return err_new("cgroup: no hierarchy");
	_cleanup_free_ char *dir = cg_dir(h);
	if (!dir)
		return err_sys(ENOMEM, "cgroup");
	struct pidvec pv = {0};
	int rc = collect(dir, &pv);
	if (rc) {
		free(pv.v);
		return err_sys(rc, "cgroup %s: read %s/cgroup.procs", h->path, dir);
	}
	*pids = pv.v;
	*n = pv.n;
	return NULL;
}

/* Signals every pid listed in any hierarchy, not only the tracking one: a
 * process still joining (exec on v1: one cgroup.procs write per hierarchy)
 * may be in the freezer cgroup before it is in the tracking one. */
static error *signal_pids(const struct cgroup *cg, int sig)
{
	for (size_t i = 0; i < cg->n; i++) {
		_cleanup_free_ char *dir = cg_dir(&cg->h[i]);
		if (!dir)
			return err_sys(ENOMEM, "cgroup");
		struct pidvec pv = {0};
		int rc = collect(dir, &pv);
		for (size_t j = 0; rc == 0 && j < pv.n; j++)
			if (kill(pv.v[j], sig) < 0 && errno != ESRCH)
				rc = errno;
		free(pv.v);
		if (rc && rc != ENOENT)
			return err_sys(rc, "cgroup %s: signal the processes of %s", cg->h[i].path,
				       dir);
	}
	return NULL;
}

static bool has_cgroup_kill(const struct cg_hier *v2)
{
	_cleanup_free_ char *dir = v2 ? cg_dir(v2) : NULL;
	if (!dir || !cg_file_exists(dir, "cgroup.kill"))
		return false;
	int rc = cg_write(dir, "cgroup.kill", "1");
	if (rc)
		log_debug("cgroup %s: write cgroup.kill: %s", v2->path, strerror(rc));
	return rc == 0;
}

error *cgroup_signal_all(const struct cgroup *cg, int sig)
{
	/* Also on hybrid: the cgroup2 tracking dir holds every process. */
	bool killed = sig == SIGKILL && has_cgroup_kill(cg_find_v2(cg));
	/* Frozen, no process can fork a child that escapes the signal. */
	bool frozen = false;
	if (!killed) {
		error *fe = cgroup_freeze(cg, true);
		frozen = !fe;
		if (fe) {
			log_warn("%s (signalling without freezing)", err_msg(fe));
			err_free(fe);
		}
	}
	error *e = signal_pids(cg, sig);
	/* A task frozen by the v1 freezer (a paused container) does not act on
	 * SIGKILL until it is thawed, so a kill leaves the cgroup thawed, as
	 * runc's freeze-signal-thaw does. */
	if (frozen || (sig == SIGKILL && freezer_hier(cg))) {
		error *te = cgroup_freeze(cg, false);
		if (!e)
			e = te;
		else
			err_free(te);
	}
	return e;
}
