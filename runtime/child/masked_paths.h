/* linux.maskedPaths and linux.readonlyPaths, applied after pivot_root with
 * rootfd an O_PATH fd of the container's "/"; the mounts go through sys. */
#ifndef ISORUN_RUNTIME_CHILD_MASKED_PATHS_H
#define ISORUN_RUNTIME_CHILD_MASKED_PATHS_H

#include "common/error.h"
#include "common/sys.h"

/* Files get the container's /dev/null bound over them (verified to be the
 * real char device 1:3 first: an image may have swapped it for a symlink or
 * a file), directories a read-only empty tmpfs; missing paths are skipped.
 * mount_label may be NULL (else passed as the tmpfs context= data). */
error *rootfs_mask_paths(const struct sys_ops *sys, int rootfd, char *const *paths,
			 const char *mount_label);
/* Each existing path is bound onto itself and remounted read-only, keeping
 * its nosuid/nodev/noexec (as runc); missing paths are skipped. */
error *rootfs_readonly_paths(const struct sys_ops *sys, int rootfd, char *const *paths);

#endif
