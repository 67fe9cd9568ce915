/* One cgroup interface, two back ends: v2 (unified) and v1 (legacy, and hybrid
 * hosts where the cgroup2 mount has no controllers: controllers on v1 and the
 * process also placed in the cgroup2 tree for tracking, as runc does). */
#ifndef ISORUN_CGROUPS_H
#define ISORUN_CGROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"
#include "spec/config.h"

enum cgroup_layout { CGROUP_LAYOUT_V2, CGROUP_LAYOUT_V1, CGROUP_LAYOUT_HYBRID };

struct cgroup; /* opaque */

error *cgroup_detect_layout(enum cgroup_layout *out);
const char *cgroup_layout_name(enum cgroup_layout l); /* "v2", "v1", "hybrid" */

/* Resolves the container's cgroup path: cgroupsPath absolute (as is), relative
 * (below the runtime's own cgroup), or NULL/empty ("/isorun/<id>"). Pure. */
error *cgroup_resolve_path(const char *cgroups_path, const char *id, const char *own_cgroup,
			   char **out);

/* Creates the cgroup (nested parents too, remembering which it made) in every
 * hierarchy of the layout. Does not move any process. */
error *cgroup_create(const char *cgroups_path, const char *id, struct cgroup **out);
/* Re-opens a container's cgroup from what cgroup_state() saved. */
error *cgroup_load(const char *saved_state, struct cgroup **out);
/* A one-line string for the state file, NUL-terminated, malloc'd. */
char *cgroup_state(const struct cgroup *cg);
/* The cgroup's path relative to the hierarchy roots, e.g. "/isorun/abc". */
const char *cgroup_path(const struct cgroup *cg);

/* v2 only: an O_DIRECTORY|O_CLOEXEC fd of the cgroup for clone3's
 * CLONE_INTO_CGROUP; -1 on v1/hybrid (then use cgroup_enter after clone). */
int cgroup_v2_dirfd(const struct cgroup *cg);
/* Writes pid to cgroup.procs in every hierarchy. */
error *cgroup_enter(const struct cgroup *cg, pid_t pid);

/* Applies linux.resources (issue 3 fills this in). */
error *cgroup_apply(const struct cgroup *cg, const struct oci_resources *res);

error *cgroup_freeze(const struct cgroup *cg, bool frozen);
error *cgroup_is_frozen(const struct cgroup *cg, bool *frozen);
/* Host PIDs in the cgroup (cgroup.procs of the tracking hierarchy). */
error *cgroup_pids(const struct cgroup *cg, pid_t **pids, size_t *n);
/* Signals every process: cgroup.kill on v2 for SIGKILL where present, else
 * freeze, signal each pid, thaw. */
error *cgroup_signal_all(const struct cgroup *cg, int sig);
/* Removes the cgroup dirs (waiting briefly for them to empty) and the parents
 * this cgroup created. */
error *cgroup_destroy(struct cgroup *cg);
void cgroup_free(struct cgroup *cg);

#endif
