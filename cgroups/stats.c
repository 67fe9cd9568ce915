/* Resource usage of a container's cgroup for `events`, from the v1 files
 * (cpuacct, cpu, cpuset, memory, pids, blkio, hugetlb) or the v2 ones (cpu.stat,
 * memory.current/max/peak/stat/events, pids.current/max, io.stat), with runc's
 * conversions so that the numbers mean the same on both. The collection goes
 * through a file reader so that the parsing is testable on fixture text. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "common/cleanup.h"
#include "common/util.h"

/* "123\n" -> 123; "max" -> UINT64_MAX (v2 unlimited). */
static bool parse_u64(const char *s, uint64_t *out)
{
	while (*s == ' ' || *s == '\t')
		s++;
	if (!strncmp(s, "max", 3)) {
		*out = UINT64_MAX;
		return true;
	}
	if (!isdigit((unsigned char)*s))
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno)
		return false;
	*out = v;
	return true;
}

static bool read_u64(const struct cgroup_stats_reader *r, const char *ctl, const char *file,
		     uint64_t *out)
{
	_cleanup_free_ char *s = NULL;
	if (r->read(r->ctx, ctl, file, &s))
		return false;
	return parse_u64(s, out);
}

/* "key value" lines: calls fn for each. */
typedef void (*kv_fn)(void *arg, const char *key, uint64_t value);
static bool read_kv(const struct cgroup_stats_reader *r, const char *ctl, const char *file,
		    kv_fn fn, void *arg)
{
	_cleanup_free_ char *s = NULL;
	if (r->read(r->ctx, ctl, file, &s))
		return false;
	for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
		char *sp = strchr(line, ' ');
		uint64_t v;
		if (!sp)
			continue;
		*sp = '\0';
		if (parse_u64(sp + 1, &v))
			fn(arg, line, v);
	}
	return true;
}

struct kv_pick {
	const char *key;
	uint64_t *dst;
};

static void pick_fn(void *arg, const char *key, uint64_t value)
{
	for (struct kv_pick *p = arg; p->key; p++)
		if (!strcmp(p->key, key))
			*p->dst = value;
}

static void raw_fn(void *arg, const char *key, uint64_t value)
{
	struct cgroup_stats *st = arg;
	struct cgroup_kv *nv = realloc(st->mem_raw, (st->n_mem_raw + 1) * sizeof(*nv));
	if (!nv)
		return;
	st->mem_raw = nv;
	char *k = strdup(key);
	if (!k)
		return;
	st->mem_raw[st->n_mem_raw].key = k;
	st->mem_raw[st->n_mem_raw].value = value;
	st->n_mem_raw++;
}

uint64_t cgroup_stats_raw(const struct cgroup_stats *st, const char *key)
{
	for (size_t i = 0; i < st->n_mem_raw; i++)
		if (!strcmp(st->mem_raw[i].key, key))
			return st->mem_raw[i].value;
	return 0;
}

/* Space-separated numbers ("123 456\n") -> array. */
static void read_list(const struct cgroup_stats_reader *r, const char *ctl, const char *file,
		      uint64_t **out, size_t *n)
{
	_cleanup_free_ char *s = NULL;
	if (r->read(r->ctx, ctl, file, &s))
		return;
	for (char *tok = strtok(s, " \n"); tok; tok = strtok(NULL, " \n")) {
		uint64_t v;
		if (!parse_u64(tok, &v))
			continue;
		uint64_t *nv = realloc(*out, (*n + 1) * sizeof(*nv));
		if (!nv)
			return;
		*out = nv;
		(*out)[(*n)++] = v;
	}
}

