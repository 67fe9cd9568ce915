#include "runtime/cloned_binary.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"

#define REQUIRED_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

static bool is_sealed_copy(int fd)
{
	int seals = fcntl(fd, F_GET_SEALS);
	return seals >= 0 && (seals & REQUIRED_SEALS) == REQUIRED_SEALS;
}

/* An overlayfs without an upper layer is read-only for good: no remount can
 * make it writable, and writing through it never reaches the lower file. */
static bool is_readonly_overlay(int fd)
{
	struct statfs sf;
	return fstatfs(fd, &sf) == 0 && sf.f_type == OVERLAYFS_SUPER_MAGIC &&
	       (sf.f_flags & ST_RDONLY);
}

/* Installed read-only: a read-only bind of the binary onto itself, or a
 * read-only /usr. Writing through the mount a handle on /proc/<pid>/exe
 * names fails with EROFS whatever the opener's privileges; making it
 * writable again takes a remount in the host's mount namespace, which a
 * process able to do so could use to write any file anyway. No re-exec
 * then: that costs a second exec (about 1 ms here). */
static bool is_readonly_mount(int fd)
{
	struct statfs sf;
	return fstatfs(fd, &sf) == 0 && (sf.f_flags & ST_RDONLY);
}

/* runc 1.2's protection, without a copy: a private overlayfs whose only layer
 * is the binary's directory, made with the new mount API and never attached
 * anywhere (it goes away with its last user). Exec'ing the binary through it
 * makes /proc/<pid>/exe a file of that read-only overlay. Returns an O_PATH-free
 * fd to exec, or -1 when the kernel or the path does not allow it (the caller
 * then makes the sealed memfd copy). */
static int overlay_handle(int self)
{
	char exe[PATH_MAX];
	char link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", self);
	ssize_t n = readlink(link, exe, sizeof(exe) - 1);
	if (n <= 0 || exe[0] != '/')
		return -1;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	const char *base = slash + 1;
	/* overlayfs splits lowerdir on ':' and the mount options on ','; such a
	 * path, or the binary in "/", is left to the copy. A deleted binary
	 * reads "... (deleted)". */
	if (slash == exe || !*base || strpbrk(exe, ":,\\") || strstr(exe, " (deleted)"))
		return -1;
	*slash = '\0';
	/* overlayfs wants two lower layers without an upper one, and refuses
	 * a layer twice: the second is an empty tmpfs, as detached as the overlay. */
	_cleanup_close_ int tfs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	if (tfs < 0 || syscall(SYS_fsconfig, tfs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -1;
	_cleanup_close_ int empty =
	    (int)syscall(SYS_fsmount, tfs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV);
	if (empty < 0)
		return -1;
	char lower[PATH_MAX + 64];
	snprintf(lower, sizeof(lower), "%s:/proc/self/fd/%d", exe, empty);
	_cleanup_close_ int fsfd = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return -1;
	if (syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_STRING, "lowerdir", lower, 0) < 0 ||
	    syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0 ||
	    syscall(SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -1;
	_cleanup_close_ int mnt =
	    (int)syscall(SYS_fsmount, fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV);
	if (mnt < 0)
		return -1;
	int fd = openat(mnt, base, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	/* The same file as the one running (the directory could have changed
	 * since the readlink), and really read-only. */
	struct stat a, b;
	if (fstat(fd, &a) < 0 || fstat(self, &b) < 0 || a.st_size != b.st_size ||
	    !is_readonly_overlay(fd)) {
		close(fd);
		return -1;
	}
	return fd;
}

error *ensure_cloned_binary(char **argv)
{
	_cleanup_close_ int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return err_errno("open /proc/self/exe");
	/* Our own read-only overlay is one of those mounts. */
	if (is_sealed_copy(self) || is_readonly_mount(self)) {
		/* comm would be the fd number after fexecve. */
		prctl(PR_SET_NAME, "isorun", 0, 0, 0);
		return NULL;
	}
	log_pass_clock();
	_cleanup_close_ int ovl = getenv("_ISORUN_MEMFD") ? -1 : overlay_handle(self);
	if (ovl >= 0) {
		syscall(SYS_execveat, ovl, "", argv, environ, AT_EMPTY_PATH);
		return err_errno("re-exec from a private read-only overlay");
	}
	struct stat st;
	if (fstat(self, &st) < 0)
		return err_errno("stat /proc/self/exe");
	_cleanup_close_ int mem = memfd_create("isorun", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mem < 0)
		return err_errno("memfd_create");
	off_t off = 0;
	while (off < st.st_size) {
		ssize_t n = sendfile(mem, self, &off, (size_t)(st.st_size - off));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return err_errno("copy isorun binary to memfd");
	}
	if (fcntl(mem, F_ADD_SEALS, REQUIRED_SEALS) < 0)
		return err_errno("seal memfd");
	syscall(SYS_execveat, mem, "", argv, environ, AT_EMPTY_PATH);
	return err_errno("re-exec from sealed memfd");
}
