#include "runtime/child/seccomp_plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"

/* runc enables libseccomp's binary tree above this many syscall entries:
 * libseccomp <= 2.5.4 misbehaves with the tree and no rules at all. */
#define OPTIMIZE_TREE_THRESHOLD 32

error *seccomp_plan_action(enum oci_seccomp_action act, const opt_u64 *errno_ret, uint32_t *out)
{
	/* runc truncates errnoRet to int16; SCMP_ACT_ERRNO masks to 16 bits,
	 * which is the same value. */
	uint16_t ret = (errno_ret && errno_ret->set) ? (uint16_t)errno_ret->value : EPERM;
	switch (act) {
	case OCI_SECCOMP_KILL:
	case OCI_SECCOMP_KILL_THREAD:
		*out = SCMP_ACT_KILL_THREAD;
		return NULL;
	case OCI_SECCOMP_KILL_PROCESS:
		*out = SCMP_ACT_KILL_PROCESS;
		return NULL;
	case OCI_SECCOMP_TRAP:
		*out = SCMP_ACT_TRAP;
		return NULL;
	case OCI_SECCOMP_ERRNO:
		*out = SCMP_ACT_ERRNO(ret);
		return NULL;
	case OCI_SECCOMP_TRACE:
		*out = SCMP_ACT_TRACE(ret);
		return NULL;
	case OCI_SECCOMP_ALLOW:
		*out = SCMP_ACT_ALLOW;
		return NULL;
	case OCI_SECCOMP_LOG:
		*out = SCMP_ACT_LOG;
		return NULL;
	case OCI_SECCOMP_NOTIFY:
		*out = SCMP_ACT_NOTIFY;
		return NULL;
	case SECCOMP_ACT_UNSET:
		return err_new("action is missing");
	}
	return err_new("unknown action %d", (int)act);
}

