/* A JSON array of strings, both ways (runc's descriptors.json in a checkpoint). */
#ifndef ISORUN_SPEC_STRV_JSON_H
#define ISORUN_SPEC_STRV_JSON_H

#include <stddef.h>

#include "common/error.h"

/* ["a","b"] as Go's json.Marshal writes it; malloc'd, NULL on ENOMEM. */
char *strv_json(char *const *v, size_t n);
/* The strings of a top-level array; errors are "<name>: ...". */
error *strv_json_parse(const char *text, size_t len, const char *name, char ***out);

#endif
