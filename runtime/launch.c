#include "runtime/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/openat2.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/pidfd.h"
#include "common/util.h"
#include "namespaces/namespaces.h"
#include "namespaces/netdev.h"
#include "runtime/child/console.h"
#include "runtime/device_rules.h"
#include "runtime/mount_idmap.h"
#include "runtime/child/hooks.h"
#include "runtime/child/init.h"
#include "runtime/child/mount_options.h"
#include "runtime/child/rootfs.h"
#include "runtime/child/mount_plan.h"
#include "runtime/child/seccomp.h"
#include "runtime/child/seccomp_handover.h"
#include "runtime/spawn.h"
#include "runtime/child/sync.h"
#include "runtime/state/container_status.h"
#include "spec/state_json.h"

/* systemd socket activation: fds 3..3+n-1 handed to us for our pid go to the
 * container first (before --preserve-fds), announced as LISTEN_FDS with
 * LISTEN_PID=1, as runc does. */
static int listen_fds_for_us(void)
{
	const char *fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
	long long n, p;
	if (!fds || !pid || parse_int64(fds, &n) < 0 || parse_int64(pid, &p) < 0)
		return 0;
	if (p != getpid() || n <= 0 || n > 1024)
		return 0;
	return (int)n;
}

static error *add_listen_env(struct oci_process *p, int n)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "LISTEN_FDS=%d", n);
	if (strv_push(&p->env, buf) < 0 || strv_push(&p->env, "LISTEN_PID=1") < 0)
		return err_sys(ENOMEM, "LISTEN_FDS");
	return NULL;
}

static error *validate_terminal(const struct oci_config *cfg, const struct create_opts *o,
				bool detached)
{
	bool terminal = cfg->process.terminal;
	if (detached && terminal && !o->console_socket)
		return err_kind_new(
		    ERR_BAD_CONFIG,
		    "cannot allocate tty if isorun will detach without setting console "
		    "socket");
	if (o->console_socket && (!terminal || !detached))
		return err_new(
		    "cannot use console socket if isorun will not detach or allocate tty");
	return NULL;
}

static error *describe_child_exit(pid_t pid)
{
	int status = 0;
	if (waitpid(pid, &status, 0) < 0)
		return err_new("container init exited unexpectedly");
	if (WIFSIGNALED(status))
		return err_new("container init was killed by signal %d", WTERMSIG(status));
	return err_new("container init exited unexpectedly with status %d", WEXITSTATUS(status));
}

struct conversation {
	const struct create_opts *o;
	const struct oci_config *cfg;
	struct launched *l;
	bool new_userns;
	bool any_userns; /* new or joined: the init is not root on the host */
	bool keep_master;
	char *creating_json; /* for the current init pid; rebuilt on SYNC_REPARENT */
};

static error *refresh_creating_json(struct conversation *c)
{
	free(c->creating_json);
	c->creating_json = hook_state_json(c->cfg->oci_version, c->o->id, CONTAINER_CREATING,
					   c->l->pid, c->cfg->bundle, &c->cfg->annotations);
	return c->creating_json ? NULL : err_sys(ENOMEM, "state");
}

/* The real init replaces the child that made its pid namespace. */
static error *take_new_init(struct conversation *c, pid_t pid)
{
	struct launched *l = c->l;
	waitpid(l->pid, NULL, 0);
	if (l->pidfd >= 0)
		close(l->pidfd);
	l->pid = pid;
	/* Ours to reap (we are its subreaper), so its pid cannot be reused. */
	l->pidfd = pidfd_open_or_none(pid);
	if (l->pidfd < 0 && errno == ESRCH) {
		l->pid = -1;
		return err_errno("pidfd_open of the container init");
	}
	error *e = refresh_creating_json(c);
	if (!e)
		e = sync_send_go_pid(l->sync_fd, l->pid);
	return e;
}

/* In a user namespace the container's root may not reach a bind source (a
 * dir below one only the host's root may enter): open each one for the init,
 * as runc does, with our credentials but in the init's mount namespace (a
 * bind from an fd of another namespace fails), reached through its root
 * (/proc/PID/root: its view, chroot included). A source we cannot open this
 * way (missing, through a magic link) is left to the init, whose error then
 * says why. */
