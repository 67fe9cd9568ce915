/* The rootfs lifecycle: prepare (propagation, the rootfs bind, the mount and
 * device plans), pivot, sysctl/hostname, finalize (masked and read-only
 * paths, read-only /dev and root, final propagation). */
#include "runtime/child/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/mountinfo.h"
#include "common/sys.h"
#include "common/util.h"
#include "runtime/child/devices.h"
#include "runtime/child/masked_paths.h"
#include "runtime/child/mount_plan.h"
#include "runtime/child/safe_path.h"

static bool has_ns(const struct oci_config *cfg, enum oci_ns_type t)
{
	for (size_t i = 0; i < cfg->linux_.n_namespaces; i++)
		if (cfg->linux_.namespaces[i].type == t)
			return true;
	return false;
}

static bool needs_cgroup_host(const struct oci_config *cfg)
{
	for (size_t i = 0; i < cfg->n_mounts; i++)
		if (cfg->mounts[i].type && strcmp(cfg->mounts[i].type, "cgroup") == 0)
			return true;
	return false;
}

/* Parses linux.rootfsPropagation; 0 when unset. */
static error *root_propagation(const struct oci_config *cfg, unsigned long *out)
{
	const char *name = cfg->linux_.rootfs_propagation;
	*out = 0;
	if (!name || !*name)
		return NULL;
	*out = mount_propagation_parse(name);
	if (!*out)
		return err_new("linux.rootfsPropagation: unknown propagation \"%s\"", name);
	return NULL;
}

/* runc's rootfsParentMountPrivate: pivot_root refuses a new root whose parent
 * mount is shared, and a shared parent would propagate our rootfs bind out. */
static error *make_parent_private(const struct sys_ops *sys, const char *path)
{
	/* mountinfo lists canonical paths; the bundle's may go through links. */
	_cleanup_free_ char *rootfs = realpath(path, NULL);
	if (!rootfs)
		return err_errno("realpath %s", path);
	_cleanup_mountinfo_ struct mountinfo mi = {0};
	error *e = mountinfo_read("/proc/self/mountinfo", &mi);
	if (e)
		return e;
	const struct mountinfo_entry *parent = mountinfo_mount_of(&mi, rootfs);
	if (!parent || !mountinfo_optional(parent, "shared", NULL))
		return NULL;
	if (sys->mount(NULL, parent->mount_point, NULL, MS_PRIVATE, NULL) < 0)
		return err_errno("make %s private", parent->mount_point);
	return NULL;
}

static error *open_rootfs(const struct oci_config *cfg, int *fd)
{
	const char *root = cfg->root.absolute_path;
	if (!root || root[0] != '/')
		return err_new("root.path: rootfs must be an absolute path");
	/* The bundle path is the caller's, not the image's: followed. */
	*fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*fd < 0)
		return err_errno("rootfs %s", root);
	return NULL;
}

