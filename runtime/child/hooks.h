/* OCI hooks: each runs with the container state JSON on stdin, its own env
 * and args, and a timeout. */
#ifndef ISORUN_RUNTIME_CHILD_HOOKS_H
#define ISORUN_RUNTIME_CHILD_HOOKS_H

#include "common/error.h"
#include <sys/types.h>

#include "spec/config.h"
#include "spec/state_json.h"

/* Runs every hook of the list in order and stops at the first failure:
 * `prestart hook #1 (/usr/bin/x): exit status 2` or `...: timed out after 5s`.
 * phase is the spec's name ("prestart", "createRuntime", ...). */
error *hooks_run(const struct oci_hook_list *list, const char *phase, const char *state_json);
/* For poststart/poststop: runs all, logging each failure as a warning. */
void hooks_run_warn(const struct oci_hook_list *list, const char *phase, const char *state_json);
/* The state JSON hooks get on stdin (compact). */
char *hook_state_json(const char *oci_version, const char *id, enum container_status status,
		      pid_t pid, const char *bundle, const struct str_map *annotations);

#endif
