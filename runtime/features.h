/* What this build of isorun supports on this host, for `isorun features`. */
#ifndef ISORUN_RUNTIME_FEATURES_H
#define ISORUN_RUNTIME_FEATURES_H

#include "common/error.h"
#include "spec/features.h"

/* Fills f (free with oci_features_free). Every list is derived from the code
 * that consumes the config (mount option parser, seccomp tables, capability
 * table) and from the running kernel, not written down separately. */
error *runtime_features(struct oci_features *f);

#endif
