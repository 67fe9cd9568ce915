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
#include "common/pidfd.h"
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
		return err_kind_new(
		    ERR_BAD_CONFIG,
		    "cannot allocate tty if isorun will detach without setting console "
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
static error *open_init_ns(pid_t pid, uint64_t start_time, int pidfd, int fds[OCI_NS_COUNT])
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
	/* Still the same init after the opens: then these are its namespaces. */
	bool alive = pidfd >= 0 && syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) == 0;
	if (!alive && (pidfd < 0 || errno == ENOSYS || errno == EPERM))
		alive = state_pid_alive(pid, start_time);
	if (!alive) {
		close_ns(fds);
		return err_kind_new(ERR_BAD_STATE, "cannot exec in a stopped container");
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
		return err_kind_new(ERR_BAD_STATE, "cannot exec in a stopped container");
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
	int master;		   /* foreground terminal */
	bool cgroup_parent_enters; /* systemd driver: cgroup_enter after the clone */
};

static void exec_run_kill(struct exec_run *r)
{
	if (r->pid <= 0)
		return;
	pidfd_or_pid_signal(r->pidfd, r->pid, SIGKILL);
	waitpid(r->pid, NULL, 0);
	r->pid = -1;
}

static error *clone_child(struct exec_run *r, struct exec_child_args *ca_child,
			  const int ns_fds[OCI_NS_COUNT], const struct cgroup *cg, int child_sock)
{
	int saved[2] = {-1, -1}, pidfd = -1;
	pid_t pid = -1;
	struct cgroup_join join;
	error *e = cgroup_join_open(cg, &join);
	if (e)
		return e;
	ca_child->cgroup_join = &join;
	r->cgroup_parent_enters = join.parent_enters;
	int cg_fd = join.clone_fd;
	if ((geteuid() != 0 || userns_running_in()) &&
	    (ns_fds[OCI_NS_PID] >= 0 || ns_fds[OCI_NS_TIME] >= 0)) {
		/* Rootless: only the container's user namespace gives us the
		 * right to join its pid and time namespaces, and nothing lets us
		 * return to ours afterwards. */
		pid = spawn_clone3_in_userns(ns_fds[OCI_NS_USER], ns_fds[OCI_NS_PID],
					     ns_fds[OCI_NS_TIME], cg_fd, &pidfd);
		if (pid < 0)
			e = err_errno("clone into the container's user, pid and time namespaces");
	} else {
		e = spawn_enter_for_children(ns_fds[OCI_NS_PID], ns_fds[OCI_NS_TIME], saved);
		if (!e) {
			pid = spawn_clone3(0, cg_fd, &pidfd);
			if (pid < 0)
				e = err_errno("clone3 into cgroup %s",
					      cg ? cgroup_path(cg) : "(none)");
		}
	}
	if (pid == 0) {
		close(r->sync_fd);
		exec_child(ca_child); /* never returns */
	}
	cgroup_join_close(&join);
	ca_child->cgroup_join = NULL;
	error *restore_e = spawn_restore_for_children(saved);
	if (!e && restore_e) {
		pidfd_or_pid_signal(pidfd, pid, SIGKILL);
		waitpid(pid, NULL, 0);
		if (pidfd >= 0)
			close(pidfd);
		e = steal_ptr(restore_e);
	}
	err_free(restore_e);
	if (e)
		return e;
	r->pid = pid;
	r->pidfd = pidfd;
	log_debug("exec: clone3: pid %d%s", pid, cg_fd >= 0 ? ", into its cgroup2 cgroup" : "");
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
			bool exec_done = err_errnum(e) == EPIPE;
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
			return err_wrap(sync_msg_error(&msg), "unable to start container process");
		default:
			return err_new("sync: unexpected message %u", msg.type);
		}
	}
}

static error *check_status(const struct loaded_container *c, const struct exec_opts *o)
{
	if (c->status == CONTAINER_STOPPED)
		return err_kind_new(ERR_BAD_STATE, "cannot exec in a stopped container");
	if (c->status == CONTAINER_PAUSED && !o->ignore_paused)
		return err_new(
		    "cannot exec in a paused container (use --ignore-paused to override)");
	if (!c->cfg)
		return err_new("container config (state dir config.json) is unreadable");
	return NULL;
}

static void cgroup_freep(struct cgroup **cg)
{
	cgroup_free(*cg);
}
#define _cleanup_cgroup_ __attribute__((cleanup(cgroup_freep)))

/* v2: the container's cgroup extended to init's own sub-cgroup, read from
 * /proc/<init>/cgroup ("0::/path"); refused unless it lies below ours. */
static error *init_cgroup(const struct loaded_container *c, struct cgroup **out)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/cgroup", c->st.pid);
	_cleanup_free_ char *text = NULL;
	error *e = read_file(path, &text, NULL);
	if (e)
		return e;
	char *line = strstr(text, "0::");
	if (!line || (line != text && line[-1] != '\n'))
		return err_new("%s: no cgroup v2 entry", path);
	line += 3;
	line[strcspn(line, "\n")] = '\0';
	const char *top = cgroup_path(c->cg);
	size_t n = strlen(top);
	if (strncmp(line, top, n) != 0 || (line[n] != '/' && line[n] != '\0'))
		return err_new("init's cgroup %s is not below the container's %s", line, top);
	char *rel = line + n;
	struct cgroup_sub one = {.controller = "", .path = *rel ? rel : "/"};
	struct cgroup_subs subs = {.v = &one, .n = 1};
	return cgroup_sub(c->cg, &subs, out);
}