static error *send_mount_sources(const struct oci_config *cfg, pid_t pid, int sync_fd)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/root", pid);
	_cleanup_close_ int root = -1;
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct oci_mount *m = &cfg->mounts[i];
		struct mount_options o;
		error *pe = mount_options_parse(m->options, &o);
		if (pe) {
			err_free(pe); /* the init's plan reports it */
			continue;
		}
		bool bind = o.bind || (m->type && strcmp(m->type, "bind") == 0);
		mount_options_free(&o);
		if (!bind || !m->source || !*m->source)
			continue;
		if (root < 0 && (root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
			return err_errno("open %s", path);
		_cleanup_free_ char *src = m->source[0] == '/'
					       ? strdup(m->source)
					       : str_printf("%s/%s", cfg->bundle, m->source);
		if (!src)
			return err_sys(ENOMEM, "mounts[%zu]", i);
		struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT};
		_cleanup_close_ int fd = (int)syscall(SYS_openat2, root, src, &how, sizeof(how));
		if (fd < 0) {
			log_debug("mounts[%zu] (%s): source %s left to the init: %s", i,
				  m->destination ? m->destination : "", src, strerror(errno));
			continue;
		}
		error *e = sync_send_mount_source(sync_fd, i, fd);
		if (e)
			return e;
	}
	return NULL;
}

/* linux.netDevices, once init has its network namespace (made by clone3 or
 * unshared before NS_READY); before GO, so the devices are there before any
 * hook or the process runs. */
static error *move_net_devices(pid_t pid, const struct oci_config *cfg)
{
	if (!cfg->linux_.n_net_devices)
		return NULL;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_errno("linux.netDevices: open %s", path);
	return netdev_move_all(&cfg->linux_, fd);
}

/* The parent's half of the sync protocol, up to SYNC_READY. */
static error *converse(struct conversation *c)
{
	struct launched *l = c->l;
	const struct oci_config *cfg = c->cfg;
	struct sync_msg msg;
	error *e;
	for (;;) {
		if ((e = sync_recv(l->sync_fd, &msg))) {
			if (err_errnum(e) == EPIPE) {
				err_free(e);
				e = describe_child_exit(l->pid);
				l->pid = -1; /* reaped */
			}
			return e;
		}
		_cleanup_close_ int fd = msg.fd;
		switch (msg.type) {
		case SYNC_NS_READY:
			if (c->new_userns && (e = userns_write_maps(l->pid, cfg)))
				return e;
			if (c->new_userns)
				log_debug("create: maps: uid/gid maps of init %d written", l->pid);
			if ((e = move_net_devices(l->pid, cfg)))
				return e;
			if (c->any_userns && (e = send_mount_sources(cfg, l->pid, l->sync_fd)))
				return e;
			/* init cannot see its own pid in the host namespace: tell it,
			 * for the state its hooks get. */
			if ((e = sync_send_go_pid(l->sync_fd, l->pid)))
				return e;
			break;
		case SYNC_RUN_HOOKS:
			if ((e = hooks_run(&cfg->hooks.prestart, "prestart", c->creating_json)))
				return e;
			if ((e = hooks_run(&cfg->hooks.create_runtime, "createRuntime",
					   c->creating_json)))
				return e;
			if ((e = sync_send(l->sync_fd, SYNC_GO, NULL, -1)))
				return e;
			break;
		case SYNC_CONSOLE:
			if (fd < 0)
				return err_new("console: no pty master received");
			if (c->keep_master) {
				l->console_master = steal_fd(fd);
			} else if (c->o->console_socket) {
				if ((e = console_send_master(c->o->console_socket, fd)))
					return e;
			}
			break;
		case SYNC_SECCOMP_FD:
			if ((e = seccomp_take_over(&msg, l->pidfd, l->sync_fd, cfg, l->pid,
						   c->creating_json)))
				return e;
			break;
		case SYNC_REPARENT:
			if ((e = take_new_init(c, msg.pid)))
				return e;
			break;
		case SYNC_ERROR:
			return sync_msg_error(&msg);
		case SYNC_READY:
			return NULL;
		default:
			return err_new("sync: unexpected message %u", msg.type);
		}
	}
}

/* Without a mount namespace of its own the container shares the host's
 * (runtime-spec: an absent type is inherited): what would change the host's
 * mount table beyond the container's own rootfs bind is refused, naming the
 * field. runc refuses the masked and read-only paths with these words; it
 * applies rootfsPropagation to the host's "/", which we do not. */