static const struct {
	const char *name;
	uint32_t token;
} arch_table[] = {
    {"SCMP_ARCH_NATIVE", SCMP_ARCH_NATIVE},
    {"SCMP_ARCH_X86", SCMP_ARCH_X86},
    {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
    {"SCMP_ARCH_X32", SCMP_ARCH_X32},
    {"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
    {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
    {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
    {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},
    {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
    {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},
    {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
    {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32},
    {"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
    {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},
    {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
    {"SCMP_ARCH_S390", SCMP_ARCH_S390},
    {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
    {"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC},
    {"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64},
    {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
#ifdef SCMP_ARCH_LOONGARCH64
    {"SCMP_ARCH_LOONGARCH64", SCMP_ARCH_LOONGARCH64},
#endif
#ifdef SCMP_ARCH_M68K
    {"SCMP_ARCH_M68K", SCMP_ARCH_M68K},
#endif
#ifdef SCMP_ARCH_SH
    {"SCMP_ARCH_SH", SCMP_ARCH_SH},
    {"SCMP_ARCH_SHEB", SCMP_ARCH_SHEB},
#endif
};

uint32_t seccomp_plan_arch(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(arch_table); i++)
		if (strcmp(arch_table[i].name, name) == 0)
			return arch_table[i].token ? arch_table[i].token : seccomp_arch_native();
	return 0;
}

static error *plan_cond(const struct oci_seccomp_arg *a, struct seccomp_plan_cond *c)
{
	static const enum scmp_compare ops[] = {
	    [OCI_SECCOMP_OP_NE] = SCMP_CMP_NE,
	    [OCI_SECCOMP_OP_LT] = SCMP_CMP_LT,
	    [OCI_SECCOMP_OP_LE] = SCMP_CMP_LE,
	    [OCI_SECCOMP_OP_EQ] = SCMP_CMP_EQ,
	    [OCI_SECCOMP_OP_GE] = SCMP_CMP_GE,
	    [OCI_SECCOMP_OP_GT] = SCMP_CMP_GT,
	    [OCI_SECCOMP_OP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
	};
	if (a->index >= SECCOMP_PLAN_MAX_ARGS)
		return err_new("index: %u exceeds maximum argument count %d", a->index,
			       SECCOMP_PLAN_MAX_ARGS);
	if ((unsigned)a->op >= ARRAY_SIZE(ops) || ops[a->op] == 0)
		return err_new("op: unknown operator %d", (int)a->op);
	/* MASKED_EQ: libseccomp's datum_a is the mask, datum_b the value,
	 * which is exactly the spec's value/valueTwo. */
	*c = (struct seccomp_plan_cond){a->index, ops[a->op], a->value, a->value_two};
	return NULL;
}

static error *plan_push(struct seccomp_plan *p, const struct seccomp_plan_rule *r)
{
	struct seccomp_plan_rule *n = realloc(p->rules, (p->n_rules + 1) * sizeof(*n));
	if (!n)
		return err_sys(ENOMEM, "seccomp plan");
	p->rules = n;
	p->rules[p->n_rules++] = *r;
	return NULL;
}

/* One linux.seccomp.syscalls[] entry: per name one rule, or (runc's "old
 * behaviour") one rule per condition when two conditions name the same
 * argument, since ANDing them on one argument is rarely what was meant. */
static error *plan_syscall(struct seccomp_plan *p, const struct oci_seccomp_syscall *s, size_t si)
{
	uint32_t action;
	error *e = seccomp_plan_action(s->action, &s->errno_ret, &action);
	if (e)
		return err_wrap(e, "linux.seccomp.syscalls[%zu].action", si);
	if (s->n_args > SECCOMP_PLAN_MAX_ARGS * 8)
		return err_new("linux.seccomp.syscalls[%zu].args: too many conditions (%zu)", si,
			       s->n_args);

	struct seccomp_plan_cond conds[SECCOMP_PLAN_MAX_ARGS * 8];
	unsigned per_index[SECCOMP_PLAN_MAX_ARGS] = {0};
	bool split = false;
	for (size_t k = 0; k < s->n_args; k++) {
		if ((e = plan_cond(&s->args[k], &conds[k])))
			return err_wrap(e, "linux.seccomp.syscalls[%zu].args[%zu]", si, k);
		if (++per_index[conds[k].arg] > 1)
			split = true;
	}
	if (!split && s->n_args > SECCOMP_PLAN_MAX_ARGS)
		return err_new("linux.seccomp.syscalls[%zu].args: too many conditions", si);

	for (size_t j = 0; s->names && s->names[j]; j++) {
		const char *name = s->names[j];
		if (!*name)
			return err_new("linux.seccomp.syscalls[%zu].names[%zu]: empty string is "
				       "not a valid syscall",
				       si, j);
		if (action == SCMP_ACT_NOTIFY && strcmp(name, "write") == 0)
			/* The runtime reports the listener fd to its parent with write(2)
			 * after loading; a notify rule on it would hang the start. */
			return err_new("linux.seccomp.syscalls[%zu]: SCMP_ACT_NOTIFY cannot be "
				       "used for the write syscall",
				       si);
		if (action == p->default_action)
			continue; /* redundant; libseccomp would reject it */
		int nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR) {
			log_debug("unknown seccomp syscall \"%s\" ignored", name);
			continue;
		}
		if (action == SCMP_ACT_NOTIFY)
			p->has_notify = true;
		struct seccomp_plan_rule r = {
		    .syscall_index = si, .name_index = j, .name = name, .nr = nr, .action = action};
		if (!split) {
			for (size_t k = 0; k < s->n_args; k++)
				r.conds[r.n_conds++] = conds[k];
			if ((e = plan_push(p, &r)))
				return e;
			continue;
		}
		for (size_t k = 0; k < s->n_args; k++) {
			r.conds[0] = conds[k];
			r.n_conds = 1;
			if ((e = plan_push(p, &r)))
				return e;
		}
	}
	return NULL;
}

static error *plan_flags(struct seccomp_plan *p, char *const *flags)
{
	for (size_t i = 0; flags && flags[i]; i++) {
		const char *f = flags[i];
		if (strcmp(f, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
			continue; /* runc ignores it: we are single threaded when loading */
		else if (strcmp(f, "SECCOMP_FILTER_FLAG_LOG") == 0)
			p->flag_log = true;
		else if (strcmp(f, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
			p->flag_ssb = true;
		else if (strcmp(f, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0)
			p->flag_wait_killable = true;
		else
			return err_new("linux.seccomp.flags[%zu]: seccomp flag \"%s\" is not "
				       "supported",
				       i, f);
	}
	return NULL;
}

error *seccomp_plan_build(const struct oci_seccomp *sc, struct seccomp_plan **out)
{
	*out = NULL;
	struct seccomp_plan *p = calloc(1, sizeof(*p));
	if (!p)
		return err_sys(ENOMEM, "seccomp plan");
	error *e =
	    seccomp_plan_action(sc->default_action, &sc->default_errno_ret, &p->default_action);
	if (e) {
		e = err_wrap(e, "linux.seccomp.defaultAction");
		goto fail;
	}
	if (p->default_action == SCMP_ACT_NOTIFY) {
		/* Same reason as for write: the start protocol itself would block. */
		e = err_new("linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be used as "
			    "default action");
		goto fail;
	}

	size_t n_arch = strv_len(sc->architectures);
	if (n_arch && !(p->arches = calloc(n_arch, sizeof(*p->arches)))) {
		e = err_sys(ENOMEM, "seccomp plan");
		goto fail;
	}
	for (size_t i = 0; i < n_arch; i++) {
		uint32_t a = seccomp_plan_arch(sc->architectures[i]);
		if (!a) {
			e = err_new("linux.seccomp.architectures[%zu]: unknown architecture \"%s\"",
				    i, sc->architectures[i]);
			goto fail;
		}
		p->arches[p->n_arches++] = a;
	}

	if ((e = plan_flags(p, sc->flags)))
		goto fail;
	p->optimize_tree = sc->n_syscalls > OPTIMIZE_TREE_THRESHOLD;

	for (size_t i = 0; i < sc->n_syscalls; i++)
		if ((e = plan_syscall(p, &sc->syscalls[i], i)))
			goto fail;
	*out = p;
	return NULL;
fail:
	seccomp_plan_free(p);
	return e;
}

void seccomp_plan_free(struct seccomp_plan *p)
{
	if (!p)
		return;
	free(p->arches);
	free(p->rules);
	free(p);
}

static const char *action_name(uint32_t a, char *buf, size_t len)
{
	/* Only ERRNO and TRACE carry data, in the low 16 bits. */
	switch (a & 0xffff0000U) {
	case SCMP_ACT_KILL_PROCESS:
		return "KILL_PROCESS";
	case SCMP_ACT_KILL_THREAD:
		return "KILL_THREAD";
	case SCMP_ACT_TRAP:
		return "TRAP";
	case SCMP_ACT_ALLOW:
		return "ALLOW";
	case SCMP_ACT_LOG:
		return "LOG";
	case SCMP_ACT_NOTIFY:
		return "NOTIFY";
	case SCMP_ACT_ERRNO(0):
		snprintf(buf, len, "ERRNO(%u)", a & 0xffff);
		return buf;
	case SCMP_ACT_TRACE(0):
		snprintf(buf, len, "TRACE(%u)", a & 0xffff);
		return buf;
	}
	snprintf(buf, len, "0x%x", a);
	return buf;
}

char *seccomp_plan_rule_str(const struct seccomp_plan_rule *r)
{
	static const char *const opnames[] = {
	    [SCMP_CMP_NE] = "!=", [SCMP_CMP_LT] = "<",	[SCMP_CMP_LE] = "<=",
	    [SCMP_CMP_EQ] = "==", [SCMP_CMP_GE] = ">=", [SCMP_CMP_GT] = ">",
	};
	char abuf[32], line[512];
	int n = snprintf(line, sizeof(line), "%s(%d) %s", r->name, r->nr,
			 action_name(r->action, abuf, sizeof(abuf)));
	for (unsigned k = 0; k < r->n_conds && n > 0 && (size_t)n < sizeof(line); k++) {
		const struct seccomp_plan_cond *c = &r->conds[k];
		if (c->op == SCMP_CMP_MASKED_EQ)
			n += snprintf(line + n, sizeof(line) - n, " arg%u & %#llx == %llu", c->arg,
				      (unsigned long long)c->datum_a,
				      (unsigned long long)c->datum_b);
		else
			n += snprintf(line + n, sizeof(line) - n, " arg%u %s %llu", c->arg,
				      opnames[c->op], (unsigned long long)c->datum_a);
	}
	return strdup(line);
}
