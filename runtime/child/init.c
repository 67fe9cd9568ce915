#include "runtime/child/init.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <linux/keyctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/sys.h"
#include "common/util.h"
#include "runtime/child/console.h"
#include "runtime/child/hooks.h"
#include "runtime/child/process.h"
#include "runtime/child/rootfs.h"
#include "runtime/child/seccomp.h"
#include "runtime/child/seccomp_handover.h"
#include "runtime/child/sync.h"

static bool has_hooks(const struct oci_hook_list *l)
{
	return l->n > 0;
}

static bool wants_new(const struct ns_plan *ns, enum oci_ns_type t)
{
	return (ns->new_flags & (unsigned long)ns_clone_flag(t)) != 0;
}

/* Joins namespaces given by path (user first: it decides who owns the rest)
 * and, when clone3 could not create them, unshares the new ones. pid and time
 * were already arranged by the parent. */
error *init_enter_namespaces(const struct sys_ops *sys, const struct init_args *a)
{
	const struct ns_plan *ns = a->ns;
	if (ns->clone_all)
		return NULL;
	error *e;
	if (ns->join_fd[OCI_NS_USER] >= 0 &&
	    (e = ns_join(sys, ns->join_fd[OCI_NS_USER], OCI_NS_USER)))
		return e;
	for (int t = 0; t < OCI_NS_COUNT; t++) {
		if (t == OCI_NS_USER || t == OCI_NS_PID || t == OCI_NS_TIME || ns->join_fd[t] < 0)
			continue;
		if ((e = ns_join(sys, ns->join_fd[t], (enum oci_ns_type)t)))
			return e;
	}
	unsigned long rest =
	    ns->new_flags & ~(unsigned long)(CLONE_NEWPID | CLONE_NEWTIME | CLONE_NEWCGROUP);
	if (a->pid_after_join)
		rest |= CLONE_NEWPID;
	if (rest && sys->unshare((int)rest) < 0)
		return err_errno("unshare namespaces");
	return NULL;
}

/* After the parent wrote the id maps: become root of the new user namespace. */
static error *become_userns_root(void)
{
	if (setresgid(0, 0, 0) < 0)
		return err_errno("user namespace: setresgid(0)");
	if (setresuid(0, 0, 0) < 0)
		return err_errno("user namespace: setresuid(0)");
	return NULL;
}

/* A fresh session keyring per container, so containers do not share keys
 * with the host or each other (runc names it _ses.<id>). Kernels or seccomp
 * profiles without keyctl simply keep the inherited one. */
static error *join_session_keyring(const char *id)
{
	char name[256];
	snprintf(name, sizeof(name), "_ses.%s", id);
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0 && errno != ENOSYS &&
	    errno != EPERM)
		return err_errno("join session keyring %s", name);
	return NULL;
}

struct init_state {
	pid_t host_pid;	 /* our pid as the runtime sees it, for the hooks' state */
	int *source_fds; /* per config mount: bind source the runtime opened, or -1 */
	char *exe;
	char **env;			 /* built before the filter: it reads /etc/passwd */
	struct seccomp_program *seccomp; /* built; loaded by setup_after_start */
	bool seccomp_loaded;		 /* a notify filter is loaded at create */
};

static error *run_hooks_in_container(const struct init_args *a, const struct init_state *s,
				     const struct oci_hook_list *hooks, const char *phase,
				     enum container_status status)
{
	if (!hooks->n)
		return NULL;
	const struct oci_config *cfg = a->cfg;
	_cleanup_free_ char *json = hook_state_json(cfg->oci_version, a->id, status, s->host_pid,
						    cfg->bundle, &cfg->annotations);
	if (!json)
		return err_sys(ENOMEM, "%s hooks", phase);
	return hooks_run(hooks, phase, json);
}

/* After unshare(CLONE_NEWPID) only our children enter the new pid namespace:
 * make its init as our sibling (CLONE_PARENT, so the runtime, or the caller's
 * subreaper after create, is its parent), hand its pid to the runtime and
 * leave; the new init continues the setup once the runtime says GO. */
static error *become_pid_ns_init(const struct init_args *a, struct init_state *s)
{
	/* Legacy clone: clone3 refuses CLONE_PARENT with an exit signal, and
	 * the runtime waits for SIGCHLD of its init like of any child. */
	pid_t pid = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid < 0)
		return err_errno("clone3 the init of the new pid namespace");
	if (pid > 0) {
		error *e = sync_send_reparent(a->sync_fd, pid);
		if (e) {
			sync_send_error(a->sync_fd, e);
			_exit(1);
		}
		_exit(0);
	}
	struct sync_msg msg;
	error *e = sync_expect(a->sync_fd, SYNC_GO, &msg);
	if (e)
		return e;
	s->host_pid = msg.pid;
	return NULL;
}

