/* linux.intelRdt on resctrl (runtime/intel_rdt.h). The kernel's interface
 * (Documentation/arch/x86/resctrl.rst): a directory per control group with
 * `schemata` and `tasks`, monitoring groups under its `mon_groups`, and the
 * root group's files at the mount point itself. */
#include "runtime/intel_rdt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"

#define FIELD "linux.intelRdt"

static bool exists_at(const char *root, const char *rel)
{
	_cleanup_free_ char *p = str_printf("%s/%s", root, rel);
	struct stat st;
	return p && stat(p, &st) == 0;
}

static error *add_op(struct rdt_plan *p, enum rdt_op_kind kind, char *path, const char *data)
{
	if (!path)
		return err_sys(ENOMEM, FIELD);
	struct rdt_op *ops = realloc(p->ops, (p->n + 1) * sizeof(*ops));
	if (!ops) {
		free(path);
		return err_sys(ENOMEM, FIELD);
	}
	p->ops = ops;
	char *d = data ? strdup(data) : NULL;
	if (data && !d) {
		free(path);
		return err_sys(ENOMEM, FIELD);
	}
	p->ops[p->n++] = (struct rdt_op){kind, path, d};
	return NULL;
}

/* The schemata text: l3CacheSchema, memBwSchema, then the 1.3 schemata
 * lines. The kernel applies the lines in order, so a schemata line for the
 * same resource overrides the older fields, as the spec says it must. */
