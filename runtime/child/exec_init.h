/* The child side of `exec`: from the clone (already in the container's pid
 * and time namespaces, and on v2 in its cgroup) to execve. */
#ifndef ISORUN_RUNTIME_CHILD_EXEC_INIT_H
#define ISORUN_RUNTIME_CHILD_EXEC_INIT_H

#include "cgroups/cgroups.h"
#include "common/error.h"
#include "common/sys.h"
#include "spec/config.h"

struct exec_child_args {
	const struct oci_process *proc;
	const struct oci_linux *lnx; /* the container's: seccomp, personality */
	int sync_fd;		     /* SOCK_SEQPACKET, close-on-exec: EOF tells the parent */
	int state_dir_fd;	     /* the parent's flock'ed dir; closed first */
	const int *ns_fds;	     /* OCI_NS_COUNT entries, -1: do not join */
	int root_fd;		     /* the init's /proc/<pid>/root, O_PATH */
	int preserve_fds;	     /* fds 3 .. 3+n-1 survive execve */
	/* The cgroup (or --cgroup sub-cgroup), joined by the child itself
	 * first (cgroups.h); NULL: none. */
	struct cgroup_join *cgroup_join;
};

/* setns into each fds[type] >= 0 (OCI_NS_COUNT entries), user first, then
 * ipc, uts, network, cgroup, mount; pid and time are skipped (joined for the
 * clone already). */
error *exec_join_namespaces(const struct sys_ops *sys, const int *fds);

/* Joins the cgroup, waits for SYNC_GO, joins the namespaces (user first),
 * takes the init's root (fchdir + chroot, checked), sets up the terminal, limits, seccomp, identity
 * and cwd, and execs. Errors go to the parent as SYNC_ERROR; never returns. */
_Noreturn void exec_child(const struct exec_child_args *a);

#endif
