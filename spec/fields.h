/* Every config.json field of runtime-spec 1.3 that a Linux runtime reads, with
 * what isorun does with it. A field isorun does not apply is refused with an
 * error naming it: silence would let a user believe a protection or a
 * placement is in force when it is not. tests/unit/test_spec_fields.c walks
 * the spec's own list against this table, so a new field cannot slip by.
 *
 * Paths: members joined with '.', "[]" for every element of an array, "{}"
 * for every member of an object whose keys are data (rdma devices, network
 * device names). */
#ifndef ISORUN_SPEC_FIELDS_H
#define ISORUN_SPEC_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

enum spec_field_status {
	/* parsed into struct oci_config and acted on */
	SPEC_FIELD_APPLIED,
	/* present in a config: the parse fails naming it */
	SPEC_FIELD_REFUSED,
	/* the spec lets a Linux runtime ignore it (another platform's field,
	 * or a deprecated one the kernel no longer has) */
	SPEC_FIELD_IGNORED,
};

struct spec_field {
	const char *path;
	enum spec_field_status status;
	const char *why; /* REFUSED and IGNORED: the reason, as the error says it */
};

extern const struct spec_field spec_fields[];
extern const size_t spec_n_fields;

/* The entry for a generic path ("mounts[].uidMappings"), NULL if unknown. */
const struct spec_field *spec_field_find(const char *path);

/* Test hook: parses a config with every member read recorded, and says for
 * each generic path whether the JSON has it (-1: absent) and whether the
 * parser read it wherever it appears (1) or left it unread somewhere (0). */
error *spec_trace_reads(const char *json, size_t len, const char *const *paths, size_t n,
			int *result);

#endif
