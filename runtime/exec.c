/* `exec` in the runtime (parent) process: load the container, build the
 * process, clone the child into the container's pid/time namespaces and
 * cgroup, talk to it until execve, then return (detached) or wait for it. */
#include "runtime/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"
#include "namespaces/namespaces.h"
#include "runtime/child/console.h"
#include "runtime/state/container_status.h"
#include "runtime/child/exec_init.h"
#include "runtime/child/hooks.h"
#include "runtime/launch.h"
#include "runtime/child/seccomp_handover.h"
#include "runtime/spawn.h"
#include "runtime/child/sync.h"

static error *parse_id_part(const char *s, size_t len, const char *what, uint32_t *out)
{
	char buf[32];
	if (len == 0 || len >= sizeof(buf))
		goto bad;
	memcpy(buf, s, len);
	buf[len] = '\0';
	unsigned long long v = 0;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			goto bad;
		v = v * 10 + (unsigned)(buf[i] - '0');
		if (v >= UINT32_MAX) /* (uint32_t)-1 means "no change" to set*id */
			goto bad;
	}
	*out = (uint32_t)v;
	return NULL;
bad:
	return err_new("parsing %.*s as int for %s failed: strconv.Atoi: parsing \"%.*s\": "
		       "invalid syntax",
		       (int)len, s, what, (int)len, s);
}

error *exec_parse_user(const char *s, uint32_t *uid, bool *has_gid, uint32_t *gid)
{
	const char *colon = strchr(s, ':');
	*has_gid = colon != NULL;
	error *e;
	if (colon && (e = parse_id_part(colon + 1, strlen(colon + 1), "gid", gid)))
		return e;
	return parse_id_part(s, colon ? (size_t)(colon - s) : strlen(s), "uid", uid);
}

/* ---------------------------------------------------------------- process */

static int push_all(char ***v, char *const *add)
{
	for (; add && *add; add++)
		if (strv_push(v, *add) < 0)
			return -1;
	return 0;
}

/* runc's getProcess for the flag form: the container's process with the
 * command line's args and overrides; modifies p in place. */
static error *apply_flags(struct oci_process *p, const struct exec_opts *o)
{
	char **args = strv_dup(o->args);
	if (!args)
		return err_sys(ENOMEM, "exec args");
	strv_free(p->args);
	p->args = args;
	if (o->cwd && *o->cwd) {
		char *cwd = strdup(o->cwd);
		if (!cwd)
			return err_sys(ENOMEM, "--cwd");
		free(p->cwd);
		p->cwd = cwd;
	}
	if (o->apparmor && *o->apparmor) {
		free(p->apparmor_profile);
		if (!(p->apparmor_profile = strdup(o->apparmor)))
			return err_sys(ENOMEM, "--apparmor");
	}
	if (o->process_label && *o->process_label) {
		free(p->selinux_label);
		if (!(p->selinux_label = strdup(o->process_label)))
			return err_sys(ENOMEM, "--process-label");
	}
	if (o->caps && *o->caps) {
		struct oci_capabilities *c = &p->capabilities;
		if (push_all(&c->bounding, o->caps) < 0 || push_all(&c->inheritable, o->caps) < 0 ||
		    push_all(&c->effective, o->caps) < 0 || push_all(&c->permitted, o->caps) < 0 ||
		    push_all(&c->ambient, o->caps) < 0)
			return err_sys(ENOMEM, "--cap");
		p->has_capabilities = true;
	}
	if (push_all(&p->env, o->env) < 0)
		return err_sys(ENOMEM, "--env");
	p->terminal = o->tty;
	if (o->no_new_privs_set)
		p->no_new_privileges = o->no_new_privs;
	if (o->has_user) {
		p->user.uid = o->uid;
		if (o->has_gid)
			p->user.gid = o->gid;
	}
	if (o->n_additional_gids) {
		size_t n = p->user.n_additional_gids + o->n_additional_gids;
		uint32_t *g = realloc(p->user.additional_gids, n * sizeof(*g));
		if (!g)
			return err_sys(ENOMEM, "--additional-gids");
		memcpy(g + p->user.n_additional_gids, o->additional_gids,
		       o->n_additional_gids * sizeof(*g));
		p->user.additional_gids = g;
		p->user.n_additional_gids = n;
	}
	return NULL;
}

