/* The container lifecycle as cmd/ sees it. Every function returns an error
 * value; messages that engines match on are runc's verbatim
 * ("container does not exist", "container not running", ...). */
#ifndef ISORUN_RUNTIME_CONTAINER_H
#define ISORUN_RUNTIME_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"

struct runtime_ctx {
	const char *root; /* state root (--root) */
	bool systemd_cgroup;
	bool rootless;
	bool debug;
};

struct create_opts {
	const char *id;
	const char *bundle; /* default "." */
	const char *pid_file;
	const char *console_socket;
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

struct container_info {
	char *id;
	pid_t pid; /* 0 when stopped */
	char *status;
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

#endif