/* cpuset lists "0-2,5" -> [0,1,2,5]. */
static void read_cpuset_list(const struct cgroup_stats_reader *r, const char *ctl, const char *file,
			     uint16_t **out, size_t *n)
{
	_cleanup_free_ char *s = NULL;
	if (r->read(r->ctx, ctl, file, &s))
		return;
	for (char *tok = strtok(s, ",\n"); tok; tok = strtok(NULL, ",\n")) {
		char *end;
		unsigned long a = strtoul(tok, &end, 10), b = a;
		if (end == tok)
			continue;
		if (*end == '-')
			b = strtoul(end + 1, NULL, 10);
		for (unsigned long i = a; i <= b && i < 65536; i++) {
			uint16_t *nv = realloc(*out, (*n + 1) * sizeof(*nv));
			if (!nv)
				return;
			*out = nv;
			(*out)[(*n)++] = (uint16_t)i;
		}
	}
}

static void blkio_push(struct cgroup_blkio_list *l, uint64_t major, uint64_t minor, const char *op,
		       uint64_t value)
{
	struct cgroup_blkio_entry *nv = realloc(l->e, (l->n + 1) * sizeof(*nv));
	if (!nv)
		return;
	l->e = nv;
	struct cgroup_blkio_entry *e = &l->e[l->n++];
	e->major = major;
	e->minor = minor;
	snprintf(e->op, sizeof(e->op), "%s", op);
	e->value = value;
}

/* v1 blkio files: "8:0 Read 123" (op may be absent: "8:0 123"); "Total N" skipped. */
static bool read_blkio_v1(const struct cgroup_stats_reader *r, const char *file,
			  struct cgroup_blkio_list *l)
{
	_cleanup_free_ char *s = NULL;
	if (r->read(r->ctx, "blkio", file, &s))
		return false;
	for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
		char dev[64], op[32], val[32];
		unsigned long long major, minor, v;
		int k = sscanf(line, "%63s %31s %31s", dev, op, val);
		if (k < 2 || sscanf(dev, "%llu:%llu", &major, &minor) != 2)
			continue;
		if (k == 2) {
			snprintf(val, sizeof(val), "%s", op);
			op[0] = '\0';
		}
		if (sscanf(val, "%llu", &v) != 1)
			continue;
		blkio_push(l, major, minor, op, v);
	}
	return true;
}

static void stats_blkio_v1(const struct cgroup_stats_reader *r, struct cgroup_stats *st)
{
	/* runc's order: CFQ files, then BFQ, then the throttle ones. */
	static const struct {
		const char *prefix;
		const char *files[CG_BLKIO_N];
	} sets[] = {
	    {"blkio.",
	     {"io_service_bytes_recursive", "io_serviced_recursive", "io_queued_recursive",
	      "io_service_time_recursive", "io_wait_time_recursive", "io_merged_recursive",
	      "time_recursive", "sectors_recursive"}},
	    {"blkio.bfq.", {"io_service_bytes_recursive", "io_serviced_recursive"}},
	    {"blkio.throttle.", {"io_service_bytes_recursive", "io_serviced_recursive"}},
	};
	for (size_t s = 0; s < ARRAY_SIZE(sets); s++) {
		_cleanup_free_ char *probe =
		    str_printf("%s%s", sets[s].prefix, sets[s].files[CG_BLKIO_SERVICED]);
		_cleanup_free_ char *txt = NULL;
		if (!probe || r->read(r->ctx, "blkio", probe, &txt))
			continue;
		/* runc skips a set whose serviced file is empty (CFQ on a non-CFQ disk). */
		if (s + 1 < ARRAY_SIZE(sets) && !strchr(txt, ':'))
			continue;
		for (int i = 0; i < CG_BLKIO_N; i++) {
			if (!sets[s].files[i])
				continue;
			_cleanup_free_ char *f =
			    str_printf("%s%s", sets[s].prefix, sets[s].files[i]);
			if (f)
				read_blkio_v1(r, f, &st->blkio[i]);
		}
		return;
	}
}

