/* The syscall seam: the calls that change the mount table, the namespaces or
 * the filesystem's device nodes go through a struct of function pointers, so
 * the steps that apply a plan can be run as any user against a recording fake
 * (tests/unit/fake_sys.h) and their exact call sequence checked. Production
 * code passes &sys_real, which makes the plain syscalls. Reads (open, stat,
 * the openat2 lookups of safe_path.c) stay direct: tests give them a real temp
 * dir. openat2 and prctl are members for the steps still to be moved onto the
 * seam (the sysctl writes, identity and no_new_privs); nothing uses them yet. */
#ifndef ISORUN_COMMON_SYS_H
#define ISORUN_COMMON_SYS_H

#include <stddef.h>
#include <sys/types.h>

struct mount_attr;
struct open_how;
struct statvfs;

struct sys_ops {
	int (*mount)(const char *source, const char *target, const char *fstype,
		     unsigned long flags, const void *data);
	int (*umount2)(const char *target, int flags);
	int (*pivot_root)(const char *new_root, const char *put_old);
	int (*chroot)(const char *path);
	int (*setns)(int fd, int nstype);
	int (*unshare)(int flags);
	int (*mknodat)(int dirfd, const char *path, mode_t mode, dev_t dev);
	int (*fchownat)(int dirfd, const char *path, uid_t uid, gid_t gid, int flags);
	long (*openat2)(int dirfd, const char *path, struct open_how *how, size_t size);
	int (*mount_setattr)(int dirfd, const char *path, unsigned int flags,
			     struct mount_attr *attr, size_t size);
	/* A read, but the flags it reports (nosuid, nodev... locked by a user
	 * namespace) decide how a remount is retried: tests choose them. */
	int (*fstatvfs)(int fd, struct statvfs *buf);
	int (*prctl)(int option, unsigned long a2, unsigned long a3, unsigned long a4,
		     unsigned long a5);
};

/* The real syscalls. */
extern const struct sys_ops sys_real;

#endif