static error *check_host_mntns(const struct oci_config *cfg)
{
	static const char restrict_sys[] =
	    "unable to restrict sys entries without a private MNT namespace";
	if (cfg->linux_.masked_paths && cfg->linux_.masked_paths[0])
		return err_new("linux.maskedPaths: %s", restrict_sys);
	if (cfg->linux_.readonly_paths && cfg->linux_.readonly_paths[0])
		return err_new("linux.readonlyPaths: %s", restrict_sys);
	if (cfg->linux_.rootfs_propagation && *cfg->linux_.rootfs_propagation)
		return err_new("linux.rootfsPropagation: cannot be applied without a private "
			       "mount namespace (it would change the host's)");
	return NULL;
}

static bool id_mapped(const struct oci_id_mapping *m, size_t n, uint64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (id >= m[i].container_id && id - m[i].container_id < m[i].size)
			return true;
	return false;
}

/* runc's validate/rootless.go, for a caller without root (its RootlessEUID):
 * everything that needs the host's privilege must go through a user
 * namespace, and mount options may only name ids that exist in it. */
static error *check_rootless_euid(const struct oci_config *cfg, const struct ns_plan *plan)
{
	if (!(plan->new_flags & CLONE_NEWUSER) && !plan->join_path[OCI_NS_USER])
		return err_new(
		    "linux.namespaces: rootless container requires user namespaces "
		    "(running as uid %u: add a user namespace, e.g. isorun spec --rootless)",
		    (unsigned)geteuid());
	if (plan->join_path[OCI_NS_USER])
		return NULL;
	const struct oci_linux *l = &cfg->linux_;
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		char *const *o = cfg->mounts[i].options;
		for (size_t j = 0; o && o[j]; j++) {
			bool uid = str_has_prefix(o[j], "uid="), gid = str_has_prefix(o[j], "gid=");
			long long v;
			if ((!uid && !gid) || parse_int64(o[j] + 4, &v) < 0 || v < 0)
				continue;
			if (uid ? id_mapped(l->uid_mappings, l->n_uid_mappings, (uint64_t)v)
				: id_mapped(l->gid_mappings, l->n_gid_mappings, (uint64_t)v))
				continue;
			return err_new("mounts[%zu] (%s): %s: cannot specify %s mount options for "
				       "an unmapped %s in rootless containers",
				       i, cfg->mounts[i].destination, o[j],
				       uid ? "uid=" : "gid=", uid ? "uid" : "gid");
		}
	}
	return NULL;
}

error *launch_apply_resources(const struct oci_config *cfg, const struct cgroup *cg)
{
	struct effective_resources er;
	if (effective_resources_build(cfg, &er) < 0)
		return err_sys(ENOMEM, "linux.resources");
	error *e = cgroup_apply(cg, &er.res);
	effective_resources_free(&er);
	return e;
}

/* cgroupfs makes the cgroup now; the systemd driver checks everything it
 * can now and starts its unit when there is a pid (cgroup_enter). */
static error *make_cgroup(const struct runtime_ctx *rt, const struct oci_config *cfg,
			  const char *id, struct cgroup **out)
{
	if (!rt->systemd_cgroup)
		return rt->rootless ? cgroup_create_rootless(cfg->linux_.cgroups_path, id, out)
				    : cgroup_create(cfg->linux_.cgroups_path, id, out);
	struct effective_resources er;
	if (effective_resources_build(cfg, &er) < 0)
		return err_sys(ENOMEM, "linux.resources");
	error *e = cgroup_create_systemd(cfg->linux_.cgroups_path, id, rt->rootless, &er.res,
					 &cfg->annotations, out);
	effective_resources_free(&er);
	return e;
}

static error *clone_init(struct launched *l, const struct ns_plan *plan, struct init_args *ia,
			 int child_sock, int parent_sock)
{
	/* time and cgroup namespaces are made by init itself, later (offsets
	 * first; cgroup membership first). */
	uint64_t flags = plan->clone_all
			     ? (plan->new_flags & ~(unsigned long)(CLONE_NEWTIME | CLONE_NEWCGROUP))
			 : ia->pid_after_join ? 0
					      : (plan->new_flags & CLONE_NEWPID);
	int pidfd = -1;
	pid_t pid = spawn_clone3(flags, ia->cgroup_join->clone_fd, &pidfd);
	if (pid < 0)
		return err_errno("clone3");
	if (pid == 0) {
		close(parent_sock);
		/* The flock on the state dir must not outlive this process's wait
		 * for `start`, which needs the lock. */
		close(l->st.dir_fd);
		container_init(ia);
	}
	l->pid = pid;
	l->pidfd = pidfd;
	log_debug("create: clone3 init: pid %d, flags %#llx%s", pid, (unsigned long long)flags,
		  ia->cgroup_join->clone_fd >= 0 ? ", into its cgroup2 cgroup" : "");
	close(child_sock);
	return NULL;
}

