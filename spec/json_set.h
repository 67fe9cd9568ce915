/* Rewriting a JSON document with a few members replaced or added, every other
 * member kept as it was (the lab score runs a user's config with its own
 * command, rootfs and cgroup path). */
#ifndef ISORUN_SPEC_JSON_SET_H
#define ISORUN_SPEC_JSON_SET_H

#include <stddef.h>

#include "common/error.h"

/* One member to set: a dotted path of object keys ("process.args") and its
 * new value as JSON text ("[\"sh\"]"). Missing objects on the way are added. */
struct json_set {
	const char *path;
	const char *value;
};

/* json with every set applied, as compact JSON (malloc'd into *out). Errors
 * name the document ("config.json: invalid JSON ...") or the bad set value. */
error *spec_json_set(const char *json, size_t len, const struct json_set *sets, size_t n,
		     char **out);

#endif
