#include "runtime/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/pidfd.h"
#include "common/util.h"
#include "runtime/child/console.h"

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* Kernel ABI of clone3 (CLONE_ARGS_SIZE_VER2). */
struct clone3_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
	    set_tid_size, cgroup;
};

pid_t spawn_clone3(uint64_t flags, int cgroup_fd, int *pidfd)
{
	struct clone3_args ca = {0};
	*pidfd = -1;
	ca.flags = flags | CLONE_PIDFD;
	ca.pidfd = (uint64_t)(uintptr_t)pidfd;
	ca.exit_signal = SIGCHLD;
	if (cgroup_fd >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)cgroup_fd;
	}
	pid_t pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid >= 0)
		return pid;
	/* No clone3 (before Linux 5.3, or a seccomp filter of whoever runs us:
	 * Docker's profile answers ENOSYS on purpose): the legacy clone, and the
	 * cgroup joined by writing cgroup.procs right after, as runc does. The
	 * child waits for the runtime's GO before its setup, so it is in its
	 * cgroup by then. Any errno: a real refusal comes back from clone too. */
	int en = errno;
	log_debug("clone3: %s; falling back to clone", strerror(en));
	*pidfd = -1;
	pid = (pid_t)syscall(SYS_clone, (unsigned long)(flags | CLONE_PIDFD | SIGCHLD), NULL, pidfd,
			     NULL, 0);
	if (pid < 0 && errno == EINVAL) {
		/* Before Linux 5.2 there is no CLONE_PIDFD: a plain child,
		 * tracked by its pid (ours, so it cannot be reused unreaped). */
		*pidfd = -1;
		pid = (pid_t)syscall(SYS_clone, (unsigned long)(flags | SIGCHLD), NULL, NULL, NULL,
				     0);
	}
	if (pid <= 0 || cgroup_fd < 0)
		return pid;
	int procs = openat(cgroup_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
	char buf[24];
	int len = snprintf(buf, sizeof(buf), "%d", (int)pid);
	if (procs >= 0 && write(procs, buf, (size_t)len) == len) {
		close(procs);
		return pid;
	}
	en = errno;
	if (procs >= 0)
		close(procs);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(*pidfd);
	*pidfd = -1;
	errno = en;
	return -1;
}

error *spawn_enter_for_children(int pid_ns_fd, int time_ns_fd, int saved[2])
{
	const int fds[2] = {pid_ns_fd, time_ns_fd};
	static const int types[2] = {CLONE_NEWPID, CLONE_NEWTIME};
	static const char *self[2] = {"/proc/self/ns/pid_for_children",
				      "/proc/self/ns/time_for_children"};
	saved[0] = saved[1] = -1;
	for (int i = 0; i < 2; i++) {
		if (fds[i] < 0)
			continue;
		saved[i] = open(self[i], O_RDONLY | O_CLOEXEC);
		if (saved[i] < 0)
			return err_errno("open %s", self[i]);
		if (setns(fds[i], types[i]) < 0)
			return err_errno("setns %s namespace", i ? "time" : "pid");
	}
	return NULL;
}

