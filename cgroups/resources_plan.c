/* linux.resources -> the list of cgroup file writes, for v1 and v2, with
 * runc's mappings and conversions. Pure: the host is only consulted when the
 * plan is applied (apply.c), through the flags on each entry. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/cgroups.h"
#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"

#define F(...) str_printf(__VA_ARGS__)
#define R      "linux.resources."

void cgroup_plan_free(struct cgroup_plan *p)
{
	for (size_t i = 0; p && i < p->n; i++) {
		free(p->w[i].file);
		free(p->w[i].value);
		free(p->w[i].field);
	}
	if (p) {
		free(p->w);
		p->w = NULL;
		p->n = 0;
	}
}

/* Takes ownership of field, file and value (any may be NULL on ENOMEM). */
static error *add(struct cgroup_plan *p, unsigned flags, const char *ctrl, char *field, char *file,
		  char *value)
{
	struct cgroup_write *nw =
	    field && file && value ? realloc(p->w, (p->n + 1) * sizeof(*nw)) : NULL;
	if (!nw) {
		free(field);
		free(file);
		free(value);
		return err_sys(ENOMEM, "linux.resources");
	}
	p->w = nw;
	p->w[p->n++] = (struct cgroup_write){ctrl, file, value, field, flags};
	return NULL;
}

#define ADD(flags, ctrl, field, file, ...)                                                         \
	do {                                                                                       \
		error *e_ = add(p, (flags), (ctrl), strdup(field), strdup(file), F(__VA_ARGS__));  \
		if (e_)                                                                            \
			return e_;                                                                 \
	} while (0)
/* value already malloc'd, owned by the plan. */
#define ADDV(flags, ctrl, field, file, value)                                                      \
	do {                                                                                       \
		error *e_ = add(p, (flags), (ctrl), strdup(field), strdup(file), (value));         \
		if (e_)                                                                            \
			return e_;                                                                 \
	} while (0)
#define ADDF(flags, ctrl, field, file, ...)                                                        \
	do {                                                                                       \
		error *e_ = add(p, (flags), (ctrl), (field), (file), F(__VA_ARGS__));              \
		if (e_)                                                                            \
			return e_;                                                                 \
	} while (0)

static int64_t opt_or0(opt_i64 o)
{
	return o.set ? o.value : 0;
}

/* runc numToStr for v2: 0 unset, -1 "max". */
static char *v2_num(int64_t v)
{
	return v == -1 ? strdup("max") : F("%" PRId64, v);
}

/* ---- shared pieces ---- */

/* pids.limit: negative is unlimited; 0 is a real limit (runc 1.4+, spec 1.2.1). */
static char *pids_value(int64_t limit)
{
	return limit < 0 ? strdup("max") : F("%" PRId64, limit);
}

static void dev_num(char *buf, size_t len, opt_i64 v)
{
	if (!v.set || v.value < 0)
		snprintf(buf, len, "*");
	else
		snprintf(buf, len, "%" PRId64, v.value);
}

static error *plan_devices_v1(const struct oci_resources *r, struct cgroup_plan *p)
{
	if (r->n_devices == 0)
		return NULL;
	/* Start from deny-all so that the rules alone decide, as runc does. */
	ADD(0, "devices", R "devices", "devices.deny", "a");
	for (size_t i = 0; i < r->n_devices; i++) {
		const struct oci_device_cgroup *d = &r->devices[i];
		char maj[24], min[24];
		dev_num(maj, sizeof(maj), d->major);
		dev_num(min, sizeof(min), d->minor);
		const char *acc = d->access && *d->access ? d->access : "rwm";
		char type = d->type ? d->type : 'a';
		if (type != 'a' && type != 'b' && type != 'c')
			return err_new(R "devices[%zu].type: must be a, b or c, got %c", i, type);
		if (strspn(acc, "rwm") != strlen(acc))
			return err_new(R "devices[%zu].access: must be a subset of rwm, got %s", i,
				       acc);
		ADDF(0, "devices", F(R "devices[%zu]", i),
		     strdup(d->allow ? "devices.allow" : "devices.deny"), "%c %s:%s %s", type, maj,
		     min, acc);
	}
	return NULL;
}

