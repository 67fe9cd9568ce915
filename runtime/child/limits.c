/* Per-process limits that must be set while still privileged: rlimits (raising
 * a hard limit needs CAP_SYS_RESOURCE), oomScoreAdj, ioPriority, scheduler,
 * personality and umask. Each error names the spec field. */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"
#include "runtime/child/process_internal.h"

/* glibc has no wrapper; the layout is the kernel ABI (sched_setattr(2)). */
struct isorun_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
};

static const struct {
	const char *name;
	uint64_t bit;
} sched_flag_names[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},	 {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},	 {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},	 {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
};

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_CLASS_SHIFT 13

static error *apply_rlimits(const struct oci_process *p)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct oci_rlimit *r = &p->rlimits[i];
		/* uint64 max is RLIM_INFINITY, which is what the spec means by it. */
		struct rlimit rl = {.rlim_cur = (rlim_t)r->soft, .rlim_max = (rlim_t)r->hard};
		if (setrlimit((__rlimit_resource_t)r->resource, &rl) < 0)
			return err_errno("process.rlimits[%zu] (%s): setrlimit", i,
					 r->type ? r->type : "?");
	}
	return NULL;
}

static error *apply_oom_score_adj(const struct oci_process *p)
{
	if (!p->oom_score_adj.set)
		return NULL;
	char buf[32];
	snprintf(buf, sizeof(buf), "%lld", (long long)p->oom_score_adj.value);
	/* The runtime set it before cloning us (spawn_inherit_oom_score_adj):
	 * a rootless child could not open the file for writing now. */
	_cleanup_free_ char *cur = read_file_trimmed("/proc/self/oom_score_adj");
	long long v;
	if (cur && parse_int64(cur, &v) == 0 && v == p->oom_score_adj.value)
		return NULL;
	error *e = proc_self_write("oom_score_adj", buf);
	if (e && (err_errnum(e) == EACCES || err_errnum(e) == EPERM) && cur &&
	    parse_int64(cur, &v) == 0 && p->oom_score_adj.value < v)
		return err_wrap(e,
				"process.oomScoreAdj: %s -> %s: lowering it needs CAP_SYS_RESOURCE "
				"(which a rootless container does not have)",
				cur, buf);
	return err_wrap(e, "process.oomScoreAdj");
}

static error *apply_io_priority(const struct oci_process *p)
{
	const struct oci_io_priority *io = &p->io_priority;
	if (!io->set)
		return NULL;
	int prio = (io->klass << IOPRIO_CLASS_SHIFT) | io->priority;
	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, prio) < 0)
		return err_errno("process.ioPriority (%s, %d): ioprio_set",
				 io->class_name ? io->class_name : "?", io->priority);
	return NULL;
}

static error *apply_scheduler(const struct oci_process *p)
{
	const struct oci_scheduler *s = &p->scheduler;
	if (!s->set)
		return NULL;
	struct isorun_sched_attr attr = {
	    .size = sizeof(attr),
	    .sched_policy = (uint32_t)s->policy_value,
	    .sched_nice = s->nice,
	    .sched_priority = (uint32_t)s->priority,
	    .sched_runtime = s->runtime,
	    .sched_deadline = s->deadline,
	    .sched_period = s->period,
	};
	for (size_t i = 0; s->flags && s->flags[i]; i++) {
		bool found = false;
		for (size_t j = 0; j < ARRAY_SIZE(sched_flag_names); j++) {
			if (strcmp(s->flags[i], sched_flag_names[j].name) == 0) {
				attr.sched_flags |= sched_flag_names[j].bit;
				found = true;
			}
		}
		if (!found)
			return err_new("process.scheduler.flags[%zu]: unknown flag %s", i,
				       s->flags[i]);
	}
	if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
		return err_errno("process.scheduler (%s): sched_setattr",
				 s->policy ? s->policy : "?");
	return NULL;
}

static error *apply_personality(const struct oci_linux *lnx)
{
	if (!lnx || !lnx->personality.set || !lnx->personality.domain)
		return NULL;
	const char *d = lnx->personality.domain;
	unsigned long persona;
	if (strcmp(d, "LINUX") == 0)
		persona = PER_LINUX;
	else if (strcmp(d, "LINUX32") == 0)
		persona = PER_LINUX32;
	else
		return err_new("linux.personality.domain: unknown domain %s", d);
	/* runc ignores personality.flags (none are defined by the spec yet). */
	if (personality(persona) < 0)
		return err_errno("linux.personality (%s): personality", d);
	return NULL;
}

error *limits_apply(const struct oci_process *p, const struct oci_linux *lnx)
{
	error *e;
	if ((e = apply_rlimits(p)) || (e = apply_oom_score_adj(p)) || (e = apply_io_priority(p)) ||
	    (e = apply_scheduler(p)) || (e = apply_personality(lnx)))
		return e;
	/* runc's default when user.umask is absent. */
	umask(p->user.umask.set ? (mode_t)(p->user.umask.value & 07777) : 0022);
	return NULL;
}

#define MASK_WORDS (SPEC_CPU_LIST_MAX / (8 * sizeof(unsigned long)))

error *process_apply_cpu_affinity(const char *final)
{
	unsigned long mask[MASK_WORDS];
	if (final && *final) {
		const char *why = NULL;
		if (spec_cpu_list_parse(final, mask, SPEC_CPU_LIST_MAX, &why) < 0)
			return err_new("process.execCPUAffinity.final: invalid CPU list \"%s\": %s",
				       final, why);
		if (sched_setaffinity(0, sizeof(mask), (cpu_set_t *)mask) < 0)
			return err_errno("process.execCPUAffinity.final (%s): sched_setaffinity",
					 final);
		return NULL;
	}
	/* Every CPU: the kernel intersects the mask with the cgroup's cpuset, so
	 * this is "what linux.resources.cpu.cpus allows", not the CPUs the
	 * caller happened to be pinned to (`taskset -c 1 isorun run`), as runc
	 * 1.2.7+ and crun do. A failure keeps the inherited affinity, which
	 * still works. */
	memset(mask, 0xff, sizeof(mask));
	(void)sched_setaffinity(0, sizeof(mask), (cpu_set_t *)mask);
	return NULL;
}

error *process_apply_memory_policy(const struct oci_linux *lnx)
{
	const struct oci_memory_policy *m = lnx ? &lnx->memory_policy : NULL;
	if (!m || !m->set)
		return NULL;
	unsigned long mask[MASK_WORDS];
	const char *why = NULL;
	if (spec_cpu_list_parse(m->nodes, mask, SPEC_CPU_LIST_MAX, &why) < 0)
		return err_new("linux.memoryPolicy.nodes: invalid node list \"%s\": %s", m->nodes,
			       why);
	bool has_nodes = m->nodes && *m->nodes;
	/* maxnode counts bits, and the kernel reads maxnode - 1 of them. */
	if (syscall(SYS_set_mempolicy, m->mode_value | m->flags_value, has_nodes ? mask : NULL,
		    has_nodes ? (unsigned long)SPEC_CPU_LIST_MAX + 1 : 0UL) < 0)
		return err_errno("linux.memoryPolicy (%s%s%s): set_mempolicy", m->mode,
				 has_nodes ? " " : "", has_nodes ? m->nodes : "");
	return NULL;
}