static error *launch(const struct runtime_ctx *rt, const struct create_opts *o, bool use_fifo,
		     bool keep_master, struct launched *l)
{
	error *e;
	_cleanup_free_ char *cgstate = NULL, *config_text = NULL;
	size_t config_len = 0;
	const char *bundle = o->bundle ? o->bundle : ".";
	if ((e = spec_load_text(bundle, &l->cfg, &config_text, &config_len)))
		return e;
	struct oci_config *cfg = l->cfg;
	if (!cfg->has_process)
		return err_new("config.json: process: required to create a container");
	if ((e = validate_terminal(cfg, o, use_fifo || o->detach)))
		return e;
	int listen_fds = listen_fds_for_us();
	if (listen_fds && (e = add_listen_env(&cfg->process, listen_fds)))
		return e;

	struct ns_plan plan;
	if ((e = ns_plan_build(cfg, &plan)))
		return e;
	if ((e = mount_plan_validate(cfg)))
		return e;
	if (geteuid() != 0 && (e = check_rootless_euid(cfg, &plan)))
		return e;
	bool host_mntns = !(plan.new_flags & CLONE_NEWNS);
	if (host_mntns && plan.join_path[OCI_NS_MOUNT])
		return err_new("linux.namespaces: a new mount namespace is required");
	if (host_mntns && (e = check_host_mntns(cfg)))
		return e;

	_cleanup_close_ int pidfd_sock = -1;
	if (o->pidfd_socket && (e = pidfd_socket_connect(o->pidfd_socket, &pidfd_sock)))
		return e;
	/* Before anything exists: a host without resctrl refuses intelRdt
	 * with nothing to undo. */
	if (cfg->linux_.intel_rdt.set &&
	    (e = rdt_plan_build(&cfg->linux_.intel_rdt, o->id, RESCTRL_ROOT, &l->rdt)))
		return e;

	if ((e = state_create(rt->root, o->id, &l->st)))
		return e;
	/* From here on a failure must undo: launch_abort. */
	_cleanup_close_ int fifo_fd = -1;
	struct mount_idmap_trees idmap_trees = {0};
	/* Later commands read this copy: exactly the text validated above, even
	 * if the bundle's file changes meanwhile. */
	if ((e = write_file_at(l->st.dir_fd, "config.json", config_text, config_len))) {
		e = err_wrap(e, "keep config");
		goto fail;
	}
	if (use_fifo) {
		if (mkfifoat(l->st.dir_fd, "exec.fifo", 0622) < 0) {
			e = err_errno("mkfifo %s/exec.fifo", l->st.dir);
			goto fail;
		}
		/* 0622 regardless of umask: a non-root container user must be
		 * able to open it for writing. */
		if (fchmodat(l->st.dir_fd, "exec.fifo", 0622, 0) < 0) {
			e = err_errno("chmod %s/exec.fifo", l->st.dir);
			goto fail;
		}
		fifo_fd = openat(l->st.dir_fd, "exec.fifo", O_PATH | O_CLOEXEC);
		if (fifo_fd < 0) {
			e = err_errno("open exec.fifo");
			goto fail;
		}
	}
	if (host_mntns && (e = rootfs_host_mntns_record(cfg->root.absolute_path, l->st.dir_fd)))
		goto fail;
	if ((e = make_cgroup(rt, cfg, o->id, &l->cg)))
		goto fail;
	/* Limits go on before init joins (real-time cpu limits must; those
	 * are v1 only, and the systemd driver, v2 only, applies them once its
	 * unit holds init, still before init runs anything of the config). */
	if (!rt->systemd_cgroup && (e = launch_apply_resources(cfg, l->cg)))
		goto fail;
	if (cgroup_is_empty(l->cg)) {
		/* Rootless with no writable hierarchy: no cgroup at all, as runc. */
		cgroup_free(l->cg);
		l->cg = NULL;
	}
	if ((e = ns_plan_open(&plan)))
		goto fail_ns;
	/* Inherited by init across clone3; ours are closed once it runs. */
	if ((e = mount_idmap_prepare(cfg, plan.join_fd[OCI_NS_USER], &idmap_trees)))
		goto fail_ns;

	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		e = err_errno("socketpair");
		goto fail_ns;
	}
	l->sync_fd = sv[0];
	struct init_args ia = {
	    .cfg = cfg,
	    .ns = &plan,
	    .id = o->id,
	    .no_new_keyring = o->no_new_keyring,
	    .pid_after_join =
		plan.join_fd[OCI_NS_USER] >= 0 && (plan.new_flags & CLONE_NEWPID) != 0,
	    .sync_fd = sv[1],
	    .fifo_fd = fifo_fd,
	    .no_pivot = o->no_pivot,
	    .preserve_fds = listen_fds + o->preserve_fds,
	    .idmap_fds = idmap_trees.fds,
	    .n_idmap_fds = idmap_trees.n,
	    .caller_unprivileged = geteuid() != 0,
	};
	struct cgroup_join join;
	if ((e = cgroup_join_open(l->cg, &join))) {
		close(sv[1]);
		goto fail_ns;
	}
	ia.cgroup_join = &join;
	int saved_ns[2];
	spawn_inherit_oom_score_adj(cfg->process.oom_score_adj.set,
				    (long long)cfg->process.oom_score_adj.value);
	e = spawn_enter_for_children(plan.join_fd[OCI_NS_PID], plan.join_fd[OCI_NS_TIME], saved_ns);
	if (!e)
		e = clone_init(l, &plan, &ia, sv[1], sv[0]);
	error *restore_e = spawn_restore_for_children(saved_ns);
	if (!e)
		e = restore_e;
	else
		err_free(restore_e);
	mount_idmap_trees_close(&idmap_trees);
	cgroup_join_close(&join);
	if (e) {
		close(sv[1]);
		goto fail_ns;
	}
	/* Otherwise init joins by itself, first thing (cgroup_join_self). */
	if (join.parent_enters) {
		if ((e = cgroup_enter(l->cg, l->pid)))
			goto fail_ns;
		log_debug("create: cgroup join: init %d is in %s", l->pid, cgroup_path(l->cg));
	}
	/* The init is still waiting for the conversation: it runs nothing of
	 * the container's before it is in its resctrl group. */
	if (cfg->linux_.intel_rdt.set) {
		if ((e = rdt_plan_apply(&l->rdt, RESCTRL_ROOT, l->pid)))
			goto fail_ns;
		l->rdt_applied = true;
		if ((e = rdt_record(l->st.dir_fd, &l->rdt)))
			goto fail_ns;
	}
	if (rt->systemd_cgroup && (e = launch_apply_resources(cfg, l->cg)))
		goto fail_ns;

	struct conversation conv = {
	    .o = o,
	    .cfg = cfg,
	    .l = l,
	    .new_userns = (plan.new_flags & CLONE_NEWUSER) != 0,
	    .any_userns = (plan.new_flags & CLONE_NEWUSER) != 0 || plan.join_fd[OCI_NS_USER] >= 0,
	    .keep_master = keep_master,
	};
	e = refresh_creating_json(&conv);
	if (!e)
		e = converse(&conv);
	free(conv.creating_json);
	ns_plan_close(&plan);
	if (e) {
		e = err_wrap(e, "unable to start container process");
		goto fail;
	}

	/* The init is set up and in its final cgroup: the pidfd names the
	 * process `state` will report. */
	if (pidfd_sock >= 0 &&
	    (e = pidfd_socket_send(pidfd_sock, o->pidfd_socket, l->pidfd, "standard")))
		goto fail;

	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	char created[64];
	format_rfc3339_nano(created, sizeof(created), &now);
	cgstate = l->cg ? cgroup_state(l->cg) : strdup("");
	struct saved_state st = {
	    .id = (char *)o->id,
	    .pid = l->pid,
	    .pid_start_time = proc_start_time(l->pid),
	    .bundle = cfg->bundle,
	    .rootfs = cfg->root.absolute_path,
	    .created = created,
	    .oci_version = cfg->oci_version,
	    .cgroup = cgstate,
	    .owner_uid = geteuid(),
	    .annotations = cfg->annotations,
	};
	if ((e = state_write(&l->st, &st)))
		goto fail;
	if (o->pid_file && (e = write_pid_file(o->pid_file, l->pid)))
		goto fail;
	l->state_json = hook_state_json(cfg->oci_version, o->id, CONTAINER_CREATED, l->pid,
					cfg->bundle, &cfg->annotations);
	return NULL;

