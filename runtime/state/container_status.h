/* Loading a container from the state store and deriving its status from the
 * kernel (runc's rules): init gone or a zombie -> stopped; exec.fifo still
 * present -> created; cgroup frozen -> paused; else running. */
#ifndef ISORUN_RUNTIME_STATE_CONTAINER_STATUS_H
#define ISORUN_RUNTIME_STATE_CONTAINER_STATUS_H

#include "cgroups/cgroups.h"
#include "runtime/state/context.h"
#include "runtime/state/state_store.h"
#include "spec/config.h"
#include "spec/state_json.h"

struct loaded_container {
	struct state_handle h; /* locked */
	struct saved_state st;
	struct oci_config *cfg; /* the config kept at create: container_read_config */
	struct cgroup *cg;	/* NULL if none */
	enum container_status status;
};

error *container_load(const struct runtime_ctx *rt, const char *id, struct loaded_container *c);
/* The rest of a load once c->h is open (locked or not: delete --force reads
 * the state of a container whose lock a frozen exec may hold). */
error *container_load_opened(struct loaded_container *c);
void container_unload(struct loaded_container *c);
/* Parses the config kept at create into c->cfg, for the commands that need
 * it (start, exec, update, inspect, delete); state, list, kill and the like
 * do not pay for it. Left NULL (logged at debug level) when unreadable. */
void container_read_config(struct loaded_container *c);

#endif
