/* The container's cgroup across hierarchies: create, state round trip,
 * enter, destroy. Freezing and signalling live in freeze.c, limits in
 * resources_plan.c/apply.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"

error *cgroup_resolve_path(const char *cgroups_path, const char *id, const char *own_cgroup,
			   char **out)
{
	const char *rel = cgroups_path && *cgroups_path ? cgroups_path : id;
	if (!rel || !*rel)
		return err_new("cgroupsPath: empty and no container id to derive it from");
	/* runc's cgroupfs driver: absolute paths are taken from the hierarchy
	 * root, anything else (including the bare id) from our own cgroup. */
	char *p = path_join_clean(rel[0] == '/' ? "/" : (own_cgroup ? own_cgroup : "/"), rel);
	if (!p)
		return err_sys(ENOMEM, "cgroupsPath");
	if (strcmp(p, "/") == 0) {
		free(p);
		return err_new("cgroupsPath %s: resolves to the root cgroup", rel);
	}
	*out = p;
	return NULL;
}

static void hier_free(struct cg_hier *h)
{
	free(h->mnt);
	free(h->controllers);
	free(h->path);
}

void cgroup_free(struct cgroup *cg)
{
	if (!cg)
		return;
	for (size_t i = 0; i < cg->n; i++)
		hier_free(&cg->h[i]);
	free(cg->h);
	free(cg->denied);
	if (cg->v2fd >= 0)
		close(cg->v2fd);
	cg_sd_free(cg);
	free(cg);
}

static void cgroup_freep(struct cgroup **cg)
{
	cgroup_free(*cg);
}
#define _cleanup_cgroup_ __attribute__((cleanup(cgroup_freep)))

const char *cgroup_path(const struct cgroup *cg)
{
	const struct cg_hier *h = cg_tracking(cg);
	return h ? h->path : "/";
}

/* Parent of a cleaned absolute path, in place ("/a/b" -> "/a", "/a" -> "/"). */
static void path_up(char *p)
{
	char *s = strrchr(p, '/');
	if (s == p)
		p[1] = '\0';
	else if (s)
		*s = '\0';
}

/* v2: a controller is usable in a child only if every ancestor lists it in
 * cgroup.subtree_control, so enable all that are available (runc does the
 * same). A parent with processes refuses (no internal processes rule): then
 * we try one by one and leave the rest to the limits that need them. */
static void enable_subtree(const char *dir)
{
	_cleanup_free_ char *avail = NULL;
	if (cg_read(dir, "cgroup.controllers", &avail) != 0)
		return;
	size_t cap = strlen(avail) * 2 + 2, len = 0;
	_cleanup_free_ char *req = calloc(1, cap);
	if (!req)
		return;
	char *save = NULL;
	for (char *c = strtok_r(avail, " \n", &save); c; c = strtok_r(NULL, " \n", &save))
		len += (size_t)snprintf(req + len, cap - len, "%s+%s", len ? " " : "", c);
	if (len == 0 || cg_write(dir, "cgroup.subtree_control", req) == 0)
		return;
	save = NULL;
	for (char *c = strtok_r(req, " ", &save); c; c = strtok_r(NULL, " ", &save)) {
		int rc = cg_write(dir, "cgroup.subtree_control", c);
		if (rc)
			log_debug("cgroup: enable %s in %s/cgroup.subtree_control: %s", c, dir,
				  strerror(rc));
	}
}

/* v1 cpuset: a new cgroup starts with empty cpus/mems and refuses tasks
 * until they are set, so inherit the parent's. */
static error *cpuset_inherit(const char *dir)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
	_cleanup_free_ char *parent = strdup(dir);
	if (!parent)
		return err_sys(ENOMEM, "cpuset");
	path_up(parent);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *cur = NULL, *val = NULL;
		if (cg_read(dir, files[i], &cur) == 0 && cur[0] && cur[0] != '\n')
			continue;
		int rc = cg_read(parent, files[i], &val);
		if (rc == 0 && val[0] && val[0] != '\n')
			rc = cg_write(dir, files[i], val);
		if (rc)
			return err_sys(rc, "copy %s/%s to %s", parent, files[i], dir);
	}
	return NULL;
}