/* v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0". */
static void stats_io_v2(const struct cgroup_stats_reader *r, struct cgroup_stats *st)
{
	_cleanup_free_ char *s = NULL;
	if (r->read(r->ctx, "io", "io.stat", &s))
		return;
	char *save_line = NULL;
	for (char *line = strtok_r(s, "\n", &save_line); line;
	     line = strtok_r(NULL, "\n", &save_line)) {
		char *save = NULL;
		char *dev = strtok_r(line, " ", &save);
		unsigned long long major, minor;
		if (!dev || sscanf(dev, "%llu:%llu", &major, &minor) != 2)
			continue;
		for (char *kv = strtok_r(NULL, " ", &save); kv; kv = strtok_r(NULL, " ", &save)) {
			char *eq = strchr(kv, '=');
			uint64_t v;
			if (!eq || !parse_u64(eq + 1, &v))
				continue;
			*eq = '\0';
			if (!strcmp(kv, "rbytes"))
				blkio_push(&st->blkio[CG_BLKIO_SERVICE_BYTES], major, minor, "Read",
					   v);
			else if (!strcmp(kv, "wbytes"))
				blkio_push(&st->blkio[CG_BLKIO_SERVICE_BYTES], major, minor,
					   "Write", v);
			else if (!strcmp(kv, "rios"))
				blkio_push(&st->blkio[CG_BLKIO_SERVICED], major, minor, "Read", v);
			else if (!strcmp(kv, "wios"))
				blkio_push(&st->blkio[CG_BLKIO_SERVICED], major, minor, "Write", v);
		}
	}
}

static void mem_data_v1(const struct cgroup_stats_reader *r, const char *prefix,
			struct cgroup_mem_data *d)
{
	char f[96];
	snprintf(f, sizeof(f), "%susage_in_bytes", prefix);
	read_u64(r, "memory", f, &d->usage);
	snprintf(f, sizeof(f), "%smax_usage_in_bytes", prefix);
	read_u64(r, "memory", f, &d->max);
	snprintf(f, sizeof(f), "%sfailcnt", prefix);
	read_u64(r, "memory", f, &d->failcnt);
	snprintf(f, sizeof(f), "%slimit_in_bytes", prefix);
	read_u64(r, "memory", f, &d->limit);
}

static void stats_v1(const struct cgroup_stats_reader *r, struct cgroup_stats *st)
{
	/* cpuacct: nanoseconds; cpuacct.stat is in USER_HZ ticks. */
	read_u64(r, "cpuacct", "cpuacct.usage", &st->cpu_total);
	read_list(r, "cpuacct", "cpuacct.usage_percpu", &st->percpu, &st->n_percpu);
	read_list(r, "cpuacct", "cpuacct.usage_percpu_sys", &st->percpu_kernel,
		  &st->n_percpu_kernel);
	read_list(r, "cpuacct", "cpuacct.usage_percpu_user", &st->percpu_user, &st->n_percpu_user);
	uint64_t user = 0, sys = 0;
	struct kv_pick cpuacct[] = {{"user", &user}, {"system", &sys}, {NULL, NULL}};
	read_kv(r, "cpuacct", "cpuacct.stat", pick_fn, cpuacct);
	long hz = sysconf(_SC_CLK_TCK);
	if (hz <= 0)
		hz = 100;
	st->cpu_user = user * (1000000000ULL / (uint64_t)hz);
	st->cpu_kernel = sys * (1000000000ULL / (uint64_t)hz);
	struct kv_pick thr[] = {{"nr_periods", &st->cpu_periods},
				{"nr_throttled", &st->cpu_throttled_periods},
				{"throttled_time", &st->cpu_throttled_time},
				{NULL, NULL}};
	read_kv(r, "cpu", "cpu.stat", pick_fn, thr);

	st->has_cpuset = true;
	read_cpuset_list(r, "cpuset", "cpuset.cpus", &st->cpus, &st->n_cpus);
	read_cpuset_list(r, "cpuset", "cpuset.mems", &st->mems, &st->n_mems);
	static const char *const flags[CG_CPUSET_NFLAGS] = {
	    "cpuset.cpu_exclusive",	      "cpuset.mem_hardwall",
	    "cpuset.mem_exclusive",	      "cpuset.memory_migrate",
	    "cpuset.memory_spread_page",      "cpuset.memory_spread_slab",
	    "cpuset.memory_pressure",	      "cpuset.sched_load_balance",
	    "cpuset.sched_relax_domain_level"};
	for (int i = 0; i < CG_CPUSET_NFLAGS; i++) {
		_cleanup_free_ char *s = NULL;
		if (!r->read(r->ctx, "cpuset", flags[i], &s))
			st->cpuset_flags[i] = strtoll(s, NULL, 10);
	}

	read_kv(r, "memory", "memory.stat", raw_fn, st);
	st->mem_cache = cgroup_stats_raw(st, "cache");
	mem_data_v1(r, "memory.", &st->mem_usage);
	mem_data_v1(r, "memory.memsw.", &st->mem_swap);
	mem_data_v1(r, "memory.kmem.", &st->mem_kernel);
	mem_data_v1(r, "memory.kmem.tcp.", &st->mem_kernel_tcp);
	struct kv_pick oom[] = {{"oom_kill", &st->oom_kill}, {NULL, NULL}};
	read_kv(r, "memory", "memory.oom_control", pick_fn, oom);

	read_u64(r, "pids", "pids.current", &st->pids_current);
	if (read_u64(r, "pids", "pids.max", &st->pids_limit) && st->pids_limit == UINT64_MAX)
		st->pids_limit = 0; /* "max": runc reports 0, no limit */

	stats_blkio_v1(r, st);
}

