/* Applying a mount plan. Every destination is opened inside the rootfs with
 * safe_open_in_root() and mounted onto through /proc/self/fd/N; after a mount
 * the destination is opened again, because the old fd still names the
 * covered directory, not the new mount on top of it. The same holds for the
 * root itself: a mount over "/" replaces the fd every later destination is
 * resolved from (struct mount_root). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/sys.h"
#include "common/util.h"
#include "runtime/child/mount_plan.h"
#include "runtime/child/safe_path.h"

#define FD_PATH_LEN 32

/* Flags a remount must repeat: in a user namespace the kernel refuses to
 * drop the ones it locked (EPERM), so runc adds what the mount has. */
static unsigned long locked_flags(const struct sys_ops *sys, int fd)
{
	struct statvfs sv;
	if (sys->fstatvfs(fd, &sv) < 0)
		return 0;
	unsigned long f = 0;
	if (sv.f_flag & ST_RDONLY)
		f |= MS_RDONLY;
	if (sv.f_flag & ST_NOSUID)
		f |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		f |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		f |= MS_NOEXEC;
	if (sv.f_flag & ST_NOATIME)
		f |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME)
		f |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME)
		f |= MS_RELATIME;
	return f;
}

unsigned long mount_fd_flags(const struct sys_ops *sys, int fd)
{
	return locked_flags(sys, fd) & (MS_NOSUID | MS_NODEV | MS_NOEXEC);
}

/* mount(NULL, fd, NULL, flags|MS_REMOUNT); on EPERM retried keeping the
 * mount's current (possibly locked) flags, minus MS_RDONLY if we drop it. */
error *mount_remount_fd(const struct sys_ops *sys, int fd, unsigned long flags)
{
	char p[FD_PATH_LEN];
	safe_fd_path(fd, p, sizeof(p));
	flags |= MS_REMOUNT;
	if (sys->mount(NULL, p, NULL, flags, NULL) == 0)
		return NULL;
	if (errno != EPERM)
		return err_errno("remount");
	unsigned long keep = locked_flags(sys, fd) & ~(unsigned long)MS_RDONLY;
	if (sys->mount(NULL, p, NULL, flags | keep, NULL) < 0)
		return err_errno("remount");
	return NULL;
}

static error *apply_tail(const struct sys_ops *sys, const struct mount_op *op, int fd)
{
	char p[FD_PATH_LEN];
	safe_fd_path(fd, p, sizeof(p));
	for (size_t i = 0; i < op->n_propagation; i++)
		if (sys->mount(NULL, p, NULL, op->propagation[i], NULL) < 0)
			return err_errno("set propagation %s",
					 mount_propagation_name(op->propagation[i]));
	if (op->remount) {
		error *e = mount_remount_fd(sys, fd, op->remount_flags);
		if (e)
			return e;
	}
	if (op->attr_set || op->attr_clr) {
		struct mount_attr attr = {.attr_set = op->attr_set, .attr_clr = op->attr_clr};
		if (sys->mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) <
		    0)
			return err_errno("mount_setattr");
	}
	return NULL;
}

/* Recursive copy for tmpcopyup: owners, modes, symlinks and device nodes are
 * kept; nothing is followed (the source is image content). */
