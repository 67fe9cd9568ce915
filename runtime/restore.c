/* restore: a new container whose processes CRIU brings back from a
 * checkpoint. Made like a created container (state dir, config copy, cgroup
 * with the config's limits), then CRIU restores into that cgroup and a bind of
 * the bundle's rootfs; the state is written when CRIU reports the new pid. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/pidfd.h"
#include "common/util.h"
#include "runtime/child/console.h"
#include "runtime/container.h"
#include "runtime/criu_common.h"
#include "runtime/launch.h"
#include "runtime/spawn.h"
#include "runtime/state/container_status.h"
#include "runtime/state/state_store.h"
#include "spec/strv_json.h"

struct restoring {
	const struct restore_opts *o;
	struct oci_config *cfg;
	struct state_handle st;
	struct cgroup *cg;
	char *criu_root; /* the rootfs bind CRIU restores into, mounted while set */
	pid_t pid;	 /* the restored init, once CRIU says */
	bool state_written;
	/* what the request names */
	struct criu_kv *mnts;
	size_t n_mnts;
	struct criu_inherit_fd *inherit;
	size_t n_inherit;
	int *fds;
	size_t n_fds;
	size_t n_own_fds; /* fds[0..n_own_fds) are ours to close */
	char **owned;	  /* strings the above point to */
};

static error *add_mnt(struct restoring *r, const char *key, const char *val)
{
	struct criu_kv *m = realloc(r->mnts, (r->n_mnts + 1) * sizeof(*m));
	if (!m)
		return err_sys(ENOMEM, "external mounts");
	r->mnts = m;
	m[r->n_mnts++] = (struct criu_kv){key, val};
	return NULL;
}

static error *add_fd(struct restoring *r, int fd)
{
	int *f = realloc(r->fds, (r->n_fds + 1) * sizeof(*f));
	if (!f)
		return err_sys(ENOMEM, "criu fds");
	r->fds = f;
	f[r->n_fds++] = fd;
	return NULL;
}

static error *add_inherit(struct restoring *r, const char *key, int fd)
{
	struct criu_inherit_fd *x = realloc(r->inherit, (r->n_inherit + 1) * sizeof(*x));
	if (!x)
		return err_sys(ENOMEM, "inherit_fd");
	r->inherit = x;
	x[r->n_inherit++] = (struct criu_inherit_fd){key, fd};
	error *e = add_fd(r, fd);
	if (!e)
		r->n_own_fds = r->n_fds;
	return e;
}

/* Keeps s alive as long as r; returns it (NULL on ENOMEM). */
static const char *own(struct restoring *r, char *s)
{
	if (!s || strv_push(&r->owned, s) < 0) {
		free(s);
		return NULL;
	}
	free(s);
	return r->owned[strv_len(r->owned) - 1];
}

/* runc's restore description: bind mounts come from their sources again,
 * masked files from the host's /dev/null, devices from the host's nodes, a
 * joined net/pid namespace is handed in, and the caller's stdio replaces
 * the pipes the init had (descriptors.json). */