error *rootfs_prepare(const struct sys_ops *sys, const struct oci_config *cfg,
		      const struct rootfs_opts *opts)
{
	unsigned long prop = 0;
	error *e = root_propagation(cfg, &prop);
	if (e)
		return e;
	/* In the host's mount namespace "/" and the rootfs's parent are the
	 * host's: their propagation is not ours to change. */
	if (!opts->host_mntns) {
		if (sys->mount(NULL, "/", NULL, prop ? prop : MS_SLAVE | MS_REC, NULL) < 0)
			return err_errno("set propagation of / to %s",
					 mount_propagation_name(prop ? prop : MS_SLAVE | MS_REC));
		if ((e = make_parent_private(sys, cfg->root.absolute_path)))
			return err_wrap(e, "rootfs");
	}
	_cleanup_close_ int under = -1;
	if ((e = open_rootfs(cfg, &under)))
		return e;
	char p[32];
	safe_fd_path(under, p, sizeof(p));
	/* A mount point of its own: pivot_root needs one, and it keeps the
	 * container's mounts off the host's tree. */
	if (sys->mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0)
		return err_errno("bind rootfs %s", cfg->root.absolute_path);
	if (opts->host_mntns) {
		/* Nothing mounted below it may propagate to the host's peers. */
		_cleanup_close_ int top = -1;
		if ((e = open_rootfs(cfg, &top)))
			return e;
		safe_fd_path(top, p, sizeof(p));
		if (sys->mount(NULL, p, NULL, MS_PRIVATE | MS_REC, NULL) < 0)
			return err_errno("make rootfs %s private", cfg->root.absolute_path);
	}
	_cleanup_close_ int rootfd = -1;
	if ((e = open_rootfs(cfg, &rootfd)))
		return e;
	/* rootfd follows a mount over "/": the devices go into that new root. */
	struct mount_root root = {.fd = rootfd, .path = cfg->root.absolute_path};

	struct mount_host host = {0};
	if (needs_cgroup_host(cfg) && (e = mount_host_detect(&host)))
		return err_wrap(e, "cgroup mounts");
	struct mount_plan plan;
	e = mount_plan_build(cfg, &host, opts->new_cgroupns, &plan);
	mount_host_free(&host);
	if (e)
		return e;
	for (size_t i = 0; i < plan.n; i++) {
		struct mount_op *op = &plan.ops[i];
		size_t k = (size_t)op->spec_index;
		if (op->idmap != MOUNT_IDMAP_NONE && opts->idmap_fds && k < opts->n_idmap_fds)
			op->tree_fd = opts->idmap_fds[k];
	}
	mount_plan_log(&plan);
	e = mount_plan_apply(sys, &plan, &root, opts->source_fds);
	rootfd = root.fd;
	if (!e)
		log_debug("init: rootfs mounts: %zu applied", plan.n);
	/* Moved in (or not needed after a failure): they must not reach the
	 * container's process, not even as a preserved fd. */
	for (size_t i = 0; opts->idmap_fds && i < opts->n_idmap_fds; i++)
		if (opts->idmap_fds[i] >= 0)
			close(opts->idmap_fds[i]);
	bool setup_dev = plan.setup_dev;
	mount_plan_free(&plan);
	if (e || !setup_dev)
		return e;

	struct device_plan dev;
	if ((e = device_plan_build(cfg, access("/proc/kcore", F_OK) == 0, &dev)))
		return e;
	device_plan_log(&dev);
	e = device_plan_apply(sys, &dev, rootfd, opts->userns);
	if (!e)
		log_debug("init: devices: %zu nodes and %zu symlinks in /dev", dev.n_nodes,
			  dev.n_links);
	device_plan_free(&dev);
	return e;
}

/* Detaches (or, where a user namespace locks it, covers with a tmpfs) every whole proc
 * and sysfs mount of the host's tree before --no-pivot chroots away from it; see
 * mount_no_pivot_hide_plan. */
static error *hide_host_pseudo_fs(const struct sys_ops *sys, const char *root)
{
	_cleanup_free_ char *rootfs = realpath(root, NULL);
	if (!rootfs)
		return err_errno("realpath %s", root);
	_cleanup_free_ char *mi = NULL;
	error *e = read_file("/proc/self/mountinfo", &mi, NULL);
	if (e)
		return e;
	char **plan = NULL;
	size_t n = 0;
	if ((e = mount_no_pivot_hide_plan(mi, rootfs, &plan, &n)))
		return e;
	for (size_t i = 0; i < n && !e; i++) {
		const char *p = plan[i];
		log_debug("no-pivot: hiding %s", p);
		/* So that detaching it does not unmount anything on the host. */
		if (sys->mount(NULL, p, NULL, MS_SLAVE | MS_REC, NULL) < 0) {
			/* Under a mount detached just before: gone with it. */
			if (errno != ENOENT)
				e = err_errno("no-pivot: make %s rslave", p);
			continue;
		}
		if (sys->umount2(p, MNT_DETACH) == 0)
			continue;
		if (errno != EINVAL && errno != EPERM)
			e = err_errno("no-pivot: detach %s", p);
		else if (sys->mount("tmpfs", p, "tmpfs", 0, NULL) < 0)
			e = err_errno("no-pivot: cover %s", p);
	}
	for (size_t i = 0; i < n; i++)
		free(plan[i]);
	free(plan);
	return e;
}