static error *plan_rdma(const struct oci_resources *r, struct cgroup_plan *p)
{
	for (size_t i = 0; i < r->n_rdma; i++) {
		const struct oci_rdma_limit *l = &r->rdma[i];
		char h[48] = "", o[48] = "";
		if (l->hca_handles.set)
			snprintf(h, sizeof(h), " hca_handle=%" PRIu64, l->hca_handles.value);
		if (l->hca_objects.set)
			snprintf(o, sizeof(o), " hca_object=%" PRIu64, l->hca_objects.value);
		if (!*h && !*o)
			continue;
		ADDF(0, "rdma", F(R "rdma.%s", l->device), strdup("rdma.max"), "%s%s%s", l->device,
		     h, o);
	}
	return NULL;
}

static error *plan_hugetlb(const struct oci_resources *r, bool v2, struct cgroup_plan *p)
{
	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		const struct oci_hugepage_limit *l = &r->hugepage_limits[i];
		if (!l->page_size || !*l->page_size || strchr(l->page_size, '/'))
			return err_new(R "hugepageLimits[%zu].pageSize: invalid", i);
		const char *suffix = v2 ? "max" : "limit_in_bytes";
		ADDF(0, "hugetlb", F(R "hugepageLimits[%zu]", i),
		     F("hugetlb.%s.%s", l->page_size, suffix), "%" PRIu64, l->limit);
		/* Reservations are accounted separately where the kernel has them. */
		ADDF(CGW_IF_EXISTS, "hugetlb", F(R "hugepageLimits[%zu]", i),
		     F("hugetlb.%s.rsvd.%s", l->page_size, suffix), "%" PRIu64, l->limit);
	}
	return NULL;
}

static unsigned check_usage(const struct oci_memory *m, int64_t limit)
{
	return m->check_before_update.set && m->check_before_update.value && limit > 0
		   ? CGW_CHECK_USAGE
		   : 0;
}

/* ---- v1 ---- */