fail_ns:
	mount_idmap_trees_close(&idmap_trees);
	ns_plan_close(&plan);
fail:
	launch_abort(l);
	return e;
}

error *launch_container(const struct runtime_ctx *rt, const struct create_opts *o, bool use_fifo,
			bool keep_master, struct launched *l)
{
	memset(l, 0, sizeof(*l));
	l->st.dir_fd = l->pidfd = l->sync_fd = l->console_master = -1;
	l->pid = -1;
	error *e = launch(rt, o, use_fifo, keep_master, l);
	/* The failures before the state dir exists return early: what they
	 * took (the parsed config) goes here. launch_abort has released the
	 * rest already; releasing twice is harmless. */
	if (e)
		launched_release(l);
	return e;
}

void launch_abort(struct launched *l)
{
	if (l->pid > 0) {
		pidfd_or_pid_signal(l->pidfd, l->pid, SIGKILL);
		waitpid(l->pid, NULL, 0);
		l->pid = -1;
	}
	if (l->cg) {
		error *e = cgroup_destroy(l->cg);
		if (e)
			log_warn("cleanup: %s", err_msg(e));
		err_free(e);
	}
	if (l->rdt_applied) {
		error *e = rdt_plan_undo(&l->rdt, RESCTRL_ROOT);
		if (e)
			log_warn("cleanup: %s", err_msg(e));
		err_free(e);
		l->rdt_applied = false;
	}
	if (l->st.dir_fd >= 0) {
		rootfs_host_mntns_cleanup(l->cfg ? l->cfg->root.absolute_path : NULL, l->st.dir_fd);
		error *e = state_remove(&l->st);
		if (e)
			log_warn("cleanup: %s", err_msg(e));
		err_free(e);
	}
	launched_release(l);
}