static bool same_user_ns(int fd)
{
	struct stat a, b;
	return fstat(fd, &a) == 0 && stat("/proc/self/ns/user", &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

pid_t spawn_clone3_in_userns(int user_ns_fd, int pid_ns_fd, int time_ns_fd, int cgroup_fd,
			     int *pidfd)
{
	*pidfd = -1;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid_t helper = fork();
	if (helper < 0) {
		int en = errno;
		close(p[0]);
		close(p[1]);
		errno = en;
		return -1;
	}
	if (helper == 0) {
		close(p[0]);
		/* What comes back: the child's pid, or -errno. */
		int32_t res;
		int saved[2], hpidfd = -1;
		if (user_ns_fd >= 0 && !same_user_ns(user_ns_fd) &&
		    setns(user_ns_fd, CLONE_NEWUSER) < 0) {
			res = -errno;
		} else {
			error *e = spawn_enter_for_children(pid_ns_fd, time_ns_fd, saved);
			if (e) {
				res = -(err_errnum(e) ? err_errnum(e) : EPERM);
				err_free(e);
			} else {
				pid_t c = spawn_clone3(CLONE_PARENT, cgroup_fd, &hpidfd);
				if (c == 0) {
					close(p[1]);
					return 0;
				}
				res = c < 0 ? -errno : c;
			}
		}
		ssize_t unused = write(p[1], &res, sizeof(res));
		(void)unused;
		_exit(0);
	}
	close(p[1]);
	int32_t res = -EPIPE;
	ssize_t n;
	while ((n = read(p[0], &res, sizeof(res))) < 0 && errno == EINTR)
		;
	close(p[0]);
	while (waitpid(helper, NULL, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(res) || res <= 0) {
		errno = n == (ssize_t)sizeof(res) && res < 0 ? -res : EPIPE;
		return -1;
	}
	/* Our child (CLONE_PARENT) and not reaped: the pid cannot be reused. */
	*pidfd = pidfd_open_or_none((pid_t)res);
	return (pid_t)res;
}

void spawn_inherit_oom_score_adj(bool set, long long value)
{
	if (!set)
		return;
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%lld", value);
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, buf, (size_t)len) != len)
		log_debug("oom_score_adj %s for the child: %s", buf, strerror(errno));
	if (fd >= 0)
		close(fd);
}

error *spawn_restore_for_children(int saved[2])
{
	static const int types[2] = {CLONE_NEWPID, CLONE_NEWTIME};
	error *e = NULL;
	for (int i = 0; i < 2; i++) {
		if (saved[i] < 0)
			continue;
		/* Failing here would leave the hooks and helpers we fork later in
		 * the container's pid/time namespace: the caller must stop. */
		if (setns(saved[i], types[i]) < 0 && !e)
			e = err_errno("restore our %s namespace after clone", i ? "time" : "pid");
		close(saved[i]);
		saved[i] = -1;
	}
	return e;
}

error *write_pid_file(const char *path, pid_t pid)
{
	_cleanup_free_ char *copy = strdup(path), *copy2 = strdup(path);
	if (!copy || !copy2)
		return err_sys(ENOMEM, "pid file");
	_cleanup_free_ char *tmp = str_printf("%s/.%s", dirname(copy), basename(copy2));
	if (!tmp)
		return err_sys(ENOMEM, "pid file");
	_cleanup_close_ int fd =
	    open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC | O_SYNC, 0644);
	if (fd < 0)
		return err_errno("pid file %s", tmp);
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", pid);
	if (write_all(fd, buf, (size_t)n) < 0 || rename(tmp, path) < 0) {
		error *e = err_errno("pid file %s", path);
		unlink(tmp);
		return e;
	}
	return NULL;
}

int wait_status_to_exit_code(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

void forwarded_signal_set(sigset_t *mask)
{
	sigfillset(mask);
	static const int keep[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT};
	for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
		sigdelset(mask, keep[i]);
}

error *forward_signals_until_exit(pid_t pid, int pidfd, const sigset_t *mask, bool reap_any,
				  int *exit_code)
{
	_cleanup_close_ int sfd = signalfd(-1, mask, SFD_CLOEXEC);
	if (sfd < 0)
		return err_errno("signalfd");
	for (;;) {
		int status;
		pid_t r;
		while ((r = waitpid(reap_any ? -1 : pid, &status, WNOHANG)) > 0) {
			if (r == pid) {
				*exit_code = wait_status_to_exit_code(status);
				return NULL;
			}
		}
		if (r < 0 && errno != EINTR)
			return err_errno("wait for container process");
		struct signalfd_siginfo si;
		ssize_t n = read(sfd, &si, sizeof(si));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return err_errno("read signalfd");
		}
		if (n != sizeof(si) || si.ssi_signo == SIGCHLD)
			continue;
		if (pidfd_or_pid_signal(pidfd, pid, (int)si.ssi_signo) < 0 && errno != ESRCH)
			log_warn("forward signal %u: %s", si.ssi_signo, strerror(errno));
	}
}

error *pidfd_socket_connect(const char *path, int *sock_out)
{
	return unix_socket_connect("pidfd socket", path, sock_out);
}

error *pidfd_socket_send(int sock, const char *path, int pidfd, const char *payload)
{
	/* The receiver may accept only after we exit (as go-runc does for the
	 * console): send and close, never wait for it. */
	if (pidfd < 0)
		return err_new("pidfd socket %s: no pidfd of the process (pidfd_open unavailable)",
			       path);
	if (fd_send(sock, pidfd, payload, strlen(payload)) < 0)
		return err_errno("pidfd socket %s: sendmsg", path);
	return NULL;
}