static error *plan_v1(const struct oci_resources *r, bool skip_devices, struct cgroup_plan *p)
{
	if (r->unified.n > 0)
		return err_new(R "unified: not supported on cgroup v1");
	const struct oci_cpu *c = &r->cpu;
	if (r->has_cpu && c->cpus && *c->cpus)
		ADD(0, "cpuset", R "cpu.cpus", "cpuset.cpus", "%s", c->cpus);
	if (r->has_cpu && c->mems && *c->mems)
		ADD(0, "cpuset", R "cpu.mems", "cpuset.mems", "%s", c->mems);

	if (!skip_devices) {
		error *e = plan_devices_v1(r, p);
		if (e)
			return e;
	}

	if (r->has_memory) {
		const struct oci_memory *m = &r->memory;
		int64_t limit = opt_or0(m->limit), swap = opt_or0(m->swap);
		unsigned swap_flags = 0;
		/* Unlimited memory without a swap value means unlimited swap too,
		 * where the kernel accounts swap at all. */
		if (limit == -1 && swap == 0) {
			swap = -1;
			swap_flags = CGW_IF_EXISTS;
		}
		if (limit != 0)
			ADD((swap != 0 ? CGW_SWAP_ORDER : 0) | check_usage(m, limit), "memory",
			    R "memory.limit", "memory.limit_in_bytes", "%" PRId64, limit);
		if (swap != 0)
			ADD(swap_flags, "memory", R "memory.swap", "memory.memsw.limit_in_bytes",
			    "%" PRId64, swap);
		if (opt_or0(m->kernel) != 0)
			log_warn(R
				 "memory.kernel: kernel memory limits are deprecated and ignored");
		if (opt_or0(m->kernel_tcp) != 0)
			ADD(0, "memory", R "memory.kernelTCP", "memory.kmem.tcp.limit_in_bytes",
			    "%" PRId64, m->kernel_tcp.value);
		if (opt_or0(m->reservation) != 0)
			ADD(0, "memory", R "memory.reservation", "memory.soft_limit_in_bytes",
			    "%" PRId64, m->reservation.value);
		if (m->disable_oom_killer.set && m->disable_oom_killer.value)
			ADD(0, "memory", R "memory.disableOOMKiller", "memory.oom_control", "1");
		if (m->swappiness.set && (int64_t)m->swappiness.value != -1) {
			if (m->swappiness.value > 100)
				return err_new(R "memory.swappiness: %" PRIu64
						 " is out of range (0-100)",
					       m->swappiness.value);
			ADD(0, "memory", R "memory.swappiness", "memory.swappiness", "%" PRIu64,
			    m->swappiness.value);
		}
	}

	if (r->has_cpu) {
		if (c->shares.set && c->shares.value)
			ADD(0, "cpu", R "cpu.shares", "cpu.shares", "%" PRIu64, c->shares.value);
		int64_t quota = opt_or0(c->quota);
		if (c->period.set && c->period.value)
			/* A shorter period can be refused until the quota shrinks too. */
			ADD(quota ? CGW_RETRY_AFTER_NEXT : 0, "cpu", R "cpu.period",
			    "cpu.cfs_period_us", "%" PRIu64, c->period.value);
		if (quota)
			ADD(0, "cpu", R "cpu.quota", "cpu.cfs_quota_us", "%" PRId64, quota);
		if (c->burst.set)
			ADD(0, "cpu", R "cpu.burst", "cpu.cfs_burst_us", "%" PRIu64,
			    c->burst.value);
		if (c->realtime_period.set && c->realtime_period.value)
			ADD(0, "cpu", R "cpu.realtimePeriod", "cpu.rt_period_us", "%" PRIu64,
			    c->realtime_period.value);
		if (opt_or0(c->realtime_runtime))
			ADD(0, "cpu", R "cpu.realtimeRuntime", "cpu.rt_runtime_us", "%" PRId64,
			    c->realtime_runtime.value);
		if (c->idle.set)
			ADD(0, "cpu", R "cpu.idle", "cpu.idle", "%" PRId64, c->idle.value);
	}

	if (r->has_pids)
		ADDV(0, "pids", R "pids.limit", "pids.max", pids_value(r->pids_limit));

	if (r->has_block_io) {
		const struct oci_block_io *b = &r->block_io;
		/* Kernels with BFQ only have the blkio.bfq.* weight files. */
		if (b->weight.set && b->weight.value) {
			ADD(CGW_IF_EXISTS, "blkio", R "blockIO.weight", "blkio.weight", "%" PRIu64,
			    b->weight.value);
			ADD(CGW_IF_PREV_SKIPPED, "blkio", R "blockIO.weight", "blkio.bfq.weight",
			    "%" PRIu64, b->weight.value);
		}
		if (b->leaf_weight.set && b->leaf_weight.value)
			ADD(0, "blkio", R "blockIO.leafWeight", "blkio.leaf_weight", "%" PRIu64,
			    b->leaf_weight.value);
		for (size_t i = 0; i < b->n_weight_device; i++) {
			const struct oci_block_io_device *d = &b->weight_device[i];
			if (d->weight.set && d->weight.value) {
				ADDF(CGW_IF_EXISTS, "blkio", F(R "blockIO.weightDevice[%zu]", i),
				     strdup("blkio.weight_device"),
				     "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
				     d->weight.value);
				ADDF(CGW_IF_PREV_SKIPPED, "blkio",
				     F(R "blockIO.weightDevice[%zu]", i),
				     strdup("blkio.bfq.weight_device"),
				     "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
				     d->weight.value);
			}
			if (d->leaf_weight.set && d->leaf_weight.value)
				ADDF(0, "blkio", F(R "blockIO.weightDevice[%zu]", i),
				     strdup("blkio.leaf_weight_device"),
				     "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
				     d->leaf_weight.value);
		}
		const struct {
			const struct oci_block_io_device *d;
			size_t n;
			const char *field, *file;
		} thr[] = {
		    {b->throttle_read_bps, b->n_throttle_read_bps, "throttleReadBpsDevice",
		     "blkio.throttle.read_bps_device"},
		    {b->throttle_write_bps, b->n_throttle_write_bps, "throttleWriteBpsDevice",
		     "blkio.throttle.write_bps_device"},
		    {b->throttle_read_iops, b->n_throttle_read_iops, "throttleReadIOPSDevice",
		     "blkio.throttle.read_iops_device"},
		    {b->throttle_write_iops, b->n_throttle_write_iops, "throttleWriteIOPSDevice",
		     "blkio.throttle.write_iops_device"},
		};
		for (size_t t = 0; t < ARRAY_SIZE(thr); t++)
			for (size_t i = 0; i < thr[t].n; i++)
				ADDF(0, "blkio", F(R "blockIO.%s[%zu]", thr[t].field, i),
				     strdup(thr[t].file), "%" PRId64 ":%" PRId64 " %" PRIu64,
				     thr[t].d[i].major, thr[t].d[i].minor, thr[t].d[i].rate);
	}

	error *e = plan_hugetlb(r, false, p);
	if (e)
		return e;
	if (r->net_class_id.set && r->net_class_id.value)
		ADD(0, "net_cls", R "network.classID", "net_cls.classid", "%" PRIu64,
		    r->net_class_id.value);
	for (size_t i = 0; i < r->n_net_priorities; i++)
		ADDF(0, "net_prio", F(R "network.priorities[%zu]", i), strdup("net_prio.ifpriomap"),
		     "%s %" PRIu32, r->net_priorities[i].name, r->net_priorities[i].priority);
	return plan_rdma(r, p);
}