error *cg_hier_create(struct cg_hier *h, enum cgroup_layout layout)
{
	_cleanup_free_ char *full = cg_dir(h);
	if (!full)
		return err_sys(ENOMEM, "cgroup");
	size_t base = strlen(h->mnt);
	bool cpuset = !h->v2 && str_list_has(h->controllers, "cpuset");
	for (char *s = full + base + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char saved = *s;
		*s = '\0';
		if (h->v2 && layout == CGROUP_LAYOUT_V2) {
			_cleanup_free_ char *parent = strdup(full);
			if (!parent)
				return err_sys(ENOMEM, "cgroup");
			path_up(parent);
			enable_subtree(parent);
		}
		if (mkdir(full, 0755) == 0) {
			h->created++;
		} else if (errno == EEXIST) {
			/* A pre-existing component below a created one cannot happen
			 * except by a race; then it is not ours to remove. */
			h->created = 0;
		} else {
			error *e = err_errno("mkdir %s", full);
			for (; h->created > 0; h->created--) {
				path_up(full);
				rmdir(full);
			}
			return e;
		}
		if (cpuset) {
			error *e = cpuset_inherit(full);
			if (e)
				return e;
		}
		*s = saved;
		if (!saved)
			break;
	}
	return NULL;
}

static error *own_cgroup_of(const char *proc_cgroup, const struct cg_mount *m,
			    enum cgroup_layout layout, char **out)
{
	char *own = cg_own_path(proc_cgroup, m->controllers);
	if (!own)
		return err_new("/proc/self/cgroup: no entry for %s hierarchy %s",
			       m->v2 ? "cgroup2" : m->controllers, m->mnt);
	/* runc (fs2): our own v2 cgroup most likely holds processes already,
	 * which forbids enabling controllers below it, so use its parent. */
	if (m->v2 && layout == CGROUP_LAYOUT_V2)
		path_up(own);
	*out = own;
	return NULL;
}

static bool wanted(const struct cg_mount *m, enum cgroup_layout layout, bool *have_v2)
{
	if (m->v2) {
		if (layout == CGROUP_LAYOUT_V1 || *have_v2)
			return false;
		if (layout == CGROUP_LAYOUT_V2 && strcmp(m->mnt, CGROUP_ROOT) != 0)
			return false;
		*have_v2 = true;
		return true;
	}
	return layout != CGROUP_LAYOUT_V2;
}

/* Fills cg->h with the hierarchies of cg->layout in mountinfo: each at
 * fixed_path when given, else at cgroupsPath resolved against our own
 * cgroup in that hierarchy (proc_cgroup). */
static error *fill_hiers(struct cgroup *cg, const char *mi, const char *pc,
			 const char *cgroups_path, const char *id, const char *fixed_path)
{
	struct cg_mount *m = NULL;
	size_t n = 0;
	error *e = cg_parse_mounts(mi, &m, &n);
	if (e)
		return e;
	cg->h = calloc(n ? n : 1, sizeof(*cg->h));
	bool have_v2 = false;
	for (size_t i = 0; cg->h && i < n && !e; i++) {
		if (!wanted(&m[i], cg->layout, &have_v2))
			continue;
		_cleanup_free_ char *own = NULL;
		char *path = NULL;
		if (fixed_path) {
			if (!(path = strdup(fixed_path)))
				e = err_sys(ENOMEM, "cgroup");
		} else {
			e = own_cgroup_of(pc, &m[i], cg->layout, &own);
			if (!e)
				e = cgroup_resolve_path(cgroups_path, id, own, &path);
		}
		if (e)
			break;
		struct cg_hier *h = &cg->h[cg->n++];
		h->mnt = steal_ptr(m[i].mnt);
		h->controllers = steal_ptr(m[i].controllers);
		h->v2 = m[i].v2;
		h->path = path;
	}
	cg_mounts_free(m, n);
	if (!e && !cg->h)
		e = err_sys(ENOMEM, "cgroup");
	if (!e && cg->n == 0)
		e = err_new("no cgroup hierarchy mounted under %s", CGROUP_ROOT);
	return e;
}