/* Bind sources the runtime opened for us (SYNC_MOUNT_SOURCE), up to its
 * SYNC_GO, left in msg. */
static error *receive_mount_sources(const struct init_args *a, struct init_state *s,
				    struct sync_msg *msg)
{
	size_t n = a->cfg->n_mounts;
	for (;;) {
		error *e = sync_recv(a->sync_fd, msg);
		if (e)
			return e;
		if (msg->type != SYNC_MOUNT_SOURCE)
			break;
		if (msg->fd < 0 || msg->index < 0 || (size_t)msg->index >= n) {
			if (msg->fd >= 0)
				close(msg->fd);
			return err_new("sync: bad mount source message");
		}
		if (!s->source_fds) {
			s->source_fds = malloc(n * sizeof(int));
			if (!s->source_fds) {
				close(msg->fd);
				return err_sys(ENOMEM, "mount sources");
			}
			for (size_t i = 0; i < n; i++)
				s->source_fds[i] = -1;
		}
		if (s->source_fds[msg->index] >= 0)
			close(s->source_fds[msg->index]);
		s->source_fds[msg->index] = msg->fd;
	}
	if (msg->type == SYNC_ERROR) /* as sync_expect */
		return sync_msg_error(msg);
	if (msg->type != SYNC_GO)
		return err_new("sync: expected message %d, got %u", SYNC_GO, msg->type);
	return NULL;
}

static void close_mount_sources(const struct oci_config *cfg, struct init_state *s)
{
	if (!s->source_fds)
		return;
	for (size_t i = 0; i < cfg->n_mounts; i++)
		if (s->source_fds[i] >= 0)
			close(s->source_fds[i]);
	free(s->source_fds);
	s->source_fds = NULL;
}

/* Only stdio and the preserved fds 3..3+n-1 reach the process. The fds the
 * init still uses (sync socket, fifo handle) are close-on-exec already. */
static error *close_fds(int preserve)
{
	_cleanup_free_ int *keep = calloc((size_t)preserve + 1, sizeof(int));
	if (!keep)
		return err_sys(ENOMEM, "preserve fds");
	for (int i = 0; i < preserve; i++)
		keep[i] = 3 + i;
	return process_close_fds_on_exec(keep, preserve);
}

