/* linux.resources back to JSON, and the merge `update` does: the container's
 * limits live in the config.json copy in its state dir, so an update rewrites
 * linux.resources there and a later update (or anything that re-reads the
 * copy) sees the merged limits. Everything else in that copy is re-emitted
 * unchanged (numbers keep their original text). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "spec/config.h"
#include "spec/json_util.h"

static void gstr(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void gi64(yajl_gen g, const char *key, int64_t v)
{
	gstr(g, key);
	yajl_gen_integer(g, v);
}

/* yajl_gen_integer takes a long long: values above INT64_MAX go as text. */
static void gu64(yajl_gen g, const char *key, uint64_t v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);
	gstr(g, key);
	yajl_gen_number(g, buf, (size_t)n);
}

static void gopt_i64(yajl_gen g, const char *key, opt_i64 v)
{
	if (v.set)
		gi64(g, key, v.value);
}

static void gopt_u64(yajl_gen g, const char *key, opt_u64 v)
{
	if (v.set)
		gu64(g, key, v.value);
}

static void gopt_bool(yajl_gen g, const char *key, opt_bool v)
{
	if (v.set) {
		gstr(g, key);
		yajl_gen_bool(g, v.value);
	}
}

static void gen_devices(yajl_gen g, const struct oci_resources *r)
{
	if (!r->n_devices)
		return;
	gstr(g, "devices");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < r->n_devices; i++) {
		const struct oci_device_cgroup *d = &r->devices[i];
		char type[2] = {d->type ? d->type : 'a', 0};
		yajl_gen_map_open(g);
		gstr(g, "allow");
		yajl_gen_bool(g, d->allow);
		gstr(g, "type");
		gstr(g, type);
		gopt_i64(g, "major", d->major);
		gopt_i64(g, "minor", d->minor);
		if (d->access) {
			gstr(g, "access");
			gstr(g, d->access);
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

static void gen_memory(yajl_gen g, const struct oci_memory *m)
{
	gstr(g, "memory");
	yajl_gen_map_open(g);
	gopt_i64(g, "limit", m->limit);
	gopt_i64(g, "reservation", m->reservation);
	gopt_i64(g, "swap", m->swap);
	gopt_i64(g, "kernel", m->kernel);
	gopt_i64(g, "kernelTCP", m->kernel_tcp);
	gopt_u64(g, "swappiness", m->swappiness);
	gopt_bool(g, "disableOOMKiller", m->disable_oom_killer);
	gopt_bool(g, "useHierarchy", m->use_hierarchy);
	gopt_bool(g, "checkBeforeUpdate", m->check_before_update);
	yajl_gen_map_close(g);
}

static void gen_cpu(yajl_gen g, const struct oci_cpu *c)
{
	gstr(g, "cpu");
	yajl_gen_map_open(g);
	gopt_u64(g, "shares", c->shares);
	gopt_i64(g, "quota", c->quota);
	gopt_u64(g, "burst", c->burst);
	gopt_u64(g, "period", c->period);
	gopt_i64(g, "realtimeRuntime", c->realtime_runtime);
	gopt_u64(g, "realtimePeriod", c->realtime_period);
	if (c->cpus) {
		gstr(g, "cpus");
		gstr(g, c->cpus);
	}
	if (c->mems) {
		gstr(g, "mems");
		gstr(g, c->mems);
	}
	gopt_i64(g, "idle", c->idle);
	yajl_gen_map_close(g);
}

static void gen_bio_devs(yajl_gen g, const char *key, const struct oci_block_io_device *d, size_t n,
			 bool weights)
{
	if (!n)
		return;
	gstr(g, key);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++) {
		yajl_gen_map_open(g);
		gi64(g, "major", d[i].major);
		gi64(g, "minor", d[i].minor);
		if (weights) {
			gopt_u64(g, "weight", d[i].weight);
			gopt_u64(g, "leafWeight", d[i].leaf_weight);
		} else {
			gu64(g, "rate", d[i].rate);
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

static void gen_block_io(yajl_gen g, const struct oci_block_io *b)
{
	gstr(g, "blockIO");
	yajl_gen_map_open(g);
	gopt_u64(g, "weight", b->weight);
	gopt_u64(g, "leafWeight", b->leaf_weight);
	gen_bio_devs(g, "weightDevice", b->weight_device, b->n_weight_device, true);
	gen_bio_devs(g, "throttleReadBpsDevice", b->throttle_read_bps, b->n_throttle_read_bps,
		     false);
	gen_bio_devs(g, "throttleWriteBpsDevice", b->throttle_write_bps, b->n_throttle_write_bps,
		     false);
	gen_bio_devs(g, "throttleReadIOPSDevice", b->throttle_read_iops, b->n_throttle_read_iops,
		     false);
	gen_bio_devs(g, "throttleWriteIOPSDevice", b->throttle_write_iops, b->n_throttle_write_iops,
		     false);
	yajl_gen_map_close(g);
}

static void gen_resources(yajl_gen g, const struct oci_resources *r)
{
	yajl_gen_map_open(g);
	gen_devices(g, r);
	if (r->has_memory)
		gen_memory(g, &r->memory);
	if (r->has_cpu)
		gen_cpu(g, &r->cpu);
	if (r->has_pids) {
		gstr(g, "pids");
		yajl_gen_map_open(g);
		gi64(g, "limit", r->pids_limit);
		yajl_gen_map_close(g);
	}
	if (r->has_block_io)
		gen_block_io(g, &r->block_io);
	if (r->n_hugepage_limits) {
		gstr(g, "hugepageLimits");
		yajl_gen_array_open(g);
		for (size_t i = 0; i < r->n_hugepage_limits; i++) {
			yajl_gen_map_open(g);
			gstr(g, "pageSize");
			gstr(g, r->hugepage_limits[i].page_size);
			gu64(g, "limit", r->hugepage_limits[i].limit);
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
	}
	if (r->net_class_id.set || r->n_net_priorities) {
		gstr(g, "network");
		yajl_gen_map_open(g);
		gopt_u64(g, "classID", r->net_class_id);
		if (r->n_net_priorities) {
			gstr(g, "priorities");
			yajl_gen_array_open(g);
			for (size_t i = 0; i < r->n_net_priorities; i++) {
				yajl_gen_map_open(g);
				gstr(g, "name");
				gstr(g, r->net_priorities[i].name);
				gu64(g, "priority", r->net_priorities[i].priority);
				yajl_gen_map_close(g);
			}
			yajl_gen_array_close(g);
		}
		yajl_gen_map_close(g);
	}
	if (r->n_rdma) {
		gstr(g, "rdma");
		yajl_gen_map_open(g);
		for (size_t i = 0; i < r->n_rdma; i++) {
			gstr(g, r->rdma[i].device);
			yajl_gen_map_open(g);
			gopt_u64(g, "hcaHandles", r->rdma[i].hca_handles);
			gopt_u64(g, "hcaObjects", r->rdma[i].hca_objects);
			yajl_gen_map_close(g);
		}
		yajl_gen_map_close(g);
	}
	if (r->unified.n) {
		gstr(g, "unified");
		yajl_gen_map_open(g);
		for (size_t i = 0; i < r->unified.n; i++) {
			gstr(g, r->unified.keys[i]);
			gstr(g, r->unified.values[i]);
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
}

static char *gen_take(yajl_gen g, size_t *len)
{
	const unsigned char *buf;
	size_t n;
	if (yajl_gen_get_buf(g, &buf, &n) != yajl_gen_status_ok)
		return NULL;
	char *s = malloc(n + 1);
	if (!s)
		return NULL;
	memcpy(s, buf, n);
	s[n] = '\0';
	if (len)
		*len = n;
	return s;
}

char *spec_resources_to_json(const struct oci_resources *r)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	if (!g)
		return NULL;
	gen_resources(g, r);
	char *s = gen_take(g, NULL);
	yajl_gen_free(g);
	return s;
}

/* ---- merge ---- */

/* runc's update treats 0 as "leave unchanged" for these (its flag defaults). */
static void merge_i64_nz(opt_i64 *dst, opt_i64 src)
{
	if (src.set && src.value != 0)
		*dst = src;
}

static void merge_u64_nz(opt_u64 *dst, opt_u64 src)
{
	if (src.set && src.value != 0)
		*dst = src;
}

#define MERGE_SET(dst, src)                                                                        \
	do {                                                                                       \
		if ((src).set)                                                                     \
			(dst) = (src);                                                             \
	} while (0)

static error *dup_str(char **dst, const char *src)
{
	if (!src || !*src)
		return NULL;
	char *s = strdup(src);
	if (!s)
		return err_sys(ENOMEM, "merge resources");
	free(*dst);
	*dst = s;
	return NULL;
}

static error *dup_bio(struct oci_block_io_device **dst, size_t *n_dst,
		      const struct oci_block_io_device *src, size_t n)
{
	if (!n)
		return NULL;
	struct oci_block_io_device *c = malloc(n * sizeof(*c));
	if (!c)
		return err_sys(ENOMEM, "merge resources");
	memcpy(c, src, n * sizeof(*c));
	free(*dst);
	*dst = c;
	*n_dst = n;
	return NULL;
}

static error *merge_unified(struct str_map *dst, const struct str_map *src)
{
	for (size_t i = 0; i < src->n; i++) {
		size_t j = 0;
		while (j < dst->n && strcmp(dst->keys[j], src->keys[i]))
			j++;
		char *v = strdup(src->values[i]);
		if (!v)
			return err_sys(ENOMEM, "merge resources");
		if (j < dst->n) {
			free(dst->values[j]);
			dst->values[j] = v;
			continue;
		}
		char *k = strdup(src->keys[i]);
		char **nk = realloc(dst->keys, (dst->n + 2) * sizeof(char *));
		if (nk)
			dst->keys = nk;
		char **nv = realloc(dst->values, (dst->n + 2) * sizeof(char *));
		if (nv)
			dst->values = nv;
		if (!k || !nk || !nv) {
			free(k);
			free(v);
			return err_sys(ENOMEM, "merge resources");
		}
		dst->keys[dst->n] = k;
		dst->values[dst->n] = v;
		dst->n++;
		dst->keys[dst->n] = NULL;
		dst->values[dst->n] = NULL;
	}
	return NULL;
}

error *spec_resources_merge(struct oci_resources *dst, const struct oci_resources *upd)
{
	error *e;
	if (upd->has_memory) {
		struct oci_memory *d = &dst->memory;
		const struct oci_memory *u = &upd->memory;
		dst->has_memory = true;
		merge_i64_nz(&d->limit, u->limit);
		merge_i64_nz(&d->reservation, u->reservation);
		merge_i64_nz(&d->swap, u->swap);
		merge_i64_nz(&d->kernel, u->kernel);
		merge_i64_nz(&d->kernel_tcp, u->kernel_tcp);
		MERGE_SET(d->swappiness, u->swappiness);
		MERGE_SET(d->disable_oom_killer, u->disable_oom_killer);
		MERGE_SET(d->use_hierarchy, u->use_hierarchy);
		MERGE_SET(d->check_before_update, u->check_before_update);
	}
	if (upd->has_cpu) {
		struct oci_cpu *d = &dst->cpu;
		const struct oci_cpu *u = &upd->cpu;
		dst->has_cpu = true;
		merge_u64_nz(&d->shares, u->shares);
		merge_i64_nz(&d->quota, u->quota);
		MERGE_SET(d->burst, u->burst);
		merge_u64_nz(&d->period, u->period);
		merge_i64_nz(&d->realtime_runtime, u->realtime_runtime);
		merge_u64_nz(&d->realtime_period, u->realtime_period);
		MERGE_SET(d->idle, u->idle);
		if ((e = dup_str(&d->cpus, u->cpus)) || (e = dup_str(&d->mems, u->mems)))
			return e;
	}
	if (upd->has_pids) {
		dst->has_pids = true;
		dst->pids_limit = upd->pids_limit;
	}
	if (upd->has_block_io) {
		struct oci_block_io *d = &dst->block_io;
		const struct oci_block_io *u = &upd->block_io;
		dst->has_block_io = true;
		merge_u64_nz(&d->weight, u->weight);
		merge_u64_nz(&d->leaf_weight, u->leaf_weight);
		if ((e = dup_bio(&d->weight_device, &d->n_weight_device, u->weight_device,
				 u->n_weight_device)) ||
		    (e = dup_bio(&d->throttle_read_bps, &d->n_throttle_read_bps,
				 u->throttle_read_bps, u->n_throttle_read_bps)) ||
		    (e = dup_bio(&d->throttle_write_bps, &d->n_throttle_write_bps,
				 u->throttle_write_bps, u->n_throttle_write_bps)) ||
		    (e = dup_bio(&d->throttle_read_iops, &d->n_throttle_read_iops,
				 u->throttle_read_iops, u->n_throttle_read_iops)) ||
		    (e = dup_bio(&d->throttle_write_iops, &d->n_throttle_write_iops,
				 u->throttle_write_iops, u->n_throttle_write_iops)))
			return e;
	}
	if (upd->n_hugepage_limits) {
		struct oci_hugepage_limit *h = calloc(upd->n_hugepage_limits, sizeof(*h));
		if (!h)
			return err_sys(ENOMEM, "merge resources");
		for (size_t i = 0; i < upd->n_hugepage_limits; i++) {
			h[i].limit = upd->hugepage_limits[i].limit;
			h[i].page_size = strdup(upd->hugepage_limits[i].page_size);
			if (!h[i].page_size) {
				for (size_t j = 0; j < i; j++)
					free(h[j].page_size);
				free(h);
				return err_sys(ENOMEM, "merge resources");
			}
		}
		for (size_t i = 0; i < dst->n_hugepage_limits; i++)
			free(dst->hugepage_limits[i].page_size);
		free(dst->hugepage_limits);
		dst->hugepage_limits = h;
		dst->n_hugepage_limits = upd->n_hugepage_limits;
	}
	/* devices are never updated (runc's SkipDevices); network and rdma are
	 * not cgroup limits `update` changes either. */
	return merge_unified(&dst->unified, &upd->unified);
}

/* ---- rewriting a config with new resources ---- */

static void gen_tree(yajl_gen g, yajl_val v, const struct oci_resources *res, int depth,
		     bool in_linux);

static void gen_object(yajl_gen g, yajl_val v, const struct oci_resources *res, int depth,
		       bool is_linux)
{
	bool wrote_res = false;
	yajl_gen_map_open(g);
	for (size_t i = 0; i < v->u.object.len; i++) {
		const char *k = v->u.object.keys[i];
		gstr(g, k);
		if (is_linux && !strcmp(k, "resources")) {
			gen_resources(g, res);
			wrote_res = true;
			continue;
		}
		gen_tree(g, v->u.object.values[i], res, depth + 1,
			 depth == 0 && !strcmp(k, "linux"));
	}
	if (is_linux && !wrote_res) {
		gstr(g, "resources");
		gen_resources(g, res);
	}
	yajl_gen_map_close(g);
}

static void gen_tree(yajl_gen g, yajl_val v, const struct oci_resources *res, int depth,
		     bool is_linux)
{
	if (!v) {
		yajl_gen_null(g);
	} else if (YAJL_IS_OBJECT(v)) {
		gen_object(g, v, res, depth, is_linux);
	} else if (YAJL_IS_ARRAY(v)) {
		yajl_gen_array_open(g);
		for (size_t i = 0; i < v->u.array.len; i++)
			gen_tree(g, v->u.array.values[i], res, depth + 1, false);
		yajl_gen_array_close(g);
	} else if (YAJL_IS_STRING(v)) {
		gstr(g, v->u.string);
	} else if (YAJL_IS_NUMBER(v)) {
		yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
	} else if (YAJL_IS_TRUE(v)) {
		yajl_gen_bool(g, 1);
	} else if (YAJL_IS_FALSE(v)) {
		yajl_gen_bool(g, 0);
	} else {
		yajl_gen_null(g);
	}
}

error *spec_config_set_resources(const char *json, size_t len, const struct oci_resources *res,
				 char **out, size_t *out_len)
{
	*out = NULL;
	yajl_val tree = NULL;
	error *e = jparse(json, len, &tree);
	if (e)
		return err_wrap(e, "config.json");
	if (!YAJL_IS_OBJECT(tree)) {
		yajl_tree_free(tree);
		return err_kind_new(ERR_BAD_CONFIG, "config.json: expected an object");
	}
	yajl_gen g = yajl_gen_alloc(NULL);
	if (!g) {
		yajl_tree_free(tree);
		return err_sys(ENOMEM, "config.json");
	}
	/* A config without "linux" gets one holding only the resources. */
	bool has_linux = false;
	for (size_t i = 0; i < tree->u.object.len; i++)
		if (!strcmp(tree->u.object.keys[i], "linux") &&
		    YAJL_IS_OBJECT(tree->u.object.values[i]))
			has_linux = true;
	if (has_linux) {
		gen_tree(g, tree, res, 0, false);
	} else {
		yajl_gen_map_open(g);
		for (size_t i = 0; i < tree->u.object.len; i++) {
			if (!strcmp(tree->u.object.keys[i], "linux"))
				continue; /* null */
			gstr(g, tree->u.object.keys[i]);
			gen_tree(g, tree->u.object.values[i], res, 1, false);
		}
		gstr(g, "linux");
		yajl_gen_map_open(g);
		gstr(g, "resources");
		gen_resources(g, res);
		yajl_gen_map_close(g);
		yajl_gen_map_close(g);
	}
	*out = gen_take(g, out_len);
	yajl_gen_free(g);
	yajl_tree_free(tree);
	return *out ? NULL : err_sys(ENOMEM, "config.json");
}
