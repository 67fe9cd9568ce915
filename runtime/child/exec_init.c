/* The child side of `exec`: namespaces, terminal, limits and labels, cwd,
 * identity, executable lookup, environment, fds, then the seccomp filter and
 * execve (runc's setns init loads the filter earlier when it lacks
 * no_new_privs; isorun keeps CAP_SYS_ADMIN until the filter is loaded
 * instead, so that nothing a profile may deny runs under it). */
#include "runtime/child/exec_init.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/sys.h"
#include "common/util.h"
#include "namespaces/namespaces.h"
#include "runtime/child/console.h"
#include "runtime/child/process.h"
#include "runtime/child/seccomp.h"
#include "runtime/child/seccomp_handover.h"
#include "runtime/child/sync.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

static bool in_user_ns(int fd)
{
	struct stat a, b;
	return fstat(fd, &a) == 0 && stat("/proc/self/ns/user", &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/* The user namespace first: it decides which of the others we may join
 * (they are owned by it). pid and time were joined for the clone already. */
error *exec_join_namespaces(const struct sys_ops *sys, const int *fds)
{
	static const enum oci_ns_type order[] = {OCI_NS_USER,	 OCI_NS_IPC,	OCI_NS_UTS,
						 OCI_NS_NETWORK, OCI_NS_CGROUP, OCI_NS_MOUNT};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int fd = fds[order[i]];
		if (fd < 0)
			continue;
		/* A rootless exec child is cloned inside it already (setns to
		 * one's own user namespace is EINVAL). */
		if (order[i] == OCI_NS_USER && in_user_ns(fd))
			continue;
		error *e = ns_join(sys, fd, order[i]);
		if (e)
			return e;
	}
	return NULL;
}

/* setns into a mount namespace leaves us at that namespace's root mount,
 * which is the machine's real root, not the container's rootfs, when the
 * container was pivoted by a caller inside a chroot (a build chroot, a node
 * shell that did `chroot /host`): the process would run on the host. Take the
 * init's root itself, opened by the parent before joining, and refuse to go
 * on unless "/" is then that very directory. */
static error *enter_init_root(int root_fd)
{
	struct stat want, got;
	if (fstat(root_fd, &want) < 0)
		return err_errno("exec: stat the container's root");
	if (fchdir(root_fd) < 0)
		return err_errno("exec: chdir to the container's root");
	if (chroot(".") < 0)
		return err_errno("exec: chroot to the container's root");
	if (stat("/", &got) < 0)
		return err_errno("exec: stat / after chroot");
	if (got.st_dev != want.st_dev || got.st_ino != want.st_ino)
		return err_new("exec: \"/\" is not the container's root after chroot "
			       "(%u:%u inode %lu, want %u:%u inode %lu): refusing to run the "
			       "process outside the container",
			       major(got.st_dev), minor(got.st_dev), (unsigned long)got.st_ino,
			       major(want.st_dev), minor(want.st_dev), (unsigned long)want.st_ino);
	return NULL;
}

/* A pty from the container's own devpts (we are in its mount namespace now).
 * Unlike init's console_create, nothing is bound over /dev/console: that
 * belongs to the container's init. */
static error *open_terminal(const struct oci_process *p, int sync_fd)
{
	_cleanup_close_ int master = -1, slave = -1;
	error *e = console_open_pty(p, &master, &slave);
	if (!e)
		e = sync_send(sync_fd, SYNC_CONSOLE, NULL, master);
	return e ? e : console_make_controlling(slave);
}

/* runc's exec does not create a missing cwd (only create does, while it
 * prepares the rootfs): refuse it with runc's wording before process_chdir,
 * which would create it. Other errors (EACCES as root on a root_squash
 * volume...) are left to process_chdir's retry as the container user. */
static error *check_cwd_exists(const struct oci_process *p)
{
	struct stat st;
	if (stat(p->cwd, &st) == 0 || (errno != ENOENT && errno != ENOTDIR))
		return NULL;
	return err_new("chdir to cwd (\"%s\") set in config.json failed: %s", p->cwd,
		       go_strerror(errno));
}

/* Only stdio and the preserved fds 3..3+n-1 reach the process. */
static error *close_fds(int preserve)
{
	_cleanup_free_ int *keep = calloc((size_t)preserve + 1, sizeof(int));
	if (!keep)
		return err_sys(ENOMEM, "preserve fds");
	for (int i = 0; i < preserve; i++)
		keep[i] = 3 + i;
	return process_close_fds_on_exec(keep, preserve);
}

/* Everything a seccomp profile might deny happens before the filter is
 * loaded; after it only the notify fd hand-over, the final capset when the
 * filter needed CAP_SYS_ADMIN, and execve (docs/security.md). Nothing is
 * freed after the load (free may trim the heap with brk). */
static error *setup(const struct exec_child_args *a, char **exe, char ***env)
{
	const struct oci_process *p = a->proc;
	struct sync_msg msg;
	error *e;
	struct seccomp_program *prog = NULL;

	/* First: whatever the child does from here on counts in the cgroup. */
	if (a->cgroup_join && (e = cgroup_join_self(a->cgroup_join)))
		return e;
	if ((e = sync_expect(a->sync_fd, SYNC_GO, &msg)))
		return e;
	/* After GO: the parent's clone line comes first. */
	if (a->cgroup_join && a->cgroup_join->cg)
		log_debug("exec: cgroup join: in %s", cgroup_path(a->cgroup_join->cg));
	if ((e = exec_join_namespaces(&sys_real, a->ns_fds)) || (e = enter_init_root(a->root_fd)))
		return e;
	close(a->root_fd);
	log_debug("exec: namespaces joined");
	if (p->terminal && (e = open_terminal(p, a->sync_fd)))
		return e;
	/* Its own session, as runc's exec has (and CRIU needs to dump it). */
	if (!p->terminal && setsid() < 0 && getsid(0) != getpid())
		return err_errno("setsid");
	/* We joined the cgroup before GO: this is the "final" affinity. */
	if ((e = process_apply_cpu_affinity(p->exec_cpu_affinity.final)) ||
	    (e = process_apply_memory_policy(a->lnx)) || (e = process_apply_limits(p, a->lnx)))
		return e;
	if (a->lnx->has_seccomp && (e = seccomp_build(&a->lnx->seccomp, &prog)))
		return e;
	if ((e = check_cwd_exists(p)) || (e = process_chdir(p)) ||
	    (e = prog ? process_apply_identity_before_filter(p) : process_apply_identity(p)) ||
	    (e = process_find_executable(p, exe)) ||
	    (e = process_build_env(p->env, getuid(), "/etc/passwd", env)) ||
	    (e = close_fds(a->preserve_fds)) || (e = process_set_no_new_privs(p)))
		goto fail;
	if (prog)
		log_debug("exec: seccomp: loading the filter");
	log_debug("exec: about to execve %s", *exe);
	log_child_silence();
	if (!prog)
		return NULL;
	if ((e = seccomp_load_and_hand_over(prog, a->sync_fd)))
		goto fail;
	return process_finish_identity_after_filter(p);
fail:
	seccomp_program_free(prog);
	return e;
}

_Noreturn void exec_child(const struct exec_child_args *a)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Inherited from the parent already; kept explicit because it is what
	 * keeps /proc/self/exe of the runtime out of the container's reach. */
	error *e = NULL;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		e = err_errno("prctl(PR_SET_DUMPABLE, 0)");
	log_child_begin();
	/* The lock on the state dir is the parent's business. */
	if (a->state_dir_fd >= 0)
		close(a->state_dir_fd);
	char *exe = NULL, **env = NULL;
	if (!e)
		e = setup(a, &exe, &env);
	if (!e)
		e = process_exec_env(exe, a->proc, env);
	sync_send_error(a->sync_fd, e);
	_exit(255);
}
