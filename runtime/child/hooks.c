/* OCI hooks: fork+execve with the state JSON on stdin, a pidfd for the
 * timeout, and no SIGCHLD handler (the runtime has none to share). */
#include "runtime/child/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"
#include "spec/state_json.h"

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Go's os/exec: "signal: bad system call" (runc's hook errors say that). */
static const char *signal_text(int sig)
{
	static __thread char buf[64];
	const char *s = sigdescr_np(sig);
	if (!s)
		snprintf(buf, sizeof(buf), "signal %d", sig);
	else
		snprintf(buf, sizeof(buf), "%s", s);
	if (buf[0] >= 'A' && buf[0] <= 'Z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

/* Only async-signal-safe calls between fork and execve. */
static void __attribute__((noreturn)) hook_child(const struct oci_hook *h, int stdin_fd, int err_fd)
{
	static char *const empty[] = {NULL};
	char *argv_path[2] = {h->path, NULL};
	sigset_t all;
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	/* An ignored SIGPIPE would be inherited across execve. */
	signal(SIGPIPE, SIG_DFL);
	if (stdin_fd == 0) {
		int fl = fcntl(0, F_GETFD);
		fcntl(0, F_SETFD, fl & ~FD_CLOEXEC);
	} else if (dup2(stdin_fd, 0) < 0) {
		goto fail;
	}
	execve(h->path, h->args ? h->args : argv_path, h->env ? h->env : empty);
fail:;
	int en = errno;
	(void)!write(err_fd, &en, sizeof(en));
	_exit(127);
}

/* Without a pidfd (pidfd_open denied: startContainer hooks run under the
 * container's seccomp filter, which may be an allow list older than
 * pidfd_open), the child is polled with WNOHANG every few milliseconds.
 * It is our unreaped child, so its pid cannot be reused meanwhile. */
#define HOOK_POLL_MS 5

static bool reaped(pid_t pid, siginfo_t *info)
{
	memset(info, 0, sizeof(*info));
	while (waitid(P_PID, (id_t)pid, info, WEXITED | WNOHANG) < 0)
		if (errno != EINTR)
			return true; /* ECHILD: nothing left to wait for */
	return info->si_pid != 0;
}

/* Waits for the child on its pidfd (or by polling, pidfd < 0) while feeding
 * stdin without blocking: a hook that never reads a large state must still
 * hit its timeout. */
static error *hook_wait(pid_t pid, int pidfd, int wfd, const char *data, int64_t timeout_s,
			siginfo_t *info)
{
	size_t len = strlen(data), off = 0;
	/* Clamped: a timeout of years is "none" and must not overflow. */
	if (timeout_s > INT32_MAX)
		timeout_s = 0;
	int64_t deadline = timeout_s > 0 ? now_ms() + timeout_s * 1000 : -1;
	bool writing = len > 0;
	_cleanup_close_ int w = wfd;
	if (!writing) {
		close(w);
		w = -1;
	}
	for (;;) {
		struct pollfd pfd[2] = {{.fd = pidfd, .events = POLLIN},
					{.fd = writing ? w : -1, .events = POLLOUT}};
		int wait_ms = -1;
		if (deadline >= 0) {
			int64_t left = deadline - now_ms();
			wait_ms = left > 0 ? (int)left : 0;
		}
		if (pidfd < 0) {
			if (reaped(pid, info))
				return NULL;
			if (wait_ms < 0 || wait_ms > HOOK_POLL_MS)
				wait_ms = HOOK_POLL_MS;
			if (deadline >= 0 && now_ms() < deadline && wait_ms == 0)
				wait_ms = 1;
		}
		int r = poll(pfd, 2, wait_ms);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return err_errno("poll");
		}
		if (r == 0 && deadline >= 0 && now_ms() >= deadline) {
			/* Killed through the pidfd, or as our unreaped child: the
			 * pid cannot have been reused. */
			if (pidfd >= 0 &&
			    syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0 &&
			    errno != ESRCH)
				log_warn("kill hook: %s", strerror(errno));
			if (pidfd < 0 && kill(pid, SIGKILL) < 0 && errno != ESRCH)
				log_warn("kill hook: %s", strerror(errno));
			siginfo_t dummy;
			if (pidfd >= 0)
				waitid(P_PIDFD, (id_t)pidfd, &dummy, WEXITED);
			else
				while (waitid(P_PID, (id_t)pid, &dummy, WEXITED) < 0 &&
				       errno == EINTR)
					;
			return err_new("timed out after %llds", (long long)timeout_s);
		}
		if (writing && (pfd[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t n = write(w, data + off, len - off);
			if (n > 0)
				off += (size_t)n;
			/* EPIPE: the hook closed stdin without reading; that is its right. */
			if ((n < 0 && errno != EAGAIN && errno != EINTR) || off == len) {
				writing = false;
				close(w);
				w = -1;
			}
		}
		if (pidfd >= 0 && (pfd[0].revents & POLLIN)) {
			memset(info, 0, sizeof(*info));
			while (waitid(P_PIDFD, (id_t)pidfd, info, WEXITED) < 0)
				if (errno != EINTR)
					return err_errno("waitid");
			return NULL;
		}
	}
}

static error *hook_run_one(const struct oci_hook *h, const char *state_json)
{
	if (!h->path)
		return err_new("no path");
	int in[2], ep[2];
	if (pipe2(in, O_CLOEXEC) < 0)
		return err_errno("pipe");
	_cleanup_close_ int in_r = in[0], in_w = in[1];
	if (pipe2(ep, O_CLOEXEC) < 0)
		return err_errno("pipe");
	_cleanup_close_ int ep_r = ep[0], ep_w = ep[1];

	/* SIGPIPE from writing to a hook that exited would kill the runtime;
	 * block it for the duration and drop any pending one afterwards. */
	sigset_t pipe_set, old_mask;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, &old_mask);

	pid_t pid = fork();
	if (pid < 0) {
		int en = errno;
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
		return err_sys(en, "fork");
	}
	if (pid == 0)
		hook_child(h, in_r, ep_w);

	close(steal_fd(in_r));
	close(steal_fd(ep_w));
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		log_debug("hook: pidfd_open: %s; polling the child instead", strerror(errno));
	error *e = NULL;
	int exec_errno = 0;
	{
		/* EOF means execve succeeded (the CLOEXEC end closed). */
		ssize_t n;
		while ((n = read(ep_r, &exec_errno, sizeof(exec_errno))) < 0 && errno == EINTR)
			;
		if (n != (ssize_t)sizeof(exec_errno))
			exec_errno = 0;
		fcntl(in_w, F_SETFL, O_NONBLOCK);
		siginfo_t info;
		e = hook_wait(pid, pidfd, steal_fd(in_w), exec_errno ? "" : state_json,
			      h->timeout.set ? h->timeout.value : 0, &info);
		if (!e && exec_errno)
			e = err_new("exec: %s", go_strerror(exec_errno));
		else if (!e && info.si_code == CLD_EXITED && info.si_status != 0)
			e = err_new("exit status %d", info.si_status);
		else if (!e && (info.si_code == CLD_KILLED || info.si_code == CLD_DUMPED))
			e = err_new("signal: %s", signal_text(info.si_status));
	}

	struct timespec zero = {0, 0};
	while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
		;
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	if (e && exec_errno)
		err_set_errnum(e, exec_errno);
	return e;
}

error *hooks_run(const struct oci_hook_list *list, const char *phase, const char *state_json)
{
	for (size_t i = 0; list && i < list->n; i++) {
		const struct oci_hook *h = &list->hooks[i];
		log_debug("running %s hook #%zu (%s)", phase, i, h->path ? h->path : "");
		error *e = hook_run_one(h, state_json ? state_json : "");
		if (e)
			return err_wrap(e, "%s hook #%zu (%s)", phase, i, h->path ? h->path : "");
	}
	return NULL;
}

void hooks_run_warn(const struct oci_hook_list *list, const char *phase, const char *state_json)
{
	for (size_t i = 0; list && i < list->n; i++) {
		const struct oci_hook *h = &list->hooks[i];
		error *e = hook_run_one(h, state_json ? state_json : "");
		if (e) {
			e = err_wrap(e, "%s hook #%zu (%s)", phase, i, h->path ? h->path : "");
			log_warn("%s", err_msg(e));
			err_free(e);
		}
	}
}

char *hook_state_json(const char *oci_version, const char *id, enum container_status status,
		      pid_t pid, const char *bundle, const struct str_map *annotations)
{
	struct oci_state st = {
	    .oci_version = oci_version,
	    .id = id,
	    .status = status,
	    .pid = pid,
	    .bundle = bundle,
	    .annotations = annotations,
	};
	return oci_state_to_json(&st, false);
}
