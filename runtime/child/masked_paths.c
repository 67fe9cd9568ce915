#include "runtime/child/masked_paths.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/sys.h"
#include "common/util.h"
#include "runtime/child/mount_plan.h"
#include "runtime/child/safe_path.h"

/* The mounts below name their source and target as /proc/self/fd/N, which
 * after pivot_root goes through the container's /proc. Should that not be a
 * real procfs (a spec without a proc mount leaves the image's own /proc
 * directory there, where fd/N can be any symlink), the kernel would follow
 * whatever the image put there: check that the path still is the file we
 * opened before handing it to mount(2). */
static error *check_fd_path(int fd, const char *p, const char *what, size_t i, const char *path)
{
	struct stat want, got;
	if (fstat(fd, &want) < 0 || stat(p, &got) < 0)
		return err_errno("%s[%zu] (%s): stat %s", what, i, path, p);
	if (want.st_dev != got.st_dev || want.st_ino != got.st_ino)
		return err_new("%s[%zu] (%s): %s does not lead to the opened file (is /proc a "
			       "real procfs?)",
			       what, i, path, p);
	return NULL;
}

/* Opens path inside root; *fd stays -1 (and no error) when it is missing. */
static error *open_if_exists(int rootfd, const char *path, int *fd)
{
	*fd = -1;
	error *e = safe_open_in_root(rootfd, path, SAFE_NO_CREATE, fd);
	if (e && (err_errnum(e) == ENOENT || err_errnum(e) == ENOTDIR)) {
		err_free(e);
		return NULL;
	}
	return e;
}

static error *open_dev_null(int rootfd, int *out)
{
	_cleanup_close_ int fd = -1;
	error *e = safe_open_in_root(rootfd, "/dev/null", SAFE_NO_CREATE, &fd);
	if (e)
		return err_wrap(e, "maskedPaths");
	struct stat st;
	if (fstat(fd, &st) < 0)
		return err_errno("maskedPaths: stat /dev/null");
	/* CVE-2025-31133: binding whatever the image calls /dev/null would
	 * expose (or make writable) the file it points at. */
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return err_new("maskedPaths: /dev/null is not the null device (char 1:3)");
	*out = steal_fd(fd);
	return NULL;
}

error *rootfs_mask_paths(const struct sys_ops *sys, int rootfd, char *const *paths,
			 const char *mount_label)
{
	if (!paths || !*paths)
		return NULL;
	_cleanup_close_ int null = -1;
	error *e = open_dev_null(rootfd, &null);
	if (e)
		return e;
	char np[32], tp[32];
	safe_fd_path(null, np, sizeof(np));
	_cleanup_free_ char *data =
	    mount_label && *mount_label ? str_printf("context=\"%s\"", mount_label) : NULL;
	for (size_t i = 0; paths[i]; i++) {
		_cleanup_close_ int fd = -1;
		if ((e = open_if_exists(rootfd, paths[i], &fd)))
			return err_wrap(e, "maskedPaths[%zu] (%s)", i, paths[i]);
		if (fd < 0)
			continue;
		struct stat st;
		if (fstat(fd, &st) < 0)
			return err_errno("maskedPaths[%zu] (%s): stat", i, paths[i]);
		safe_fd_path(fd, tp, sizeof(tp));
		if ((e = check_fd_path(fd, tp, "maskedPaths", i, paths[i])) ||
		    (e = check_fd_path(null, np, "maskedPaths", i, paths[i])))
			return e;
		if (S_ISDIR(st.st_mode)) {
			if (sys->mount("tmpfs", tp, "tmpfs", MS_RDONLY, data) < 0)
				return err_errno("maskedPaths[%zu] (%s): mount tmpfs", i, paths[i]);
		} else if (sys->mount(np, tp, NULL, MS_BIND, NULL) < 0) {
			return err_errno("maskedPaths[%zu] (%s): bind /dev/null", i, paths[i]);
		}
	}
	return NULL;
}

error *rootfs_readonly_paths(const struct sys_ops *sys, int rootfd, char *const *paths)
{
	for (size_t i = 0; paths && paths[i]; i++) {
		_cleanup_close_ int fd = -1;
		error *e = open_if_exists(rootfd, paths[i], &fd);
		if (e)
			return err_wrap(e, "readonlyPaths[%zu] (%s)", i, paths[i]);
		if (fd < 0)
			continue;
		char p[32];
		safe_fd_path(fd, p, sizeof(p));
		if ((e = check_fd_path(fd, p, "readonlyPaths", i, paths[i])))
			return e;
		if (sys->mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0)
			return err_errno("readonlyPaths[%zu] (%s): bind", i, paths[i]);
		_cleanup_close_ int top = -1;
		if ((e = safe_open_in_root(rootfd, paths[i], SAFE_NO_CREATE, &top)))
			return err_wrap(e, "readonlyPaths[%zu] (%s)", i, paths[i]);
		/* mount_remount_fd keeps the locked flags on EPERM; keep
		 * nosuid/nodev/noexec always, as runc's readonlyPath. */
		if ((e = mount_remount_fd(sys, top,
					  MS_BIND | MS_RDONLY | mount_fd_flags(sys, top))))
			return err_wrap(e, "readonlyPaths[%zu] (%s)", i, paths[i]);
	}
	return NULL;
}
