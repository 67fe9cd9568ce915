/* A recording fake of struct sys_ops (common/sys.h), so that the apply steps
 * run as any user: every call is appended to a log as one normalised line and
 * succeeds without touching the mount table or the namespaces, unless a rule
 * from fake_sys_fail() makes it fail with a chosen errno.
 *
 * Normalised means comparable across runs: a "/proc/self/fd/N" path and an fd
 * argument are shown as fd(<what the fd names>), with the test's temp dir
 * (fake_sys_reset) shown as "T" and a namespace fd by its type only:
 *   mount(fd(T/src), fd(T/rootfs/data), NULL, MS_BIND|MS_REC, NULL)
 *   setns(fd(net), CLONE_NEWNET)
 * A relative path gets the working directory it is relative to:
 *   pivot_root(".", ".") in T/rootfs
 * A call made to fail ends in " = EPERM".
 *
 * mknodat cannot make a device node without privileges: it makes an empty
 * regular file of the requested permissions instead (so EEXIST and the steps
 * that open the new node behave), unless failed by a rule. openat2 is passed
 * through to the kernel (after logging). fstatvfs is a read and not logged:
 * it reports the real mount's flags, or those set by fake_sys_mount_flags(). */
#ifndef ISORUN_TESTS_UNIT_FAKE_SYS_H
#define ISORUN_TESTS_UNIT_FAKE_SYS_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/sys.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define FAKE_SYS_MAX_RULES 8

static struct {
	char *log; /* "call\n" lines */
	size_t len, cap;
	char base[PATH_MAX]; /* shown as T */
	struct {
		char prefix[256];
		int nth; /* fail only the nth match (1-based); 0: every match */
		int seen;
		int err;
	} rules[FAKE_SYS_MAX_RULES];
	size_t n_rules;
	bool st_flags_set;
	unsigned long st_flags; /* ST_* for fstatvfs */
} fake_sys_state;

/* Clears the log and the rules; base (may be NULL) is shown as T. */
static inline void fake_sys_reset(const char *base)
{
	free(fake_sys_state.log);
	memset(&fake_sys_state, 0, sizeof(fake_sys_state));
	if (base && !realpath(base, fake_sys_state.base))
		snprintf(fake_sys_state.base, sizeof(fake_sys_state.base), "%s", base);
}

/* The next calls whose log line starts with prefix fail with err: only the
 * nth such call (1-based), or every one when nth is 0. */
static inline void fake_sys_fail(const char *prefix, int nth, int err)
{
	if (fake_sys_state.n_rules == FAKE_SYS_MAX_RULES)
		abort();
	size_t i = fake_sys_state.n_rules++;
	snprintf(fake_sys_state.rules[i].prefix, sizeof(fake_sys_state.rules[i].prefix), "%s",
		 prefix);
	fake_sys_state.rules[i].nth = nth;
	fake_sys_state.rules[i].err = err;
}

/* fstatvfs reports these ST_* flags (the mount's current flags, as a user
 * namespace may have locked them) instead of the real ones. */
static inline void fake_sys_mount_flags(unsigned long st_flags)
{
	fake_sys_state.st_flags_set = true;
	fake_sys_state.st_flags = st_flags;
}

/* Every call so far, one per line, each ending in '\n'; "" when none. */
static inline const char *fake_sys_log(void)
{
	return fake_sys_state.log ? fake_sys_state.log : "";
}

/* Only the lines that start with prefix (into a static buffer). */
static inline const char *fake_sys_log_of(const char *prefix)
{
	static char out[16384];
	size_t used = 0, plen = strlen(prefix);
	out[0] = '\0';
	for (const char *l = fake_sys_log(); *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = (size_t)(nl - l) + 1;
		if (strncmp(l, prefix, plen) == 0 && used + n < sizeof(out)) {
			memcpy(out + used, l, n);
			used += n;
			out[used] = '\0';
		}
		l += n;
	}
	return out;
}

/* ---- rendering ------------------------------------------------------------ */

struct fake_sys_buf {
	char s[2048];
	size_t n;
};

