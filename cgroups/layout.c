/* Host facts: which cgroup layout, where each hierarchy is mounted (from
 * mountinfo, never hardcoded), and which cgroup we ourselves sit in. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "common/cleanup.h"
#include "common/mountinfo.h"
#include "common/util.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

error *cgroup_detect_layout(enum cgroup_layout *out)
{
	struct statfs st;
	if (statfs(CGROUP_ROOT, &st) < 0)
		return err_errno("statfs %s", CGROUP_ROOT);
	if (st.f_type == CGROUP2_SUPER_MAGIC) {
		*out = CGROUP_LAYOUT_V2;
		return NULL;
	}
	if (statfs(CGROUP_ROOT "/unified", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
		*out = CGROUP_LAYOUT_HYBRID;
	else
		*out = CGROUP_LAYOUT_V1;
	return NULL;
}

const char *cgroup_layout_name(enum cgroup_layout l)
{
	switch (l) {
	case CGROUP_LAYOUT_V2:
		return "v2";
	case CGROUP_LAYOUT_V1:
		return "v1";
	case CGROUP_LAYOUT_HYBRID:
		return "hybrid";
	}
	return "?";
}

static const char *const v1_controllers[] = {
    "cpu",	"cpuacct", "cpuset",	 "memory",  "devices", "freezer", "net_cls",
    "net_prio", "blkio",   "perf_event", "hugetlb", "pids",    "rdma",	  "misc",
};

/* Super options ("rw,cpu,cpuacct,xattr") -> "cpu,cpuacct", keeping only
 * controllers and name=systemd (runc ignores other named hierarchies). */
static char *controllers_of(const char *superopts)
{
	size_t cap = strlen(superopts) + 1, len = 0;
	char *out = calloc(1, cap);
	if (!out)
		return NULL;
	for (const char *p = superopts; *p;) {
		const char *end = strchrnul(p, ',');
		size_t n = (size_t)(end - p);
		bool keep = n == strlen("name=systemd") && strncmp(p, "name=systemd", n) == 0;
		for (size_t i = 0; !keep && i < ARRAY_SIZE(v1_controllers); i++)
			keep =
			    strlen(v1_controllers[i]) == n && strncmp(p, v1_controllers[i], n) == 0;
		if (keep) {
			if (len)
				out[len++] = ',';
			memcpy(out + len, p, n);
			len += n;
		}
		p = *end ? end + 1 : end;
	}
	return out;
}

void cg_mounts_free(struct cg_mount *m, size_t n)
{
	for (size_t i = 0; m && i < n; i++) {
		free(m[i].mnt);
		free(m[i].controllers);
	}
	free(m);
}

static bool mount_seen(const struct cg_mount *m, size_t n, bool v2, const char *controllers)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].v2 == v2 && strcmp(m[i].controllers, controllers) == 0)
			return true;
	return false;
}

error *cg_parse_mounts(const char *mountinfo, struct cg_mount **out, size_t *n_out)
{
	struct cg_mount *m = NULL;
	size_t n = 0;
	_cleanup_mountinfo_ struct mountinfo mi = {0};
	error *e = mountinfo_parse(mountinfo, &mi);
	if (e)
		return e;
	for (size_t k = 0; k < mi.n; k++) {
		const struct mountinfo_entry *me = &mi.v[k];
		bool v2 = strcmp(me->fstype, "cgroup2") == 0;
		if (!v2 && strcmp(me->fstype, "cgroup") != 0)
			continue;
		_cleanup_free_ char *ctrls = v2 ? strdup("") : controllers_of(me->super_options);
		if (!ctrls) {
			cg_mounts_free(m, n);
			return err_sys(ENOMEM, "mountinfo");
		}
		if ((!v2 && !*ctrls) || mount_seen(m, n, v2, ctrls))
			continue;
		struct cg_mount *nm = realloc(m, (n + 1) * sizeof(*m));
		if (!nm) {
			cg_mounts_free(m, n);
			return err_sys(ENOMEM, "mountinfo");
		}
		m = nm;
		m[n].mnt = strdup(me->mount_point);
		m[n].controllers = steal_ptr(ctrls);
		m[n].v2 = v2;
		n++;
		if (!m[n - 1].mnt) {
			cg_mounts_free(m, n);
			return err_sys(ENOMEM, "mountinfo");
		}
	}
	*out = m;
	*n_out = n;
	return NULL;
}

/* Controller lists in /proc/self/cgroup follow the mount's order, but compare
 * as sets to be safe. */
static bool same_set(const char *a, const char *b)
{
	size_t la = 0, lb = 0;
	for (const char *p = a; *p;) {
		const char *end = strchrnul(p, ',');
		_cleanup_free_ char *one = strndup(p, (size_t)(end - p));
		if (!one || !str_list_has(b, one))
			return false;
		la++;
		p = *end ? end + 1 : end;
	}
	for (const char *p = b; *p; p++)
		lb += *p == ',';
	if (*b)
		lb++;
	return la == lb;
}

char *cg_own_path(const char *proc_cgroup, const char *controllers)
{
	_cleanup_free_ char *copy = strdup(proc_cgroup);
	if (!copy)
		return NULL;
	char *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		if (same_set(c1 + 1, controllers))
			return strdup(c2 + 1);
	}
	return NULL;
}

char *cg_dir(const struct cg_hier *h)
{
	return str_printf("%s%s", h->mnt, strcmp(h->path, "/") == 0 ? "" : h->path);
}

int cg_write(const char *dir, const char *file, const char *value)
{
	_cleanup_free_ char *path = str_printf("%s/%s", dir, file);
	if (!path)
		return ENOMEM;
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (write_all(fd, value, strlen(value)) < 0)
		return errno;
	return 0;
}

int cg_read(const char *dir, const char *file, char **out)
{
	_cleanup_free_ char *path = str_printf("%s/%s", dir, file);
	if (!path)
		return ENOMEM;
	error *e = read_file(path, out, NULL);
	int rc = e ? (err_errnum(e) ? err_errnum(e) : EIO) : 0;
	err_free(e);
	return rc;
}

bool cg_file_exists(const char *dir, const char *file)
{
	_cleanup_free_ char *path = str_printf("%s/%s", dir, file);
	return path && access(path, F_OK) == 0;
}

const struct cg_hier *cg_find_v1(const struct cgroup *cg, const char *controller)
{
	for (size_t i = 0; i < cg->n; i++)
		if (!cg->h[i].v2 && str_list_has(cg->h[i].controllers, controller))
			return &cg->h[i];
	return NULL;
}

const struct cg_hier *cg_find_v2(const struct cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		if (cg->h[i].v2)
			return &cg->h[i];
	return NULL;
}

const struct cg_hier *cg_tracking(const struct cgroup *cg)
{
	const struct cg_hier *h = cg_find_v2(cg);
	static const char *const prefs[] = {"pids", "freezer", "memory", "cpu"};
	for (size_t i = 0; !h && i < ARRAY_SIZE(prefs); i++)
		h = cg_find_v1(cg, prefs[i]);
	return h ? h : (cg->n ? &cg->h[0] : NULL);
}