/* runc's validateProcessSpec, same wording. */
static error *validate_process(const struct oci_process *p)
{
	if (!p->cwd || !*p->cwd)
		return err_new("Cwd property must not be empty");
	if (p->cwd[0] != '/')
		return err_new("Cwd must be an absolute path");
	if (!p->args || !p->args[0])
		return err_new("args must not be empty");
	if (p->selinux_label && *p->selinux_label)
		return err_new("selinux label is specified in config, but selinux is disabled or "
			       "not supported");
	return NULL;
}

static error *load_process_file(const char *path, struct oci_process **out)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	error *e = read_file(path, &text, &len);
	if (e)
		return e;
	return spec_parse_process(text, len, path, out);
}

/* runc's checkTerminal. */
static error *validate_terminal(const struct oci_process *p, const struct exec_opts *o)
{
	if (o->detach && p->terminal && !o->console_socket)
		return err_new("cannot allocate tty if isorun will detach without setting console "
			       "socket");
	if (o->console_socket && (!p->terminal || !o->detach))
		return err_new(
		    "cannot use console socket if isorun will not detach or allocate tty");
	return NULL;
}

/* ---------------------------------------------------------------- namespaces */

static const enum oci_ns_type ns_types[] = {OCI_NS_USER,    OCI_NS_MOUNT,  OCI_NS_IPC, OCI_NS_UTS,
					    OCI_NS_NETWORK, OCI_NS_CGROUP, OCI_NS_PID, OCI_NS_TIME};

static void close_ns(int fds[OCI_NS_COUNT])
{
	for (int t = 0; t < OCI_NS_COUNT; t++) {
		if (fds[t] >= 0)
			close(fds[t]);
		fds[t] = -1;
	}
}

/* Opens /proc/<pid>/ns/<type> of init, leaving -1 for those it shares with us
 * (setns into our own user namespace fails, and the rest would be no-ops)
 * and those the kernel lacks. The pidfd check after opening makes sure the
 * pid was not reused by another process in between. */
static error *open_init_ns(pid_t pid, int pidfd, int fds[OCI_NS_COUNT])
{
	for (int t = 0; t < OCI_NS_COUNT; t++)
		fds[t] = -1;
	for (size_t i = 0; i < ARRAY_SIZE(ns_types); i++) {
		enum oci_ns_type t = ns_types[i];
		char path[64], self[64];
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, ns_proc_name(t));
		snprintf(self, sizeof(self), "/proc/self/ns/%s", ns_proc_name(t));
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ENOENT && access("/proc/self/ns", F_OK) == 0 &&
			    access(self, F_OK) < 0)
				continue; /* kernel without this namespace type */
			error *e = err_errno("open %s", path);
			close_ns(fds);
			return e;
		}
		struct stat a, b;
		if (fstat(fd, &a) == 0 && stat(self, &b) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev) {
			close(fd);
			continue;
		}
		fds[t] = fd;
	}
	if (syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) < 0) {
		close_ns(fds);
		return err_new("cannot exec in a stopped container");
	}
	return NULL;
}

/* The init's root directory (its rootfs), as a handle taken from outside
 * before joining anything: the kernel resolves the magic link to the very
 * directory, whatever the container's mount table or the caller's chroot. */
static error *open_init_root(pid_t pid, int *fd)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/root", pid);
	*fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*fd < 0 && (errno == ENOENT || errno == ESRCH))
		return err_new("cannot exec in a stopped container");
	if (*fd < 0)
		return err_errno("exec: open the container's root %s", path);
	return NULL;
}

/* ---------------------------------------------------------------- pid file */

/* ---------------------------------------------------------------- running */

struct exec_run {
	pid_t pid;
	int pidfd;
	int sync_fd;
	int master; /* foreground terminal */
};

static void exec_run_kill(struct exec_run *r)
{
	if (r->pid <= 0)
		return;
	syscall(SYS_pidfd_send_signal, r->pidfd, SIGKILL, NULL, 0);
	waitpid(r->pid, NULL, 0);
	r->pid = -1;
}

