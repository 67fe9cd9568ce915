/* JSON documents isorun writes: the OCI state (state command, hooks' stdin),
 * and the default config of `isorun spec`. */
#ifndef ISORUN_SPEC_STATE_JSON_H
#define ISORUN_SPEC_STATE_JSON_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "spec/config.h"

/* A container's status (runtime-spec "State"). Code compares these; runc's
 * strings appear only where status is written out: the state JSON, hooks'
 * stdin, list and inspect output. 0 is no status ("unknown"). */
enum container_status {
	CONTAINER_CREATING = 1, /* create has not finished (hooks' state) */
	CONTAINER_CREATED,	/* waiting on exec.fifo for start */
	CONTAINER_RUNNING,
	CONTAINER_PAUSED,
	CONTAINER_STOPPED,
};
/* "creating", "created", "running", "paused", "stopped"; "unknown" for
 * anything else. */
const char *container_status_name(enum container_status s);
/* The inverse; false (and *out untouched) for any other string. */
bool container_status_parse(const char *name, enum container_status *out);

struct oci_state {
	const char *oci_version;
	const char *id;
	enum container_status status;
	pid_t pid;
	const char *bundle;
	const char *rootfs;		   /* state command only; NULL: omitted */
	const char *created;		   /* RFC 3339 nano; NULL: omitted */
	const char *owner;		   /* state command only; NULL: omitted */
	const struct str_map *annotations; /* omitted when empty */
};

/* pretty: byte-identical to `runc state` (Go's MarshalIndent: two spaces,
 * `<>&` as \u003c..., no final newline); compact: one line, yajl-style (`/`
 * not escaped), as hooks get it on stdin. Key order: ociVersion, id, pid,
 * status, bundle, rootfs, created, annotations (sorted, omitted when empty),
 * owner. Returns malloc'd text, NULL on ENOMEM. */
char *oci_state_to_json(const struct oci_state *st, bool pretty);

/* The default config.json of `isorun spec`: runc 1.1's `runc spec [--rootless]`
 * byte for byte (tab-indented, no final newline) but with ociVersion 1.3.0.
 * Rootless maps container root to geteuid()/getegid(), as runc does. */
char *spec_default_json(bool rootless);

#endif
