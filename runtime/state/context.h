/* What every command is given by the global flags: where the state lives and
 * how cgroups are driven. Below the lifecycle so the state room can use it. */
#ifndef ISORUN_RUNTIME_STATE_CONTEXT_H
#define ISORUN_RUNTIME_STATE_CONTEXT_H

#include <stdbool.h>

struct runtime_ctx {
	const char *root; /* state root (--root) */
	bool systemd_cgroup;
	bool rootless;
	bool debug;
	const char *criu; /* --criu: the criu binary (NULL: "criu" from $PATH) */
};

#endif
