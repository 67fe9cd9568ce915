/* The runtime-spec features document (features.md), as `isorun features`
 * prints it. The facts are gathered elsewhere (runtime/features.c); this only
 * renders them, so the builder is unit-testable with any input. */
#ifndef ISORUN_SPEC_FEATURES_H
#define ISORUN_SPEC_FEATURES_H

#include <stdbool.h>

#include "spec/config.h"

struct oci_features {
	const char *oci_version_min, *oci_version_max;
	/* NULL-terminated string lists; NULL renders as an empty list. */
	char **hooks, **mount_options;
	char **namespaces, **capabilities;
	bool cgroup_v1, cgroup_v2, cgroup_systemd, cgroup_systemd_user, cgroup_rdma;
	bool seccomp_enabled;
	char **seccomp_actions, **seccomp_operators, **seccomp_archs;
	char **seccomp_known_flags, **seccomp_supported_flags;
	bool apparmor_enabled, selinux_enabled, idmap_enabled;
	/* intelRdt: enabled, and the 1.3 schemata and enableMonitoring fields */
	bool intel_rdt_enabled, intel_rdt_schemata, intel_rdt_monitoring;
	char **memory_policy_modes, **memory_policy_flags; /* recognized names */
	bool net_devices_enabled;
	struct str_map annotations; /* printed with sorted keys */
	/* annotations that change what the runtime does ("x." is a prefix) */
	char **unsafe_annotations;
};

/* Go-style indented JSON (4 spaces, like `runc features`), with a final
 * newline. Key order follows the spec's example. malloc'd, NULL on ENOMEM. */
char *oci_features_to_json(const struct oci_features *f);
/* Frees the lists and annotations (not the version strings). */
void oci_features_free(struct oci_features *f);

#endif
