/* create, start and run. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/pidfd.h"
#include "common/util.h"
#include "runtime/child/console.h"
#include "runtime/container.h"
#include "runtime/state/container_status.h"
#include "runtime/child/hooks.h"
#include "runtime/launch.h"
#include "runtime/spawn.h"
#include "runtime/child/sync.h"

error *container_create(const struct runtime_ctx *rt, const struct create_opts *o)
{
	struct launched l;
	error *e = launch_container(rt, o, true, false, &l);
	if (e)
		return e;
	launched_release(&l);
	return NULL;
}

/* Opens the fifo without blocking and waits until init has written its byte
 * (it is then past every check and about to exec) or died. */
static error *open_exec_fifo(const struct state_handle *h, pid_t pid, uint64_t start_time)
{
	/* The pidfd first: opening the fifo releases init, and a short-lived
	 * process can exit and be reaped by a subreaper (the shim) before a
	 * later pidfd_open, which would then wrongly report "stopped". Without
	 * pidfds, init's liveness is polled by pid and start time instead. */
	_cleanup_close_ int pidfd = pidfd_open_or_none(pid);
	if ((pidfd < 0 && errno == ESRCH) || !state_pid_alive(pid, start_time))
		return err_kind_new(ERR_BAD_STATE, "cannot start a container that has stopped");
	_cleanup_close_ int fifo =
	    openat(h->dir_fd, "exec.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fifo < 0) {
		if (errno == ENOENT)
			return err_kind_new(ERR_BAD_STATE,
					    "cannot start an already running container");
		return err_errno("open exec fifo");
	}
	struct pollfd pfd[2] = {{.fd = fifo, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
	for (;;) {
		int r = poll(pfd, 2, pidfd >= 0 ? -1 : 50);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return err_errno("wait for container init");
		}
		if (pfd[0].revents & POLLIN) {
			char c;
			if (read(fifo, &c, 1) == 1)
				break;
		}
		if ((pfd[1].revents & POLLIN) || (pidfd < 0 && !state_pid_alive(pid, start_time)))
			return err_kind_new(ERR_BAD_STATE,
					    "cannot start a container that has stopped");
		if (pfd[0].revents & (POLLHUP | POLLERR))
			return err_kind_new(ERR_BAD_STATE,
					    "cannot start a container that has stopped");
	}
	if (unlinkat(h->dir_fd, "exec.fifo", 0) < 0 && errno != ENOENT)
		return err_errno("remove exec fifo");
	/* init holds the fifo open until execve (close-on-exec), writing an
	 * error instead if startContainer hooks or exec fail. */
	fcntl(fifo, F_SETFL, 0);
	char buf[SYNC_TEXT_MAX];
	size_t got = 0;
	for (;;) {
		ssize_t n = read(fifo, buf + got, sizeof(buf) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || (got += (size_t)n) == sizeof(buf) - 1)
			break;
	}
	if (got > 0) {
		buf[got] = '\0';
		return err_new("unable to start container process: %s", buf);
	}
	return NULL;
}

/* runtime-spec 1.3: a failing poststart hook is an error, and the container
 * is stopped (runtime-spec 1.2 and runc 1.1 only warned). Every process of
 * its cgroup is killed (without a pid namespace init's children would
 * outlive it); `delete`, or `run` itself, then destroys it as usual. */
static error *stop_after_poststart(error *hook_err, const struct loaded_container *c)
{
	/* The hooks took time: init may have exited and its pid been reused
	 * (then there is nothing to kill, and the error says so). */
	err_free(container_signal_init(c, SIGKILL));
	if (c->cg) {
		error *ke = cgroup_signal_all(c->cg, SIGKILL);
		if (ke)
			log_warn("poststart: stopping the container: %s", err_msg(ke));
		err_free(ke);
	}
	/* `state` right after must say stopped: wait for init to die (a zombie
	 * is dead enough). */
	error *we = container_wait_init_gone(c, 5000);
	if (we)
		log_warn("poststart: %s", err_msg(we));
	err_free(we);
	return err_wrap(hook_err, "container stopped");
}

error *container_start(const struct runtime_ctx *rt, const char *id)
{
	struct loaded_container c;
	error *e = container_load(rt, id, &c);
	if (e)
		return e;
	container_read_config(&c);
	if (c.status == CONTAINER_STOPPED)
		e = err_kind_new(ERR_BAD_STATE, "cannot start a container that has stopped");
	else if (c.status != CONTAINER_CREATED)
		e = err_kind_new(ERR_BAD_STATE, "cannot start an already running container");
	else
		e = open_exec_fifo(&c.h, c.st.pid, c.st.pid_start_time);
	if (!e && c.cfg && c.cfg->hooks.poststart.n) {
		_cleanup_free_ char *json =
		    hook_state_json(c.st.oci_version, id, CONTAINER_RUNNING, c.st.pid, c.st.bundle,
				    &c.st.annotations);
		if (!json)
			e = err_sys(ENOMEM, "state");
		else if ((e = hooks_run(&c.cfg->hooks.poststart, "poststart", json)))
			e = stop_after_poststart(e, &c);
	}
	container_unload(&c);
	return e;
}

/* init closes its sync socket at execve (close-on-exec), or reports why not. */
static error *wait_exec(int sync_fd)
{
	struct sync_msg msg;
	error *e = sync_recv(sync_fd, &msg);
	if (e) {
		bool exec_done = err_errnum(e) == EPIPE;
		err_free(e);
		return exec_done ? NULL : err_new("unable to start container process");
	}
	if (msg.type == SYNC_ERROR)
		return err_wrap(sync_msg_error(&msg), "unable to start container process");
	return err_new("sync: unexpected message %u", msg.type);
}

static error *delete_after_run(const struct runtime_ctx *rt, const char *id)
{
	return container_delete(rt, id, true);
}

error *container_run(const struct runtime_ctx *rt, const struct create_opts *o, int *exit_status)
{
	*exit_status = 0;
	sigset_t mask, old;
	forwarded_signal_set(&mask);
	if (!o->detach) {
		sigprocmask(SIG_BLOCK, &mask, &old);
		/* Processes orphaned inside the container (no pid namespace)
		 * come to us, so that we can reap them. */
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	}
	struct launched l;
	bool keep_master = !o->detach;
	error *e = launch_container(rt, o, false, keep_master, &l);
	if (e)
		goto out;
	if ((e = sync_send(l.sync_fd, SYNC_GO, NULL, -1)) || (e = wait_exec(l.sync_fd))) {
		launch_abort(&l);
		goto out;
	}
	close(l.sync_fd);
	l.sync_fd = -1;
	log_debug("run: process started (execve done)");
	if (l.cfg->hooks.poststart.n &&
	    (e = hooks_run(&l.cfg->hooks.poststart, "poststart", l.state_json))) {
		/* Stopped and destroyed (lifecycle step 12), detached or not. */
		e = err_wrap(e, "container stopped");
		pidfd_or_pid_signal(l.pidfd, l.pid, SIGKILL);
		waitpid(l.pid, NULL, 0);
		launched_release(&l);
		/* The regular delete: every process, the cgroup, poststop hooks
		 * (--keep leaves the stopped container, as after any run). */
		error *de = o->keep ? NULL : container_delete(rt, o->id, true);
		if (de)
			log_warn("poststart: removing the container: %s", err_msg(de));
		err_free(de);
		goto out;
	}
	if (o->detach) {
		launched_release(&l);
		goto out;
	}
	pid_t pid = l.pid;
	int pidfd = l.pidfd;
	l.pidfd = -1;
	int master = l.console_master;
	l.console_master = -1;
	/* Unlock the state so `isorun state/kill` work while we wait. */
	launched_release(&l);
	if (master >= 0) {
		sigset_t forward = mask;
		sigdelset(&forward, SIGCHLD);
		sigdelset(&forward, SIGWINCH);
		e = console_proxy_signals(master, pid, pidfd, &forward);
		close(master);
		int status = 0;
		if (!e && waitpid(pid, &status, 0) == pid)
			*exit_status = wait_status_to_exit_code(status);
	} else {
		e = forward_signals_until_exit(pid, pidfd, &mask, true, exit_status);
	}
	if (pidfd >= 0)
		close(pidfd);
	log_debug("run: wait: process exited (status %d)", *exit_status);
	if (!o->keep) {
		error *de = delete_after_run(rt, o->id);
		log_debug("run: delete: done");
		if (de && !e)
			e = de;
		else
			err_free(de);
	}
out:
	if (!o->detach)
		sigprocmask(SIG_SETMASK, &old, NULL);
	return e;
}
