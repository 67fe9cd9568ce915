/* Capability names <-> numbers and the five process sets as bit masks.
 * The computation is pure (unit-tested); applying is in capabilities.c too. */
#ifndef ISORUN_RUNTIME_CHILD_CAPABILITIES_H
#define ISORUN_RUNTIME_CHILD_CAPABILITIES_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "spec/config.h"

struct cap_sets {
	uint64_t bounding, effective, permitted, inheritable, ambient;
};

/* "CAP_CHOWN" -> 0; -1 when the name is unknown to isorun. */
int cap_from_name_str(const char *name);
/* 0 -> "CAP_CHOWN"; NULL past the table. */
const char *cap_name_str(int cap);
/* The highest capability the running kernel knows (/proc/sys/kernel/cap_last_cap,
 * else probed with PR_CAPBSET_READ). */
int cap_last_cap(void);

/* Spec names -> masks. present=false (process.capabilities absent) yields all
 * sets empty, as runc does. An absent set is empty: inheritable in particular
 * stays empty unless listed (CVE-2022-29162). Names unknown to us or above
 * last_cap are ignored with a debug log. */
void caps_compute(const struct oci_capabilities *c, bool present, int last_cap,
		  struct cap_sets *out);

/* Drops from the bounding set every cap <= last_cap not in s->bounding. Needs
 * CAP_SETPCAP; call before changing uid. */
error *caps_apply_bounding(const struct cap_sets *s, int last_cap);
/* capset(effective, permitted, inheritable), then ambient (cleared, then the
 * listed ones raised; a cap that cannot be raised because it is not also
 * permitted+inheritable is skipped with a debug log, as runc does). Call
 * after setuid with keepcaps. */
error *caps_apply_sets(const struct cap_sets *s, int last_cap);

#endif