static inline void fake_sys_put(struct fake_sys_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline void fake_sys_put(struct fake_sys_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(b->s + b->n, sizeof(b->s) - b->n, fmt, ap);
	va_end(ap);
	if (r > 0)
		b->n = b->n + (size_t)r < sizeof(b->s) ? b->n + (size_t)r : sizeof(b->s) - 1;
}

/* A path with the temp dir replaced by T. */
static inline void fake_sys_put_path(struct fake_sys_buf *b, const char *p)
{
	size_t bl = strlen(fake_sys_state.base);
	if (bl && strncmp(p, fake_sys_state.base, bl) == 0 && (p[bl] == '/' || !p[bl]))
		fake_sys_put(b, "T%s", p + bl);
	else
		fake_sys_put(b, "%s", p);
}

static inline void fake_sys_put_fd(struct fake_sys_buf *b, int fd)
{
	if (fd == AT_FDCWD) {
		fake_sys_put(b, "AT_FDCWD");
		return;
	}
	char link[64], target[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	if (n < 0) {
		fake_sys_put(b, "fd(%d?)", fd);
		return;
	}
	target[n] = '\0';
	/* "net:[4026531840]": the inode differs per run, the type is what counts. */
	char *colon = strstr(target, ":[");
	if (target[0] != '/' && colon)
		*colon = '\0';
	fake_sys_put(b, "fd(");
	fake_sys_put_path(b, target);
	fake_sys_put(b, ")");
}

static inline void fake_sys_put_str(struct fake_sys_buf *b, const char *s)
{
	int fd;
	char end;
	if (!s)
		fake_sys_put(b, "NULL");
	else if (sscanf(s, "/proc/self/fd/%d%c", &fd, &end) == 1)
		fake_sys_put_fd(b, fd);
	else
		fake_sys_put(b, "\"%s\"", s);
}

static inline bool fake_sys_relative(const char *s)
{
	return s && (strcmp(s, ".") == 0 || strncmp(s, "./", 2) == 0 || strncmp(s, "..", 2) == 0);
}

/* For calls on a relative path ("." and the like; a mount source such as
 * "tmpfs" is not one): the directory it is relative to. */
static inline void fake_sys_put_cwd(struct fake_sys_buf *b, const char *s)
{
	char cwd[PATH_MAX];
	if (!fake_sys_relative(s))
		return;
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), "?");
	fake_sys_put(b, " in ");
	fake_sys_put_path(b, cwd);
}

struct fake_sys_flag {
	unsigned long v;
	const char *name;
};
#define FAKE_SYS_FLAG(x)                                                                           \
	{                                                                                          \
		x, #x                                                                              \
	}

static inline void fake_sys_put_flags(struct fake_sys_buf *b, unsigned long v,
				      const struct fake_sys_flag *t, size_t n)
{
	bool any = false;
	for (size_t i = 0; i < n; i++)
		if (t[i].v && (v & t[i].v) == t[i].v) {
			fake_sys_put(b, "%s%s", any ? "|" : "", t[i].name);
			v &= ~t[i].v;
			any = true;
		}
	if (v || !any)
		fake_sys_put(b, "%s%#lx", any ? "|" : "", v);
}

static inline void fake_sys_put_ms(struct fake_sys_buf *b, unsigned long v)
{
	static const struct fake_sys_flag t[] = {
	    FAKE_SYS_FLAG(MS_RDONLY),	   FAKE_SYS_FLAG(MS_NOSUID),
	    FAKE_SYS_FLAG(MS_NODEV),	   FAKE_SYS_FLAG(MS_NOEXEC),
	    FAKE_SYS_FLAG(MS_SYNCHRONOUS), FAKE_SYS_FLAG(MS_REMOUNT),
	    FAKE_SYS_FLAG(MS_MANDLOCK),	   FAKE_SYS_FLAG(MS_DIRSYNC),
	    FAKE_SYS_FLAG(MS_NOSYMFOLLOW), FAKE_SYS_FLAG(MS_NOATIME),
	    FAKE_SYS_FLAG(MS_NODIRATIME),  FAKE_SYS_FLAG(MS_BIND),
	    FAKE_SYS_FLAG(MS_MOVE),	   FAKE_SYS_FLAG(MS_REC),
	    FAKE_SYS_FLAG(MS_SILENT),	   FAKE_SYS_FLAG(MS_UNBINDABLE),
	    FAKE_SYS_FLAG(MS_PRIVATE),	   FAKE_SYS_FLAG(MS_SLAVE),
	    FAKE_SYS_FLAG(MS_SHARED),	   FAKE_SYS_FLAG(MS_RELATIME),
	    FAKE_SYS_FLAG(MS_STRICTATIME), FAKE_SYS_FLAG(MS_LAZYTIME),
	};
	fake_sys_put_flags(b, v, t, sizeof(t) / sizeof(t[0]));
}