static error *clone_child(struct exec_run *r, const struct exec_child_args *ca_child,
			  const int ns_fds[OCI_NS_COUNT], const struct cgroup *cg, int child_sock)
{
	int saved[2], pidfd = -1;
	error *e = spawn_enter_for_children(ns_fds[OCI_NS_PID], ns_fds[OCI_NS_TIME], saved);
	pid_t pid = -1;
	if (!e) {
		pid = spawn_clone3(0, cg ? cgroup_v2_dirfd(cg) : -1, &pidfd);
		if (pid < 0)
			e = err_errno("clone3");
	}
	if (pid == 0) {
		close(r->sync_fd);
		exec_child(ca_child); /* never returns */
	}
	error *restore_e = spawn_restore_for_children(saved);
	if (!e && restore_e) {
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		waitpid(pid, NULL, 0);
		close(pidfd);
		e = steal_ptr(restore_e);
	}
	err_free(restore_e);
	if (e)
		return e;
	r->pid = pid;
	r->pidfd = pidfd;
	close(child_sock);
	return NULL;
}

/* The parent's half: console master, errors, and EOF when the child execs
 * (its end of the socket is close-on-exec). */
static error *converse(struct exec_run *r, const struct exec_opts *o,
		       const struct loaded_container *c)
{
	struct sync_msg msg;
	for (;;) {
		error *e = sync_recv(r->sync_fd, &msg);
		if (e) {
			bool exec_done = e->errnum == EPIPE;
			err_free(e);
			if (exec_done)
				return NULL;
			return err_new("unable to start container process");
		}
		_cleanup_close_ int fd = msg.fd;
		switch (msg.type) {
		case SYNC_CONSOLE:
			if (fd < 0)
				return err_new("console: no pty master received");
			if (o->console_socket) {
				if ((e = console_send_master(o->console_socket, fd)))
					return e;
			} else {
				r->master = steal_fd(fd);
			}
			break;
		case SYNC_SECCOMP_FD: {
			_cleanup_free_ char *json =
			    hook_state_json(c->st.oci_version, c->st.id, c->status, c->st.pid,
					    c->st.bundle, &c->st.annotations);
			if (!json)
				return err_sys(ENOMEM, "state");
			if ((e = seccomp_take_over(&msg, r->pidfd, r->sync_fd, c->cfg, r->pid,
						   json)))
				return e;
			break;
		}
		case SYNC_ERROR:
			return err_new("unable to start container process: %s", msg.text);
		default:
			return err_new("sync: unexpected message %u", msg.type);
		}
	}
}

static error *check_status(const struct loaded_container *c, const struct exec_opts *o)
{
	if (!strcmp(c->status, "stopped"))
		return err_new("cannot exec in a stopped container");
	if (!strcmp(c->status, "paused") && !o->ignore_paused)
		return err_new(
		    "cannot exec in a paused container (use --ignore-paused to override)");
	if (!c->cfg)
		return err_new("container config (state dir config.json) is unreadable");
	return NULL;
}

/* Everything up to execve of the child; on success r holds the running child. */
static error *start_child(struct loaded_container *c, const struct exec_opts *o,
			  const struct oci_process *proc, struct exec_run *r)
{
	/* The pidfd pins init; the start time proves it is still the same
	 * process the state recorded (not a reused pid). */
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, c->st.pid, 0);
	if (pidfd < 0 || proc_start_time(c->st.pid) != c->st.pid_start_time)
		return err_new("cannot exec in a stopped container");
	/* Before open_init_ns, whose pidfd check then covers it too. */
	_cleanup_close_ int root_fd = -1;
	error *e = open_init_root(c->st.pid, &root_fd);
	if (e)
		return e;
	int ns_fds[OCI_NS_COUNT];
	if ((e = open_init_ns(c->st.pid, pidfd, ns_fds)))
		return e;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		close_ns(ns_fds);
		return err_errno("socketpair");
	}
	r->sync_fd = sv[0];
	struct exec_child_args ca = {
	    .proc = proc,
	    .lnx = &c->cfg->linux_,
	    .sync_fd = sv[1],
	    .state_dir_fd = c->h.dir_fd,
	    .ns_fds = ns_fds,
	    .root_fd = root_fd,
	    .preserve_fds = o->preserve_fds,
	};
	/* Nothing in the container may open /proc/<child>/exe (our binary)
	 * or ptrace the child before execve resets this: CVE-2019-5736 and
	 * CVE-2016-9962. Inherited by the clone. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
		close(sv[1]);
		return err_errno("prctl(PR_SET_DUMPABLE, 0)");
	}
	e = clone_child(r, &ca, ns_fds, c->cg, sv[1]);
	close_ns(ns_fds);
	if (e) {
		close(sv[1]);
		return e;
	}
	/* v1 and hybrid: no CLONE_INTO_CGROUP; the child waits for GO until
	 * it is in every hierarchy. */
	if (c->cg && cgroup_v2_dirfd(c->cg) < 0 && (e = cgroup_enter(c->cg, r->pid)))
		return err_wrap(e, "exec: join the container's cgroup");
	if ((e = sync_send(r->sync_fd, SYNC_GO, 0, NULL, -1)))
		return e;
	return converse(r, o, c);
}

