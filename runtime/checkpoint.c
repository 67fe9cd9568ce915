/* checkpoint: describe the container to CRIU the way runc does, then DUMP
 * (or PRE_DUMP) it through `criu swrk`. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"
#include "runtime/container.h"
#include "runtime/criu_common.h"
#include "runtime/launch.h"
#include "runtime/state/container_status.h"
#include "spec/strv_json.h"

/* runc's descriptors.json: what the init's fds 0-2 were, so that restore can
 * hand the caller's pipes back in their place (inherit_fd "pipe:[ino]"). */
static error *write_descriptors(int images_fd, pid_t pid)
{
	char targets[3][4096];
	char *v[3];
	for (int i = 0; i < 3; i++) {
		char link[64];
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", pid, i);
		ssize_t n = readlink(link, targets[i], sizeof(targets[i]) - 1);
		targets[i][n < 0 ? 0 : n] = 0;
		v[i] = targets[i];
	}
	_cleanup_free_ char *json = strv_json(v, 3);
	if (!json)
		return err_sys(ENOMEM, "descriptors.json");
	return write_file_at(images_fd, "descriptors.json", json, strlen(json));
}

struct dump_desc {
	struct criu_kv *mnts;
	size_t n_mnts;
	char **external;
};

static void dump_desc_free(struct dump_desc *d)
{
	free(d->mnts);
	strv_free(d->external);
}

static error *add_mnt(struct dump_desc *d, const char *key, const char *val)
{
	struct criu_kv *m = realloc(d->mnts, (d->n_mnts + 1) * sizeof(*m));
	if (!m)
		return err_sys(ENOMEM, "external mounts");
	d->mnts = m;
	m[d->n_mnts++] = (struct criu_kv){key, val};
	return NULL;
}

/* A namespace the container joined by path is not its own: CRIU records it
 * as external by inode, and restore hands the same kind in (runc: net, pid). */
static error *add_external_ns(struct dump_desc *d, const struct oci_config *cfg, enum oci_ns_type t,
			      const char *kind, const char *key)
{
	const struct oci_namespace *ns = spec_find_namespace(cfg, t);
	if (!ns || !ns->path || !*ns->path)
		return NULL;
	struct stat sb;
	if (stat(ns->path, &sb) < 0)
		return err_errno("linux.namespaces: %s", ns->path);
	_cleanup_free_ char *x = str_printf("%s[%lu]:%s", kind, (unsigned long)sb.st_ino, key);
	if (!x || strv_push(&d->external, x) < 0)
		return err_sys(ENOMEM, "external namespaces");
	return NULL;
}

/* What runc tells CRIU: every bind mount is external (restore binds its
 * source again), masked files are binds of /dev/null, device nodes may be
 * binds (user namespaces), and a joined net/pid namespace is external. */
static error *describe(const struct oci_config *cfg, struct dump_desc *d)
{
	error *e;
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct oci_mount *m = &cfg->mounts[i];
		if (m->destination && criu_mount_is_bind(m) &&
		    (e = add_mnt(d, m->destination, m->destination)))
			return e;
	}
	for (char **p = cfg->linux_.masked_paths; p && *p; p++) {
		_cleanup_free_ char *full = str_printf("%s/%s", cfg->root.absolute_path, *p);
		struct stat sb;
		if (full && stat(full, &sb) == 0 && !S_ISDIR(sb.st_mode) &&
		    (e = add_mnt(d, *p, "/dev/null")))
			return e;
	}
	for (size_t i = 0; i < cfg->linux_.n_devices; i++)
		if ((e = add_mnt(d, cfg->linux_.devices[i].path, cfg->linux_.devices[i].path)))
			return e;
	if ((e = add_external_ns(d, cfg, OCI_NS_NETWORK, "net", "extRootNetNS")))
		return e;
	return add_external_ns(d, cfg, OCI_NS_PID, "pid", "extRootPidNS");
}

static error *checkpoint(const struct runtime_ctx *rt, const struct checkpoint_opts *o,
			 struct loaded_container *c, const char *criu)
{
	if (c->status != CONTAINER_RUNNING && c->status != CONTAINER_PAUSED)
		return err_new("container not running");
	container_read_config(c);
	if (!c->cfg)
		return err_new("the container's saved config is unreadable");

