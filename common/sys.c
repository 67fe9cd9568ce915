/* sys_real: each member is the syscall of the same name, nothing more. */
#include "common/sys.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

static int real_mount(const char *source, const char *target, const char *fstype,
		      unsigned long flags, const void *data)
{
	return mount(source, target, fstype, flags, data);
}

static int real_pivot_root(const char *new_root, const char *put_old)
{
	return (int)syscall(SYS_pivot_root, new_root, put_old);
}

static long real_openat2(int dirfd, const char *path, struct open_how *how, size_t size)
{
	return syscall(SYS_openat2, dirfd, path, how, size);
}

static int real_mount_setattr(int dirfd, const char *path, unsigned int flags,
			      struct mount_attr *attr, size_t size)
{
	return mount_setattr(dirfd, path, flags, attr, size);
}

static int real_prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4,
		      unsigned long a5)
{
	return prctl(option, a2, a3, a4, a5);
}

const struct sys_ops sys_real = {
    .mount = real_mount,
    .umount2 = umount2,
    .pivot_root = real_pivot_root,
    .chroot = chroot,
    .setns = setns,
    .unshare = unshare,
    .mknodat = mknodat,
    .fchownat = fchownat,
    .openat2 = real_openat2,
    .mount_setattr = real_mount_setattr,
    .fstatvfs = fstatvfs,
    .prctl = real_prctl,
};