/* ---- v2 ---- */

/* runc ConvertCPUSharesToCgroupV2Value: [2, 262144] -> [1, 10000]. */
uint64_t cg_shares_to_weight(uint64_t shares)
{
	if (shares == 0)
		return 0;
	return 1 + ((shares - 2) * 9999) / 262142;
}

/* runc ConvertBlkIOToIOWeightValue: [10, 1000] -> [1, 10000]. */
uint64_t cg_blkio_to_io_weight(uint64_t w)
{
	if (w == 0)
		return 0;
	return 1 + (w - 10) * 9999 / 990;
}

/* runc ConvertMemorySwapToCgroupV2Value: v1's memory+swap to v2's swap only. */
error *cg_swap_v2(int64_t swap, int64_t mem, int64_t *out)
{
	if (mem == -1 && swap == 0) {
		*out = -1;
		return NULL;
	}
	if (swap == -1 || swap == 0) {
		*out = swap;
		return NULL;
	}
	if (mem == 0 || mem == -1)
		return err_new(R "memory.swap: unable to set swap limit without a memory limit");
	if (mem < 0)
		return err_new(R "memory.limit: invalid value %" PRId64, mem);
	if (swap < mem)
		return err_new(R "memory.swap: memory+swap limit (%" PRId64
				 ") should be >= memory limit (%" PRId64 ")",
			       swap, mem);
	*out = swap - mem;
	return NULL;
}

