/* update: new cgroup limits for a live container. The limits a container has
 * now are kept in linux.resources of the config.json copy in its state dir
 * (written at create): update applies the change to the cgroup first, then
 * rewrites that copy with the merged resources, so a later update and every
 * command that re-reads the copy see them. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"
#include "runtime/container.h"
#include "runtime/intel_rdt.h"
#include "runtime/state/container_status.h"
#include "spec/config.h"

/* Writes config.json through a temp file and rename, so a crash leaves either
 * the old or the new copy, never half of one. */
static error *save_config(int dir_fd, const char *text, size_t len)
{
	error *e = write_file_at(dir_fd, "config.json.tmp", text, len);
	if (e)
		return err_wrap(e, "save updated limits");
	if (renameat(dir_fd, "config.json.tmp", dir_fd, "config.json") < 0) {
		e = err_errno("save updated limits: rename config.json");
		unlinkat(dir_fd, "config.json.tmp", 0);
	}
	return e;
}

static error *persist(struct loaded_container *c, const struct oci_resources *upd)
{
	_cleanup_free_ char *text = NULL, *out = NULL;
	size_t len = 0, out_len = 0;
	error *e = read_file_at(c->h.dir_fd, "config.json", &text, &len);
	if (e)
		return err_wrap(e, "save updated limits");
	struct oci_resources *saved = &c->cfg->linux_.resources;
	if ((e = spec_resources_merge(saved, upd)))
		return e;
	c->cfg->linux_.has_resources = true;
	if ((e = spec_config_set_resources(text, len, saved, &out, &out_len)))
		return err_wrap(e, "save updated limits");
	return save_config(c->h.dir_fd, out, out_len);
}

static bool opt_i64_nonzero(opt_i64 v)
{
	return v.set && v.value != 0;
}

error *container_update(const struct runtime_ctx *rt, const char *id,
			const struct oci_resources *upd_in)
{
	struct loaded_container c;
	error *e = container_load(rt, id, &c);
	if (e)
		return e;
	container_read_config(&c);
	if (c.status == CONTAINER_STOPPED) {
		e = err_kind_new(ERR_BAD_STATE, "container not running");
		goto out;
	}
	if (!c.cg) {
		e = err_new("container %s: no cgroup to update", id);
		goto out;
	}
	if (!c.cfg) {
		e = err_new("container %s: saved config.json is unreadable", id);
		goto out;
	}
	struct oci_resources upd = *upd_in;
	/* devices are never updated (runc's SkipDevices). */
	upd.devices = NULL;
	upd.n_devices = 0;
	const struct oci_memory *saved = &c.cfg->linux_.resources.memory;
	/* A swap value alone is relative to the memory limit on v2 (swap.max =
	 * swap - limit): take the limit the container already has. */
	if (upd.has_memory && upd.memory.swap.set && upd.memory.swap.value > 0 &&
	    !(upd.memory.limit.set && upd.memory.limit.value != 0) && saved->limit.set &&
	    saved->limit.value != 0)
		upd.memory.limit = saved->limit;
	/* A period alone keeps the quota (runc): v2's cpu.max holds both, and
	 * writing the period alone there would reset the quota to "max". */
	const struct oci_cpu *saved_cpu = &c.cfg->linux_.resources.cpu;
	if (upd.has_cpu && upd.cpu.period.set && upd.cpu.period.value != 0 &&
	    !opt_i64_nonzero(upd.cpu.quota) && opt_i64_nonzero(saved_cpu->quota))
		upd.cpu.quota = saved_cpu->quota;
	if (opt_i64_nonzero(upd.memory.kernel) || opt_i64_nonzero(upd.memory.kernel_tcp))
		log_warn("Kernel memory settings are ignored and will be removed");
	/* runc's update drops both, like the rest of its kernel memory support. */
	upd.memory.kernel = (opt_i64){0};
	upd.memory.kernel_tcp = (opt_i64){0};
	if ((e = cgroup_update(c.cg, &upd)))
		goto out;
	e = persist(&c, &upd);
out:
	container_unload(&c);
	return e;
}

error *container_update_intel_rdt(const struct runtime_ctx *rt, const char *id, const char *l3,
				  const char *mb)
{
	if (!(l3 && *l3) && !(mb && *mb))
		return NULL;
	struct loaded_container c;
	error *e = container_load(rt, id, &c);
	if (e)
		return e;
	container_read_config(&c);
	e = rdt_update(c.cfg ? &c.cfg->linux_.intel_rdt : NULL, id, RESCTRL_ROOT, l3, mb);
	container_unload(&c);
	return e;
}
