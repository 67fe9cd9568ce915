/* linux.seccomp -> a libseccomp filter (a plan of rules, unit-testable), loaded
 * as late as possible. */
#ifndef ISORUN_RUNTIME_CHILD_SECCOMP_H
#define ISORUN_RUNTIME_CHILD_SECCOMP_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "spec/config.h"

struct seccomp_program; /* opaque: a built, not yet loaded filter */

/* Builds the filter (unknown syscall names skipped, logged at debug).
 * Errors name the field: `linux.seccomp.syscalls[4].action: ...`. */
error *seccomp_build(const struct oci_seccomp *sc, struct seccomp_program **out);
/* Loads it into the calling thread. When the profile uses SCMP_ACT_NOTIFY,
 * *notify_fd receives the listener fd (else -1).
 * (Named seccomp_program_load: libseccomp already defines seccomp_load.) */
error *seccomp_program_load(struct seccomp_program *prog, int *notify_fd);
void seccomp_program_free(struct seccomp_program *prog);

/* Sends the notify fd and the container process state JSON to listenerPath
 * (runtime-spec: SCM_RIGHTS over a unix socket). state_json is built by the
 * caller. */
error *seccomp_send_listener(const char *listener_path, int notify_fd, const char *state_json);
/* The runtime-spec "container process state" an agent expects as payload
 * (what runc sends): {"ociVersion","fds":["seccompFd"],"pid","metadata",
 * "state":<state_json>}. NULL on ENOMEM. */
char *seccomp_listener_payload(const char *oci_version, pid_t pid, const char *metadata,
			       const char *state_json);

#endif