static char *schemata_text(const struct oci_intel_rdt *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	if (r->l3_cache_schema && *r->l3_cache_schema)
		fprintf(f, "%s\n", r->l3_cache_schema);
	if (r->mem_bw_schema && *r->mem_bw_schema)
		fprintf(f, "%s\n", r->mem_bw_schema);
	for (size_t i = 0; r->schemata && r->schemata[i]; i++)
		if (*r->schemata[i])
			fprintf(f, "%s\n", r->schemata[i]);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

error *rdt_plan_build(const struct oci_intel_rdt *r, const char *id, const char *root,
		      struct rdt_plan *out)
{
	memset(out, 0, sizeof(*out));
	struct stat st;
	if (stat(root, &st) < 0)
		return err_new(FIELD ": Intel RDT is not available on this host (no resctrl "
				     "filesystem at %s)",
			       root);
	/* The mount point exists on kernels built with resctrl; its root group
	 * has a schemata file only once it is mounted. */
	if (!exists_at(root, "schemata"))
		return err_new(FIELD ": Intel RDT is not available on this host (resctrl is not "
				     "mounted at %s)",
			       root);
	_cleanup_free_ char *text = schemata_text(r);
	if (!text)
		return err_sys(ENOMEM, FIELD);
	bool has_schema = *text != '\0';
	out->group = strdup(r->clos_id ? r->clos_id : id);
	if (!out->group)
		return err_sys(ENOMEM, FIELD);
	bool exists = exists_at(root, out->group);
	error *e = NULL;
	if (r->clos_id && exists) {
		/* A shared class of service: join it, never change it (other
		 * containers rely on it), and never remove it. */
		out->group_created = false;
		if (has_schema)
			e = add_op(out, RDT_CHECK, str_printf("%s/schemata", out->group), text);
	} else if (r->clos_id && !has_schema) {
		e = err_new(FIELD ".closID: resctrl group \"%s\" does not exist (and no schema "
				  "is given to create it)",
			    r->clos_id);
	} else if (exists) {
		e = err_new(FIELD ": resctrl group \"%s\" already exists", out->group);
	} else {
		out->group_created = true;
		e = add_op(out, RDT_MKDIR, strdup(out->group), NULL);
		if (!e && has_schema)
			e = add_op(out, RDT_WRITE, str_printf("%s/schemata", out->group), text);
	}
	if (!e)
		e = add_op(out, RDT_ADD_TASK, str_printf("%s/tasks", out->group), NULL);
	if (!e && r->enable_monitoring) {
		if (!exists_at(root, "mon_groups"))
			e = err_new(FIELD
				    ".enableMonitoring: this host's resctrl has no monitoring "
				    "(no %s/mon_groups)",
				    root);
		else if (!(out->mon_group = str_printf("%s/mon_groups/%s", out->group, id)))
			e = err_sys(ENOMEM, FIELD);
		else if (exists_at(root, out->mon_group))
			e = err_new(FIELD ": resctrl monitoring group \"%s\" already exists",
				    out->mon_group);
		if (!e)
			e = add_op(out, RDT_MKDIR, strdup(out->mon_group), NULL);
		if (!e)
			e = add_op(out, RDT_ADD_TASK, str_printf("%s/tasks", out->mon_group), NULL);
	}
	if (e)
		rdt_plan_free(out);
	return e;
}

/* "L3:0=ff;1=f" -> does the group's schemata give every listed domain the
 * same value? The kernel prints masks in its own width ("L3:0=0ff;1=00f")
 * and keeps other resources on other lines, so compare by value. */
static bool line_matches(const char *want, const char *have_text)
{
	const char *colon = strchr(want, ':');
	if (!colon)
		return false;
	size_t rlen = (size_t)(colon - want);
	int base = (rlen >= 2 && !strncmp(want, "MB", 2)) ? 10 : 16;
	for (const char *line = have_text; line && *line;) {
		while (*line == ' ')
			line++;
		const char *eol = strchrnul(line, '\n');
		if ((size_t)(eol - line) > rlen && !strncmp(line, want, rlen) &&
		    line[rlen] == ':') {
			/* every domain=value of want must appear with the same value */
			for (const char *w = colon + 1; *w;) {
				char *end;
				unsigned long dom = strtoul(w, &end, 10);
				if (*end != '=')
					return false;
				unsigned long long val = strtoull(end + 1, &end, base);
				bool found = false;
				for (const char *h = line + rlen + 1; h < eol;) {
					char *hend;
					unsigned long hd = strtoul(h, &hend, 10);
					if (*hend != '=')
						break;
					unsigned long long hv = strtoull(hend + 1, &hend, base);
					if (hd == dom)
						found = hv == val;
					h = (*hend == ';') ? hend + 1 : eol;
				}
				if (!found)
					return false;
				w = (*end == ';') ? end + 1 : end + strlen(end);
			}
			return true;
		}
		line = *eol ? eol + 1 : eol;
	}
	return false;
}

static error *check_schemata(int root_fd, const struct rdt_op *op)
{
	_cleanup_free_ char *have = NULL;
	size_t len = 0;
	error *e = read_file_at(root_fd, op->path, &have, &len);
	if (e)
		return err_wrap(e, FIELD);
	_cleanup_free_ char *want = strdup(op->data);
	if (!want)
		return err_sys(ENOMEM, FIELD);
	for (char *save = NULL, *l = strtok_r(want, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save))
		if (!line_matches(l, have))
			return err_new(FIELD
				       ".closID: the existing group's %s does not match \"%s\"",
				       op->path, l);
	return NULL;
}

static error *apply_op(int root_fd, const struct rdt_op *op, pid_t pid)
{
	switch (op->kind) {
	case RDT_MKDIR: {
		/* mon_groups exists by itself in a real control group; a
		 * fake tree needs it made. */
		char *slash = strstr(op->path, "/mon_groups/");
		if (slash) {
			_cleanup_free_ char *parent =
			    strndup(op->path, (size_t)(slash - op->path) + strlen("/mon_groups"));
			if (!parent)
				return err_sys(ENOMEM, FIELD);
			if (mkdirat(root_fd, parent, 0755) < 0 && errno != EEXIST)
				return err_errno(FIELD ": mkdir %s", parent);
		}
		if (mkdirat(root_fd, op->path, 0755) < 0)
			return err_errno(FIELD ": mkdir %s", op->path);
		return NULL;
	}
	case RDT_WRITE: {
		error *e = write_file_at(root_fd, op->path, op->data, strlen(op->data));
		return e ? err_wrap(e, FIELD ": write %s", op->path) : NULL;
	}
	case RDT_CHECK:
		return check_schemata(root_fd, op);
	case RDT_ADD_TASK: {
		char buf[32];
		int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
		error *e = write_file_at(root_fd, op->path, buf, (size_t)n);
		return e ? err_wrap(e, FIELD ": add pid %d to %s", (int)pid, op->path) : NULL;
	}
	}
	return err_new(FIELD ": unknown plan step");
}

error *rdt_plan_apply(const struct rdt_plan *p, const char *root, pid_t pid)
{
	_cleanup_close_ int root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return err_errno(FIELD ": open %s", root);
	for (size_t i = 0; i < p->n; i++) {
		error *e = apply_op(root_fd, &p->ops[i], pid);
		if (e) {
			err_free(rdt_plan_undo(p, root));
			return e;
		}
	}
	return NULL;
}

static error *remove_group(const char *root, const char *rel)
{
	_cleanup_free_ char *path = str_printf("%s/%s", root, rel);
	if (!path)
		return err_sys(ENOMEM, FIELD);
	/* resctrl moves the group's tasks back to the parent group on rmdir; a
	 * fake tree still holds the files the plan wrote. */
	if (rmdir(path) == 0 || errno == ENOENT)
		return NULL;
	if (errno == ENOTEMPTY || errno == EEXIST) {
		const char *const leftovers[] = {"schemata", "tasks"};
		for (size_t i = 0; i < ARRAY_SIZE(leftovers); i++) {
			_cleanup_free_ char *f = str_printf("%s/%s", path, leftovers[i]);
			if (f)
				unlink(f);
		}
		_cleanup_free_ char *m = str_printf("%s/mon_groups", path);
		if (m)
			rmdir(m);
		if (rmdir(path) == 0)
			return NULL;
	}
	return err_errno(FIELD ": remove %s", path);
}

error *rdt_plan_undo(const struct rdt_plan *p, const char *root)
{
	error *first = NULL;
	if (p->mon_group)
		first = remove_group(root, p->mon_group);
	if (p->group_created) {
		error *e = remove_group(root, p->group);
		if (!first)
			first = e;
		else
			err_free(e);
	}
	return first;
}

void rdt_plan_free(struct rdt_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->ops[i].path);
		free(p->ops[i].data);
	}
	free(p->ops);
	free(p->group);
	free(p->mon_group);
	memset(p, 0, sizeof(*p));
}