error *rootfs_pivot(const struct sys_ops *sys, const struct oci_config *cfg,
		    const struct rootfs_opts *opts)
{
	const char *root = cfg->root.absolute_path;
	_cleanup_close_ int newroot = -1;
	error *e = open_rootfs(cfg, &newroot);
	if (e)
		return e;
	if (fchdir(newroot) < 0)
		return err_errno("chdir to rootfs %s", root);
	if (opts->host_mntns) {
		/* Neither pivot_root nor MS_MOVE: both would change the host's
		 * root. The rootfs is our own bind mount, a chroot is enough. */
		if (sys->chroot(".") < 0)
			return err_errno("chroot to rootfs %s", root);
	} else if (opts->no_pivot) {
		if ((e = hide_host_pseudo_fs(sys, root)))
			return e;
		if (sys->mount(".", "/", NULL, MS_MOVE, NULL) < 0)
			return err_errno("move rootfs %s to /", root);
		if (sys->chroot(".") < 0)
			return err_errno("chroot");
	} else {
		_cleanup_close_ int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
		if (oldroot < 0)
			return err_errno("open /");
		if (sys->pivot_root(".", ".") < 0)
			return err_errno("pivot_root %s", root);
		/* "." is now the old root stacked under the new one. */
		if (fchdir(oldroot) < 0)
			return err_errno("chdir to old root");
		/* So that detaching it does not unmount anything on the host. */
		if (sys->mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
			return err_errno("make old root rslave");
		if (sys->umount2(".", MNT_DETACH) < 0)
			return err_errno("detach old root");
	}
	if (chdir("/") < 0)
		return err_errno("chdir /");
	return NULL;
}

error *rootfs_reopen_dev_null(void)
{
	_cleanup_close_ int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	struct stat null_st;
	if (fd < 0 || fstat(fd, &null_st) < 0 || !S_ISCHR(null_st.st_mode)) {
		log_debug("init: no /dev/null in the container (%s): stdio left as is",
			  fd < 0 ? strerror(errno) : "not a device");
		return NULL;
	}
	for (int i = 0; i < 3; i++) {
		struct stat st;
		if (fstat(i, &st) < 0) {
			if (errno == EBADF)
				continue;
			return err_errno("fstat fd %d", i);
		}
		if (!S_ISCHR(st.st_mode) || st.st_rdev != null_st.st_rdev ||
		    (st.st_dev == null_st.st_dev && st.st_ino == null_st.st_ino))
			continue;
		if (dup3(fd, i, 0) < 0)
			return err_errno("dup3 /dev/null to fd %d", i);
	}
	return NULL;
}

static error *open_root_now(int *fd)
{
	*fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	return *fd < 0 ? err_errno("open /") : NULL;
}

/* The options of the last spec mount on /dev (it is the one on top). */
static error *dev_mount_flags(const struct oci_config *cfg, bool *ro, unsigned long *flags)
{
	*ro = false;
	*flags = 0;
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct oci_mount *m = &cfg->mounts[i];
		_cleanup_free_ char *d =
		    m->destination ? path_join_clean("/", m->destination) : NULL;
		if (!d || strcmp(d, "/dev") != 0)
			continue;
		struct mount_options o;
		error *e = mount_options_parse(m->options, &o);
		if (e)
			return e;
		*ro = o.flags & MS_RDONLY;
		*flags = o.flags & ~(unsigned long)(MS_REMOUNT | MS_REC);
		mount_options_free(&o);
	}
	return NULL;
}

error *rootfs_finalize(const struct sys_ops *sys, const struct oci_config *cfg,
		       const struct rootfs_opts *opts)
{
	(void)opts;
	_cleanup_close_ int rootfd = -1;
	error *e = open_root_now(&rootfd);
	if (e)
		return e;
	if ((e = rootfs_mask_paths(sys, rootfd, cfg->linux_.masked_paths, cfg->linux_.mount_label)))
		return e;
	if ((e = rootfs_readonly_paths(sys, rootfd, cfg->linux_.readonly_paths)))
		return e;
	bool dev_ro;
	unsigned long dev_flags;
	if ((e = dev_mount_flags(cfg, &dev_ro, &dev_flags)))
		return err_wrap(e, "/dev");
	if (dev_ro) {
		_cleanup_close_ int dev = -1;
		if ((e = safe_open_in_root(rootfd, "/dev", SAFE_NO_CREATE, &dev)))
			return err_wrap(e, "remount /dev ro");
		if ((e = mount_remount_fd(sys, dev, dev_flags | MS_RDONLY)))
			return err_wrap(e, "remount /dev ro");
	}
	if (cfg->root.readonly) {
		_cleanup_close_ int top = -1;
		if ((e = open_root_now(&top)))
			return e;
		if ((e = mount_remount_fd(sys, top, MS_BIND | MS_RDONLY)))
			return err_wrap(e, "remount / ro");
	}
	unsigned long prop = 0;
	if ((e = root_propagation(cfg, &prop)))
		return e;
	if (prop && sys->mount(NULL, "/", NULL, prop, NULL) < 0)
		return err_errno("set propagation of / to %s", mount_propagation_name(prop));
	return NULL;
}

