/* JSON documents isorun writes: the OCI state (state command, hooks' stdin),
 * and the default config of `isorun spec`. */
#ifndef ISORUN_SPEC_STATE_JSON_H
#define ISORUN_SPEC_STATE_JSON_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "spec/config.h"

struct oci_state {
	const char *oci_version;
	const char *id;
	const char *status; /* created | running | paused | stopped */
	pid_t pid;
	const char *bundle;
	const char *rootfs;  /* state command only; NULL: omitted */
	const char *created; /* RFC 3339 nano; NULL: omitted */
	const char *owner;   /* state command only; NULL: omitted */
	const struct str_map *annotations; /* omitted when empty */
};

/* pretty: indented as `runc state` prints; compact: one line, yajl-style
 * (`/` not escaped), as hooks get it on stdin. Returns malloc'd text. */
char *oci_state_to_json(const struct oci_state *st, bool pretty);

/* The default config.json of `isorun spec` (runc's), as text. */
char *spec_default_json(bool rootless);

#endif