static error *copy_tree(const struct sys_ops *sys, int src, int dst, int depth)
{
	if (depth > 128)
		return err_sys(ELOOP, "tmpcopyup");
	int dfd = openat(src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return err_errno("tmpcopyup: open");
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return err_errno("tmpcopyup: opendir");
	}
	error *e = NULL;
	struct dirent *de;
	while (!e && (errno = 0, de = readdir(d))) {
		const char *n = de->d_name;
		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
			continue;
		struct stat st;
		if (fstatat(src, n, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			e = err_errno("tmpcopyup: stat %s", n);
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			if (mkdirat(dst, n, 0700) < 0) {
				e = err_errno("tmpcopyup: mkdir %s", n);
				break;
			}
			_cleanup_close_ int s2 =
			    openat(src, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			_cleanup_close_ int d2 =
			    openat(dst, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (s2 < 0 || d2 < 0)
				e = err_errno("tmpcopyup: open %s", n);
			else
				e = copy_tree(sys, s2, d2, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			_cleanup_close_ int in = openat(src, n, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			_cleanup_close_ int out = openat(
			    dst, n, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
			if (in < 0 || out < 0) {
				e = err_errno("tmpcopyup: open %s", n);
				break;
			}
			char buf[65536];
			ssize_t r;
			while ((r = read(in, buf, sizeof(buf))) > 0)
				if (write_all(out, buf, (size_t)r) < 0)
					break;
			if (r != 0 && !e)
				e = err_errno("tmpcopyup: copy %s", n);
		} else if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX];
			ssize_t len = readlinkat(src, n, target, sizeof(target) - 1);
			if (len < 0 || (target[len] = '\0', symlinkat(target, dst, n) < 0))
				e = err_errno("tmpcopyup: symlink %s", n);
		} else if (sys->mknodat(dst, n, st.st_mode, st.st_rdev) < 0) {
			e = err_errno("tmpcopyup: mknod %s", n);
		}
		if (e)
			break;
		if (sys->fchownat(dst, n, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
			e = err_errno("tmpcopyup: chown %s", n);
		else if (!S_ISLNK(st.st_mode) && fchmodat(dst, n, st.st_mode & 07777, 0) < 0)
			e = err_errno("tmpcopyup: chmod %s", n);
	}
	if (!e && errno)
		e = err_errno("tmpcopyup: readdir");
	closedir(d);
	return e;
}

/* After a mount over the root the old fd names what it covers: the root is opened again
 * by its path, which now leads to the new mount, and the new fd replaces it. */
static error *reopen_root(struct mount_root *root)
{
	int fd = open(root->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_errno("open the new root %s", root->path);
	close(root->fd);
	root->fd = fd;
	return NULL;
}

static error *reopen(struct mount_root *root, const char *dest, int *fd)
{
	error *e;
	if (strcmp(dest, "/") == 0 && (e = reopen_root(root)))
		return e;
	return safe_open_in_root(root->fd, dest, SAFE_NO_CREATE, fd);
}

/* The tree the runtime cloned and idmapped is moved onto dest: a bind of the
 * source would lose the mapping. */
static error *apply_idmapped_bind(const struct sys_ops *sys, const struct mount_op *op,
				  struct mount_root *root)
{
	if (op->tree_fd < 0)
		return err_new("idmapped mount of %s: no prepared tree", op->source);
	struct stat st;
	if (fstat(op->tree_fd, &st) < 0)
		return err_errno("stat idmapped tree of %s", op->source);
	_cleanup_close_ int dst = -1;
	error *e = safe_open_in_root(
	    root->fd, op->dest, S_ISDIR(st.st_mode) ? SAFE_CREATE_DIR : SAFE_CREATE_FILE, &dst);
	if (e)
		return e;
	if (syscall(SYS_move_mount, op->tree_fd, "", dst, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return err_errno("move_mount idmapped tree of %s", op->source);
	_cleanup_close_ int top = -1;
	if ((e = reopen(root, op->dest, &top)))
		return e;
	return apply_tail(sys, op, top);
}

static error *apply_bind(const struct sys_ops *sys, const struct mount_op *op,
			 struct mount_root *root, int given_src)
{
	if (op->idmap != MOUNT_IDMAP_NONE)
		return apply_idmapped_bind(sys, op, root);
	/* The source is a host path chosen by whoever wrote config.json: it
	 * is followed like runc does, but pinned by an fd so the mount uses
	 * exactly what we looked at. */
	_cleanup_close_ int src = given_src >= 0 ? fcntl(given_src, F_DUPFD_CLOEXEC, 3)
						 : open(op->source, O_PATH | O_CLOEXEC);
	if (src < 0)
		return err_errno("open source %s", op->source);
	struct stat st;
	if (fstat(src, &st) < 0)
		return err_errno("stat source %s", op->source);
	struct statfs sf;
	if (op->proc_source && (fstatfs(src, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC))
		return err_new("\"%s\" cannot be mounted because it is not of type proc", op->dest);
	_cleanup_close_ int dst = -1;
	error *e = safe_open_in_root(
	    root->fd, op->dest, S_ISDIR(st.st_mode) ? SAFE_CREATE_DIR : SAFE_CREATE_FILE, &dst);
	if (e)
		return e;
	char sp[FD_PATH_LEN], dp[FD_PATH_LEN];
	if (sys->mount(safe_fd_path(src, sp, sizeof(sp)), safe_fd_path(dst, dp, sizeof(dp)), NULL,
		       op->flags & (MS_BIND | MS_REC), NULL) < 0)
		return err_errno("bind %s", op->source);
	_cleanup_close_ int top = -1;
	if ((e = reopen(root, op->dest, &top)))
		return e;
	return apply_tail(sys, op, top);
}

static bool mount_id(const char *path, uint64_t *id)
{
	struct statx sx;
	if (statx(AT_FDCWD, path, 0, STATX_MNT_ID, &sx) < 0 || !(sx.stx_mask & STATX_MNT_ID))
		return false;
	*id = sx.stx_mnt_id;
	return true;
}

/* The kernel's errors for an overlay do not say which of its directories is wrong: the
 * first one that cannot be reached is named, or an upperdir and a workdir on two mounts
 * (an upperdir inside root.path is reached through the runtime's bind of root.path, a
 * workdir outside it is not). NULL when nothing is found. */
static error *overlay_diagnose(const char *data)
{
	static const char *const keys[] = {"lowerdir=", "upperdir=", "workdir="};
	_cleanup_free_ char *upper = NULL, *work = NULL;
	for (const char *s = data; s && *s;) {
		size_t n = strcspn(s, ",");
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
			size_t kl = strlen(keys[k]);
			if (n <= kl || strncmp(s, keys[k], kl) != 0)
				continue;
			/* lowerdir lists layers separated by ':' */
			for (const char *d = s + kl; d < s + n;) {
				size_t dl = strcspn(d, k == 0 ? ":," : ",");
				if (dl > (size_t)(s + n - d))
					dl = (size_t)(s + n - d);
				_cleanup_free_ char *dir = strndup(d, dl);
				if (!dir)
					return err_sys(ENOMEM, "mount overlay");
				struct stat st;
				if (stat(dir, &st) < 0)
					return err_errno("mount overlay: %.*s %s", (int)kl - 1,
							 keys[k], dir);
				if (k == 1 && !upper)
					upper = steal_ptr(dir);
				else if (k == 2 && !work)
					work = steal_ptr(dir);
				d += dl + 1;
			}
		}
		s += n + (s[n] == ',');
	}
	uint64_t um, wm;
	if (upper && work && mount_id(upper, &um) && mount_id(work, &wm) && um != wm)
		return err_new("mount overlay: upperdir %s and workdir %s are on different mounts "
			       "(an upperdir inside root.path is on the runtime's bind of it)",
			       upper, work);
	return NULL;
}

static bool needs_ordinary_dir(const struct mount_op *op)
{
	return op->fstype && (!strcmp(op->fstype, "proc") || !strcmp(op->fstype, "sysfs"));
}

/* proc and sysfs go only on a real directory: an image whose /proc is a symlink (to /tmp,
 * say) would otherwise get its procfs wherever the link points, away from the masked
 * paths. runc 1.1.5 refuses that with this message; the last component is opened without
 * following it, so nothing can swap it in between. */
static error *open_ordinary_dir(const struct mount_op *op, struct mount_root *root, int *out,
				bool *existed)
{
	_cleanup_close_ int dir = -1;
	_cleanup_free_ char *buf = NULL;
	const char *name = NULL;
	error *e = safe_open_parent_in_root(root->fd, op->dest, true, &dir, &buf, &name);
	if (e)
		return e;
	*existed = true;
	_cleanup_close_ int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		*existed = false;
		if (mkdirat(dir, name, 0755) < 0 && errno != EEXIST)
			return err_errno("mkdir");
		fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		return err_errno("open");
	struct stat st;
	if (fstat(fd, &st) < 0)
		return err_errno("stat");
	if (!S_ISDIR(st.st_mode))
		return err_new("filesystem \"%s\" must be mounted on ordinary directory",
			       op->fstype);
	*out = fd;
	fd = -1;
	return NULL;
}

static error *apply_mount(const struct sys_ops *sys, const struct mount_op *op,
			  struct mount_root *root)
{
	_cleanup_close_ int dst = -1;
	bool existed = true;
	error *e;
	if (needs_ordinary_dir(op)) {
		e = open_ordinary_dir(op, root, &dst, &existed);
	} else {
		e = safe_open_in_root(root->fd, op->dest, SAFE_NO_CREATE, &dst);
		if (e && err_errnum(e) == ENOENT) {
			err_free(e);
			existed = false;
			e = safe_open_in_root(root->fd, op->dest, SAFE_CREATE_DIR, &dst);
		}
	}
	if (e)
		return e;
	struct stat st;
	if (fstat(dst, &st) < 0)
		return err_errno("stat");
	/* The covered directory, still reachable through this fd once the
	 * tmpfs is on top of it. */
	_cleanup_close_ int under = -1;
	if (op->tmpcopyup && (under = openat(dst, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return err_errno("open for tmpcopyup");
	char dp[FD_PATH_LEN];
	safe_fd_path(dst, dp, sizeof(dp));
	if (sys->mount(op->source, dp, op->fstype, op->flags, op->data) < 0) {
		int err = errno;
		if (!strcmp(op->fstype, "overlay") && (e = overlay_diagnose(op->data)))
			return e;
		if (!op->fallback_bind || (err != EPERM && err != EBUSY))
			return err_sys(err, "mount");
		log_debug("mounts[%d] (%s): mount %s: %s; binding %s instead", op->spec_index,
			  op->dest, op->fstype, strerror(err), op->fallback_bind);
		struct mount_op b = *op;
		b.kind = MOUNT_OP_BIND;
		b.source = op->fallback_bind;
		b.flags = MS_BIND | MS_REC;
		b.remount = (op->flags & ~(unsigned long)(MS_BIND | MS_REC)) != 0;
		b.remount_flags = op->flags | MS_BIND | MS_REC;
		b.proc_source = b.spec_source = false;
		return apply_bind(sys, &b, root, -1);
	}
	_cleanup_close_ int top = -1;
	if ((e = reopen(root, op->dest, &top)))
		return e;
	if ((op->keep_mode && existed) || op->tmpcopyup) {
		_cleanup_close_ int dir = openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dir < 0)
			return err_errno("open");
		if (op->tmpcopyup && (e = copy_tree(sys, under, dir, 0)))
			return e;
		if (op->keep_mode && existed && fchmod(dir, st.st_mode & 07777) < 0)
			return err_errno("chmod");
	}
	return apply_tail(sys, op, top);
}

static error *apply_remount(const struct sys_ops *sys, const struct mount_op *op,
			    struct mount_root *root)
{
	_cleanup_close_ int fd = -1;
	error *e = reopen(root, op->dest, &fd);
	return e ? e : mount_remount_fd(sys, fd, op->flags);
}

static error *apply_symlink(const struct mount_op *op, struct mount_root *root)
{
	_cleanup_close_ int dir = -1;
	_cleanup_free_ char *buf = NULL;
	const char *name = NULL;
	error *e = safe_open_parent_in_root(root->fd, op->dest, true, &dir, &buf, &name);
	if (e)
		return e;
	if (symlinkat(op->source, dir, name) < 0 && errno != EEXIST)
		return err_errno("symlink %s", op->source);
	return NULL;
}

error *mount_plan_apply(const struct sys_ops *sys, const struct mount_plan *p,
			struct mount_root *root, const int *source_fds)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct mount_op *op = &p->ops[i];
		error *e = NULL;
		switch (op->kind) {
		case MOUNT_OP_BIND:
			e = apply_bind(sys, op, root,
				       op->spec_source && source_fds ? source_fds[op->spec_index]
								     : -1);
			break;
		case MOUNT_OP_MOUNT:
			e = apply_mount(sys, op, root);
			break;
		case MOUNT_OP_REMOUNT:
			e = apply_remount(sys, op, root);
			break;
		case MOUNT_OP_SYMLINK:
			e = apply_symlink(op, root);
			break;
		}
		if (e)
			return err_wrap(e, "mounts[%d] (%s)", op->spec_index, op->dest);
	}
	return NULL;
}
