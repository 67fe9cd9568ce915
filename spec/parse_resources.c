/* linux.resources (also the lone document of `update --resources`). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "spec/json_util.h"

static error *parse_device_rule(const struct jpath *p, yajl_val v, void *elem)
{
	struct oci_device_cgroup *d = elem;
	error *e = jobject(p, v);
	if (e)
		return e;
	struct jpath ap = JKEY(p, "allow");
	if (!jget(v, "allow"))
		return jerr(&ap, "missing");
	_cleanup_free_ char *type = NULL;
	if ((e = jget_bool(p, v, "allow", &d->allow)) || (e = jget_string(p, v, "type", &type)) ||
	    (e = jget_opt_i64(p, v, "major", &d->major)) ||
	    (e = jget_opt_i64(p, v, "minor", &d->minor)) ||
	    (e = jget_string(p, v, "access", &d->access)))
		return e;
	d->type = 'a';
	if (type && *type) {
		if (strcmp(type, "a") && strcmp(type, "c") && strcmp(type, "b")) {
			struct jpath tp = JKEY(p, "type");
			return jerr(&tp, "unknown device type \"%s\" (want a, b or c)", type);
		}
		d->type = type[0];
	}
	if (d->access) {
		for (const char *c = d->access; *c; c++) {
			if (*c != 'r' && *c != 'w' && *c != 'm') {
				struct jpath acp = JKEY(p, "access");
				return jerr(&acp,
					    "invalid access \"%s\" (want a subset of \"rwm\")",
					    d->access);
			}
		}
	}
	return NULL;
}

static error *parse_memory(const struct jpath *p, yajl_val v, struct oci_memory *m)
{
	error *e = jobject(p, v);
	if (!e)
		e = jget_opt_i64(p, v, "limit", &m->limit);
	if (!e)
		e = jget_opt_i64(p, v, "reservation", &m->reservation);
	if (!e)
		e = jget_opt_i64(p, v, "swap", &m->swap);
	if (!e)
		e = jget_opt_i64(p, v, "kernel", &m->kernel);
	if (!e)
		e = jget_opt_i64(p, v, "kernelTCP", &m->kernel_tcp);
	if (!e)
		e = jget_opt_u64(p, v, "swappiness", UINT64_MAX, &m->swappiness);
	if (!e)
		e = jget_opt_bool(p, v, "disableOOMKiller", &m->disable_oom_killer);
	if (!e)
		e = jget_opt_bool(p, v, "useHierarchy", &m->use_hierarchy);
	if (!e)
		e = jget_opt_bool(p, v, "checkBeforeUpdate", &m->check_before_update);
	/* Accounting is hierarchical on every kernel isorun runs on (v2, and v1
	 * since 5.x cannot turn it off): true is what happens anyway, false
	 * cannot be had. */
	if (!e && m->use_hierarchy.set && !m->use_hierarchy.value) {
		struct jpath hp = JKEY(p, "useHierarchy");
		return jerr(&hp, "false is not supported: the kernel accounts memory "
				 "hierarchically");
	}
	return e;
}

static error *parse_cpu(const struct jpath *p, yajl_val v, struct oci_cpu *c)
{
	error *e = jobject(p, v);
	if (!e)
		e = jget_opt_u64(p, v, "shares", UINT64_MAX, &c->shares);
	if (!e)
		e = jget_opt_i64(p, v, "quota", &c->quota);
	if (!e)
		e = jget_opt_u64(p, v, "burst", UINT64_MAX, &c->burst);
	if (!e)
		e = jget_opt_u64(p, v, "period", UINT64_MAX, &c->period);
	if (!e)
		e = jget_opt_i64(p, v, "realtimeRuntime", &c->realtime_runtime);
	if (!e)
		e = jget_opt_u64(p, v, "realtimePeriod", UINT64_MAX, &c->realtime_period);
	if (!e)
		e = jget_string(p, v, "cpus", &c->cpus);
	if (!e)
		e = jget_string(p, v, "mems", &c->mems);
	if (!e)
		e = jget_opt_i64(p, v, "idle", &c->idle);
	return e;
}

static error *parse_major_minor(const struct jpath *p, yajl_val v, struct oci_block_io_device *d)
{
	error *e = jobject(p, v);
	if (!e)
		e = jget_i64(p, v, "major", &d->major);
	if (!e)
		e = jget_i64(p, v, "minor", &d->minor);
	return e;
}

static error *parse_weight_device(const struct jpath *p, yajl_val v, void *elem)
{
	struct oci_block_io_device *d = elem;
	error *e = parse_major_minor(p, v, d);
	if (!e)
		e = jget_opt_u64(p, v, "weight", UINT16_MAX, &d->weight);
	if (!e)
		e = jget_opt_u64(p, v, "leafWeight", UINT16_MAX, &d->leaf_weight);
	return e;
}

static error *parse_throttle_device(const struct jpath *p, yajl_val v, void *elem)
{
	struct oci_block_io_device *d = elem;
	error *e = parse_major_minor(p, v, d);
	if (!e)
		e = jget_u64(p, v, "rate", &d->rate);
	return e;
}

