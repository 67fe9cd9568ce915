/* The device cgroup rules a container really gets (runc's specconv): the
 * spec's linux.resources.devices, then the standard devices every container
 * needs (null, zero, full, random, urandom, tty, ptmx, pts, tun, and mknod of
 * any node). A linux.devices entry adds no rule: the node exists, and is
 * usable only if linux.resources.devices allows it. */
#ifndef ISORUN_RUNTIME_DEVICE_RULES_H
#define ISORUN_RUNTIME_DEVICE_RULES_H

#include "spec/config.h"

/* A shallow copy of cfg's resources (or empty ones) whose devices array is
 * the effective list. Free with effective_resources_free (frees only the
 * array it built). */
struct effective_resources {
	struct oci_resources res;
	struct oci_device_cgroup *owned_devices;
};

int effective_resources_build(const struct oci_config *cfg, struct effective_resources *out);
void effective_resources_free(struct effective_resources *er);

#endif
