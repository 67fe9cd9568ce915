/* linux.seccomp as a plan: every libseccomp call the filter needs, computed
 * from the spec alone so it can be checked (and printed) before anything is
 * loaded. Mirrors runc's libcontainer/seccomp InitSeccomp/matchCall. */
#ifndef ISORUN_RUNTIME_CHILD_SECCOMP_PLAN_H
#define ISORUN_RUNTIME_CHILD_SECCOMP_PLAN_H

#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "spec/config.h"

#define SECCOMP_PLAN_MAX_ARGS 6

struct seccomp_plan_cond {
	unsigned arg;
	enum scmp_compare op;
	uint64_t datum_a, datum_b;
};

struct seccomp_plan_rule {
	size_t syscall_index; /* linux.seccomp.syscalls[i] */
	size_t name_index;    /* ...names[j] */
	const char *name;     /* borrowed from the spec */
	int nr;		      /* native syscall number (may be a negative pseudo number) */
	uint32_t action;
	struct seccomp_plan_cond conds[SECCOMP_PLAN_MAX_ARGS];
	unsigned n_conds;
};

struct seccomp_plan {
	uint32_t default_action;
	uint32_t *arches; /* SCMP_ARCH_* tokens from linux.seccomp.architectures */
	size_t n_arches;
	bool flag_log, flag_ssb, flag_wait_killable;
	bool optimize_tree; /* runc: binary tree for > 32 syscall entries */
	bool has_notify;
	struct seccomp_plan_rule *rules;
	size_t n_rules;
};

/* OCI action (+ errnoRet) -> libseccomp action value, as runc's getAction:
 * ERRNO and TRACE without errnoRet return EPERM. */
error *seccomp_plan_action(enum oci_seccomp_action act, const opt_u64 *errno_ret, uint32_t *out);
/* "SCMP_ARCH_X86_64" -> SCMP_ARCH_X86_64; 0 when unknown. */
uint32_t seccomp_plan_arch(const char *name);

error *seccomp_plan_build(const struct oci_seccomp *sc, struct seccomp_plan **out);
void seccomp_plan_free(struct seccomp_plan *p);
/* One line per rule for --debug: "getppid(110) ERRNO(38) arg0 == 5". */
char *seccomp_plan_rule_str(const struct seccomp_plan_rule *r);

#endif