static error *parse_block_io(const struct jpath *p, yajl_val v, struct oci_block_io *b)
{
	const size_t sz = sizeof(struct oci_block_io_device);
	error *e = jobject(p, v);
	if (!e)
		e = jget_opt_u64(p, v, "weight", UINT16_MAX, &b->weight);
	if (!e)
		e = jget_opt_u64(p, v, "leafWeight", UINT16_MAX, &b->leaf_weight);
	if (!e)
		e = jget_array(p, v, "weightDevice", sz, parse_weight_device,
			       (void **)&b->weight_device, &b->n_weight_device);
	if (!e)
		e = jget_array(p, v, "throttleReadBpsDevice", sz, parse_throttle_device,
			       (void **)&b->throttle_read_bps, &b->n_throttle_read_bps);
	if (!e)
		e = jget_array(p, v, "throttleWriteBpsDevice", sz, parse_throttle_device,
			       (void **)&b->throttle_write_bps, &b->n_throttle_write_bps);
	if (!e)
		e = jget_array(p, v, "throttleReadIOPSDevice", sz, parse_throttle_device,
			       (void **)&b->throttle_read_iops, &b->n_throttle_read_iops);
	if (!e)
		e = jget_array(p, v, "throttleWriteIOPSDevice", sz, parse_throttle_device,
			       (void **)&b->throttle_write_iops, &b->n_throttle_write_iops);
	return e;
}

static error *parse_hugepage_limit(const struct jpath *p, yajl_val v, void *elem)
{
	struct oci_hugepage_limit *h = elem;
	error *e = jobject(p, v);
	if (!e)
		e = jget_string_req(p, v, "pageSize", &h->page_size);
	if (!e)
		e = jget_u64(p, v, "limit", &h->limit);
	return e;
}

static error *parse_net_priority(const struct jpath *p, yajl_val v, void *elem)
{
	struct oci_net_priority *np = elem;
	error *e = jobject(p, v);
	if (!e)
		e = jget_string_req(p, v, "name", &np->name);
	if (!e)
		e = jget_u32(p, v, "priority", &np->priority);
	return e;
}

static error *parse_rdma(const struct jpath *p, yajl_val v, struct oci_resources *r)
{
	error *e = jobject(p, v);
	if (e || v->u.object.len == 0)
		return e;
	r->rdma = calloc(v->u.object.len, sizeof(*r->rdma));
	if (!r->rdma)
		return err_sys(ENOMEM, "config");
	for (size_t i = 0; i < v->u.object.len; i++) {
		struct oci_rdma_limit *l = &r->rdma[r->n_rdma++];
		struct jpath dp = JKEY(p, v->u.object.keys[i]);
		yajl_val d = v->u.object.values[i];
		l->device = strdup(v->u.object.keys[i]);
		if (!l->device)
			return err_sys(ENOMEM, "config");
		if ((e = jobject(&dp, d)) ||
		    (e = jget_opt_u64(&dp, d, "hcaHandles", UINT32_MAX, &l->hca_handles)) ||
		    (e = jget_opt_u64(&dp, d, "hcaObjects", UINT32_MAX, &l->hca_objects)))
			return e;
	}
	return NULL;
}

error *spec_parse_resources_obj(const struct jpath *p, yajl_val v, struct oci_resources *r)
{
	error *e = jobject(p, v);
	if (e)
		return e;
	if ((e = jget_array(p, v, "devices", sizeof(*r->devices), parse_device_rule,
			    (void **)&r->devices, &r->n_devices)))
		return e;
	yajl_val sub;
	if ((sub = jget(v, "memory"))) {
		struct jpath sp = JKEY(p, "memory");
		if ((e = parse_memory(&sp, sub, &r->memory)))
			return e;
		r->has_memory = true;
	}
	if ((sub = jget(v, "cpu"))) {
		struct jpath sp = JKEY(p, "cpu");
		if ((e = parse_cpu(&sp, sub, &r->cpu)))
			return e;
		r->has_cpu = true;
	}
	if ((sub = jget(v, "pids"))) {
		struct jpath sp = JKEY(p, "pids");
		if ((e = jobject(&sp, sub)))
			return e;
		opt_i64 limit = {0};
		if ((e = jget_opt_i64(&sp, sub, "limit", &limit)))
			return e;
		r->has_pids = limit.set;
		r->pids_limit = limit.value;
	}
	if ((sub = jget(v, "blockIO"))) {
		struct jpath sp = JKEY(p, "blockIO");
		if ((e = parse_block_io(&sp, sub, &r->block_io)))
			return e;
		r->has_block_io = true;
	}
	if ((e = jget_array(p, v, "hugepageLimits", sizeof(*r->hugepage_limits),
			    parse_hugepage_limit, (void **)&r->hugepage_limits,
			    &r->n_hugepage_limits)))
		return e;
	if ((sub = jget(v, "network"))) {
		struct jpath sp = JKEY(p, "network");
		if ((e = jobject(&sp, sub)) ||
		    (e = jget_opt_u64(&sp, sub, "classID", UINT32_MAX, &r->net_class_id)) ||
		    (e = jget_array(&sp, sub, "priorities", sizeof(*r->net_priorities),
				    parse_net_priority, (void **)&r->net_priorities,
				    &r->n_net_priorities)))
			return e;
	}
	if ((sub = jget(v, "rdma"))) {
		struct jpath sp = JKEY(p, "rdma");
		if ((e = parse_rdma(&sp, sub, r)))
			return e;
	}
	return jget_str_map(p, v, "unified", &r->unified);
}

error *spec_parse_resources(const char *json, size_t len, const char *name,
			    struct oci_resources **out)
{
	*out = NULL;
	yajl_val tree = NULL;
	error *e = jparse(json, len, &tree);
	if (e)
		return err_wrap(e, "%s", name);
	struct oci_resources *r = calloc(1, sizeof(*r));
	if (!r) {
		yajl_tree_free(tree);
		return err_sys(ENOMEM, "%s", name);
	}
	struct jpath root = JROOT;
	e = spec_parse_resources_obj(&root, tree, r);
	yajl_tree_free(tree);
	if (e) {
		spec_resources_free(r);
		return err_wrap(e, "%s", name);
	}
	*out = r;
	return NULL;
}
