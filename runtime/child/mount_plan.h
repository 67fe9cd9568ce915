/* The mount plan: config.json mounts (plus what they imply: the cgroup v1
 * tmpfs and per-controller mounts, remounts for read-only binds) as a plain
 * array of operations. Built without syscalls from the spec and a description
 * of the host (so it is unit tested), applied by mount_plan_apply() relative
 * to an fd of the rootfs. */
#ifndef ISORUN_RUNTIME_CHILD_MOUNT_PLAN_H
#define ISORUN_RUNTIME_CHILD_MOUNT_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/sys.h"
#include "runtime/child/mount_options.h"
#include "spec/config.h"

enum mount_op_kind {
	MOUNT_OP_MOUNT,	  /* mount(source, dest, fstype, flags, data) */
	MOUNT_OP_BIND,	  /* bind the host path source onto dest (file or dir) */
	MOUNT_OP_REMOUNT, /* mount(NULL, dest, NULL, flags|MS_REMOUNT, NULL) */
	MOUNT_OP_SYMLINK, /* symlink dest -> source inside the rootfs; EEXIST is fine */
};

struct mount_op {
	enum mount_op_kind kind;
	int spec_index; /* mounts[i] it comes from, for errors */
	char *source, *dest, *fstype, *data;
	unsigned long flags; /* for the first mount(2) call */
	/* When remount: a second mount(NULL, dest, NULL, remount_flags) after the
	 * mount (flags that a bind or a to-be-filled tmpfs cannot take at once). */
	bool remount;
	unsigned long remount_flags;
	unsigned long propagation[MOUNT_MAX_PROPAGATION];
	size_t n_propagation;
	uint64_t attr_set, attr_clr; /* mount_setattr(AT_RECURSIVE) when either is set */
	bool keep_mode;		     /* tmpfs: chmod the new root like the dir it covers */
	bool tmpcopyup;		     /* tmpfs: copy the covered dir's contents in */
	/* cgroup2: bind this host dir instead when the mount is refused
	 * (EPERM/EBUSY), as runc does. */
	char *fallback_bind;
	/* A bind onto /proc: allowed only when the source is a procfs (runc's
	 * checkProcMount), which only the opened source can tell. */
	bool proc_source;
	/* A bind whose source is mounts[spec_index].source: the runtime may
	 * have opened it already (see mount_plan_apply). */
	bool spec_source;
	/* An idmapped bind (idmap/ridmap, or mappings given). mount_setattr
	 * (MOUNT_ATTR_IDMAP) needs privilege over the source's filesystem and a
	 * detached tree, so the runtime clones and maps the tree before clone3
	 * (runtime/mount_idmap.c) and the child moves it onto dest (tree_fd). */
	enum mount_idmap idmap;
	/* Borrowed from the config: the mount's own mappings, or those of the
	 * container's new user namespace; NULL when the container joins a user
	 * namespace by path (that namespace is used as it is). */
	const struct oci_id_mapping *uid_map, *gid_map;
	size_t n_uid_map, n_gid_map;
	int tree_fd; /* the prepared tree (borrowed), -1 until rootfs_prepare sets it */
};

struct mount_plan {
	struct mount_op *ops;
	size_t n;
	bool setup_dev;	 /* no bind onto /dev: create devices and /dev symlinks */
	bool dev_ro;	 /* the /dev mount asked for ro: remounted in finalize */
	bool has_devpts; /* a devpts is mounted on /dev/pts: /dev/ptmx -> pts/ptmx */
};

/* A cgroup v1 hierarchy as this process sees it. */
struct mount_cgroup_v1 {
	char *mountpoint; /* host path, e.g. /sys/fs/cgroup/cpu,cpuacct */
	char *subsystems; /* mount data for a fresh mount: "cpu,cpuacct", "name=systemd" */
	char *own_dir;	  /* host dir of our own cgroup in it (mountpoint + /proc/self/cgroup) */
};

/* The host facts the plan depends on. */
struct mount_host {
	bool unified; /* pure cgroup v2: mount cgroup2 */
	struct mount_cgroup_v1 *v1;
	size_t n_v1;
	char *v2_own_dir; /* our cgroup2 dir on the host (for the bind fallback) */
};

/* Reads /proc/self/mountinfo and /proc/self/cgroup (call it once the process
 * is in the container's cgroup, as runc does). */
error *mount_host_detect(struct mount_host *out);
/* The same from given file contents (tests). */
error *mount_host_parse(const char *mountinfo, const char *proc_cgroup, struct mount_host *out);
void mount_host_free(struct mount_host *h);

/* new_cgroupns: cgroup v1 hierarchies are mounted fresh (the namespace shows
 * our cgroup as root) instead of binding our cgroup dirs. Relative bind
 * sources are taken relative to cfg->bundle. Errors name the entry:
 * "mounts[2] (/proc/foo): ...". */
error *mount_plan_build(const struct oci_config *cfg, const struct mount_host *host,
			bool new_cgroupns, struct mount_plan *out);
void mount_plan_free(struct mount_plan *p);
/* mount_plan_build's checks alone, without host facts: for the runtime, so a
 * bad mount is refused before anything is created (as runc's validator). */
error *mount_plan_validate(const struct oci_config *cfg);
/* One log_debug line per operation. */
void mount_plan_log(const struct mount_plan *p);
/* One line for op into buf, e.g. "mounts[0]: mount proc on /proc type proc (rw)". */
void mount_op_describe(const struct mount_op *op, char *buf, size_t len);

/* --no-pivot keeps the host's tree in the container's mount namespace, above the chroot,
 * and the kernel lets a user namespace mount a new proc or sysfs as soon as one is fully
 * visible there: a process inside could mount a bare /proc over the masked one. The
 * mount points (host paths, in mountinfo order) of every whole-filesystem proc and sysfs
 * mount outside rootfs, which must be detached (or covered) before the chroot, as runc's
 * msMoveRoot does. *out is NULL-terminated; free each string and the array. */
error *mount_no_pivot_hide_plan(const char *mountinfo, const char *rootfs, char ***out, size_t *n);

/* The container's root while its mounts are made. A mount over "/" (an overlay of image
 * layers, say) becomes the root: fd, which still names the directory underneath, is then
 * replaced by an fd of path opened again (the host path of the rootfs, trusted: it is
 * the caller's), so that every later destination is resolved inside the new mount. */
struct mount_root {
	int fd;		  /* O_PATH fd of the root mount, owned */
	const char *path; /* where fd was opened from */
};

/* Applies every op in order below root, making the mount calls through sys.
 * source_fds (NULL, or one entry per config mount, -1 when none) holds bind sources the
 * runtime opened for us in this mount namespace with its own credentials: used instead of
 * opening the path, which the container's root of a user namespace may not be allowed to
 * reach. In mount_apply.c. */
error *mount_plan_apply(const struct sys_ops *sys, const struct mount_plan *p,
			struct mount_root *root, const int *source_fds);
/* Remounts the mount open as fd with flags|MS_REMOUNT, keeping flags the
 * kernel locked (user namespaces) when a plain remount is refused. */
error *mount_remount_fd(const struct sys_ops *sys, int fd, unsigned long flags);
/* The nosuid/nodev/noexec flags the mount open as fd has now. */
unsigned long mount_fd_flags(const struct sys_ops *sys, int fd);

#endif