static const struct fake_sys_flag fake_sys_clone_flags[] __attribute__((unused)) = {
    FAKE_SYS_FLAG(CLONE_NEWNS),	 FAKE_SYS_FLAG(CLONE_NEWCGROUP), FAKE_SYS_FLAG(CLONE_NEWUTS),
    FAKE_SYS_FLAG(CLONE_NEWIPC), FAKE_SYS_FLAG(CLONE_NEWUSER),	 FAKE_SYS_FLAG(CLONE_NEWPID),
    FAKE_SYS_FLAG(CLONE_NEWNET), FAKE_SYS_FLAG(CLONE_NEWTIME),
};

static inline void fake_sys_put_attr(struct fake_sys_buf *b, uint64_t v)
{
	static const struct fake_sys_flag t[] = {
	    FAKE_SYS_FLAG(MOUNT_ATTR_RDONLY),	    FAKE_SYS_FLAG(MOUNT_ATTR_NOSUID),
	    FAKE_SYS_FLAG(MOUNT_ATTR_NODEV),	    FAKE_SYS_FLAG(MOUNT_ATTR_NOEXEC),
	    FAKE_SYS_FLAG(MOUNT_ATTR_NOATIME),	    FAKE_SYS_FLAG(MOUNT_ATTR_STRICTATIME),
	    FAKE_SYS_FLAG(MOUNT_ATTR_NODIRATIME),   FAKE_SYS_FLAG(MOUNT_ATTR_IDMAP),
	    {0x00200000, "MOUNT_ATTR_NOSYMFOLLOW"},
	};
	fake_sys_put_flags(b, (unsigned long)v, t, sizeof(t) / sizeof(t[0]));
}

static inline const char *fake_sys_errname(int err)
{
	static char other[16];
	switch (err) {
	case EPERM:
		return "EPERM";
	case ENOENT:
		return "ENOENT";
	case EACCES:
		return "EACCES";
	case EBUSY:
		return "EBUSY";
	case EEXIST:
		return "EEXIST";
	case EINVAL:
		return "EINVAL";
	case ENOSYS:
		return "ENOSYS";
	}
	snprintf(other, sizeof(other), "errno %d", err);
	return other;
}

/* Logs the call; returns 0, or -1 with errno set when a rule fails it. */
static inline int fake_sys_record(struct fake_sys_buf *b)
{
	int err = 0;
	for (size_t i = 0; i < fake_sys_state.n_rules && !err; i++) {
		__typeof__(fake_sys_state.rules[0]) *r = &fake_sys_state.rules[i];
		if (strncmp(b->s, r->prefix, strlen(r->prefix)) != 0)
			continue;
		r->seen++;
		if (r->nth == 0 || r->nth == r->seen)
			err = r->err;
	}
	if (err)
		fake_sys_put(b, " = %s", fake_sys_errname(err));
	fake_sys_put(b, "\n");
	if (fake_sys_state.len + b->n + 1 > fake_sys_state.cap) {
		size_t cap = (fake_sys_state.cap + b->n + 1) * 2;
		char *n = realloc(fake_sys_state.log, cap);
		if (!n)
			abort();
		fake_sys_state.log = n;
		fake_sys_state.cap = cap;
	}
	memcpy(fake_sys_state.log + fake_sys_state.len, b->s, b->n + 1);
	fake_sys_state.len += b->n;
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

/* ---- fixtures ------------------------------------------------------------ */

/* As root, the test moves into a private mount namespace first: should an
 * apply step bypass the seam and make a real mount, it lands there and not on
 * the host. (As any other user such a call fails with EPERM.) */
static inline void fake_sys_confine(void)
{
	if (geteuid() != 0)
		return;
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		perror("fake_sys_confine");
		exit(1);
	}
}