static error *describe(struct restoring *r, const struct criu_dirs *d)
{
	const struct oci_config *cfg = r->cfg;
	error *e;
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct oci_mount *m = &cfg->mounts[i];
		if (!m->destination || !m->source || !criu_mount_is_bind(m))
			continue;
		const char *src = m->source[0] == '/'
				      ? m->source
				      : own(r, str_printf("%s/%s", cfg->bundle, m->source));
		if (!src)
			return err_sys(ENOMEM, "mounts[%zu]", i);
		if ((e = add_mnt(r, m->destination, src)))
			return e;
	}
	if (cfg->linux_.masked_paths && cfg->linux_.masked_paths[0] &&
	    (e = add_mnt(r, "/dev/null", "/dev/null")))
		return e;
	for (size_t i = 0; i < cfg->linux_.n_devices; i++)
		if ((e = add_mnt(r, cfg->linux_.devices[i].path, cfg->linux_.devices[i].path)))
			return e;
	static const struct {
		enum oci_ns_type t;
		const char *key;
	} ext_ns[] = {{OCI_NS_NETWORK, "extRootNetNS"}, {OCI_NS_PID, "extRootPidNS"}};
	for (size_t i = 0; i < ARRAY_SIZE(ext_ns); i++) {
		const struct oci_namespace *ns = spec_find_namespace(cfg, ext_ns[i].t);
		if (!ns || !ns->path || !*ns->path)
			continue;
		int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return err_errno("linux.namespaces: %s", ns->path);
		if ((e = add_inherit(r, ext_ns[i].key, fd))) {
			close(fd);
			return e;
		}
	}
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	if ((e = read_file_at(d->images_fd, "descriptors.json", &text, &len)))
		return err_wrap(e, "checkpoint image");
	_cleanup_strv_ char **fds = NULL;
	if ((e = strv_json_parse(text, len, "descriptors.json", &fds)))
		return e;
	for (size_t i = 0; fds && fds[i]; i++) {
		if (!strstr(fds[i], "pipe:"))
			continue;
		const char *key = own(r, strdup(fds[i]));
		if (!key)
			return err_sys(ENOMEM, "descriptors.json");
		struct criu_inherit_fd *x = realloc(r->inherit, (r->n_inherit + 1) * sizeof(*x));
		if (!x)
			return err_sys(ENOMEM, "inherit_fd");
		r->inherit = x;
		x[r->n_inherit++] = (struct criu_inherit_fd){key, (int)i};
	}
	return NULL;
}

static error *write_state(struct restoring *r, pid_t pid)
{
	const struct oci_config *cfg = r->cfg;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	char created[64];
	format_rfc3339_nano(created, sizeof(created), &now);
	_cleanup_free_ char *cgstate = cgroup_state(r->cg);
	struct saved_state st = {
	    .id = (char *)r->o->base.id,
	    .pid = pid,
	    .pid_start_time = proc_start_time(pid),
	    .bundle = cfg->bundle,
	    .rootfs = cfg->root.absolute_path,
	    .created = created,
	    .oci_version = cfg->oci_version,
	    .cgroup = cgstate,
	    .owner_uid = geteuid(),
	    .annotations = cfg->annotations,
	};
	error *e = state_write(&r->st, &st);
	if (!e && r->o->base.pid_file)
		e = write_pid_file(r->o->base.pid_file, pid);
	if (!e) {
		r->pid = pid;
		r->state_written = true;
	}
	return e;
}

static error *on_notify(void *arg, const char *script, int pid, int fd)
{
	struct restoring *r = arg;
	_cleanup_close_ int master = fd;
	if (!strcmp(script, "orphan-pts-master")) {
		/* The container's tty: CRIU made a new pty pair and hands us the
		 * master, which goes where create would have sent it. */
		if (master < 0)
			return err_new("no pty master received");
		return r->o->base.console_socket
			   ? console_send_master(r->o->base.console_socket, master)
			   : NULL;
	}
	if (!strcmp(script, "post-restore"))
		return write_state(r, pid);
	return NULL;
}

static error *mount_criu_root(struct restoring *r)
{
	if (mkdirat(r->st.dir_fd, "criu-root", 0755) < 0)
		return err_errno("mkdir %s/criu-root", r->st.dir);
	char *p = str_printf("%s/criu-root", r->st.dir);
	if (!p)
		return err_sys(ENOMEM, "criu-root");
	if (mount(r->cfg->root.absolute_path, p, NULL, MS_BIND | MS_REC, NULL) < 0) {
		error *e = err_errno("bind %s on %s", r->cfg->root.absolute_path, p);
		free(p);
		return e;
	}
	r->criu_root = p;
	return NULL;
}