/* ---- sysctl, hostname ---------------------------------------------------- */

error *rootfs_check_sysctl(const struct oci_config *cfg)
{
	static const char *const ipc_keys[] = {
	    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
	    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
	};
	const struct str_map *m = &cfg->linux_.sysctl;
	for (size_t i = 0; i < m->n; i++) {
		const char *k = m->keys[i];
		bool ipc = str_has_prefix(k, "fs.mqueue.");
		for (size_t j = 0; j < ARRAY_SIZE(ipc_keys) && !ipc; j++)
			ipc = strcmp(k, ipc_keys[j]) == 0;
		if (ipc) {
			if (has_ns(cfg, OCI_NS_IPC))
				continue;
			return err_new("sysctl \"%s\" is not allowed in the hosts ipc namespace",
				       k);
		}
		if (str_has_prefix(k, "net.")) {
			if (has_ns(cfg, OCI_NS_NETWORK))
				continue;
			return err_new(
			    "sysctl \"%s\" is not allowed in the hosts network namespace", k);
		}
		if (has_ns(cfg, OCI_NS_UTS)) {
			if (strcmp(k, "kernel.domainname") == 0)
				continue;
			if (strcmp(k, "kernel.hostname") == 0)
				return err_new("sysctl \"%s\" is not allowed as it conflicts with "
					       "the OCI \"hostname\" field",
					       k);
		}
		return err_new("sysctl \"%s\" is not in a separate kernel namespace", k);
	}
	return NULL;
}

static bool on_procfs(int fd);

/* Without openat2 (before Linux 5.6, or denied by a seccomp filter of whoever
 * runs us, with any errno): one component at a time, never following a
 * symlink, every step on procfs. What RESOLVE_NO_XDEV adds (no bind mount of
 * another procfs file in the way) needs a mount in the config, which is
 * trusted. */
static long open_no_symlinks(int dirfd, const char *path, int flags)
{
	_cleanup_free_ char *copy = strdup(path);
	if (!copy) {
		errno = ENOMEM;
		return -1;
	}
	int cur = dirfd;
	if (path[0] == '/') {
		cur = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (cur < 0)
			return -1;
	}
	char *save = NULL, *next;
	char *comp = strtok_r(copy, "/", &save);
	if (!comp) {
		if (cur != dirfd)
			close(cur);
		errno = ENOENT;
		return -1;
	}
	for (; comp; comp = next) {
		next = strtok_r(NULL, "/", &save);
		if (!strcmp(comp, "..")) {
			if (cur != dirfd)
				close(cur);
			errno = EXDEV;
			return -1;
		}
		int fd = openat(cur, comp,
				(next ? O_PATH | O_DIRECTORY : flags) | O_NOFOLLOW | O_CLOEXEC);
		int en = errno;
		if (cur != dirfd)
			close(cur);
		if (fd < 0) {
			errno = en;
			return -1;
		}
		if (!on_procfs(fd)) {
			close(fd);
			errno = EXDEV;
			return -1;
		}
		cur = fd;
	}
	return cur;
}

static long openat2_beneath(int dirfd, const char *path, int flags, uint64_t resolve)
{
	struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC), .resolve = resolve};
	long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	if (fd < 0 && errno != ENOENT && errno != ENOTDIR && errno != ELOOP && errno != EXDEV &&
	    errno != EACCES && errno != EROFS && errno != EAGAIN)
		fd = open_no_symlinks(dirfd, path, flags);
	return fd;
}