void launched_release(struct launched *l)
{
	if (l->pidfd >= 0)
		close(l->pidfd);
	if (l->sync_fd >= 0)
		close(l->sync_fd);
	if (l->console_master >= 0)
		close(l->console_master);
	l->pidfd = l->sync_fd = l->console_master = -1;
	state_close(&l->st);
	if (l->cg)
		cgroup_free(l->cg);
	l->cg = NULL;
	if (l->cfg)
		spec_free(l->cfg);
	l->cfg = NULL;
	free(l->state_json);
	l->state_json = NULL;
	rdt_plan_free(&l->rdt);
}

error *container_remove_cgroup(const char *cgstate)
{
	struct cgroup *cg = NULL;
	error *e = cgroup_load(cgstate, &cg);
	if (!e) {
		/* Without a private pid namespace processes can outlive init. */
		pid_t *pids = NULL;
		size_t n = 0;
		if (!cgroup_pids(cg, &pids, &n) && n > 0)
			err_free(cgroup_signal_all(cg, SIGKILL));
		free(pids);
		e = cgroup_destroy(cg);
		cgroup_free(cg);
	}
	return e ? err_wrap(e, "remove cgroup") : NULL;
}

error *container_destroy_loaded(struct loaded_container *c)
{
	container_read_config(c);
	/* container_destroy consumes the handle. */
	struct state_handle h = c->h;
	c->h.dir_fd = -1;
	c->h.dir = NULL;
	error *e = container_destroy(&h, &c->st, c->cfg);
	container_unload(c);
	return e;
}

error *container_destroy(struct state_handle *h, const struct saved_state *st,
			 const struct oci_config *cfg)
{
	error *first = NULL;
	if (st->cgroup && *st->cgroup)
		first = container_remove_cgroup(st->cgroup);
	if (cfg && cfg->hooks.poststop.n) {
		_cleanup_free_ char *json = hook_state_json(
		    st->oci_version, st->id, CONTAINER_STOPPED, 0, st->bundle, &st->annotations);
		hooks_run_warn(&cfg->hooks.poststop, "poststop", json);
	} else if (!cfg) {
		log_warn("poststop hooks: the saved config is unreadable");
	}
	rootfs_host_mntns_cleanup(st->rootfs, h->dir_fd);
	error *e = rdt_remove_recorded(h->dir_fd, RESCTRL_ROOT);
	if (e && !first)
		first = err_wrap(e, "remove Intel RDT group");
	else
		err_free(e);
	e = state_remove(h);
	if (e && !first)
		first = e;
	else
		err_free(e);
	return first;
}