/* Fills cg->h from the host's mounts; paths resolved per hierarchy. */
static error *build_hiers(struct cgroup *cg, const char *cgroups_path, const char *id)
{
	_cleanup_free_ char *mi = NULL, *pc = NULL;
	error *e = read_file("/proc/self/mountinfo", &mi, NULL);
	if (!e)
		e = read_file("/proc/self/cgroup", &pc, NULL);
	if (e)
		return e;
	return fill_hiers(cg, mi, pc, cgroups_path, id, NULL);
}

error *cg_hiers_at(struct cgroup *cg, const char *mountinfo, const char *path)
{
	return fill_hiers(cg, mountinfo, NULL, NULL, NULL, path);
}

static error *destroy_hier(struct cg_hier *h);
static void open_v2fd(struct cgroup *cg);

static bool denied_errno(int err)
{
	return err == EACCES || err == EPERM || err == EROFS;
}

/* Moves h[i] out of cg->h and notes its controllers in cg->denied. */
static error *drop_hier(struct cgroup *cg, size_t i)
{
	struct cg_hier *h = &cg->h[i];
	char *d = str_printf("%s%s,", cg->denied ? cg->denied : ",", h->controllers);
	if (!d)
		return err_sys(ENOMEM, "cgroup");
	free(cg->denied);
	cg->denied = d;
	log_debug("cgroup: rootless: no write access to %s, not using it", h->mnt);
	hier_free(h);
	memmove(h, h + 1, (cg->n - i - 1) * sizeof(*h));
	cg->n--;
	return NULL;
}

static error *create(const char *cgroups_path, const char *id, bool rootless, struct cgroup **out)
{
	_cleanup_cgroup_ struct cgroup *cg = calloc(1, sizeof(*cg));
	if (!cg)
		return err_sys(ENOMEM, "cgroup");
	cg->v2fd = -1;
	cg->rootless = rootless;
	error *e = cgroup_detect_layout(&cg->layout);
	if (!e)
		e = build_hiers(cg, cgroups_path, id);
	if (e)
		return err_wrap(e, "cgroup %s", cgroups_path && *cgroups_path ? cgroups_path : "");
	/* runc's rootless cgroupfs manager ignores permission errors only
	 * for the default path: an explicit one is the caller's promise. */
	bool may_skip = rootless && !(cgroups_path && *cgroups_path);
	for (size_t i = 0; i < cg->n;) {
		e = cg_hier_create(&cg->h[i], cg->layout);
		if (e && may_skip && denied_errno(err_errnum(e))) {
			err_free(e);
			if ((e = drop_hier(cg, i)))
				return e;
			continue;
		}
		if (e) {
			/* Undo so that a failed create leaves no directories behind. */
			for (size_t j = 0; j <= i; j++)
				err_free(destroy_hier(&cg->h[j]));
			if (rootless && denied_errno(err_errnum(e)))
				e = err_wrap(e, "rootless: cgroupsPath must be writable by you");
			return err_wrap(e, "cgroup %s", cg->h[i].path);
		}
		i++;
	}
	open_v2fd(cg);
	if (cg->layout == CGROUP_LAYOUT_V2 && cg->n && cg->v2fd < 0) {
		e = err_errno("cgroup %s: open", cgroup_path(cg));
		err_free(cgroup_destroy(cg));
		return e;
	}
	*out = steal_ptr(cg);
	return NULL;
}

error *cgroup_create(const char *cgroups_path, const char *id, struct cgroup **out)
{
	return create(cgroups_path, id, false, out);
}

error *cgroup_create_rootless(const char *cgroups_path, const char *id, struct cgroup **out)
{
	return create(cgroups_path, id, true, out);
}

bool cgroup_is_empty(const struct cgroup *cg)
{
	return cg->n == 0;
}

