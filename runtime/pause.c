/* pause and resume: the container's cgroup frozen or thawed (the v1 freezer
 * on v1/hybrid hosts, cgroup.freeze on v2); `state` then reports "paused". */
#include <string.h>

#include "cgroups/cgroups.h"
#include "runtime/container.h"
#include "runtime/state/container_status.h"

error *container_pause(const struct runtime_ctx *rt, const char *id)
{
	struct loaded_container c;
	error *e = container_load(rt, id, &c);
	if (e)
		return e;
	/* runc pauses running and created containers alike. */
	if (c.status != CONTAINER_RUNNING && c.status != CONTAINER_CREATED)
		e = err_kind_new(ERR_BAD_STATE, "container not running");
	else if (!c.cg)
		e = err_new("container %s: no cgroup to freeze (rootless: no cgroup hierarchy was "
			    "writable at create; `isorun check` says which are)",
			    id);
	else
		e = cgroup_freeze(c.cg, true);
	container_unload(&c);
	return e;
}

error *container_resume(const struct runtime_ctx *rt, const char *id)
{
	struct loaded_container c;
	error *e = container_load(rt, id, &c);
	if (e)
		return e;
	if (c.status != CONTAINER_PAUSED)
		e = err_kind_new(ERR_BAD_STATE, "container not paused");
	else
		e = cgroup_freeze(c.cg, false);
	container_unload(&c);
	return e;
}
