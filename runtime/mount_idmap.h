/* Idmapped bind mounts (mounts[].uidMappings/gidMappings, idmap/ridmap), the
 * runtime's half. mount_setattr(MOUNT_ATTR_IDMAP) needs CAP_SYS_ADMIN over the
 * source's filesystem (the host's user namespace for ext4, xfs, ...) and a
 * tree not yet attached anywhere, so it is done here, before clone3, on a
 * detached clone of each source; the child inherits the fds and moves each
 * tree onto its destination (runtime/child/mount_apply.c). */
#ifndef ISORUN_RUNTIME_MOUNT_IDMAP_H
#define ISORUN_RUNTIME_MOUNT_IDMAP_H

#include <stddef.h>

#include "common/error.h"
#include "runtime/child/mount_plan.h"

/* Indexed by the spec's mount index; -1 where the mount is not idmapped. */
struct mount_idmap_trees {
	int *fds;
	size_t n;
};

/* For every idmapped bind of cfg's mount plan: open_tree(OPEN_TREE_CLONE [|AT_RECURSIVE for
 * rbind]) of the source, a user namespace with the op's mappings (or
 * userns_fd, the container's user namespace joined by path, when the op has
 * none) and mount_setattr(MOUNT_ATTR_IDMAP [|AT_RECURSIVE for ridmap]).
 * On error nothing stays open (no fd, no helper process). Errors name the
 * entry: "mounts[3] (/data): ...". */
error *mount_idmap_prepare(const struct oci_config *cfg, int userns_fd,
			   struct mount_idmap_trees *out);
/* Closes every fd (the trees the child did not move dissolve). Idempotent. */
void mount_idmap_trees_close(struct mount_idmap_trees *t);

#endif
