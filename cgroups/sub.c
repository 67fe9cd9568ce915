/* `exec --cgroup`: the process joins a sub-cgroup of the container's cgroup
 * (runc 1.2+). The container's cgroup is copied with each hierarchy's path
 * extended by its sub-path, so that exec enters it exactly as it would the
 * container's own (CLONE_INTO_CGROUP on v2, cgroup.procs writes on v1). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "common/cleanup.h"
#include "common/util.h"

void cgroup_subs_free(struct cgroup_subs *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].controller);
		free(s->v[i].path);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static error *add_sub(struct cgroup_subs *s, const char *ctrl, size_t ctrl_len, const char *path)
{
	for (size_t i = 0; i < s->n; i++)
		if (strlen(s->v[i].controller) == ctrl_len &&
		    !strncmp(s->v[i].controller, ctrl, ctrl_len))
			return err_new("invalid --cgroup argument(s): controller %.*s specified "
				       "multiple times",
				       (int)ctrl_len, ctrl);
	struct cgroup_sub *v = realloc(s->v, (s->n + 1) * sizeof(*v));
	if (!v)
		return err_sys(ENOMEM, "--cgroup");
	s->v = v;
	v[s->n].controller = strndup(ctrl, ctrl_len);
	v[s->n].path = strdup(path);
	s->n++;
	if (!v[s->n - 1].controller || !v[s->n - 1].path)
		return err_sys(ENOMEM, "--cgroup");
	return NULL;
}

error *cgroup_parse_subs(char *const *args, size_t n, struct cgroup_subs *out)
{
	memset(out, 0, sizeof(*out));
	error *e = NULL;
	for (size_t i = 0; i < n && !e; i++) {
		const char *a = args[i];
		const char *colon = strchr(a, ':');
		if (!colon) {
			/* One path for every hierarchy: the only form on v2. */
			if (n != 1)
				e = err_new("invalid --cgroup argument: %s (missing <controller>: "
					    "prefix)",
					    a);
			else
				e = add_sub(out, "", 0, a);
			continue;
		}
		for (const char *c = a; !e && c <= colon;) {
			size_t len = strcspn(c, ",:");
			if (c + len > colon)
				len = (size_t)(colon - c);
			if (len == 0)
				e = err_new(
				    "invalid --cgroup argument: %s (empty <controller> prefix)", a);
			else
				e = add_sub(out, c, len, colon + 1);
			c += len + 1;
		}
	}
	if (e)
		cgroup_subs_free(out);
	return e;
}

char *cgroup_sub_join(const char *base, const char *sub)
{
	char *p = path_join_clean(base, sub);
	if (!p)
		return NULL;
	size_t n = strlen(base);
	if (!strcmp(base, "/") || !strcmp(p, base) || (!strncmp(p, base, n) && p[n] == '/'))
		return p;
	free(p);
	errno = EINVAL;
	return NULL;
}

/* The sub-path for one hierarchy: the controller-less entry, else the entry
 * naming one of its controllers (two entries for one hierarchy must agree). */
static error *sub_for(const struct cg_hier *h, const struct cgroup_subs *s, bool *used,
		      const char **out)
{
	*out = NULL;
	for (size_t i = 0; i < s->n; i++) {
		const char *c = s->v[i].controller;
		if (*c && (h->v2 || !str_list_has(h->controllers, c)))
			continue;
		if (*out && strcmp(*out, s->v[i].path) != 0)
			return err_new("--cgroup: %s and %s are one hierarchy (%s) but are given "
				       "different paths",
				       s->v[i].controller, h->controllers, h->mnt);
		*out = s->v[i].path;
		used[i] = true;
	}
	return NULL;
}

error *cgroup_sub(const struct cgroup *cg, const struct cgroup_subs *s, struct cgroup **out)
{
	_cleanup_free_ bool *used = calloc(s->n + 1, sizeof(bool));
	struct cgroup *sub = calloc(1, sizeof(*sub));
	if (sub) {
		sub->v2fd = -1;
		sub->layout = cg->layout;
		sub->h = calloc(cg->n + 1, sizeof(*sub->h));
	}
	if (!used || !sub || !sub->h) {
		cgroup_free(sub);
		return err_sys(ENOMEM, "--cgroup");
	}
	error *e = NULL;
	for (size_t i = 0; i < cg->n && !e; i++) {
		const struct cg_hier *h = &cg->h[i];
		struct cg_hier *t = &sub->h[sub->n++];
		const char *rel = NULL;
		if ((e = sub_for(h, s, used, &rel)))
			break;
		t->mnt = strdup(h->mnt);
		t->controllers = strdup(h->controllers);
		t->v2 = h->v2;
		t->path = rel ? cgroup_sub_join(h->path, rel) : strdup(h->path);
		if (!t->path && errno == EINVAL) {
			e = err_new("bad sub cgroup path: %s is not a sub cgroup path", rel);
			break;
		}
		if (!t->mnt || !t->controllers || !t->path) {
			e = err_sys(ENOMEM, "--cgroup");
			break;
		}
		/* runc: "If the specified cgroup does not exist, an error is
		 * returned"; never created here. */
		_cleanup_free_ char *dir = cg_dir(t);
		struct stat st;
		if (!dir)
			e = err_sys(ENOMEM, "--cgroup");
		else if (stat(dir, &st) < 0)
			e = err_new("sub-cgroup %s: %s: %s", rel ? rel : "/", dir,
				    go_strerror(errno));
	}
	for (size_t i = 0; i < s->n && !e; i++)
		if (!used[i])
			e = err_new("--cgroup: unknown controller %s (the container has no such "
				    "cgroup hierarchy)",
				    s->v[i].controller);
	if (!e && sub->layout == CGROUP_LAYOUT_V2) {
		const struct cg_hier *h = cg_find_v2(sub);
		_cleanup_free_ char *dir = h ? cg_dir(h) : NULL;
		if (dir && (sub->v2fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			e = err_errno("sub-cgroup: open %s", dir);
	}
	if (e) {
		cgroup_free(sub);
		return e;
	}
	*out = sub;
	return NULL;
}