/* State line: "<layout> <entry>..." with entry "<mnt>=<controllers>:<path>:<created>";
 * fields are %XX-escaped so that the separators and spaces cannot appear raw. */
static bool needs_escape(unsigned char c)
{
	return c <= ' ' || c >= 0x7f || c == '%' || c == '=' || c == ':';
}

static void esc_append(char *buf, size_t *len, const char *s)
{
	for (; *s; s++) {
		if (needs_escape((unsigned char)*s))
			*len += (size_t)sprintf(buf + *len, "%%%02X", (unsigned char)*s);
		else
			buf[(*len)++] = *s;
	}
	buf[*len] = '\0';
}

char *cgroup_state(const struct cgroup *cg)
{
	size_t cap = 16 + (cg->sd_unit ? 3 * strlen(cg->sd_unit) + 32 : 0);
	for (size_t i = 0; i < cg->n; i++)
		cap += 3 * (strlen(cg->h[i].mnt) + strlen(cg->h[i].controllers) +
			    strlen(cg->h[i].path)) +
		       16;
	char *buf = malloc(cap);
	if (!buf)
		return NULL;
	size_t len = (size_t)sprintf(buf, "%s", cgroup_layout_name(cg->layout));
	/* "systemd=<unit>:<system|user>:<scope|slice>:<started>" */
	if (cg->sd_unit) {
		len += (size_t)sprintf(buf + len, " systemd=");
		esc_append(buf, &len, cg->sd_unit);
		len += (size_t)sprintf(buf + len, ":%s:%s:%d", cg->sd_user ? "user" : "system",
				       cg->sd_slice ? "slice" : "scope", cg->sd_started);
	}
	for (size_t i = 0; i < cg->n; i++) {
		buf[len++] = ' ';
		esc_append(buf, &len, cg->h[i].mnt);
		buf[len++] = '=';
		esc_append(buf, &len, cg->h[i].controllers);
		buf[len++] = ':';
		esc_append(buf, &len, cg->h[i].path);
		len += (size_t)sprintf(buf + len, ":%d", cg->h[i].created);
	}
	return buf;
}

static char *unesc(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	if (!out)
		return NULL;
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (s[i] == '%' && i + 2 < n && sscanf(s + i + 1, "%2x", &v) == 1) {
			out[len++] = (char)v;
			i += 2;
		} else {
			out[len++] = s[i];
		}
	}
	out[len] = '\0';
	return out;
}

