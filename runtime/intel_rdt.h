/* linux.intelRdt with the kernel's resctrl filesystem: a control group (CLOS)
 * per container (or the shared one closID names), its schemata, and a
 * monitoring group under mon_groups. Planned from the config and a resctrl
 * root, then applied, so that the plan is unit-tested against a fake tree. */
#ifndef ISORUN_RUNTIME_INTEL_RDT_H
#define ISORUN_RUNTIME_INTEL_RDT_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "spec/config.h"

#define RESCTRL_ROOT "/sys/fs/resctrl"

enum rdt_op_kind {
	RDT_MKDIR,    /* path: a directory to create */
	RDT_WRITE,    /* path, data: a file to write */
	RDT_CHECK,    /* path, data: a pre-existing group's schemata must hold data */
	RDT_ADD_TASK, /* path: a tasks file to write the init's pid to */
};

struct rdt_op {
	enum rdt_op_kind kind;
	char *path; /* relative to the resctrl root */
	char *data;
};

struct rdt_plan {
	struct rdt_op *ops;
	size_t n;
	char *group;	    /* the CLOS directory, relative to the root */
	bool group_created; /* false: closID named a group that already existed */
	char *mon_group;    /* "<group>/mon_groups/<id>", NULL without monitoring */
};

/* Builds the plan for container `id` against the resctrl tree at root (a host
 * fact: which groups exist, whether it has monitoring). Errors name the field:
 * "linux.intelRdt: Intel RDT is not available on this host (no resctrl
 * filesystem at /sys/fs/resctrl)". */
error *rdt_plan_build(const struct oci_intel_rdt *r, const char *id, const char *root,
		      struct rdt_plan *out);
/* Applies the plan; on failure removes what it made. */
error *rdt_plan_apply(const struct rdt_plan *p, const char *root, pid_t pid);
/* Removes the monitoring group and, when this container made it, the group. */
error *rdt_plan_undo(const struct rdt_plan *p, const char *root);
void rdt_plan_free(struct rdt_plan *p);

/* What delete must remove, kept in the state dir ("intel_rdt"): one line for
 * the monitoring group and one for a group the container made. */
error *rdt_record(int state_dir_fd, const struct rdt_plan *p);
error *rdt_remove_recorded(int state_dir_fd, const char *root);

/* update --l3-cache-schema / --mem-bw-schema: rewrites the lines of the
 * container's group. cfg is the config kept at create. */
error *rdt_update(const struct oci_intel_rdt *r, const char *id, const char *root, const char *l3,
		  const char *mb);

#endif