static bool on_procfs(int fd)
{
	struct statfs sf;
	return fstatfs(fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

error *rootfs_apply_sysctl(const struct oci_config *cfg)
{
	const struct str_map *m = &cfg->linux_.sysctl;
	if (m->n == 0)
		return NULL;
	error *e = rootfs_check_sysctl(cfg);
	if (e)
		return e;
	/* A fake /proc in the image (or one mounted over ours) must not
	 * receive the writes: only a real procfs, reached without symlinks. */
	_cleanup_close_ int sys = (int)openat2_beneath(AT_FDCWD, "/proc/sys", O_PATH | O_DIRECTORY,
						       RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	if (sys < 0)
		return err_errno("linux.sysctl: open /proc/sys");
	if (!on_procfs(sys))
		return err_new("linux.sysctl: /proc/sys is not on procfs");
	for (size_t i = 0; i < m->n; i++) {
		_cleanup_free_ char *rel = strdup(m->keys[i]);
		if (!rel)
			return err_sys(ENOMEM, "linux.sysctl");
		for (char *c = rel; *c; c++)
			if (*c == '.')
				*c = '/';
		_cleanup_close_ int fd =
		    (int)openat2_beneath(sys, rel, O_WRONLY | O_NOCTTY,
					 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
					     RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV);
		if (fd < 0)
			return err_errno("linux.sysctl: %s: open /proc/sys/%s", m->keys[i], rel);
		if (!on_procfs(fd))
			return err_new("linux.sysctl: %s: /proc/sys/%s is not on procfs",
				       m->keys[i], rel);
		const char *v = m->values[i] ? m->values[i] : "";
		if (write_all(fd, v, strlen(v)) < 0)
			return err_errno("linux.sysctl: %s: write", m->keys[i]);
	}
	return NULL;
}

error *rootfs_set_hostname(const struct oci_config *cfg, bool private_uts)
{
	if (cfg->hostname && *cfg->hostname) {
		if (!private_uts)
			return err_new("unable to set hostname without a private UTS namespace");
		if (sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
			return err_errno("sethostname %s", cfg->hostname);
	}
	if (cfg->domainname && *cfg->domainname) {
		if (!private_uts)
			return err_new("unable to set domainname without a private UTS namespace");
		if (setdomainname(cfg->domainname, strlen(cfg->domainname)) < 0)
			return err_errno("setdomainname %s", cfg->domainname);
	}
	return NULL;
}

/* ---- no mount namespace of its own -------------------------------------- */

#define HOST_MNTNS_RECORD "rootfs.mnt"

static error *mount_id_of(int fd, uint64_t *id)
{
	struct statx sx;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) < 0)
		return err_errno("statx");
	if (!(sx.stx_mask & STATX_MNT_ID))
		return err_sys(ENOSYS, "statx: no mount id");
	*id = sx.stx_mnt_id;
	return NULL;
}

error *rootfs_host_mntns_record(const char *rootfs, int state_dir_fd)
{
	_cleanup_close_ int fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_errno("rootfs %s", rootfs);
	uint64_t id;
	error *e = mount_id_of(fd, &id);
	if (e)
		return err_wrap(e, "rootfs %s", rootfs);
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)id);
	return write_file_at(state_dir_fd, HOST_MNTNS_RECORD, buf, (size_t)n);
}

void rootfs_host_mntns_cleanup(const char *rootfs, int state_dir_fd)
{
	_cleanup_free_ char *text = NULL;
	error *e = read_file_at(state_dir_fd, HOST_MNTNS_RECORD, &text, NULL);
	if (e) {
		if (err_errnum(e) != ENOENT)
			log_warn("cleanup: %s", err_msg(e));
		err_free(e);
		return;
	}
	long long before;
	if (!rootfs || parse_int64(text, &before) < 0) {
		log_warn("cleanup: bad %s record", HOST_MNTNS_RECORD);
		return;
	}
	/* Bounded: a mount we cannot remove must not loop forever. */
	for (int i = 0; i < 16; i++) {
		_cleanup_close_ int fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
		uint64_t now;
		if (fd < 0 || (e = mount_id_of(fd, &now))) {
			if (fd >= 0) {
				log_warn("cleanup: rootfs %s: %s", rootfs, err_msg(e));
				err_free(e);
			}
			return;
		}
		if (now == (uint64_t)before)
			return;
		char p[32];
		if (umount2(safe_fd_path(fd, p, sizeof(p)), MNT_DETACH) < 0) {
			log_warn("cleanup: unmount rootfs %s: %s", rootfs, strerror(errno));
			return;
		}
	}
}