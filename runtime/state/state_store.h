/* Per-container state under --root: <root>/<id>/ holds `state` (our own
 * key=value record), `config.json` (the config as it was at create, for
 * poststop hooks and later commands) and `exec.fifo` while the container
 * waits for `start`. Commands on one id are serialised by flock on the dir. */
#ifndef ISORUN_RUNTIME_STATE_STATE_STORE_H
#define ISORUN_RUNTIME_STATE_STATE_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "spec/config.h"

struct saved_state {
	char *id;
	pid_t pid;
	uint64_t pid_start_time; /* /proc/PID/stat field 22, guards against pid reuse */
	char *bundle;
	char *rootfs;
	char *created;
	char *oci_version;
	char *cgroup; /* cgroup_state() text */
	uid_t owner_uid;
	struct str_map annotations;
};

struct state_handle {
	char *dir;  /* <root>/<id> */
	int dir_fd; /* O_DIRECTORY, flock'ed */
};

/* The one container id check, runc's validateID: ^[\w+-\.]+$ and not "." or
 * "..". In Go's class "+-\." is the range '+'..'.', so ',' is allowed too:
 * [A-Za-z0-9_+,.-]. No length limit (the state dir's name has NAME_MAX).
 * Errors are runc's: "container id cannot be empty", "invalid container ID
 * format". */
error *state_validate_id(const char *id);
/* mkdir <root>/<id> (EEXIST: "container with id exists: ID") and lock it. */
error *state_create(const char *root, const char *id, struct state_handle *h);
/* Open and lock an existing one (ENOENT: "container does not exist"). */
error *state_open(const char *root, const char *id, struct state_handle *h);
/* The same, but without waiting for the lock: *locked says whether it was
 * free (taken now) or held by another isorun process. */
error *state_open_try(const char *root, const char *id, struct state_handle *h, bool *locked);
/* Takes the lock of a handle from state_open_try, waiting at most timeout_ms. */
error *state_lock_wait(struct state_handle *h, int timeout_ms);
void state_close(struct state_handle *h);
/* Removes the dir and everything in it, then closes the handle. */
error *state_remove(struct state_handle *h);

error *state_write(const struct state_handle *h, const struct saved_state *st);
error *state_read(const struct state_handle *h, struct saved_state *st);
void saved_state_free(struct saved_state *st);

/* Liveness of a saved pid: alive and the same process (start time), not a zombie. */
bool state_pid_alive(pid_t pid, uint64_t start_time);
/* Field 22 of /proc/PID/stat; 0 when the process is gone. */
uint64_t proc_start_time(pid_t pid);

#endif