static error *setup_before_ready(const struct init_args *a, struct init_state *s)
{
	const struct oci_config *cfg = a->cfg;
	const struct oci_process *proc = &cfg->process;
	const struct sys_ops *sys = &sys_real;
	struct sync_msg msg;
	error *e;

	/* Before anything else: what init does from here on is in the
	 * container's cgroup (device rules, memory charged, pids counted). */
	if (a->cgroup_join && (e = cgroup_join_self(a->cgroup_join)))
		return e;
	if ((e = init_enter_namespaces(sys, a)))
		return e;
	/* An unprivileged caller (or newuidmap, which checks that the caller
	 * owns us) can open /proc/<us>/uid_map only while we are dumpable:
	 * runc's nsexec does the same, for the map writes only. Nothing of the
	 * container runs yet, and the owner could ptrace us anyway. */
	bool open_maps = wants_new(a->ns, OCI_NS_USER) && a->caller_unprivileged;
	if (open_maps && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		return err_errno("prctl(PR_SET_DUMPABLE, 1)");
	if ((e = sync_send(a->sync_fd, SYNC_NS_READY, NULL, -1)))
		return e;
	e = receive_mount_sources(a, s, &msg);
	if (open_maps && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 && !e)
		e = err_errno("prctl(PR_SET_DUMPABLE, 0)");
	if (e)
		return e;
	/* Logged after GO, so that it follows the parent's clone and maps lines. */
	if (a->cgroup_join && a->cgroup_join->cg)
		log_debug("init: cgroup join: in %s", cgroup_path(a->cgroup_join->cg));
	log_debug("init: namespaces entered; cgroup and id maps ready");
	s->host_pid = msg.pid;
	if (a->pid_after_join && (e = become_pid_ns_init(a, s)))
		return e;
	bool userns = a->ns->join_fd[OCI_NS_USER] >= 0 || wants_new(a->ns, OCI_NS_USER);
	if (userns && (e = become_userns_root()))
		return e;
	/* After the cgroup join (first thing above; the systemd driver's
	 * parent moves us before GO): a cgroup namespace made earlier would be
	 * rooted at the runtime's cgroup instead of the container's. */
	if (wants_new(a->ns, OCI_NS_CGROUP) && sys->unshare(CLONE_NEWCGROUP) < 0)
		return err_errno("unshare cgroup namespace");
	if (!a->no_new_keyring && (e = join_session_keyring(a->id)))
		return e;
	if (wants_new(a->ns, OCI_NS_TIME) &&
	    (e = timens_enter_new(sys, cfg->linux_.time_offsets, cfg->linux_.n_time_offsets)))
		return e;

	struct rootfs_opts ropts = {
	    .no_pivot = a->no_pivot,
	    .userns = userns,
	    .new_cgroupns = wants_new(a->ns, OCI_NS_CGROUP),
	    .source_fds = s->source_fds,
	    .host_mntns = !wants_new(a->ns, OCI_NS_MOUNT) && a->ns->join_fd[OCI_NS_MOUNT] < 0,
	    .idmap_fds = a->idmap_fds,
	    .n_idmap_fds = a->n_idmap_fds,
	};
	e = rootfs_prepare(sys, cfg, &ropts);
	close_mount_sources(cfg, s);
	if (e)
		return e;
	if (has_hooks(&cfg->hooks.prestart) || has_hooks(&cfg->hooks.create_runtime)) {
		if ((e = sync_send(a->sync_fd, SYNC_RUN_HOOKS, NULL, -1)))
			return e;
		if ((e = sync_expect(a->sync_fd, SYNC_GO, &msg)))
			return e;
	}
	if ((e = run_hooks_in_container(a, s, &cfg->hooks.create_container, "createContainer",
					CONTAINER_CREATING)))
		return e;
	if ((e = rootfs_pivot(sys, cfg, &ropts)))
		return e;
	log_debug("init: pivot: %s is the root (%s)", cfg->root.absolute_path,
		  a->no_pivot ? "moved and chrooted, --no-pivot" : "pivot_root");
	if (!ropts.host_mntns && (e = rootfs_reopen_dev_null()))
		return e;

	if (proc->terminal) {
		_cleanup_close_ int master = -1, slave = -1;
		if ((e = console_create(proc, &master, &slave)))
			return e;
		if ((e = sync_send(a->sync_fd, SYNC_CONSOLE, NULL, master)))
			return e;
		if ((e = console_make_controlling(slave)))
			return e;
	} else if (setsid() < 0 && getsid(0) != getpid()) {
		/* A session of its own, as runc's init has: CRIU refuses a tree
		 * whose session leader is outside its pid namespace. */
		return err_errno("setsid");
	}
	if ((e = rootfs_apply_sysctl(cfg)))
		return e;
	bool private_uts = a->ns->join_fd[OCI_NS_UTS] >= 0 || wants_new(a->ns, OCI_NS_UTS);
	if ((e = rootfs_set_hostname(cfg, private_uts)))
		return e;
	/* Before the root turns read-only and masks go on (runc). */
	if ((e = process_create_cwd(proc)))
		return e;
	if ((e = rootfs_finalize(sys, cfg, &ropts)))
		return e;
	log_debug("init: masked paths: %zu masked, %zu read-only",
		  strv_len(cfg->linux_.masked_paths), strv_len(cfg->linux_.readonly_paths));

	/* execCPUAffinity is for exec'd processes only (runtime-spec 1.3). */
	if ((e = process_apply_cpu_affinity(NULL)) ||
	    (e = process_apply_memory_policy(&cfg->linux_)) ||
	    (e = process_apply_limits(proc, &cfg->linux_)))
		return e;
	/* Everything from here to execve that a seccomp profile might deny
	 * (openat2, getcwd, close_range, reading /etc/passwd...) happens before
	 * the filter is loaded: the profile is the user's, and may be an old
	 * allow list with any errno. docs/security.md lists what follows it. */
	if (cfg->linux_.has_seccomp && (e = seccomp_build(&cfg->linux_.seccomp, &s->seccomp)))
		return e;
	if ((e = process_chdir(proc)))
		return e;
	if ((e = s->seccomp ? process_apply_identity_before_filter(proc)
			    : process_apply_identity(proc)))
		return e;
	/* After chdir and the uid change, as runc, so a relative args[0] and
	 * permissions resolve as the process will see them; still before
	 * parking, so a missing binary fails `create`, not a later `start`. */
	if ((e = process_find_executable(proc, &s->exe)))
		return e;
	if ((e = process_build_env(proc->env, getuid(), "/etc/passwd", &s->env)))
		return e;
	if ((e = close_fds(a->preserve_fds)))
		return e;
	if ((e = process_set_no_new_privs(proc)))
		return e;
	/* A notify fd must reach the agent while the runtime is still there:
	 * such a filter is loaded now (runc loads every filter before `create`
	 * returns); other filters wait for setup_after_start, so that as
	 * little as possible runs under them. */
	if (s->seccomp && seccomp_profile_notifies(&cfg->linux_.seccomp)) {
		log_debug("init: seccomp: loading the notify filter now (its fd goes to the "
			  "agent during create); init logs nothing more");
		log_child_silence();
		if ((e = seccomp_load_and_hand_over(s->seccomp, a->sync_fd)))
			return e;
		s->seccomp_loaded = true;
		if ((e = process_finish_identity_after_filter(proc)))
			return e;
	}
	return NULL;
}

/* Blocks until `start` opens the fifo for reading. The fd is an O_PATH handle
 * opened on the host; re-open it for writing through our own /proc. */
/* Blocks until the runtime starts us: `start` opening the exec fifo for
 * reading (the fd is an O_PATH handle opened on the host; re-open it for
 * writing through our own /proc), or SYNC_GO for `run`. Returns the channel
 * to the starter, kept open close-on-exec: the starter reads it to EOF, which
 * comes with execve, so poststart hooks run only once the process runs. */
static error *wait_for_start(const struct init_args *a, int *channel)
{
	if (a->fifo_fd < 0) {
		struct sync_msg msg;
		*channel = a->sync_fd;
		return sync_expect(a->sync_fd, SYNC_GO, &msg);
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", a->fifo_fd);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return err_errno("open exec fifo");
	close(a->sync_fd);
	close(a->fifo_fd);
	*channel = fd;
	if (write(fd, "0", 1) != 1)
		return err_errno("write exec fifo");
	return NULL;
}

/* After start, errors go back over the channel the starter reads. */
static void report_start_error(const struct init_args *a, int channel, const error *e)
{
	if (channel < 0)
		return;
	if (a->fifo_fd < 0)
		sync_send_error(channel, e);
	else
		(void)!write(channel, err_msg(e), strlen(err_msg(e)));
}

/* Under the filter: the final capset when the filter needed CAP_SYS_ADMIN,
 * the startContainer hooks (which runtime-spec and runc run with it), execve.
 * Nothing is freed after the load (free may trim the heap with brk). */
static error *setup_after_start(const struct init_args *a, struct init_state *s)
{
	const struct oci_process *proc = &a->cfg->process;
	error *e;
	if (has_hooks(&a->cfg->hooks.start_container))
		log_debug(
		    "init: startContainer hooks: %zu, run under the seccomp filter (not logged)",
		    a->cfg->hooks.start_container.n);
	if (s->seccomp && !s->seccomp_loaded)
		log_debug("init: seccomp: loading the filter");
	log_debug("init: exec: about to execve %s", s->exe);
	/* Nothing may be logged after the filter (and then there is no need). */
	log_child_silence();
	if (s->seccomp && !s->seccomp_loaded) {
		int notify_fd = -1;
		if ((e = seccomp_program_load(s->seccomp, &notify_fd)))
			return e;
		s->seccomp_loaded = true;
		if ((e = process_finish_identity_after_filter(proc)))
			return e;
	}
	if ((e = run_hooks_in_container(a, s, &a->cfg->hooks.start_container, "startContainer",
					CONTAINER_CREATED)))
		return e;
	return process_exec_env(s->exe, proc, s->env);
}

_Noreturn void container_init(const struct init_args *a)
{
	struct init_state s = {0};
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Nothing in the container may ptrace or open /proc/1/exe of us until
	 * execve resets this (CVE-2016-9962, CVE-2019-5736). */
	error *e = NULL;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		e = err_errno("prctl(PR_SET_DUMPABLE, 0)");
	log_child_begin();
	if (!e)
		e = setup_before_ready(a, &s);
	if (!e)
		e = sync_send(a->sync_fd, SYNC_READY, NULL, -1);
	if (e) {
		sync_send_error(a->sync_fd, e);
		_exit(1);
	}
	int channel = -1;
	e = wait_for_start(a, &channel);
	if (!e)
		e = setup_after_start(a, &s);
	report_start_error(a, channel, e);
	/* The starter may be gone too: stderr is all that is left. */
	dprintf(STDERR_FILENO, "isorun: unable to start container process: %s\n", err_msg(e));
	_exit(1);
}
