/* Turns a seccomp plan into a libseccomp filter and loads it. The call order
 * and attribute choices follow runc's libcontainer/seccomp/seccomp_linux.go. */
#include "runtime/child/seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
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

/* A built filter is the exported BPF program and the seccomp(2) flags: loading
 * it is then one syscall, after which the runtime makes no other call that
 * libseccomp would (its seccomp_load frees its program after installing it,
 * and free may trim the heap with brk). See docs/security.md. */
struct seccomp_program {
	struct seccomp_plan *plan;
	struct sock_filter *insns;
	unsigned short n_insns;
	unsigned long flags;
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

static error *apply_plan(const struct seccomp_plan *p, scmp_filter_ctx ctx)
{
	error *e;
	if (!ctx)
		return err_new("linux.seccomp: seccomp_init failed (default action 0x%x)",
			       p->default_action);

	for (size_t i = 0; i < p->n_arches; i++) {
		int rc = seccomp_arch_add(ctx, p->arches[i]);
		if (rc < 0 && rc != -EEXIST)
			return err_sys(-rc, "linux.seccomp.architectures[%zu]: seccomp_arch_add",
				       i);
	}

	if (p->flag_log &&
	    (e = set_attr(ctx, SCMP_FLTATR_CTL_LOG, 1, "flag SECCOMP_FILTER_FLAG_LOG")))
		return e;
	if (p->flag_ssb &&
	    (e = set_attr(ctx, SCMP_FLTATR_CTL_SSB, 1, "flag SECCOMP_FILTER_FLAG_SPEC_ALLOW")))
		return e;
	if (p->optimize_tree) {
		int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
		if (rc < 0)
			log_debug("seccomp binary tree optimization not available: %s",
				  strerror(-rc));
	}
	/* Whether to set no_new_privs is process.noNewPrivileges' decision. */
	if ((e = set_attr(ctx, SCMP_FLTATR_CTL_NNP, 0, "unset no_new_privs")))
		return e;

	for (size_t i = 0; i < p->n_rules; i++) {
		if (log_debug_enabled()) {
			_cleanup_free_ char *s = seccomp_plan_rule_str(&p->rules[i]);
			log_debug("seccomp rule: %s", s ? s : "?");
		}
		if ((e = add_rule(ctx, &p->rules[i])))
			return e;
	}
	return NULL;
}

/* The BPF libseccomp would load, through a memfd (its only export). */
static error *export_bpf(scmp_filter_ctx ctx, struct seccomp_program *prog)
{
	_cleanup_close_ int mfd = memfd_create("isorun-seccomp", MFD_CLOEXEC);
	if (mfd < 0)
		return err_errno("linux.seccomp: memfd_create");
	int rc = seccomp_export_bpf(ctx, mfd);
	if (rc < 0)
		return err_sys(-rc, "linux.seccomp: seccomp_export_bpf");
	struct stat st;
	if (fstat(mfd, &st) < 0)
		return err_errno("linux.seccomp: fstat");
	if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) ||
	    st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return err_new("linux.seccomp: exported filter has a bad size (%lld bytes)",
			       (long long)st.st_size);
	prog->insns = malloc(st.st_size);
	if (!prog->insns)
		return err_sys(ENOMEM, "linux.seccomp");
	if (pread(mfd, prog->insns, st.st_size, 0) != st.st_size)
		return err_errno("linux.seccomp: reading exported filter");
	prog->n_insns = (unsigned short)(st.st_size / sizeof(struct sock_filter));
	return NULL;
}

/* What libseccomp's seccomp_load would pass, plus WAIT_KILLABLE_RECV, which
 * libseccomp 2.5 cannot express. */