/* process.execCPUAffinity.initial: the CPUs the exec child runs on until it
 * is in the container's cgroup. The child inherits our affinity at clone3,
 * before it joins (v1: we write cgroup.procs later; v2: CLONE_INTO_CGROUP
 * joins at birth, so only the clone itself can carry it): pin ourselves
 * around the clone, and restore afterwards. */
static error *pin_initial_cpus(const char *initial, cpu_set_t *saved, bool *pinned)
{
	*pinned = false;
	if (!initial || !*initial)
		return NULL;
	unsigned long mask[SPEC_CPU_LIST_MAX / (8 * sizeof(unsigned long))];
	const char *why = NULL;
	if (spec_cpu_list_parse(initial, mask, SPEC_CPU_LIST_MAX, &why) < 0)
		return err_new("process.execCPUAffinity.initial: invalid CPU list \"%s\": %s",
			       initial, why);
	if (sched_getaffinity(0, sizeof(*saved), saved) < 0)
		return err_errno("exec: sched_getaffinity");
	if (sched_setaffinity(0, sizeof(mask), (cpu_set_t *)mask) < 0)
		return err_errno("process.execCPUAffinity.initial (%s): sched_setaffinity",
				 initial);
	*pinned = true;
	return NULL;
}

/* Everything up to execve of the child; on success r holds the running child. */
static error *start_child(struct loaded_container *c, const struct exec_opts *o,
			  const struct oci_process *proc, struct cgroup *sub_cg, struct exec_run *r)
{
	/* The pidfd pins init; the start time proves it is still the same
	 * process the state recorded (not a reused pid). */
	_cleanup_close_ int pidfd = pidfd_open_or_none(c->st.pid);
	if ((pidfd < 0 && errno == ESRCH) || !state_pid_alive(c->st.pid, c->st.pid_start_time))
		return err_kind_new(ERR_BAD_STATE, "cannot exec in a stopped container");
	/* Before open_init_ns, whose pidfd check then covers it too. */
	_cleanup_close_ int root_fd = -1;
	error *e = open_init_root(c->st.pid, &root_fd);
	if (e)
		return e;
	int ns_fds[OCI_NS_COUNT];
	if ((e = open_init_ns(c->st.pid, c->st.pid_start_time, pidfd, ns_fds)))
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
	spawn_inherit_oom_score_adj(proc->oom_score_adj.set, (long long)proc->oom_score_adj.value);
	struct cgroup *cg = sub_cg ? sub_cg : c->cg;
	_cleanup_cgroup_ struct cgroup *init_cg = NULL;
	cpu_set_t saved_cpus;
	bool pinned = false;
	e = pin_initial_cpus(proc->exec_cpu_affinity.initial, &saved_cpus, &pinned);
	if (!e)
		e = clone_child(r, &ca, ns_fds, cg, sv[1]);
	if (e && err_errnum(e) == EBUSY && !sub_cg && c->cg && cgroup_v2_dirfd(c->cg) >= 0) {
		/* runc's v2 fallback: the top cgroup refuses processes once init
		 * moved below it and enabled domain controllers there ("no
		 * internal processes"); join init's cgroup instead. An explicit
		 * --cgroup (even "/") disables it. */
		err_free(e);
		e = init_cgroup(c, &init_cg);
		if (!e) {
			log_debug("exec: top cgroup busy, joining init's cgroup %s",
				  cgroup_path(init_cg));
			cg = init_cg;
			e = clone_child(r, &ca, ns_fds, cg, sv[1]);
		}
	}
	if (pinned && sched_setaffinity(0, sizeof(saved_cpus), &saved_cpus) < 0 && !e)
		log_warn("exec: restoring the runtime's CPU affinity: %s", strerror(errno));
	close_ns(ns_fds);
	if (e) {
		close(sv[1]);
		return e;
	}
	/* Otherwise the child joins by itself, first thing (cgroup_join_self). */
	if (r->cgroup_parent_enters) {
		if ((e = cgroup_enter(cg, r->pid)))
			return err_wrap(e, sub_cg ? "exec: join the sub-cgroup"
						  : "exec: join the container's cgroup");
		log_debug("exec: cgroup join: pid %d is in %s", r->pid, cgroup_path(cg));
	}
	if ((e = sync_send(r->sync_fd, SYNC_GO, NULL, -1)))
		return e;
	return converse(r, o, c);
}

error *container_exec(const struct runtime_ctx *rt, const struct exec_opts *o, int *exit_status)
{
	*exit_status = 0;
	__attribute__((cleanup(cgroup_subs_free))) struct cgroup_subs subs = {0};
	error *e = cgroup_parse_subs(o->cgroups, o->n_cgroups, &subs);
	if (e)
		return e;
	struct loaded_container c;
	if ((e = container_load(rt, o->id, &c)))
		return e;
	container_read_config(&c);
	bool loaded = true;
	struct oci_process *file_proc = NULL;
	struct exec_run r = {.pid = -1, .pidfd = -1, .sync_fd = -1, .master = -1};
	struct cgroup *sub_cg = NULL;
	sigset_t mask, old;
	forwarded_signal_set(&mask);
	bool blocked = false;
	_cleanup_close_ int pidfd_sock = -1;

	if ((e = check_status(&c, o)))
		goto out;
	if (subs.n && !c.cg) {
		e = err_new("--cgroup: the container has no cgroup");
		goto out;
	}
	if (subs.n && (e = cgroup_sub(c.cg, &subs, &sub_cg)))
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
	if ((e = start_child(&c, o, proc, sub_cg, &r))) {
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
		e = console_proxy_signals(r.master, r.pid, r.pidfd, &forward);
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
	cgroup_free(sub_cg);
	if (loaded)
		container_unload(&c);
	return e;
}
