/* `isorun check`: what this host can isolate and how, as a report (see
 * runtime/inspect.h for the report model). Each missing feature names the
 * isorun feature it disables. */
#ifndef ISORUN_LAB_HOST_CHECK_H
#define ISORUN_LAB_HOST_CHECK_H

#include <stdbool.h>

#include "common/error.h"
#include "lab/inspect.h"

/* Fills out; *can_run: isorun can run containers here (namespaces, a cgroup
 * hierarchy, and pivot_root: / is not the initramfs rootfs). */
error *host_check(struct report *out, bool *can_run);

#endif
