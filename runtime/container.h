/* The container lifecycle as cmd/ sees it. Every function returns an error
 * value; messages that engines match on are runc's verbatim
 * ("container does not exist", "container not running", ...). */
#ifndef ISORUN_RUNTIME_CONTAINER_H
#define ISORUN_RUNTIME_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "runtime/state/context.h"
#include "spec/state_json.h"

struct create_opts {
	const char *id;
	const char *bundle; /* default "." */
	const char *pid_file;
	const char *console_socket;
	const char *pidfd_socket; /* absolute; receives a pidfd of the init */
	bool no_pivot;
	bool no_new_keyring;
	int preserve_fds; /* extra fds after stdio passed to the process */
	bool detach;	  /* run -d */
	bool keep;	  /* run --keep: do not delete after exit */
};

/* create: container parked on its exec fifo, pid file written. */
error *container_create(const struct runtime_ctx *rt, const struct create_opts *o);
error *container_start(const struct runtime_ctx *rt, const char *id);
/* run: create+start; foreground waits and stores the exit status
 * (128+signal when killed); -d returns after start. */
error *container_run(const struct runtime_ctx *rt, const struct create_opts *o, int *exit_status);

/* Its strings and annotation arrays live in one block (container_info_free). */
struct container_info {
	char *id;
	pid_t pid; /* 0 when stopped */
	enum container_status status;
	char *bundle;
	char *rootfs;
	char *created; /* RFC 3339 nano */
	char *owner;
	char *oci_version;
	char **annotation_keys, **annotation_values; /* strv pairs */
};
void container_info_free(struct container_info *ci);

error *container_state(const struct runtime_ctx *rt, const char *id, struct container_info *out);
/* The state JSON exactly as `runc state` prints it. */
error *container_state_json(const struct runtime_ctx *rt, const char *id, char **json_out);
error *container_list(const struct runtime_ctx *rt, struct container_info **out, size_t *n);
error *container_kill(const struct runtime_ctx *rt, const char *id, int sig, bool all);
error *container_delete(const struct runtime_ctx *rt, const char *id, bool force);

/* ---- update, pause, resume, ps, events (runtime/update.c, pause.c, ps.c,
 * events.c) ---- */
struct oci_resources;
/* Applies upd to the running (or created/paused) container's cgroup (never
 * the device rules), then merges it into linux.resources of the config.json
 * copy in the state dir, which is where the container's current limits are
 * kept. Stopped: "container not running". */
/* update --l3-cache-schema / --mem-bw-schema (NULL or "" when not given):
 * runc's errors when resctrl lacks CAT/MBA or the container has no intelRdt,
 * else the new lines go to the container's resctrl group. */
error *container_update_intel_rdt(const struct runtime_ctx *rt, const char *id, const char *l3,
				  const char *mb);
error *container_update(const struct runtime_ctx *rt, const char *id,
			const struct oci_resources *upd);
/* Freezes a running/created container ("container not running" otherwise). */
error *container_pause(const struct runtime_ctx *rt, const char *id);
/* Thaws a paused one ("container not paused" otherwise). */
error *container_resume(const struct runtime_ctx *rt, const char *id);
/* Host pids in the container's cgroup (empty for a stopped container). A
 * container without a cgroup (rootless, nothing writable) lists the
 * processes of init's pid namespace when it has its own, else init alone. */
error *container_pids(const struct runtime_ctx *rt, const char *id, pid_t **pids, size_t *n);
/* runc's `ps` table: runs the host's `ps` with ps_args (NULL or empty: -ef)
 * and keeps the header and the rows whose PID column is in the container.
 * *out is the text to print, malloc'd. */
error *container_ps_table(const struct runtime_ctx *rt, const char *id, char *const *ps_args,
			  char **out);

struct events_opts {
	long interval_ms; /* > 0 */
	bool stats_once;  /* --stats: one stats line, then return */
};
/* Receives each event as one JSON line (no newline); an error stops events. */
typedef error *(*events_sink)(void *arg, const char *json);
/* `events`: {"type":"stats","id":ID,"data":{...}} every interval and
 * {"type":"oom","id":ID} on OOM, until the container stops. */
error *container_events(const struct runtime_ctx *rt, const char *id, const struct events_opts *o,
			events_sink sink, void *arg);
/* One stats event line for those stats (malloc'd, NULL on ENOMEM). */
struct cgroup_stats;
char *events_stats_json(const char *id, const struct cgroup_stats *st);

/* ---- checkpoint and restore through CRIU (runtime/checkpoint.c, restore.c) ---- */

/* The flags both commands share, runc's names. */
struct criu_flags {
	const char *image_path; /* default: ./checkpoint */
	const char *work_path;	/* default: image_path */
	bool tcp_established, ext_unix_sk, shell_job, file_locks, auto_dedup, lazy_pages;
	int manage_cgroups_mode; /* enum criu_cg_mode; -1: CRIU's default */
	unsigned empty_ns;	 /* CLONE_NEW* bits of --empty-ns */
};

struct checkpoint_opts {
	const char *id;
	struct criu_flags c;
	const char *parent_path; /* relative to image_path, as CRIU takes it */
	bool leave_running, pre_dump;
};
/* Dumps a running container into image_path. Unless --leave-running or
 * --pre-dump, the container is then stopped (its processes are gone and so
 * is its cgroup; runc 1.x removes it instead): `delete` removes it, and
 * `restore` with the same id replaces it. */
error *container_checkpoint(const struct runtime_ctx *rt, const struct checkpoint_opts *o);

struct restore_opts {
	struct create_opts base; /* id, bundle, pid_file, console_socket, no_pivot, detach */
	struct criu_flags c;
	bool no_subreaper;
};
/* A new container from a checkpoint: state dir, cgroup with the config's
 * limits, CRIU restores the processes into them; then it is "running" with
 * the restored init's new pid. A stopped container with the id (the one
 * checkpointed) is replaced; any other: "container with id exists". Without --detach: waits for it
 * like `run` (exit status in *exit_status) and removes the container afterwards. */
error *container_restore(const struct runtime_ctx *rt, const struct restore_opts *o,
			 int *exit_status);

#endif
