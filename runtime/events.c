/* events: the container's cgroup statistics and OOM notifications as JSON
 * lines in runc's envelope ({"type":"stats","id":ID,"data":{...}} with the
 * field names of runc's types/events.go, and {"type":"oom","id":ID}). The
 * state lock is held only while the container is looked up, never while
 * streaming, so other commands on it are not blocked. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgroups/cgroups.h"
#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"
#include "runtime/container.h"
#include "runtime/state/container_status.h"
#include "spec/go_json.h"

/* ---- the stats document (Go's encoding/json of runc's types.Stats) ---- */

struct jw {
	FILE *f;
	bool first;
};

static void key(struct jw *w, const char *k)
{
	if (!w->first)
		fputc(',', w->f);
	w->first = false;
	go_json_quote(w->f, k);
	fputc(':', w->f);
}

static void open_obj(struct jw *w, const char *k)
{
	key(w, k);
	fputc('{', w->f);
	w->first = true;
}

static void close_obj(struct jw *w)
{
	fputc('}', w->f);
	w->first = false;
}

static void u64(struct jw *w, const char *k, uint64_t v)
{
	key(w, k);
	fprintf(w->f, "%" PRIu64, v);
}

/* `json:",omitempty"` */
static void u64_oe(struct jw *w, const char *k, uint64_t v)
{
	if (v)
		u64(w, k, v);
}

static void u64_list_oe(struct jw *w, const char *k, const uint64_t *v, size_t n)
{
	if (!n)
		return;
	key(w, k);
	fputc('[', w->f);
	for (size_t i = 0; i < n; i++)
		fprintf(w->f, "%s%" PRIu64, i ? "," : "", v[i]);
	fputc(']', w->f);
}

static void u16_list_oe(struct jw *w, const char *k, const uint16_t *v, size_t n)
{
	if (!n)
		return;
	key(w, k);
	fputc('[', w->f);
	for (size_t i = 0; i < n; i++)
		fprintf(w->f, "%s%u", i ? "," : "", (unsigned)v[i]);
	fputc(']', w->f);
}

static void mem_entry(struct jw *w, const char *k, const struct cgroup_mem_data *d)
{
	open_obj(w, k);
	u64(w, "limit", d->limit);
	u64_oe(w, "usage", d->usage);
	u64_oe(w, "max", d->max);
	u64(w, "failcnt", d->failcnt);
	close_obj(w);
}

static int cmp_kv(const void *a, const void *b)
{
	return strcmp(((const struct cgroup_kv *)a)->key, ((const struct cgroup_kv *)b)->key);
}

static int cmp_huge(const void *a, const void *b)
{
	return strcmp(((const struct cgroup_hugetlb_stat *)a)->page_size,
		      ((const struct cgroup_hugetlb_stat *)b)->page_size);
}

static void write_cpu(struct jw *w, const struct cgroup_stats *st)
{
	open_obj(w, "cpu");
	open_obj(w, "usage");
	u64_oe(w, "total", st->cpu_total);
	u64_list_oe(w, "percpu", st->percpu, st->n_percpu);
	u64_list_oe(w, "percpu_kernel", st->percpu_kernel, st->n_percpu_kernel);
	u64_list_oe(w, "percpu_user", st->percpu_user, st->n_percpu_user);
	u64(w, "kernel", st->cpu_kernel);
	u64(w, "user", st->cpu_user);
	close_obj(w);
	open_obj(w, "throttling");
	u64_oe(w, "periods", st->cpu_periods);
	u64_oe(w, "throttledPeriods", st->cpu_throttled_periods);
	u64_oe(w, "throttledTime", st->cpu_throttled_time);
	close_obj(w);
	close_obj(w);

	static const char *const flags[CG_CPUSET_NFLAGS] = {
	    "cpu_exclusive",   "mem_hardwall",	     "mem_exclusive",
	    "memory_migrate",  "memory_spread_page", "memory_spread_slab",
	    "memory_pressure", "sched_load_balance", "sched_relax_domain_level"};
	open_obj(w, "cpuset");
	u16_list_oe(w, "cpus", st->cpus, st->n_cpus);
	key(w, flags[0]);
	fprintf(w->f, "%" PRId64, st->cpuset_flags[0]);
	u16_list_oe(w, "mems", st->mems, st->n_mems);
	for (int i = 1; i < CG_CPUSET_NFLAGS; i++) {
		key(w, flags[i]);
		fprintf(w->f, "%" PRId64, st->cpuset_flags[i]);
	}
	close_obj(w);
}

static void write_memory(struct jw *w, const struct cgroup_stats *st)
{
	open_obj(w, "memory");
	u64_oe(w, "cache", st->mem_cache);
	mem_entry(w, "usage", &st->mem_usage);
	mem_entry(w, "swap", &st->mem_swap);
	mem_entry(w, "kernel", &st->mem_kernel);
	mem_entry(w, "kernelTCP", &st->mem_kernel_tcp);
	if (st->n_mem_raw) {
		struct cgroup_kv *sorted = malloc(st->n_mem_raw * sizeof(*sorted));
		if (sorted) {
			memcpy(sorted, st->mem_raw, st->n_mem_raw * sizeof(*sorted));
			qsort(sorted, st->n_mem_raw, sizeof(*sorted), cmp_kv);
			open_obj(w, "raw");
			for (size_t i = 0; i < st->n_mem_raw; i++)
				u64(w, sorted[i].key, sorted[i].value);
			close_obj(w);
			free(sorted);
		}
	}
	close_obj(w);
}

