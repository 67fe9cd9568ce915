/* Namespaces: which to create and which to join (a plan, pure), then the
 * syscalls: setns by path, user-namespace id maps, time-namespace offsets. */
#ifndef ISORUN_NAMESPACES_H
#define ISORUN_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "common/sys.h"
#include "spec/config.h"

/* CLONE_NEW* for a spec type. */
int ns_clone_flag(enum oci_ns_type t);
/* Name under /proc/PID/ns/: "pid", "net", "mnt", "ipc", "uts", "user", "cgroup", "time". */
const char *ns_proc_name(enum oci_ns_type t);
/* The spec's name ("network", "mount", ...), same as spec_ns_name(), for messages. */
const char *ns_spec_name(enum oci_ns_type t);

struct ns_plan {
	/* CLONE_NEW* flags of the namespaces to create (no path in the spec). */
	unsigned long new_flags;
	/* Per type: the spec's path to join, or NULL. Borrowed from the config. */
	const char *join_path[OCI_NS_COUNT];
	/* Per type: fd opened on join_path (O_RDONLY|O_CLOEXEC), or -1. */
	int join_fd[OCI_NS_COUNT];
	/* True when every new namespace can be made by clone3() itself: nothing but
	 * pid/time is joined by path (joining a user ns first changes who owns the
	 * new ones, so then the child unshares after its setns calls). */
	bool clone_all;
	/* Per type: index in linux.namespaces[] (for messages), or -1 when absent. */
	int spec_index[OCI_NS_COUNT];
};

/* Pure: fills plan from cfg (no fds opened; join_fd all -1). Errors on a
 * duplicated type or a time namespace with a path and offsets both. */
error *ns_plan_build(const struct oci_config *cfg, struct ns_plan *plan);
/* Opens every join_path and checks with NS_GET_NSTYPE that it is that kind:
 * "linux.namespaces[2] (network /proc/1/ns/net): open: No such file or directory". */
error *ns_plan_open(struct ns_plan *plan);
void ns_plan_close(struct ns_plan *plan);

/* sys->setns(fd) with context naming the type. */
error *ns_join(const struct sys_ops *sys, int fd, enum oci_ns_type t);

/* In the parent, for a child in a new user namespace: writes uid_map, "deny" to
 * setgroups when there is no gid mapping privilege, and gid_map. Uses
 * newuidmap/newgidmap when not root. */
error *userns_write_maps(pid_t pid, const struct oci_config *cfg);

/* /proc/self/uid_map text of the initial user namespace ("0 0 4294967295",
 * one line, any spacing)? Pure. */
bool userns_map_is_initial(const char *uid_map);
/* True when we run in a user namespace other than the initial one (runc's
 * userns.RunningInUserNS: any uid_map but the identity of all ids). */
bool userns_running_in(void);

/* A user namespace holding the given mappings, as an fd of /proc/PID/ns/user
 * (O_CLOEXEC), for mount_setattr(MOUNT_ATTR_IDMAP). A helper process is cloned
 * into a new user namespace, its maps are written, its namespace opened; it
 * exits on every path before this returns (it waits on a pipe whose write end
 * only we hold). */
error *userns_open_with_maps(const struct oci_id_mapping *uid, size_t n_uid,
			     const struct oci_id_mapping *gid, size_t n_gid, int *out);

/* In the child: a new time namespace with the spec's offsets, entered by the
 * calling process itself (unshare, write /proc/self/timens_offsets, setns to
 * time_for_children); unshare and setns go through sys. */
error *timens_enter_new(const struct sys_ops *sys, const struct oci_time_offset *offsets, size_t n);

#endif
