/* Resolution of paths inside an image-controlled rootfs. Every lookup goes
 * through openat2(RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS) from an fd of the
 * rootfs, so absolute symlinks and ".." stay inside it (a symlink to /etc
 * lands on <rootfs>/etc, never the host's). Callers then act on the returned
 * fd (mount onto /proc/self/fd/N, *at() calls), never on a path string. */
#ifndef ISORUN_RUNTIME_CHILD_SAFE_PATH_H
#define ISORUN_RUNTIME_CHILD_SAFE_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

enum safe_create {
	SAFE_NO_CREATE,	  /* must exist */
	SAFE_CREATE_DIR,  /* missing components become directories (0755) */
	SAFE_CREATE_FILE, /* parents become directories, the last an empty file */
};

/* Opens path (absolute or relative; both mean "inside root") with
 * O_PATH|O_CLOEXEC, following symlinks only within root; the final component
 * is followed too. With kind != SAFE_NO_CREATE missing components are created
 * one at a time under their already-resolved parent; a dangling symlink is
 * followed (inside root) and its target created, as runc's MkdirAllInRoot.
 * *out is the new fd. Errors carry the errno of the failing step. */
error *safe_open_in_root(int rootfd, const char *path, enum safe_create kind, int *out);

/* Opens the parent directory of path inside root (creating it when
 * create_parents), for the *at() calls that must not follow the last
 * component (mknodat, symlinkat, unlinkat). *name points into a malloc'd
 * copy returned in *name_buf (free it). The last component may not be "..",
 * "." or empty. */
error *safe_open_parent_in_root(int rootfd, const char *path, bool create_parents, int *dirfd,
				char **name_buf, const char **name);

/* "/proc/self/fd/N" for fd, in buf. */
const char *safe_fd_path(int fd, char *buf, size_t len);

#endif