error *cgroup_load(const char *saved, struct cgroup **out)
{
	_cleanup_cgroup_ struct cgroup *cg = calloc(1, sizeof(*cg));
	_cleanup_free_ char *copy = saved ? strdup(saved) : NULL;
	if (cg)
		cg->v2fd = -1;
	if (!saved)
		return err_kind_new(ERR_NOT_FOUND, "cgroup state: missing");
	if (!cg || !copy)
		return err_sys(ENOMEM, "cgroup state");
	char *save = NULL;
	char *layout = strtok_r(copy, " \n", &save);
	if (!layout)
		return err_new("cgroup state \"%s\": empty", saved);
	if (strcmp(layout, "v2") == 0)
		cg->layout = CGROUP_LAYOUT_V2;
	else if (strcmp(layout, "v1") == 0)
		cg->layout = CGROUP_LAYOUT_V1;
	else if (strcmp(layout, "hybrid") == 0)
		cg->layout = CGROUP_LAYOUT_HYBRID;
	else
		return err_new("cgroup state \"%s\": unknown layout %s", saved, layout);
	size_t cap = strlen(saved) / 4 + 1;
	cg->h = calloc(cap, sizeof(*cg->h));
	if (!cg->h)
		return err_sys(ENOMEM, "cgroup state");
	for (char *ent = strtok_r(NULL, " \n", &save); ent; ent = strtok_r(NULL, " \n", &save)) {
		if (str_has_prefix(ent, "systemd=")) {
			char *u = ent + strlen("systemd=");
			char *c1 = strchr(u, ':');
			char bus[8], kind[8];
			int started;
			if (cg->sd_unit || !c1 ||
			    sscanf(c1 + 1, "%7[a-z]:%7[a-z]:%d", bus, kind, &started) != 3)
				return err_new("cgroup state \"%s\": bad entry %s", saved, ent);
			if (!(cg->sd_unit = unesc(u, (size_t)(c1 - u))))
				return err_sys(ENOMEM, "cgroup state");
			cg->sd_user = strcmp(bus, "user") == 0;
			cg->sd_slice = strcmp(kind, "slice") == 0;
			cg->sd_started = started != 0;
			continue;
		}
		char *eq = strchr(ent, '=');
		char *c1 = eq ? strchr(eq, ':') : NULL;
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		long long created;
		if (!c2 || parse_int64(c2 + 1, &created) < 0 || created < 0 || created > 4096 ||
		    cg->n >= cap)
			return err_new("cgroup state \"%s\": bad entry %s", saved, ent);
		struct cg_hier *h = &cg->h[cg->n++];
		h->mnt = unesc(ent, (size_t)(eq - ent));
		h->controllers = unesc(eq + 1, (size_t)(c1 - eq - 1));
		h->path = unesc(c1 + 1, (size_t)(c2 - c1 - 1));
		h->created = (int)created;
		if (!h->mnt || !h->controllers || !h->path)
			return err_sys(ENOMEM, "cgroup state");
		h->v2 = h->controllers[0] == '\0';
		if (h->mnt[0] != '/' || h->path[0] != '/')
			return err_new("cgroup state \"%s\": bad entry %s", saved, ent);
	}
	if (cg->n == 0)
		return err_new("cgroup state \"%s\": no hierarchies", saved);
	open_v2fd(cg);
	*out = steal_ptr(cg);
	return NULL;
}

/* Opened once so that callers can use it as a plain getter. */
static void open_v2fd(struct cgroup *cg)
{
	if (cg->layout != CGROUP_LAYOUT_V2 || cg->v2fd >= 0)
		return;
	const struct cg_hier *h = cg_find_v2(cg);
	_cleanup_free_ char *dir = h ? cg_dir(h) : NULL;
	if (dir)
		cg->v2fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int cgroup_v2_dirfd(const struct cgroup *cg)
{
	if (!cg)
		return -1;
	return cg->layout == CGROUP_LAYOUT_V2 ? cg->v2fd : -1;
}

error *cgroup_enter(struct cgroup *cg, pid_t pid)
{
	if (cg->sd_unit && !cg->sd_started)
		return cg_sd_enter(cg, pid);
	char buf[32];
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i < cg->n; i++) {
		_cleanup_free_ char *dir = cg_dir(&cg->h[i]);
		if (!dir)
			return err_sys(ENOMEM, "cgroup");
		int rc = cg_write(dir, "cgroup.procs", buf);
		if (rc)
			return err_sys(rc, "cgroup %s: add pid %d to %s/cgroup.procs",
				       cg->h[i].path, (int)pid, dir);
	}
	return NULL;
}

error *cgroup_join_open(const struct cgroup *cg, struct cgroup_join *j)
{
	*j = (struct cgroup_join){.cg = cg, .clone_fd = -1};
	if (!cg)
		return NULL;
	if (cg->sd_unit && !cg->sd_started) {
		j->parent_enters = true;
		return NULL;
	}
	if (!(j->tasks_fds = malloc(cg->n * sizeof(int))))
		return err_sys(ENOMEM, "cgroup");
	for (size_t i = 0; i < cg->n; i++)
		j->tasks_fds[i] = -1;
	error *e = NULL;
	for (size_t i = 0; i < cg->n && !e; i++) {
		_cleanup_free_ char *dir = cg_dir(&cg->h[i]);
		if (!dir) {
			e = err_sys(ENOMEM, "cgroup");
		} else if (cg->h[i].v2 && cg->v2fd >= 0) {
			j->clone_fd = cg->v2fd;
		} else if (cg->h[i].v2) {
			j->clone_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			j->own_clone_fd = j->clone_fd >= 0;
			if (j->clone_fd < 0)
				e = err_errno("cgroup %s: open %s", cg->h[i].path, dir);
		} else {
			_cleanup_free_ char *tasks = str_printf("%s/tasks", dir);
			j->tasks_fds[i] = tasks ? open(tasks, O_WRONLY | O_CLOEXEC) : -1;
			if (!tasks)
				e = err_sys(ENOMEM, "cgroup");
			else if (j->tasks_fds[i] < 0)
				e = err_errno("cgroup %s: open %s", cg->h[i].path, tasks);
		}
	}
	if (e)
		cgroup_join_close(j);
	return e;
}