error *rdt_record(int state_dir_fd, const struct rdt_plan *p)
{
	_cleanup_free_ char *text = str_printf("%s\n%s\n", p->mon_group ? p->mon_group : "",
					       p->group_created ? p->group : "");
	if (!text)
		return err_sys(ENOMEM, FIELD);
	error *e = write_file_at(state_dir_fd, "intel_rdt", text, strlen(text));
	return e ? err_wrap(e, FIELD ": record") : NULL;
}

error *rdt_remove_recorded(int state_dir_fd, const char *root)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	error *e = read_file_at(state_dir_fd, "intel_rdt", &text, &len);
	if (e) {
		bool absent = err_errnum(e) == ENOENT;
		err_free(e);
		return absent ? NULL : err_new(FIELD ": the state dir's record is unreadable");
	}
	char *nl = strchr(text, '\n');
	if (!nl)
		return err_new(FIELD ": the state dir's record is malformed");
	*nl = '\0';
	char *group = nl + 1;
	char *nl2 = strchr(group, '\n');
	if (nl2)
		*nl2 = '\0';
	/* The record names paths below the root: refuse anything else. */
	const char *parts[] = {text, group};
	for (size_t i = 0; i < 2; i++)
		if (strstr(parts[i], "..") || parts[i][0] == '/')
			return err_new(FIELD ": the state dir's record is malformed");
	error *first = *text ? remove_group(root, text) : NULL;
	if (*group) {
		e = remove_group(root, group);
		if (!first)
			first = e;
		else
			err_free(e);
	}
	return first;
}

error *rdt_update(const struct oci_intel_rdt *r, const char *id, const char *root, const char *l3,
		  const char *mb)
{
	bool want_l3 = l3 && *l3, want_mb = mb && *mb;
	if (!want_l3 && !want_mb)
		return NULL;
	/* runc's wording, which callers may match on. */
	_cleanup_free_ char *l3_info = str_printf("%s/info/L3", root);
	_cleanup_free_ char *mb_info = str_printf("%s/info/MB", root);
	struct stat st;
	if (want_l3 && (!l3_info || stat(l3_info, &st) < 0))
		return err_new("Intel RDT/CAT: l3 cache schema is not enabled");
	if (want_mb && (!mb_info || stat(mb_info, &st) < 0))
		return err_new("Intel RDT/MBA: memory bandwidth schema is not enabled");
	if (!r || !r->set)
		return err_new("updating a non-existent Intel RDT configuration is not supported");
	_cleanup_free_ char *text = str_printf("%s%s%s%s", want_l3 ? l3 : "", want_l3 ? "\n" : "",
					       want_mb ? mb : "", want_mb ? "\n" : "");
	_cleanup_free_ char *path =
	    str_printf("%s/%s/schemata", root, r->clos_id ? r->clos_id : id);
	if (!text || !path)
		return err_sys(ENOMEM, "update");
	error *e = write_file(path, text, strlen(text));
	return e ? err_wrap(e, "Intel RDT") : NULL;
}