static void stats_v2(const struct cgroup_stats_reader *r, struct cgroup_stats *st)
{
	/* cpu.stat is in microseconds; runc reports nanoseconds. */
	uint64_t usage = 0, user = 0, sys = 0, thr = 0;
	struct kv_pick cpu[] = {{"usage_usec", &usage},
				{"user_usec", &user},
				{"system_usec", &sys},
				{"nr_periods", &st->cpu_periods},
				{"nr_throttled", &st->cpu_throttled_periods},
				{"throttled_usec", &thr},
				{NULL, NULL}};
	read_kv(r, "cpu", "cpu.stat", pick_fn, cpu);
	st->cpu_total = usage * 1000;
	st->cpu_user = user * 1000;
	st->cpu_kernel = sys * 1000;
	st->cpu_throttled_time = thr * 1000;

	st->has_cpuset = true;
	read_cpuset_list(r, "cpuset", "cpuset.cpus.effective", &st->cpus, &st->n_cpus);
	read_cpuset_list(r, "cpuset", "cpuset.mems.effective", &st->mems, &st->n_mems);

	read_kv(r, "memory", "memory.stat", raw_fn, st);
	st->mem_cache = cgroup_stats_raw(st, "file");
	read_u64(r, "memory", "memory.current", &st->mem_usage.usage);
	read_u64(r, "memory", "memory.max", &st->mem_usage.limit);
	read_u64(r, "memory", "memory.peak", &st->mem_usage.max);
	struct kv_pick ev[] = {
	    {"max", &st->mem_usage.failcnt}, {"oom_kill", &st->oom_kill}, {NULL, NULL}};
	read_kv(r, "memory", "memory.events", pick_fn, ev);
	read_u64(r, "memory", "memory.swap.current", &st->mem_swap.usage);
	read_u64(r, "memory", "memory.swap.max", &st->mem_swap.limit);
	read_u64(r, "memory", "memory.swap.peak", &st->mem_swap.max);
	/* v1 reports memory+swap as "swap"; runc does the same on v2. */
	st->mem_swap.usage += st->mem_usage.usage;
	if (st->mem_swap.limit != UINT64_MAX)
		st->mem_swap.limit += st->mem_usage.limit;

	read_u64(r, "pids", "pids.current", &st->pids_current);
	if (read_u64(r, "pids", "pids.max", &st->pids_limit) && st->pids_limit == UINT64_MAX)
		st->pids_limit = 0;

	stats_io_v2(r, st);
}

