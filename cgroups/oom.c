/* OOM notifications for `events`: v1 through the memory controller's
 * cgroup.event_control (an eventfd that fires on every OOM of the cgroup), v2
 * by watching memory.events with inotify and counting oom_kill. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "common/cleanup.h"
#include "common/util.h"

struct cgroup_oom {
	bool v2;
	int fd;	       /* v1: eventfd; v2: inotify */
	int ctl_fd;    /* v1: memory.oom_control, kept open while registered */
	char *dir;     /* the memory cgroup dir */
	uint64_t last; /* v2: oom_kill seen so far */
};

static uint64_t v2_oom_kills(const char *dir)
{
	_cleanup_free_ char *s = NULL;
	if (cg_read(dir, "memory.events", &s))
		return 0;
	const char *p = strstr(s, "oom_kill ");
	return p ? strtoull(p + 9, NULL, 10) : 0;
}

error *cgroup_oom_watch(const struct cgroup *cg, struct cgroup_oom **out)
{
	*out = NULL;
	bool v2 = cg->layout == CGROUP_LAYOUT_V2;
	const struct cg_hier *h = v2 ? cg_find_v2(cg) : cg_find_v1(cg, "memory");
	if (!h)
		return err_new("cgroup %s: no memory controller", cgroup_path(cg));
	struct cgroup_oom *w = calloc(1, sizeof(*w));
	if (!w)
		return err_sys(ENOMEM, "oom watch");
	w->v2 = v2;
	w->fd = w->ctl_fd = -1;
	w->dir = cg_dir(h);
	if (!w->dir) {
		cgroup_oom_free(w);
		return err_sys(ENOMEM, "oom watch");
	}
	if (v2) {
		w->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
		_cleanup_free_ char *path = str_printf("%s/memory.events", w->dir);
		if (w->fd < 0 || !path || inotify_add_watch(w->fd, path, IN_MODIFY) < 0) {
			error *e = err_errno("cgroup %s: watch memory.events", h->path);
			cgroup_oom_free(w);
			return e;
		}
		w->last = v2_oom_kills(w->dir);
	} else {
		_cleanup_free_ char *path = str_printf("%s/memory.oom_control", w->dir);
		w->ctl_fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
		w->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (w->ctl_fd < 0 || w->fd < 0) {
			error *e = err_errno("cgroup %s: open memory.oom_control", h->path);
			cgroup_oom_free(w);
			return e;
		}
		char reg[32];
		snprintf(reg, sizeof(reg), "%d %d", w->fd, w->ctl_fd);
		int rc = cg_write(w->dir, "cgroup.event_control", reg);
		if (rc) {
			cgroup_oom_free(w);
			return err_sys(rc, "cgroup %s: write cgroup.event_control", h->path);
		}
	}
	*out = w;
	return NULL;
}

int cgroup_oom_fd(const struct cgroup_oom *w)
{
	return w->fd;
}

error *cgroup_oom_take(struct cgroup_oom *w, uint64_t *events)
{
	*events = 0;
	if (w->v2) {
		char buf[4096];
		while (read(w->fd, buf, sizeof(buf)) > 0)
			;
		uint64_t now = v2_oom_kills(w->dir);
		if (now > w->last)
			*events = now - w->last;
		w->last = now;
		return NULL;
	}
	uint64_t n;
	ssize_t r = read(w->fd, &n, sizeof(n));
	if (r < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return NULL;
		return err_errno("read oom eventfd");
	}
	/* The eventfd also fires when the cgroup is removed: that is no OOM. */
	if (r == (ssize_t)sizeof(n) && cg_file_exists(w->dir, "cgroup.event_control"))
		*events = n;
	return NULL;
}

void cgroup_oom_free(struct cgroup_oom *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	if (w->ctl_fd >= 0)
		close(w->ctl_fd);
	free(w->dir);
	free(w);
}