static void unmount_criu_root(struct restoring *r)
{
	if (!r->criu_root)
		return;
	if (umount2(r->criu_root, MNT_DETACH) < 0)
		log_warn("umount %s: %s", r->criu_root, strerror(errno));
	unlinkat(r->st.dir_fd, "criu-root", AT_REMOVEDIR);
	free(r->criu_root);
	r->criu_root = NULL;
}

static error *validate_console(const struct oci_config *cfg, const struct restore_opts *o)
{
	bool terminal = cfg->process.terminal;
	if (o->base.console_socket && !terminal)
		return err_new(
		    "cannot use console socket if isorun will not detach or allocate tty");
	if (terminal && !o->base.console_socket)
		return err_new("cannot allocate tty if isorun will detach without setting console "
			       "socket");
	if (terminal && !o->base.detach)
		return err_new("restore of a container with a terminal needs --detach and "
			       "--console-socket (no foreground tty proxy for restore)");
	return NULL;
}

/* The state dir for the id. A stopped container with that id (typically the
 * one just checkpointed: checkpoint leaves it stopped) is replaced, so that
 * an engine may restore with or without deleting it first; a created,
 * running or paused one is refused with runc's "container with id exists". */
static error *take_id(const struct runtime_ctx *rt, const char *id, struct state_handle *st)
{
	error *e = state_create(rt->root, id, st);
	if (!e || err_kind(e) != ERR_EXISTS)
		return e;
	struct loaded_container c;
	error *le = container_load(rt, id, &c);
	if (le) {
		err_free(le);
		return e;
	}
	if (c.status != CONTAINER_STOPPED) {
		container_unload(&c);
		return e;
	}
	err_free(e);
	log_debug("restore %s: replacing the stopped container with that id", id);
	if ((e = container_destroy_loaded(&c)))
		return err_wrap(e, "remove the stopped container %s", id);
	return state_create(rt->root, id, st);
}

static error *restore(const struct runtime_ctx *rt, struct restoring *r, const char *criu)
{
	const struct restore_opts *o = r->o;
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	error *e = spec_load_text(o->base.bundle ? o->base.bundle : ".", &r->cfg, &text, &len);
	if (e)
		return e;
	if (!r->cfg->has_process)
		return err_new("config.json: process: required to create a container");
	if ((e = validate_console(r->cfg, o)))
		return e;
	struct criu_dirs d;
	if ((e = criu_dirs_open(&o->c, false, &d)))
		return e;
	if ((e = take_id(rt, o->base.id, &r->st)))
		goto out;
	if ((e = write_file_at(r->st.dir_fd, "config.json", text, len)) ||
	    (e = cgroup_create(r->cfg->linux_.cgroups_path, o->base.id, &r->cg)) ||
	    (e = launch_apply_resources(r->cfg, r->cg)) || (e = describe(r, &d)))
		goto out;
	if ((e = add_fd(r, d.images_fd)) || (e = add_fd(r, d.work_fd)) || (e = mount_criu_root(r)))
		goto out;
	const char *cg_root[1];
	size_t n_cg_root = 0;
	if (cgroup_get_layout(r->cg) == CGROUP_LAYOUT_V2)
		cg_root[n_cg_root++] = cgroup_path(r->cg);
	struct criu_opts opts = {
	    .images_dir_fd = d.images_fd,
	    .work_dir_fd = d.work_fd,
	    .log_level = 4,
	    .log_file = "restore.log",
	    .root = r->criu_root,
	    .evasive_devices = true,
	    .rst_sibling = true,
	    .manage_cgroups = true,
	    .notify_scripts = true,
	    .shell_job = o->c.shell_job,
	    .ext_unix_sk = o->c.ext_unix_sk,
	    .tcp_established = o->c.tcp_established,
	    .file_locks = o->c.file_locks,
	    .empty_ns = o->c.empty_ns,
	    .orphan_pts_master = true,
	    .auto_dedup = o->c.auto_dedup,
	    .lazy_pages = o->c.lazy_pages,
	    .manage_cgroups_mode = o->c.manage_cgroups_mode,
	    .ext_mnt = r->mnts,
	    .n_ext_mnt = r->n_mnts,
	    .inherit_fd = r->inherit,
	    .n_inherit_fd = r->n_inherit,
	    .cg_root = cg_root,
	    .n_cg_root = n_cg_root,
	};
	struct criu_call call = {.criu = criu,
				 .pass_fds = r->fds,
				 .n_pass_fds = r->n_fds,
				 .cg = r->cg,
				 .notify = on_notify,
				 .arg = r};
	if ((e = criu_need_features(&call, &d, false, o->c.lazy_pages)))
		goto out;
	struct criu_req req = {.type = CRIU_REQ_RESTORE, .opts = &opts};
	struct criu_resp resp;
	if ((e = criu_call(&call, &req, &resp)))
		goto out;
	if (!resp.success)
		e = criu_failure(&call, &d, "restore.log", &resp, "RESTORE");
	else if (!r->state_written)
		e = write_state(r, resp.restore_pid);
	criu_resp_free(&resp);
out:
	unmount_criu_root(r);
	criu_dirs_close(&d);
	return e;
}

