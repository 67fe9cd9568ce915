#include "runtime/mount_idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "namespaces/namespaces.h"

void mount_idmap_trees_close(struct mount_idmap_trees *t)
{
	for (size_t i = 0; t->fds && i < t->n; i++)
		if (t->fds[i] >= 0)
			close(t->fds[i]);
	free(t->fds);
	t->fds = NULL;
	t->n = 0;
}

static error *prepare_one(const struct mount_op *op, int userns_fd, int *out)
{
	/* The source is followed, as for a plain bind (apply_bind). */
	unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
	if (op->flags & MS_REC)
		flags |= AT_RECURSIVE;
	_cleanup_close_ int tree = (int)syscall(SYS_open_tree, AT_FDCWD, op->source, flags);
	if (tree < 0)
		return err_errno("open_tree %s", op->source);
	_cleanup_close_ int own_ns = -1;
	if (op->uid_map) {
		error *e = userns_open_with_maps(op->uid_map, op->n_uid_map, op->gid_map,
						 op->n_gid_map, &own_ns);
		if (e)
			return e;
		userns_fd = own_ns;
	}
	if (userns_fd < 0)
		return err_new("idmapped mount: no user namespace to map with");
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd};
	unsigned int at = AT_EMPTY_PATH;
	if (op->idmap == MOUNT_IDMAP_RECURSIVE)
		at |= AT_RECURSIVE;
	if (mount_setattr(tree, "", at, &attr, sizeof(attr)) < 0) {
		int err = errno;
		if (err == EINVAL)
			return err_sys(
			    err,
			    "idmapped mount of %s: mount_setattr(MOUNT_ATTR_IDMAP): the "
			    "filesystem (of the source%s) does not support idmapped mounts",
			    op->source,
			    op->idmap == MOUNT_IDMAP_RECURSIVE ? " or of a submount" : "");
		return err_sys(err, "idmapped mount of %s: mount_setattr(MOUNT_ATTR_IDMAP)",
			       op->source);
	}
	*out = steal_fd(tree);
	return NULL;
}

static error *prepare_plan(const struct mount_plan *p, size_t n_mounts, int userns_fd,
			   struct mount_idmap_trees *out)
{
	bool any = false;
	for (size_t i = 0; i < p->n && !any; i++)
		any = p->ops[i].idmap != MOUNT_IDMAP_NONE;
	if (!any)
		return NULL;
	out->fds = malloc(n_mounts * sizeof(int));
	if (!out->fds)
		return err_sys(ENOMEM, "idmapped mounts");
	out->n = n_mounts;
	for (size_t i = 0; i < n_mounts; i++)
		out->fds[i] = -1;
	for (size_t i = 0; i < p->n; i++) {
		const struct mount_op *op = &p->ops[i];
		if (op->idmap == MOUNT_IDMAP_NONE)
			continue;
		if (op->spec_index < 0 || (size_t)op->spec_index >= n_mounts ||
		    out->fds[op->spec_index] >= 0) {
			mount_idmap_trees_close(out);
			return err_new("mounts[%d]: idmapped mount: bad plan entry",
				       op->spec_index);
		}
		error *e = prepare_one(op, userns_fd, &out->fds[op->spec_index]);
		if (e) {
			mount_idmap_trees_close(out);
			return err_wrap(e, "mounts[%d] (%s)", op->spec_index, op->dest);
		}
		log_debug("mounts[%d] (%s): %s tree of %s prepared", op->spec_index, op->dest,
			  op->idmap == MOUNT_IDMAP_RECURSIVE ? "ridmapped" : "idmapped",
			  op->source);
	}
	return NULL;
}

error *mount_idmap_prepare(const struct oci_config *cfg, int userns_fd,
			   struct mount_idmap_trees *out)
{
	memset(out, 0, sizeof(*out));
	/* The cgroup mounts' host facts do not matter for binds. */
	struct mount_host no_host = {0};
	struct mount_plan p;
	error *e = mount_plan_build(cfg, &no_host, false, &p);
	if (e)
		return e;
	e = prepare_plan(&p, cfg->n_mounts, userns_fd, out);
	mount_plan_free(&p);
	return e;
}