static inline int fake_sys_rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

/* A fresh temp dir (kept in buf) and the fake reset to show it as T. */
static inline const char *fake_sys_tmpdir(char *buf, size_t len)
{
	snprintf(buf, len, "/tmp/isorun-fake-XXXXXX");
	if (!mkdtemp(buf)) {
		perror("mkdtemp");
		exit(1);
	}
	fake_sys_reset(buf);
	return buf;
}

static inline void fake_sys_rmtree(const char *dir)
{
	nftw(dir, fake_sys_rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- the calls ---------------------------------------------------------- */

static inline int fake_mount(const char *source, const char *target, const char *fstype,
			     unsigned long flags, const void *data)
{
	struct fake_sys_buf b = {0};
	fake_sys_put(&b, "mount(");
	fake_sys_put_str(&b, source);
	fake_sys_put(&b, ", ");
	fake_sys_put_str(&b, target);
	fake_sys_put(&b, ", ");
	fake_sys_put_str(&b, fstype);
	fake_sys_put(&b, ", ");
	fake_sys_put_ms(&b, flags);
	fake_sys_put(&b, ", ");
	fake_sys_put_str(&b, data);
	fake_sys_put(&b, ")");
	fake_sys_put_cwd(&b, fake_sys_relative(target) ? target : source);
	return fake_sys_record(&b);
}

static inline int fake_umount2(const char *target, int flags)
{
	struct fake_sys_buf b = {0};
	fake_sys_put(&b, "umount2(");
	fake_sys_put_str(&b, target);
	fake_sys_put(&b, ", %s)", flags == MNT_DETACH ? "MNT_DETACH" : "?");
	fake_sys_put_cwd(&b, target);
	return fake_sys_record(&b);
}

static inline int fake_pivot_root(const char *new_root, const char *put_old)
{
	struct fake_sys_buf b = {0};
	fake_sys_put(&b, "pivot_root(");
	fake_sys_put_str(&b, new_root);
	fake_sys_put(&b, ", ");
	fake_sys_put_str(&b, put_old);
	fake_sys_put(&b, ")");
	fake_sys_put_cwd(&b, new_root);
	return fake_sys_record(&b);
}

static inline int fake_chroot(const char *path)
{
	struct fake_sys_buf b = {0};
	fake_sys_put(&b, "chroot(");
	fake_sys_put_str(&b, path);
	fake_sys_put(&b, ")");
	fake_sys_put_cwd(&b, path);
	return fake_sys_record(&b);
}

static inline int fake_setns(int fd, int nstype)
{
	struct fake_sys_buf b = {0};
	fake_sys_put(&b, "setns(");
	fake_sys_put_fd(&b, fd);
	fake_sys_put(&b, ", ");
	fake_sys_put_flags(&b, (unsigned long)nstype, fake_sys_clone_flags,
			   sizeof(fake_sys_clone_flags) / sizeof(fake_sys_clone_flags[0]));
	fake_sys_put(&b, ")");
	return fake_sys_record(&b);
}

static inline int fake_unshare(int flags)
{
	struct fake_sys_buf b = {0};
	fake_sys_put(&b, "unshare(");
	fake_sys_put_flags(&b, (unsigned long)flags, fake_sys_clone_flags,
			   sizeof(fake_sys_clone_flags) / sizeof(fake_sys_clone_flags[0]));
	fake_sys_put(&b, ")");
	return fake_sys_record(&b);
}

static inline int fake_mknodat(int dirfd, const char *path, mode_t mode, dev_t dev)
{
	struct fake_sys_buf b = {0};
	const char *type = S_ISCHR(mode)    ? "S_IFCHR"
			   : S_ISBLK(mode)  ? "S_IFBLK"
			   : S_ISFIFO(mode) ? "S_IFIFO"
					    : (S_ISREG(mode) ? "S_IFREG" : "?");
	fake_sys_put(&b, "mknodat(");
	fake_sys_put_fd(&b, dirfd);
	fake_sys_put(&b, ", \"%s\", %s|%04o, makedev(%u, %u))", path, type,
		     (unsigned)(mode & 07777), major(dev), minor(dev));
	if (fake_sys_record(&b) < 0)
		return -1;
	return mknodat(dirfd, path, S_IFREG | (mode & 07777), 0);
}

static inline int fake_fchownat(int dirfd, const char *path, uid_t uid, gid_t gid, int flags)
{
	struct fake_sys_buf b = {0};
	fake_sys_put(&b, "fchownat(");
	fake_sys_put_fd(&b, dirfd);
	fake_sys_put(&b, ", \"%s\", %u, %u, ", path, (unsigned)uid, (unsigned)gid);
	static const struct fake_sys_flag t[] = {FAKE_SYS_FLAG(AT_EMPTY_PATH),
						 FAKE_SYS_FLAG(AT_SYMLINK_NOFOLLOW)};
	fake_sys_put_flags(&b, (unsigned long)flags, t, sizeof(t) / sizeof(t[0]));
	fake_sys_put(&b, ")");
	return fake_sys_record(&b);
}

static inline long fake_openat2(int dirfd, const char *path, struct open_how *how, size_t size)
{
	struct fake_sys_buf b = {0};
	fake_sys_put(&b, "openat2(");
	fake_sys_put_fd(&b, dirfd);
	fake_sys_put(&b, ", \"%s\")", path);
	if (fake_sys_record(&b) < 0)
		return -1;
	return sys_real.openat2(dirfd, path, how, size);
}

static inline int fake_mount_setattr(int dirfd, const char *path, unsigned int flags,
				     struct mount_attr *attr, size_t size)
{
	struct fake_sys_buf b = {0};
	fake_sys_put(&b, "mount_setattr(");
	fake_sys_put_fd(&b, dirfd);
	fake_sys_put(&b, ", \"%s\", ", path);
	static const struct fake_sys_flag t[] = {FAKE_SYS_FLAG(AT_EMPTY_PATH),
						 FAKE_SYS_FLAG(AT_RECURSIVE)};
	fake_sys_put_flags(&b, flags, t, sizeof(t) / sizeof(t[0]));
	fake_sys_put(&b, ", {set=");
	fake_sys_put_attr(&b, attr->attr_set);
	fake_sys_put(&b, ", clr=");
	fake_sys_put_attr(&b, attr->attr_clr);
	fake_sys_put(&b, "}, %s)", size == sizeof(*attr) ? "sizeof" : "?");
	return fake_sys_record(&b);
}

static inline int fake_fstatvfs(int fd, struct statvfs *buf)
{
	if (fstatvfs(fd, buf) < 0)
		return -1;
	if (fake_sys_state.st_flags_set)
		buf->f_flag = fake_sys_state.st_flags;
	return 0;
}

static inline int fake_prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4,
			     unsigned long a5)
{
	struct fake_sys_buf b = {0};
	fake_sys_put(&b, "prctl(%d, %lu, %lu, %lu, %lu)", option, a2, a3, a4, a5);
	return fake_sys_record(&b);
}

__attribute__((unused)) static const struct sys_ops fake_sys = {
    .mount = fake_mount,
    .umount2 = fake_umount2,
    .pivot_root = fake_pivot_root,
    .chroot = fake_chroot,
    .setns = fake_setns,
    .unshare = fake_unshare,
    .mknodat = fake_mknodat,
    .fchownat = fake_fchownat,
    .openat2 = fake_openat2,
    .mount_setattr = fake_mount_setattr,
    .fstatvfs = fake_fstatvfs,
    .prctl = fake_prctl,
};

#endif