static void write_blkio(struct jw *w, const struct cgroup_stats *st)
{
	static const char *const names[CG_BLKIO_N] = {
	    "ioServiceBytesRecursive", "ioServicedRecursive", "ioQueueRecursive",
	    "ioServiceTimeRecursive",  "ioWaitTimeRecursive", "ioMergedRecursive",
	    "ioTimeRecursive",	       "sectorsRecursive"};
	open_obj(w, "blkio");
	for (int i = 0; i < CG_BLKIO_N; i++) {
		const struct cgroup_blkio_list *l = &st->blkio[i];
		if (!l->n)
			continue;
		key(w, names[i]);
		fputc('[', w->f);
		for (size_t j = 0; j < l->n; j++) {
			if (j)
				fputc(',', w->f);
			fputc('{', w->f);
			w->first = true;
			u64_oe(w, "major", l->e[j].major);
			u64_oe(w, "minor", l->e[j].minor);
			if (l->e[j].op[0]) {
				key(w, "op");
				go_json_quote(w->f, l->e[j].op);
			}
			u64_oe(w, "value", l->e[j].value);
			fputc('}', w->f);
		}
		fputc(']', w->f);
		w->first = false;
	}
	close_obj(w);
}

char *events_stats_json(const char *id, const struct cgroup_stats *st)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	struct jw w = {f, true};
	fputs("{\"type\":\"stats\",\"id\":", f);
	go_json_quote(f, id);
	fputs(",\"data\":{", f);
	write_cpu(&w, st);
	write_memory(&w, st);
	open_obj(&w, "pids");
	u64_oe(&w, "current", st->pids_current);
	u64_oe(&w, "limit", st->pids_limit);
	close_obj(&w);
	write_blkio(&w, st);
	open_obj(&w, "hugetlb");
	struct cgroup_hugetlb_stat *h = NULL;
	if (st->n_hugetlb && (h = malloc(st->n_hugetlb * sizeof(*h)))) {
		memcpy(h, st->hugetlb, st->n_hugetlb * sizeof(*h));
		qsort(h, st->n_hugetlb, sizeof(*h), cmp_huge);
		for (size_t i = 0; i < st->n_hugetlb; i++) {
			open_obj(&w, h[i].page_size);
			u64_oe(&w, "usage", h[i].usage);
			u64_oe(&w, "max", h[i].max);
			u64(&w, "failcnt", h[i].failcnt);
			close_obj(&w);
		}
		free(h);
	}
	close_obj(&w);
	open_obj(&w, "intel_rdt");
	close_obj(&w);
	fputs(",\"network_interfaces\":null}}", f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ---- the loop ---- */

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static error *emit_stats(const struct cgroup *cg, const char *id, events_sink sink, void *arg)
{
	struct cgroup_stats st;
	error *e = cgroup_stats(cg, &st);
	if (e)
		return e;
	_cleanup_free_ char *json = events_stats_json(id, &st);
	cgroup_stats_free(&st);
	if (!json)
		return err_sys(ENOMEM, "stats");
	return sink(arg, json);
}

static error *emit_oom(const char *id, events_sink sink, void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return err_sys(ENOMEM, "event");
	fputs("{\"type\":\"oom\",\"id\":", f);
	go_json_quote(f, id);
	fputc('}', f);
	fclose(f);
	_cleanup_free_ char *json = buf;
	return json ? sink(arg, json) : err_sys(ENOMEM, "event");
}

/* The longest a stopped container goes unnoticed while streaming. */
#define LIVENESS_MS 200L

error *container_events(const struct runtime_ctx *rt, const char *id, const struct events_opts *o,
			events_sink sink, void *arg)
{
	struct loaded_container c;
	error *e = container_load(rt, id, &c);
	if (e)
		return e;
	if (c.status == CONTAINER_STOPPED) {
		e = err_kind_new(ERR_BAD_STATE, "container with id %s is not running", id);
		container_unload(&c);
		return e;
	}
	pid_t pid = c.st.pid;
	uint64_t start = c.st.pid_start_time;
	_cleanup_free_ char *cg_saved = c.st.cgroup ? strdup(c.st.cgroup) : NULL;
	container_unload(&c);
	if (!cg_saved)
		return err_new("container %s: no cgroup", id);
	struct cgroup *cg = NULL;
	if ((e = cgroup_load(cg_saved, &cg)))
		return e;
	if (o->stats_once) {
		e = emit_stats(cg, id, sink, arg);
		cgroup_free(cg);
		return e;
	}
	struct cgroup_oom *oom = NULL;
	error *we = cgroup_oom_watch(cg, &oom);
	if (we) {
		log_debug("events: no OOM notifications: %s", err_msg(we));
		err_free(we);
	}
	long next = now_ms() + o->interval_ms;
	while (!e) {
		long left = next - now_ms();
		if (left <= 0) {
			if (!state_pid_alive(pid, start))
				break;
			e = emit_stats(cg, id, sink, arg);
			next += o->interval_ms;
			continue;
		}
		struct pollfd p = {.fd = oom ? cgroup_oom_fd(oom) : -1, .events = POLLIN};
		int r = poll(&p, 1, (int)(left < LIVENESS_MS ? left : LIVENESS_MS));
		if (r < 0 && errno != EINTR) {
			e = err_errno("events: poll");
			break;
		}
		if (r > 0 && (p.revents & POLLIN)) {
			uint64_t n = 0;
			e = cgroup_oom_take(oom, &n);
			if (!e && n)
				e = emit_oom(id, sink, arg);
		}
		/* OOM notifications are read before noticing that init died, so
		 * an OOM that killed it is still reported. */
		if (!e && r == 0 && !state_pid_alive(pid, start))
			break;
	}
	cgroup_oom_free(oom);
	cgroup_free(cg);
	return e;
}
