/* The container init: what the cloned child does, in order, from its first
 * instruction to execve of the user process. Errors go to the parent as
 * SYNC_ERROR until the child reports SYNC_READY; after that (the parent may
 * be gone) they go to the container's stderr. */
#ifndef ISORUN_RUNTIME_CHILD_INIT_H
#define ISORUN_RUNTIME_CHILD_INIT_H

#include <stdbool.h>
#include <stddef.h>

#include "cgroups/cgroups.h"
#include "common/sys.h"
#include "namespaces/namespaces.h"
#include "spec/config.h"

struct init_args {
	const struct oci_config *cfg;
	const struct ns_plan *ns;
	const char *id;
	bool no_new_keyring; /* --no-new-keyring: keep the caller's session keyring */
	int sync_fd;	     /* child's end of the socketpair */
	int fifo_fd;	     /* O_PATH fd of exec.fifo; -1: wait for SYNC_GO instead (run) */
	bool no_pivot;
	int preserve_fds; /* fds 3 .. 3+n-1 survive execve */
	bool cgroup_v2_host;
	/* A user namespace is joined by path and a new pid namespace is wanted:
	 * the pid namespace must be made after the join (so that it belongs to
	 * that user namespace), and its first process is a second child. */
	bool pid_after_join;
	/* Idmapped trees prepared by the runtime (runtime/mount_idmap.h), by spec
	 * mount index; inherited across clone3. */
	const int *idmap_fds;
	size_t n_idmap_fds;
	/* The runtime has no root (its euid, taken before clone: in a new user
	 * namespace without maps the child's own euid says nothing): the init
	 * must let it (or newuidmap) open its id map files. */
	bool caller_unprivileged;
	/* The container's cgroup, joined by init itself first (cgroups.h). */
	struct cgroup_join *cgroup_join;
};

/* The first step of the child: joins the namespaces given by path (user
 * first: it decides who owns the rest; pid and time were arranged by the
 * parent) and, when clone3 could not create them, unshares the new ones. */
error *init_enter_namespaces(const struct sys_ops *sys, const struct init_args *a);

/* Never returns: execs the process or _exits non-zero after reporting. */
_Noreturn void container_init(const struct init_args *a);

#endif
