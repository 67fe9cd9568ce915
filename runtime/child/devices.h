/* /dev inside the container when the spec mounts a fresh /dev: the default
 * device nodes (runc's: null zero full random urandom tty), linux.devices,
 * the /dev/fd, stdin/stdout/stderr, core and ptmx symlinks. Planned as plain
 * data, applied through fds inside the rootfs (never host path strings: an
 * image whose /dev is a symlink must not make us create nodes on the host). */
#ifndef ISORUN_RUNTIME_CHILD_DEVICES_H
#define ISORUN_RUNTIME_CHILD_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"
#include "common/sys.h"
#include "spec/config.h"

struct device_node {
	char *path;  /* absolute inside the container, cleaned */
	mode_t type; /* S_IFCHR, S_IFBLK, S_IFIFO */
	unsigned major, minor;
	mode_t mode; /* permission bits */
	uid_t uid;
	gid_t gid;
};

struct device_link {
	char *path;   /* the link, e.g. /dev/stdin */
	char *target; /* e.g. /proc/self/fd/0 */
	bool replace; /* remove what is there first (ptmx) */
};

struct device_plan {
	struct device_node *nodes;
	size_t n_nodes;
	struct device_link *links;
	size_t n_links;
};

/* Defaults first (those the spec does not override by path), then
 * linux.devices in order, as runc. host_has_kcore: add /dev/core. */
error *device_plan_build(const struct oci_config *cfg, bool host_has_kcore,
			 struct device_plan *out);
void device_plan_free(struct device_plan *p);
void device_plan_log(const struct device_plan *p);

/* Creates nodes (mknod, chown, chmod; when bind_devices or mknod says EPERM:
 * an empty file with the host's node of that path bind-mounted on it,
 * verified to be the same device) and the links, below rootfd. mknod, chown
 * and mount go through sys. */
error *device_plan_apply(const struct sys_ops *sys, const struct device_plan *p, int rootfd,
			 bool bind_devices);

#endif