/* hugetlb.<size>.* for the page sizes the host has (/sys/kernel/mm/hugepages). */
static void stats_hugetlb(const struct cgroup_stats_reader *r, bool v2, char *const *sizes,
			  struct cgroup_stats *st)
{
	for (size_t i = 0; sizes && sizes[i]; i++) {
		struct cgroup_hugetlb_stat h = {0};
		char f[96];
		snprintf(f, sizeof(f), v2 ? "hugetlb.%s.current" : "hugetlb.%s.usage_in_bytes",
			 sizes[i]);
		if (!read_u64(r, "hugetlb", f, &h.usage))
			continue;
		if (v2) {
			struct kv_pick ev[] = {{"max", &h.failcnt}, {NULL, NULL}};
			snprintf(f, sizeof(f), "hugetlb.%s.events", sizes[i]);
			read_kv(r, "hugetlb", f, pick_fn, ev);
		} else {
			snprintf(f, sizeof(f), "hugetlb.%s.max_usage_in_bytes", sizes[i]);
			read_u64(r, "hugetlb", f, &h.max);
			snprintf(f, sizeof(f), "hugetlb.%s.failcnt", sizes[i]);
			read_u64(r, "hugetlb", f, &h.failcnt);
		}
		h.page_size = strdup(sizes[i]);
		struct cgroup_hugetlb_stat *nv =
		    realloc(st->hugetlb, (st->n_hugetlb + 1) * sizeof(*nv));
		if (!h.page_size || !nv) {
			free(h.page_size);
			if (nv)
				st->hugetlb = nv;
			continue;
		}
		st->hugetlb = nv;
		st->hugetlb[st->n_hugetlb++] = h;
	}
}

void cgroup_stats_collect(const struct cgroup_stats_reader *r, bool v2, char *const *hugepage_sizes,
			  struct cgroup_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->v2 = v2;
	if (v2)
		stats_v2(r, out);
	else
		stats_v1(r, out);
	stats_hugetlb(r, v2, hugepage_sizes, out);
}

void cgroup_stats_free(struct cgroup_stats *st)
{
	free(st->percpu);
	free(st->percpu_kernel);
	free(st->percpu_user);
	free(st->cpus);
	free(st->mems);
	for (size_t i = 0; i < st->n_mem_raw; i++)
		free(st->mem_raw[i].key);
	free(st->mem_raw);
	for (int i = 0; i < CG_BLKIO_N; i++)
		free(st->blkio[i].e);
	for (size_t i = 0; i < st->n_hugetlb; i++)
		free(st->hugetlb[i].page_size);
	free(st->hugetlb);
	memset(st, 0, sizeof(*st));
}

/* ---- the real reader ---- */

static int real_read(void *ctx, const char *controller, const char *file, char **out)
{
	const struct cgroup *cg = ctx;
	const struct cg_hier *h =
	    cg->layout == CGROUP_LAYOUT_V2 ? cg_find_v2(cg) : cg_find_v1(cg, controller);
	if (!h)
		return ENOENT;
	_cleanup_free_ char *dir = cg_dir(h);
	if (!dir)
		return ENOMEM;
	return cg_read(dir, file, out);
}

/* "hugepages-2048kB" -> "2MB", the names the hugetlb files use. */
static char **host_hugepage_sizes(void)
{
	char **v = NULL;
	DIR *d = opendir("/sys/kernel/mm/hugepages");
	if (!d)
		return NULL;
	struct dirent *de;
	while ((de = readdir(d))) {
		unsigned long kb;
		if (sscanf(de->d_name, "hugepages-%lukB", &kb) != 1)
			continue;
		char buf[32];
		if (kb >= 1024 * 1024 && kb % (1024 * 1024) == 0)
			snprintf(buf, sizeof(buf), "%luGB", kb / (1024 * 1024));
		else if (kb >= 1024 && kb % 1024 == 0)
			snprintf(buf, sizeof(buf), "%luMB", kb / 1024);
		else
			snprintf(buf, sizeof(buf), "%luKB", kb);
		if (strv_push(&v, buf) < 0)
			break;
	}
	closedir(d);
	return v;
}

error *cgroup_stats(const struct cgroup *cg, struct cgroup_stats *out)
{
	struct cgroup_stats_reader r = {.read = real_read, .ctx = (void *)cg};
	_cleanup_strv_ char **sizes = host_hugepage_sizes();
	cgroup_stats_collect(&r, cg->layout == CGROUP_LAYOUT_V2, sizes, out);
	return NULL;
}