/* Undoes a failed restore: the restored tree (if any), cgroup, state dir. */
static void abort_restore(struct restoring *r)
{
	if (r->cg) {
		err_free(cgroup_signal_all(r->cg, SIGKILL));
		if (r->pid > 0)
			waitpid(r->pid, NULL, 0);
		error *e = cgroup_destroy(r->cg);
		if (e)
			log_warn("cleanup: %s", err_msg(e));
		err_free(e);
	}
	if (r->st.dir_fd >= 0) {
		error *e = state_remove(&r->st);
		if (e)
			log_warn("cleanup: %s", err_msg(e));
		err_free(e);
	}
}

/* The foreground restore, like `run`: unlocked while waiting (so that state
 * and kill work), signals forwarded, then the container is removed. */
static error *wait_and_remove(const struct runtime_ctx *rt, struct restoring *r,
			      const sigset_t *mask, int *exit_status)
{
	state_close(&r->st);
	_cleanup_close_ int pidfd = pidfd_open_or_none(r->pid);
	if (pidfd < 0 && errno == ESRCH)
		return err_errno("pidfd_open of the restored init %d", r->pid);
	error *e = forward_signals_until_exit(r->pid, pidfd, mask, true, exit_status);
	error *de = container_delete(rt, r->o->base.id, true);
	if (de && !e)
		return de;
	err_free(de);
	return e;
}

error *container_restore(const struct runtime_ctx *rt, const struct restore_opts *o,
			 int *exit_status)
{
	*exit_status = 0;
	_cleanup_free_ char *criu = NULL;
	error *e = criu_find(rt->criu, &criu);
	if (e)
		return e;
	struct restoring r = {.o = o, .st = {.dir_fd = -1}};
	sigset_t mask, old;
	forwarded_signal_set(&mask);
	/* Blocked before the restored tree exists, so that no signal for it
	 * is lost; the subreaper reaps what the container orphans. */
	if (!o->base.detach) {
		sigprocmask(SIG_BLOCK, &mask, &old);
		if (!o->no_subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
			log_warn("prctl(PR_SET_CHILD_SUBREAPER): %s", strerror(errno));
	}
	e = restore(rt, &r, criu);
	if (e)
		abort_restore(&r);
	else if (!o->base.detach)
		e = wait_and_remove(rt, &r, &mask, exit_status);
	if (!o->base.detach)
		sigprocmask(SIG_SETMASK, &old, NULL);
	for (size_t i = 0; i < r.n_own_fds; i++)
		close(r.fds[i]);
	free(r.fds);
	free(r.mnts);
	free(r.inherit);
	strv_free(r.owned);
	state_close(&r.st);
	if (r.cg)
		cgroup_free(r.cg);
	if (r.cfg)
		spec_free(r.cfg);
	return e;
}
