/* The container's filesystem: a mount plan computed from the spec (pure, unit
 * tested), applied in the child's new mount namespace; pivot_root; then the
 * finishing touches (masked/readonly paths, readonly root). All paths under the
 * rootfs are resolved without leaving it (openat2 RESOLVE_IN_ROOT or an
 * equivalent walk) and mounted through /proc/self/fd. */
#ifndef ISORUN_RUNTIME_CHILD_ROOTFS_H
#define ISORUN_RUNTIME_CHILD_ROOTFS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "common/sys.h"
#include "spec/config.h"

struct rootfs_opts {
	bool no_pivot;	       /* --no-pivot: MS_MOVE + chroot */
	bool userns;	       /* in a new user namespace: no mknod, bind devices instead */
	bool new_cgroupns;     /* cgroup mounts show the container's own cgroup */
	const int *source_fds; /* NULL or per config mount: bind source opened by the runtime */
	/* No mount namespace of its own: the container shares the runtime's
	 * (the spec allows it). Its mounts go on a private bind of the rootfs
	 * in that namespace (removed again by delete), the host's propagation is
	 * left alone, and the init chroots instead of pivoting (runc). */
	bool host_mntns;
	/* Idmapped trees the runtime prepared, by spec mount index (-1: none). */
	const int *idmap_fds;
	size_t n_idmap_fds;
};

/* The three steps make their mount, pivot_root and mknod calls through sys
 * (&sys_real; a recording fake in tests/unit). */

/* runc's reOpenDevNull, after the pivot: fds 0-2 that are a /dev/null other than the
 * container's (podman's conmon hands the host's in as stdin) become the container's.
 * The host's lives on a mount outside the container's mount namespace, which CRIU
 * cannot dump ("Can't lookup mount"). Nothing happens without a /dev/null inside. */
error *rootfs_reopen_dev_null(void);

/* Step 1, in the new mount namespace, before hooks: propagation
 * (rootfsPropagation, default rslave), bind the rootfs onto itself, every
 * spec mount in order, /dev (default devices, linux.devices, /dev/pts, shm,
 * fd/stdin/stdout/stderr symlinks, ptmx). */
error *rootfs_prepare(const struct sys_ops *sys, const struct oci_config *cfg,
		      const struct rootfs_opts *opts);
/* A container without a mount namespace of its own mounts on a bind of its
 * rootfs in the host's namespace (runc leaves those mounts behind forever).
 * Before create: remember in the state dir which mount the rootfs path is on
 * now. On delete (or a failed create): detach whatever was stacked on the
 * rootfs path since, with everything below it. No-op for other containers
 * (no record). */
error *rootfs_host_mntns_record(const char *rootfs, int state_dir_fd);
void rootfs_host_mntns_cleanup(const char *rootfs, int state_dir_fd);
/* Step 2, after createContainer hooks: pivot_root (or MS_MOVE+chroot), detach
 * the old root, chdir("/"). */
error *rootfs_pivot(const struct sys_ops *sys, const struct oci_config *cfg,
		    const struct rootfs_opts *opts);
/* Step 3, after the console and sysctls: maskedPaths, readonlyPaths, root.readonly,
 * the final propagation. */
error *rootfs_finalize(const struct sys_ops *sys, const struct oci_config *cfg,
		       const struct rootfs_opts *opts);

/* linux.sysctl, written through a verified procfs (after pivot). Checks
 * rootfs_check_sysctl() first. */
error *rootfs_apply_sysctl(const struct oci_config *cfg);
/* runc's validation alone (pure; usable at create time): each key must be
 * namespaced by a namespace the spec lists (ipc: kernel.msg*, kernel.sem,
 * kernel.shm*, fs.mqueue.*; network: net.*; uts: kernel.domainname), e.g.
 * `sysctl "net.ipv4.ip_forward" is not allowed in the hosts network namespace`. */
error *rootfs_check_sysctl(const struct oci_config *cfg);
/* hostname / domainname (needs a private UTS namespace, else an error). */
error *rootfs_set_hostname(const struct oci_config *cfg, bool private_uts);

#endif
