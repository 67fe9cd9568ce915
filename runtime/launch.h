/* The runtime side of making a container: state dir, cgroup, namespaces,
 * clone3 of the init, the sync conversation up to SYNC_READY, state and pid
 * files. Shared by create and run; a failure undoes everything it made. */
#ifndef ISORUN_RUNTIME_LAUNCH_H
#define ISORUN_RUNTIME_LAUNCH_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroups/cgroups.h"
#include "runtime/intel_rdt.h"
#include "runtime/container.h"
#include "runtime/state/state_store.h"
#include "spec/config.h"

struct launched {
	struct state_handle st;
	struct oci_config *cfg;
	struct cgroup *cg;
	pid_t pid;
	int pidfd;
	int sync_fd;	     /* open after launch when !use_fifo: send SYNC_GO to start */
	int console_master;  /* run in the foreground with a terminal */
	char *state_json;    /* for hooks: status "created" */
	struct rdt_plan rdt; /* linux.intelRdt; rdt_applied once the groups exist */
	bool rdt_applied;
};

/* use_fifo: park init on exec.fifo (create); else init waits for SYNC_GO (run).
 * keep_master: keep the pty master instead of sending it to --console-socket. */
error *launch_container(const struct runtime_ctx *rt, const struct create_opts *o, bool use_fifo,
			bool keep_master, struct launched *out);
/* The config's linux.resources (with the device rules) onto cg. */
error *launch_apply_resources(const struct oci_config *cfg, const struct cgroup *cg);

/* Kills the init and removes cgroup and state dir (failure after launch). */
void launch_abort(struct launched *l);
/* Frees memory and fds, unlocks the state; the container stays. */
void launched_release(struct launched *l);

/* Kills what is left in the cgroup that cgstate (cgroup_state() text) names
 * and removes it. */
error *container_remove_cgroup(const char *cgstate);
/* Removes a stopped (or killed) container: leftover processes in its cgroup,
 * the cgroup, poststop hooks (of cfg, the config kept at create; NULL when it
 * was unreadable), the state dir. Consumes h. */
error *container_destroy(struct state_handle *h, const struct saved_state *st,
			 const struct oci_config *cfg);
struct loaded_container;
/* sig to the container's init, if it is still the process the state names
 * (pidfd, else pid and start time): "container not running" otherwise. */
error *container_signal_init(const struct loaded_container *c, int sig);
/* Waits for init to be gone (a zombie counts as gone), at most timeout_ms. */
error *container_wait_init_gone(const struct loaded_container *c, int timeout_ms);
/* container_destroy of a loaded container, with the config it kept read for the
 * poststop hooks; unloads c. */
error *container_destroy_loaded(struct loaded_container *c);

#endif
