/* Isolation reports read from the kernel: `isorun inspect` (what a live
 * container is isolated from, and how) and `isorun check` (what this host can
 * isolate). Both are a list of rows grouped by section; cmd/ prints them as
 * an aligned table or as JSON. Nothing here prints. */
#ifndef ISORUN_LAB_INSPECT_H
#define ISORUN_LAB_INSPECT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "runtime/container.h"
#include "lab/report.h"

/* The report of container id: status "running" or "created" (a process to
 * read); missing: "container does not exist"; stopped: an error saying so.
 * Header rows (section "container") carry id, pid, status, bundle. */
error *inspect_container(const struct runtime_ctx *rt, const char *id, struct report *out);

/* Pure helpers, exposed for the unit tests. */
/* Capability names of a /proc/PID/status hex mask ("00000000a80425fb"), upper
 * case with CAP_ prefix, comma-separated, "" for none. malloc'd. */
char *inspect_caps_from_hex(const char *hex);
/* v1 "unlimited" (PAGE_COUNTER_MAX rounded) or v2 "max" -> true. */
bool inspect_is_unlimited(const char *value);
/* /proc/PID/mountinfo text: is the mount at "/" read-only; the masked paths
 * (/dev/null binds and read-only tmpfs under /proc and /sys) and read-only
 * paths (ro binds of proc/sysfs below /proc and /sys) as comma lists. */
error *inspect_parse_mountinfo(const char *text, bool *root_ro, char **masked, char **readonly);

#endif
