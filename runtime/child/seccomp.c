/* Turns a seccomp plan into a libseccomp filter and loads it. The call order
 * and attribute choices follow runc's libcontainer/seccomp/seccomp_linux.go. */
#include "runtime/child/seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "runtime/child/seccomp_plan.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

#define HAVE_SCMP_WAITKILL (SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6))

struct seccomp_program {
	scmp_filter_ctx ctx;
	struct seccomp_plan *plan;
	/* libseccomp < 2.6 cannot ask for WAIT_KILLABLE_RECV, so such filters
	 * are exported and loaded with seccomp(2) directly, as runc does. */
	bool load_direct;
};

static error *set_attr(scmp_filter_ctx ctx, enum scmp_filter_attr attr, uint32_t v,
		       const char *what)
{
	int rc = seccomp_attr_set(ctx, attr, v);
	return rc < 0 ? err_sys(-rc, "linux.seccomp: %s", what) : NULL;
}

static error *add_rule(scmp_filter_ctx ctx, const struct seccomp_plan_rule *r)
{
	struct scmp_arg_cmp cmp[SECCOMP_PLAN_MAX_ARGS];
	for (unsigned k = 0; k < r->n_conds; k++)
		cmp[k] = (struct scmp_arg_cmp){r->conds[k].arg, r->conds[k].op, r->conds[k].datum_a,
					       r->conds[k].datum_b};
	/* Non-exact on purpose: libseccomp translates the native number for every
	 * added architecture and drops the rule where the syscall does not exist. */
	int rc = seccomp_rule_add_array(ctx, r->action, r->nr, r->n_conds, cmp);
	if (rc < 0)
		return err_sys(-rc, "linux.seccomp.syscalls[%zu] (%s): seccomp_rule_add",
			       r->syscall_index, r->name);
	return NULL;
}

static error *apply_plan(struct seccomp_program *prog)
{
	const struct seccomp_plan *p = prog->plan;
	error *e;
	prog->ctx = seccomp_init(p->default_action);
	if (!prog->ctx)
		return err_new("linux.seccomp: seccomp_init failed (default action 0x%x)",
			       p->default_action);

	for (size_t i = 0; i < p->n_arches; i++) {
		int rc = seccomp_arch_add(prog->ctx, p->arches[i]);
		if (rc < 0 && rc != -EEXIST)
			return err_sys(-rc, "linux.seccomp.architectures[%zu]: seccomp_arch_add",
				       i);
	}

	if (p->flag_log &&
	    (e = set_attr(prog->ctx, SCMP_FLTATR_CTL_LOG, 1, "flag SECCOMP_FILTER_FLAG_LOG")))
		return e;
	if (p->flag_ssb && (e = set_attr(prog->ctx, SCMP_FLTATR_CTL_SSB, 1,
					 "flag SECCOMP_FILTER_FLAG_SPEC_ALLOW")))
		return e;
	if (p->flag_wait_killable) {
#if HAVE_SCMP_WAITKILL
		if ((e = set_attr(prog->ctx, SCMP_FLTATR_CTL_WAITKILL, 1,
				  "flag SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")))
			return e;
#else
		prog->load_direct = true;
#endif
	}
	if (p->optimize_tree) {
		int rc = seccomp_attr_set(prog->ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
		if (rc < 0)
			log_debug("seccomp binary tree optimization not available: %s",
				  strerror(-rc));
	}
	/* Whether to set no_new_privs is process.noNewPrivileges' decision. */
	if ((e = set_attr(prog->ctx, SCMP_FLTATR_CTL_NNP, 0, "unset no_new_privs")))
		return e;

	for (size_t i = 0; i < p->n_rules; i++) {
		if (log_debug_enabled()) {
			_cleanup_free_ char *s = seccomp_plan_rule_str(&p->rules[i]);
			log_debug("seccomp rule: %s", s ? s : "?");
		}
		if ((e = add_rule(prog->ctx, &p->rules[i])))
			return e;
	}
	return NULL;
}

error *seccomp_build(const struct oci_seccomp *sc, struct seccomp_program **out)
{
	*out = NULL;
	struct seccomp_program *prog = calloc(1, sizeof(*prog));
	if (!prog)
		return err_sys(ENOMEM, "linux.seccomp");
	error *e = seccomp_plan_build(sc, &prog->plan);
	if (!e)
		e = apply_plan(prog);
	if (e) {
		seccomp_program_free(prog);
		return e;
	}
	*out = prog;
	return NULL;
}

/* seccomp(2) with flags libseccomp 2.5 cannot express. */
static error *load_direct(struct seccomp_program *prog, int *notify_fd)
{
	_cleanup_close_ int mfd = memfd_create("isorun-seccomp", MFD_CLOEXEC);
	if (mfd < 0)
		return err_errno("linux.seccomp: memfd_create");
	int rc = seccomp_export_bpf(prog->ctx, mfd);
	if (rc < 0)
		return err_sys(-rc, "linux.seccomp: seccomp_export_bpf");
	struct stat st;
	if (fstat(mfd, &st) < 0)
		return err_errno("linux.seccomp: fstat");
	if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) ||
	    st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return err_new("linux.seccomp: exported filter has a bad size (%lld bytes)",
			       (long long)st.st_size);
	_cleanup_free_ struct sock_filter *insns = malloc(st.st_size);
	if (!insns)
		return err_sys(ENOMEM, "linux.seccomp");
	if (pread(mfd, insns, st.st_size, 0) != st.st_size)
		return err_errno("linux.seccomp: reading exported filter");
	struct sock_fprog fprog = {(unsigned short)(st.st_size / sizeof(*insns)), insns};

	unsigned long flags = 0;
	if (prog->plan->flag_log)
		flags |= SECCOMP_FILTER_FLAG_LOG;
	if (prog->plan->flag_ssb)
		flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	if (prog->plan->has_notify)
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	else
		/* The kernel only accepts it together with a listener; without
		 * NOTIFY rules it would not change anything. */
		log_debug(
		    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ignored: no SCMP_ACT_NOTIFY rule");
	long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
	if (fd < 0)
		return errno == EINVAL ? err_errno("linux.seccomp: seccomp(SET_MODE_FILTER, "
						   "flags 0x%lx) (kernel too old for these flags?)",
						   flags)
				       : err_errno("linux.seccomp: seccomp(SET_MODE_FILTER)");
	*notify_fd = prog->plan->has_notify ? (int)fd : -1;
	return NULL;
}

error *seccomp_program_load(struct seccomp_program *prog, int *notify_fd)
{
	*notify_fd = -1;
	if (prog->load_direct)
		return load_direct(prog, notify_fd);
	int rc = seccomp_load(prog->ctx);
	if (rc < 0)
		return err_sys(-rc, "linux.seccomp: seccomp_load");
	if (!prog->plan->has_notify)
		return NULL;
	int fd = seccomp_notify_fd(prog->ctx);
	if (fd < 0)
		return err_sys(-fd, "linux.seccomp: seccomp_notify_fd");
#if SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR <= 5
	/* libseccomp 2.5 never closes the listener fd itself: it is ours. */
	*notify_fd = fd;
#else
	/* Later versions may close their copy on release; hand out our own. */
	int dup = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (dup < 0)
		return err_errno("linux.seccomp: dup of the notify fd");
	*notify_fd = dup;
#endif
	return NULL;
}

void seccomp_program_free(struct seccomp_program *prog)
{
	if (!prog)
		return;
	if (prog->ctx)
		seccomp_release(prog->ctx);
	seccomp_plan_free(prog->plan);
	free(prog);
}