error *cgroup_join_self(struct cgroup_join *j)
{
	error *e = NULL;
	for (size_t i = 0; !e && j->tasks_fds && i < j->cg->n; i++) {
		int fd = j->tasks_fds[i];
		if (fd >= 0 && write(fd, "0", 1) != 1) {
			_cleanup_free_ char *dir = cg_dir(&j->cg->h[i]);
			e = err_errno("cgroup %s: join %s/tasks", j->cg->h[i].path,
				      dir ? dir : j->cg->h[i].mnt);
		}
	}
	/* The tasks files are written, the cgroup2 fd used by clone3 already:
	 * nothing of the container needs them. */
	cgroup_join_close(j);
	return e;
}

void cgroup_join_close(struct cgroup_join *j)
{
	for (size_t i = 0; j->tasks_fds && i < j->cg->n; i++)
		if (j->tasks_fds[i] >= 0)
			close(j->tasks_fds[i]);
	free(j->tasks_fds);
	j->tasks_fds = NULL;
	if (j->own_clone_fd && j->clone_fd >= 0)
		close(j->clone_fd);
	j->clone_fd = -1;
	j->own_clone_fd = false;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* rmdir a cgroup and any sub-cgroups the container made (depth first). A
 * cgroup stays busy for a moment after its last process exits, so EBUSY is
 * retried until the deadline. */
static int rm_tree(const char *dir, double deadline)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : errno;
	DIR *d = fdopendir(fd);
	if (!d)
		return errno;
	fd = -1;
	int rc = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		_cleanup_free_ char *sub = str_printf("%s/%s", dir, de->d_name);
		int r = sub ? rm_tree(sub, deadline) : ENOMEM;
		if (r && !rc)
			rc = r;
	}
	closedir(d);
	if (rc)
		return rc;
	for (;;) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY || now_s() > deadline)
			return errno;
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	}
}

static error *destroy_hier(struct cg_hier *h)
{
	_cleanup_free_ char *dir = cg_dir(h);
	if (!dir)
		return err_sys(ENOMEM, "cgroup");
	int rc = rm_tree(dir, now_s() + 1.0);
	if (rc)
		return err_sys(rc, "cgroup %s: rmdir %s", h->path, dir);
	/* Parents we made are removed when empty; a sibling container may still
	 * use them, which is not an error. */
	for (int k = 1; k < h->created; k++) {
		path_up(dir);
		if (strlen(dir) <= strlen(h->mnt))
			break;
		if (rmdir(dir) < 0) {
			if (errno != ENOTEMPTY && errno != EBUSY && errno != ENOENT)
				log_debug("cgroup %s: rmdir %s: %s", h->path, dir, strerror(errno));
			break;
		}
	}
	h->created = 0;
	return NULL;
}

error *cgroup_destroy(struct cgroup *cg)
{
	/* systemd removes the unit's cgroup; what is left (it failed, or
	 * systemd is gone) is removed as on cgroupfs. A unit we did not start
	 * (it already existed) is someone else's: not a directory of it is
	 * touched. */
	if (cg->sd_unit && !cg->sd_started)
		return NULL;
	error *first = cg->sd_unit ? cg_sd_stop(cg) : NULL;
	for (size_t i = 0; i < cg->n; i++) {
		error *e = destroy_hier(&cg->h[i]);
		if (e && !first)
			first = e;
		else
			err_free(e);
	}
	return first;
}