static unsigned long load_flags(const struct seccomp_plan *p)
{
	unsigned long flags = 0;
	if (p->flag_log)
		flags |= SECCOMP_FILTER_FLAG_LOG;
	if (p->flag_ssb)
		flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	if (p->has_notify) {
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		if (p->flag_wait_killable)
			flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	} else if (p->flag_wait_killable) {
		/* The kernel only accepts it together with a listener; without
		 * NOTIFY rules it would not change anything. */
		log_debug(
		    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ignored: no SCMP_ACT_NOTIFY rule");
	}
	return flags;
}

#define STUB_MAX_ARCHES 16
#define X32_SYSCALL_BIT 0x40000000U

/* runc's -ENOSYS stub (libcontainer/seccomp/patchbpf): a syscall newer than
 * every syscall the profile names gets ENOSYS instead of the default action.
 * A profile written before clone3 or close_range existed cannot mention them,
 * and only ENOSYS makes libc fall back (glibc's clone3 -> clone, for one);
 * EPERM would fail fork and pthread_create in images with a newer libc. Not
 * needed when the default allows or already answers ENOSYS. x32 calls (on
 * the x86_64 arch with X32_SYSCALL_BIT) are left to the filter. */
static error *prepend_enosys_stub(struct seccomp_program *prog)
{
	const struct seccomp_plan *p = prog->plan;
	uint32_t def = p->default_action;
	if (def == SCMP_ACT_ALLOW || def == SCMP_ACT_LOG || def == SCMP_ACT_ERRNO(ENOSYS))
		return NULL;
	uint32_t arch[STUB_MAX_ARCHES];
	uint32_t max[STUB_MAX_ARCHES];
	size_t n = 0;
	/* seccomp_init always adds the native arch. */
	uint32_t native = seccomp_arch_native();
	for (size_t i = 0; i <= p->n_arches; i++) {
		uint32_t a = i < p->n_arches ? p->arches[i] : native;
		bool dup = false;
		for (size_t k = 0; k < n; k++)
			dup |= arch[k] == a;
		if (dup || a == SCMP_ARCH_X32 || n == STUB_MAX_ARCHES)
			continue;
		int64_t m = -1;
		for (size_t r = 0; r < p->n_rules; r++) {
			int nr = seccomp_syscall_resolve_name_arch(a, p->rules[r].name);
			if (nr >= 0 && !((uint32_t)nr & X32_SYSCALL_BIT) && nr > m)
				m = nr;
		}
		if (m < 0)
			continue; /* names nothing on this arch: all of it is the default's */
		arch[n] = a;
		max[n++] = (uint32_t)m;
	}
	if (n == 0)
		return NULL;

	/* ld arch; jeq arch_k -> section k ...; ja main; sections (ld nr;
	 * [x86_64: jset X32 -> main;] jgt max -> enosys, else main); enosys. */
	size_t sec[STUB_MAX_ARCHES], len = 1 + n + 1;
	for (size_t k = 0; k < n; k++) {
		sec[k] = len;
		len += arch[k] == SCMP_ARCH_X86_64 ? 3 : 2;
	}
	size_t enosys = len++, main_at = len;
	size_t total = len + prog->n_insns;
	if (total > BPF_MAXINSNS)
		return err_new("linux.seccomp: filter too long with the -ENOSYS stub (%zu "
			       "instructions)",
			       total);
	struct sock_filter *f = calloc(total, sizeof(*f));
	if (!f)
		return err_sys(ENOMEM, "linux.seccomp");
	size_t pc = 0;
	f[pc++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					       offsetof(struct seccomp_data, arch));
	for (size_t k = 0; k < n; k++, pc++)
		f[pc] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch[k],
						     (uint8_t)(sec[k] - pc - 1), 0);
	f[pc] = (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, (uint32_t)(main_at - pc - 1));
	pc++;
	for (size_t k = 0; k < n; k++) {
		f[pc++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						       offsetof(struct seccomp_data, nr));
		if (arch[k] == SCMP_ARCH_X86_64) {
			f[pc] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K,
							     X32_SYSCALL_BIT,
							     (uint8_t)(main_at - pc - 1), 0);
			pc++;
		}
		f[pc] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, max[k],
						     (uint8_t)(enosys - pc - 1),
						     (uint8_t)(main_at - pc - 1));
		pc++;
	}
	f[pc++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	memcpy(f + pc, prog->insns, prog->n_insns * sizeof(*f));
	free(prog->insns);
	prog->insns = f;
	prog->n_insns = (unsigned short)total;
	for (size_t k = 0; k < n; k++)
		log_debug(
		    "seccomp: arch 0x%x: syscalls above %u get ENOSYS (newer than the profile)",
		    arch[k], max[k]);
	return NULL;
}

error *seccomp_build(const struct oci_seccomp *sc, struct seccomp_program **out)
{
	*out = NULL;
	struct seccomp_program *prog = calloc(1, sizeof(*prog));
	if (!prog)
		return err_sys(ENOMEM, "linux.seccomp");
	error *e = seccomp_plan_build(sc, &prog->plan);
	if (!e) {
		scmp_filter_ctx ctx = seccomp_init(prog->plan->default_action);
		e = apply_plan(prog->plan, ctx);
		if (!e)
			e = export_bpf(ctx, prog);
		if (!e)
			e = prepend_enosys_stub(prog);
		if (ctx)
			seccomp_release(ctx);
	}
	if (e) {
		seccomp_program_free(prog);
		return e;
	}
	prog->flags = load_flags(prog->plan);
	*out = prog;
	return NULL;
}

error *seccomp_program_load(struct seccomp_program *prog, int *notify_fd)
{
	*notify_fd = -1;
	struct sock_fprog fprog = {prog->n_insns, prog->insns};
	long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, prog->flags, &fprog);
	if (fd < 0)
		return errno == EINVAL ? err_errno("linux.seccomp: seccomp(SET_MODE_FILTER, "
						   "flags 0x%lx) (kernel too old for these flags?)",
						   prog->flags)
				       : err_errno("linux.seccomp: seccomp(SET_MODE_FILTER)");
	if (prog->plan->has_notify)
		*notify_fd = (int)fd;
	return NULL;
}

void seccomp_program_free(struct seccomp_program *prog)
{
	if (!prog)
		return;
	free(prog->insns);
	seccomp_plan_free(prog->plan);
	free(prog);
}