	struct criu_dirs d;
	error *e = criu_dirs_open(&o->c, true, &d);
	if (e)
		return e;
	struct dump_desc desc = {0};
	_cleanup_free_ char *freezer = NULL;
	struct criu_call call = {.criu = criu};
	int fds[] = {d.images_fd, d.work_fd};
	call.pass_fds = fds;
	call.n_pass_fds = 2;
	if ((e = criu_need_features(&call, &d, o->pre_dump, o->c.lazy_pages)))
		goto out;
	if ((e = describe(c->cfg, &desc)))
		goto out;
	/* CRIU freezes a cgroup v2 container through its cgroup.freeze (3.14+);
	 * elsewhere it stops the tasks with ptrace. */
	if (c->cg && cgroup_get_layout(c->cg) == CGROUP_LAYOUT_V2)
		freezer = str_printf("/sys/fs/cgroup%s", cgroup_path(c->cg));
	if (!o->pre_dump && (e = write_descriptors(d.images_fd, c->st.pid)))
		goto out;
	struct criu_opts opts = {
	    .images_dir_fd = d.images_fd,
	    .work_dir_fd = d.work_fd,
	    .pid = c->st.pid,
	    .log_level = 4,
	    .log_file = o->pre_dump ? "pre-dump.log" : "dump.log",
	    .root = c->cfg->root.absolute_path,
	    .parent_img = o->parent_path && *o->parent_path ? o->parent_path : NULL,
	    .freeze_cgroup = freezer,
	    .leave_running = o->leave_running,
	    .ext_unix_sk = o->c.ext_unix_sk,
	    .tcp_established = o->c.tcp_established,
	    .shell_job = o->c.shell_job,
	    .file_locks = o->c.file_locks,
	    .notify_scripts = true,
	    .track_mem = o->pre_dump || (o->parent_path && *o->parent_path),
	    .auto_dedup = o->c.auto_dedup,
	    .manage_cgroups = true,
	    .orphan_pts_master = true,
	    .lazy_pages = o->c.lazy_pages,
	    .empty_ns = o->c.empty_ns,
	    .manage_cgroups_mode = o->c.manage_cgroups_mode,
	    .ext_mnt = desc.mnts,
	    .n_ext_mnt = desc.n_mnts,
	    .external = desc.external,
	};
	struct criu_req req = {.type = o->pre_dump ? CRIU_REQ_PRE_DUMP : CRIU_REQ_DUMP,
			       .opts = &opts};
	struct criu_resp resp;
	if ((e = criu_call(&call, &req, &resp)))
		goto out;
	if (!resp.success)
		e = criu_failure(&call, &d, opts.log_file, &resp,
				 o->pre_dump ? "PRE_DUMP" : "DUMP");
	criu_resp_free(&resp);
out:
	dump_desc_free(&desc);
	criu_dirs_close(&d);
	return e;
}

/* After a dump CRIU has killed the container's processes: what remains is a
 * stopped container (the runtime-spec's state after its process is gone),
 * without a cgroup, which `delete` removes and `restore` with the same id
 * replaces. runc 1.x removes the container here instead; the engines either
 * delete it afterwards (podman: `delete --force`) or take "does not exist"
 * as deleted (containerd's shim), so both shapes serve them. */
static error *leave_stopped(struct loaded_container *c)
{
	if (!c->st.cgroup || !*c->st.cgroup)
		return NULL;
	error *e = container_remove_cgroup(c->st.cgroup);
	if (e)
		return e;
	free(c->st.cgroup);
	c->st.cgroup = NULL;
	return state_write(&c->h, &c->st);
}

error *container_checkpoint(const struct runtime_ctx *rt, const struct checkpoint_opts *o)
{
	_cleanup_free_ char *criu = NULL;
	error *e = criu_find(rt->criu, &criu);
	if (e)
		return e;
	struct loaded_container c;
	if ((e = container_load(rt, o->id, &c)))
		return e;
	e = checkpoint(rt, o, &c, criu);
	if (!e && !o->leave_running && !o->pre_dump)
		e = leave_stopped(&c);
	container_unload(&c);
	return e;
}