static error *plan_v2(const struct oci_resources *r, struct cgroup_plan *p)
{
	if (r->has_pids)
		ADDV(0, "pids", R "pids.limit", "pids.max", pids_value(r->pids_limit));

	if (r->has_memory) {
		const struct oci_memory *m = &r->memory;
		int64_t limit = opt_or0(m->limit), swap = opt_or0(m->swap), v2swap = 0;
		error *e = cg_swap_v2(swap, limit, &v2swap);
		if (e)
			return e;
		/* swap == limit means no swap at all: "0" must then be written. */
		if (v2swap != 0 || swap > 0)
			ADDV(v2swap == -1 || v2swap == 0 ? CGW_IF_EXISTS : 0, "memory",
			     R "memory.swap", "memory.swap.max", v2_num(v2swap));
		if (limit != 0)
			ADDV(check_usage(m, limit), "memory", R "memory.limit", "memory.max",
			     v2_num(limit));
		if (opt_or0(m->reservation) != 0)
			ADDV(0, "memory", R "memory.reservation", "memory.low",
			     v2_num(m->reservation.value));
		if (opt_or0(m->kernel) != 0 || opt_or0(m->kernel_tcp) != 0)
			log_warn(R "memory.kernel/kernelTCP: not supported on cgroup v2, ignored");
	}

	if (r->has_block_io) {
		const struct oci_block_io *b = &r->block_io;
		if (b->weight.set && b->weight.value) {
			ADD(CGW_IF_EXISTS, "io", R "blockIO.weight", "io.bfq.weight", "%" PRIu64,
			    b->weight.value);
			ADD(CGW_IF_PREV_SKIPPED, "io", R "blockIO.weight", "io.weight", "%" PRIu64,
			    cg_blkio_to_io_weight(b->weight.value));
		}
		for (size_t i = 0; i < b->n_weight_device; i++) {
			const struct oci_block_io_device *d = &b->weight_device[i];
			if (d->weight.set && d->weight.value)
				ADDF(CGW_IF_EXISTS, "io", F(R "blockIO.weightDevice[%zu]", i),
				     strdup("io.bfq.weight"), "%" PRId64 ":%" PRId64 " %" PRIu64,
				     d->major, d->minor, d->weight.value);
		}
		const struct {
			const struct oci_block_io_device *d;
			size_t n;
			const char *field, *key;
		} thr[] = {
		    {b->throttle_read_bps, b->n_throttle_read_bps, "throttleReadBpsDevice", "rbps"},
		    {b->throttle_write_bps, b->n_throttle_write_bps, "throttleWriteBpsDevice",
		     "wbps"},
		    {b->throttle_read_iops, b->n_throttle_read_iops, "throttleReadIOPSDevice",
		     "riops"},
		    {b->throttle_write_iops, b->n_throttle_write_iops, "throttleWriteIOPSDevice",
		     "wiops"},
		};
		for (size_t t = 0; t < ARRAY_SIZE(thr); t++)
			for (size_t i = 0; i < thr[t].n; i++)
				ADDF(0, "io", F(R "blockIO.%s[%zu]", thr[t].field, i),
				     strdup("io.max"), "%" PRId64 ":%" PRId64 " %s=%" PRIu64,
				     thr[t].d[i].major, thr[t].d[i].minor, thr[t].key,
				     thr[t].d[i].rate);
	}

	if (r->has_cpu) {
		const struct oci_cpu *c = &r->cpu;
		if (opt_or0(c->realtime_runtime) ||
		    (c->realtime_period.set && c->realtime_period.value))
			return err_new(R "cpu.realtimeRuntime/realtimePeriod: not supported on "
					 "cgroup v2");
		if (c->idle.set)
			ADD(0, "cpu", R "cpu.idle", "cpu.idle", "%" PRId64, c->idle.value);
		if (c->shares.set && c->shares.value)
			ADD(0, "cpu", R "cpu.shares", "cpu.weight", "%" PRIu64,
			    cg_shares_to_weight(c->shares.value));
		int64_t quota = opt_or0(c->quota);
		uint64_t period = c->period.set ? c->period.value : 0;
		if (quota != 0 || period != 0) {
			char q[32] = "max", per[32] = "";
			if (quota > 0)
				snprintf(q, sizeof(q), "%" PRId64, quota);
			if (period)
				snprintf(per, sizeof(per), " %" PRIu64, period);
			ADD(0, "cpu", quota ? R "cpu.quota" : R "cpu.period", "cpu.max", "%s%s", q,
			    per);
		}
		if (c->burst.set)
			ADD(0, "cpu", R "cpu.burst", "cpu.max.burst", "%" PRIu64, c->burst.value);
		if (c->cpus && *c->cpus)
			ADD(0, "cpuset", R "cpu.cpus", "cpuset.cpus", "%s", c->cpus);
		if (c->mems && *c->mems)
			ADD(0, "cpuset", R "cpu.mems", "cpuset.mems", "%s", c->mems);
	}

	error *e = plan_hugetlb(r, true, p);
	if (!e)
		e = plan_rdma(r, p);
	if (e)
		return e;
	if ((r->net_class_id.set && r->net_class_id.value) || r->n_net_priorities)
		log_debug(R "network: net_cls/net_prio do not exist on cgroup v2, ignored");

	/* Written last so that they override the mapped values, as runc does. */
	for (size_t i = 0; i < r->unified.n; i++) {
		const char *k = r->unified.keys[i];
		if (!*k || strchr(k, '/') || k[0] == '.' || !strchr(k, '.'))
			return err_new(R "unified.%s: not a cgroup file name", k);
		ADDF(0, "unified", F(R "unified.%s", k), strdup(k), "%s", r->unified.values[i]);
	}
	return NULL;
}

error *cgroup_plan_resources(const struct oci_resources *res, bool v2, bool skip_devices,
			     struct cgroup_plan *out)
{
	struct cgroup_plan p = {0};
	if (!res) {
		*out = p;
		return NULL;
	}
	error *e = v2 ? plan_v2(res, &p) : plan_v1(res, skip_devices, &p);
	if (e) {
		cgroup_plan_free(&p);
		return e;
	}
	*out = p;
	return NULL;
}

char *cgroup_plan_format(const struct cgroup_plan *plan)
{
	size_t cap = 1;
	for (size_t i = 0; i < plan->n; i++)
		cap += strlen(plan->w[i].file) + strlen(plan->w[i].value) +
		       strlen(plan->w[i].field) + 8;
	char *buf = malloc(cap);
	if (!buf)
		return NULL;
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < plan->n; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s %s (%s)\n", plan->w[i].file,
					plan->w[i].value, plan->w[i].field);
	return buf;
}