error *container_exec(const struct runtime_ctx *rt, const struct exec_opts *o, int *exit_status)
{
	*exit_status = 0;
	if (o->cgroup && *o->cgroup)
		return err_new("--cgroup: running the process in a sub-cgroup is not supported");
	struct loaded_container c;
	error *e = container_load(rt, o->id, &c);
	if (e)
		return e;
	container_read_config(&c);
	bool loaded = true;
	struct oci_process *file_proc = NULL;
	struct exec_run r = {.pid = -1, .pidfd = -1, .sync_fd = -1, .master = -1};
	sigset_t mask, old;
	forwarded_signal_set(&mask);
	bool blocked = false;
	_cleanup_close_ int pidfd_sock = -1;

	if ((e = check_status(&c, o)))
		goto out;
	if (o->process_path) {
		if ((e = load_process_file(o->process_path, &file_proc)))
			goto out;
	} else if ((e = apply_flags(&c.cfg->process, o))) {
		goto out;
	}
	const struct oci_process *proc = file_proc ? file_proc : &c.cfg->process;
	if ((e = validate_process(proc)) || (e = validate_terminal(proc, o)))
		goto out;
	if (!o->detach) {
		/* Blocked before the clone so that no signal is lost; the child
		 * restores an empty mask. */
		sigprocmask(SIG_BLOCK, &mask, &old);
		blocked = true;
	}
	if (o->pidfd_socket && (e = pidfd_socket_connect(o->pidfd_socket, &pidfd_sock)))
		goto out;
	if ((e = start_child(&c, o, proc, &r))) {
		exec_run_kill(&r);
		goto out;
	}
	if (pidfd_sock >= 0 &&
	    (e = pidfd_socket_send(pidfd_sock, o->pidfd_socket, r.pidfd, "setns"))) {
		exec_run_kill(&r);
		goto out;
	}
	if (o->pid_file && (e = write_pid_file(o->pid_file, r.pid))) {
		exec_run_kill(&r);
		goto out;
	}
	if (o->detach)
		goto out;
	/* Unlock the container so that state/kill work while we wait. */
	container_unload(&c);
	loaded = false;
	if (r.master >= 0) {
		sigset_t forward = mask;
		sigdelset(&forward, SIGCHLD);
		sigdelset(&forward, SIGWINCH);
		e = console_proxy_signals(r.master, r.pidfd, &forward);
		int status = 0;
		if (!e && waitpid(r.pid, &status, 0) == r.pid)
			*exit_status = wait_status_to_exit_code(status);
	} else {
		e = forward_signals_until_exit(r.pid, r.pidfd, &mask, false, exit_status);
	}
	r.pid = -1;
out:
	if (r.sync_fd >= 0)
		close(r.sync_fd);
	if (r.pidfd >= 0)
		close(r.pidfd);
	if (r.master >= 0)
		close(r.master);
	if (blocked)
		sigprocmask(SIG_SETMASK, &old, NULL);
	if (file_proc)
		spec_process_free(file_proc);
	if (loaded)
		container_unload(&c);
	return e;
}
