/* config.json "linux": namespaces, id maps, devices, and the sub-objects
 * parsed by parse_resources.c and parse_seccomp.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "spec/json_util.h"

static const char *const ns_names[OCI_NS_COUNT] = {
    [OCI_NS_PID] = "pid",	[OCI_NS_NETWORK] = "network", [OCI_NS_MOUNT] = "mount",
    [OCI_NS_IPC] = "ipc",	[OCI_NS_UTS] = "uts",	      [OCI_NS_USER] = "user",
    [OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
};

const char *spec_ns_name(enum oci_ns_type t)
{
	if ((unsigned)t >= OCI_NS_COUNT)
		return "unknown";
	return ns_names[t];
}

static const char *const propagations[] = {
    "shared", "slave", "private", "unbindable", "rshared", "rslave", "rprivate", "runbindable",
};

static error *parse_namespace(const struct jpath *p, yajl_val v, void *elem)
{
	struct oci_namespace *ns = elem;
	_cleanup_free_ char *type = NULL;
	error *e = jobject(p, v);
	if (!e)
		e = jget_string_req(p, v, "type", &type);
	if (!e)
		e = jget_string(p, v, "path", &ns->path);
	if (e)
		return e;
	size_t t = 0;
	while (t < OCI_NS_COUNT && strcmp(ns_names[t], type) != 0)
		t++;
	if (t == OCI_NS_COUNT) {
		struct jpath tp = JKEY(p, "type");
		return jerr(&tp, "unknown namespace type \"%s\"", type);
	}
	ns->type = (enum oci_ns_type)t;
	if (ns->path && !*ns->path) {
		/* "" means "create one", as in runc. */
		free(ns->path);
		ns->path = NULL;
	}
	if (ns->path && ns->path[0] != '/') {
		struct jpath pp = JKEY(p, "path");
		return jerr(&pp, "must be an absolute path");
	}
	return NULL;
}

static error *parse_device(const struct jpath *p, yajl_val v, void *elem)
{
	struct oci_device *d = elem;
	_cleanup_free_ char *type = NULL;
	error *e = jobject(p, v);
	if (!e)
		e = jget_string_req(p, v, "path", &d->path);
	if (!e)
		e = jget_string_req(p, v, "type", &type);
	if (!e)
		e = jget_i64(p, v, "major", &d->major);
	if (!e)
		e = jget_i64(p, v, "minor", &d->minor);
	if (!e)
		e = jget_opt_u64(p, v, "fileMode", UINT32_MAX, &d->file_mode);
	if (!e)
		e = jget_opt_u64(p, v, "uid", UINT32_MAX, &d->uid);
	if (!e)
		e = jget_opt_u64(p, v, "gid", UINT32_MAX, &d->gid);
	if (e)
		return e;
	if (d->path[0] != '/') {
		struct jpath pp = JKEY(p, "path");
		return jerr(&pp, "must be an absolute path");
	}
	if (strlen(type) != 1 || !strchr("cbup", type[0])) {
		struct jpath tp = JKEY(p, "type");
		return jerr(&tp, "unknown device type \"%s\" (want c, b, u or p)", type);
	}
	d->type = type[0];
	if (d->type != 'p' && (!jget(v, "major") || !jget(v, "minor"))) {
		struct jpath mp = JKEY(p, jget(v, "major") ? "minor" : "major");
		return jerr(&mp, "missing (required for device type '%c')", d->type);
	}
	return NULL;
}

static error *parse_time_offsets(const struct jpath *p, yajl_val v, struct oci_linux *l)
{
	error *e = jobject(p, v);
	if (e || v->u.object.len == 0)
		return e;
	l->time_offsets = calloc(v->u.object.len, sizeof(*l->time_offsets));
	if (!l->time_offsets)
		return err_sys(ENOMEM, "config");
	for (size_t i = 0; i < v->u.object.len; i++) {
		const char *clock = v->u.object.keys[i];
		jnote(v, clock);
		struct jpath cp = JKEY(p, clock);
		yajl_val o = v->u.object.values[i];
		if (strcmp(clock, "monotonic") != 0 && strcmp(clock, "boottime") != 0)
			return jerr(&cp, "unknown clock (want monotonic or boottime)");
		struct oci_time_offset *t = &l->time_offsets[l->n_time_offsets++];
		t->clock = strdup(clock);
		if (!t->clock)
			return err_sys(ENOMEM, "config");
		if ((e = jobject(&cp, o)) || (e = jget_i64(&cp, o, "secs", &t->secs)) ||
		    (e = jget_u32(&cp, o, "nanosecs", &t->nanosecs)))
			return e;
		if (t->nanosecs >= 1000000000u) {
			struct jpath np = JKEY(&cp, "nanosecs");
			return jerr(&np, "must be less than 1000000000");
		}
	}
	return NULL;
}

static error *parse_personality(const struct jpath *p, yajl_val v, struct oci_personality *pers)
{
	error *e = jobject(p, v);
	if (!e)
		e = jget_string_req(p, v, "domain", &pers->domain);
	if (!e)
		e = jget_strv(p, v, "flags", &pers->flags);
	if (e)
		return e;
	if (strcmp(pers->domain, "LINUX") != 0 && strcmp(pers->domain, "LINUX32") != 0) {
		struct jpath dp = JKEY(p, "domain");
		return jerr(&dp, "unknown personality domain \"%s\"", pers->domain);
	}
	pers->set = true;
	return NULL;
}

/* linux/mempolicy.h; spelled out because glibc ships no numaif.h and these
 * numbers are the kernel ABI. */
static const struct {
	const char *name;
	int value;
	bool needs_nodes, takes_nodes;
} mpol_modes[] = {
    {"MPOL_DEFAULT", 0, false, false},
    {"MPOL_PREFERRED", 1, false, true},
    {"MPOL_BIND", 2, true, true},
    {"MPOL_INTERLEAVE", 3, true, true},
    {"MPOL_LOCAL", 4, false, false},
    {"MPOL_PREFERRED_MANY", 5, true, true},
    {"MPOL_WEIGHTED_INTERLEAVE", 6, true, true},
};

#define MPOL_F_NUMA_BALANCING (1 << 13)
#define MPOL_F_RELATIVE_NODES (1 << 14)
#define MPOL_F_STATIC_NODES   (1 << 15)

static const struct {
	const char *name;
	int value;
} mpol_flags[] = {
    {"MPOL_F_NUMA_BALANCING", MPOL_F_NUMA_BALANCING},
    {"MPOL_F_RELATIVE_NODES", MPOL_F_RELATIVE_NODES},
    {"MPOL_F_STATIC_NODES", MPOL_F_STATIC_NODES},
};

const char *const *spec_memory_policy_modes(size_t *n)
{
	static const char *names[ARRAY_SIZE(mpol_modes)];
	for (size_t i = 0; i < ARRAY_SIZE(mpol_modes); i++)
		names[i] = mpol_modes[i].name;
	*n = ARRAY_SIZE(mpol_modes);
	return names;
}

const char *const *spec_memory_policy_flags(size_t *n)
{
	static const char *names[ARRAY_SIZE(mpol_flags)];
	for (size_t i = 0; i < ARRAY_SIZE(mpol_flags); i++)
		names[i] = mpol_flags[i].name;
	*n = ARRAY_SIZE(mpol_flags);
	return names;
}

/* The combinations set_mempolicy(2) refuses with a bare EINVAL are refused
 * here with the field that is wrong. */
static error *parse_memory_policy(const struct jpath *p, yajl_val v, struct oci_memory_policy *m)
{
	error *e = jobject(p, v);
	if (!e)
		e = jget_string_req(p, v, "mode", &m->mode);
	if (!e)
		e = jget_string(p, v, "nodes", &m->nodes);
	if (!e)
		e = jget_strv(p, v, "flags", &m->flags);
	if (e)
		return e;
	struct jpath mp = JKEY(p, "mode"), np = JKEY(p, "nodes"), fp = JKEY(p, "flags");
	size_t mi = 0;
	while (mi < ARRAY_SIZE(mpol_modes) && strcmp(mpol_modes[mi].name, m->mode) != 0)
		mi++;
	if (mi == ARRAY_SIZE(mpol_modes))
		return jerr(&mp, "unknown mode \"%s\"", m->mode);
	m->mode_value = mpol_modes[mi].value;
	for (size_t i = 0; m->flags && m->flags[i]; i++) {
		size_t fi = 0;
		while (fi < ARRAY_SIZE(mpol_flags) && strcmp(mpol_flags[fi].name, m->flags[i]) != 0)
			fi++;
		if (fi == ARRAY_SIZE(mpol_flags)) {
			struct jpath ip = JIDX(&fp, i);
			return jerr(&ip, "unknown flag \"%s\"", m->flags[i]);
		}
		m->flags_value |= mpol_flags[fi].value;
	}
	unsigned long mask[SPEC_CPU_LIST_MAX / (8 * sizeof(unsigned long))];
	const char *why = NULL;
	if (m->nodes && spec_cpu_list_parse(m->nodes, mask, SPEC_CPU_LIST_MAX, &why) < 0)
		return jerr(&np, "invalid node list \"%s\": %s", m->nodes, why);
	bool has_nodes = m->nodes && *m->nodes;
	if (mpol_modes[mi].needs_nodes && !has_nodes)
		return jerr(&np, "required for mode %s", m->mode);
	if (!mpol_modes[mi].takes_nodes && has_nodes)
		return jerr(&np, "must be empty for mode %s", m->mode);
	if ((m->flags_value & MPOL_F_STATIC_NODES) && (m->flags_value & MPOL_F_RELATIVE_NODES))
		return jerr(&fp,
			    "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other");
	if ((m->flags_value & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)) &&
	    !mpol_modes[mi].takes_nodes)
		return jerr(&fp, "node flags do not apply to mode %s", m->mode);
	if ((m->flags_value & MPOL_F_NUMA_BALANCING) && m->mode_value != 2 && m->mode_value != 5)
		return jerr(&fp,
			    "MPOL_F_NUMA_BALANCING needs mode MPOL_BIND or MPOL_PREFERRED_MANY");
	m->set = true;
	return NULL;
}

/* dev_valid_name() of the kernel: what an interface may be called. */
static bool ifname_valid(const char *n)
{
	if (!*n || strlen(n) >= 16 || !strcmp(n, ".") || !strcmp(n, ".."))
		return false;
	for (const char *c = n; *c; c++)
		if (*c == '/' || *c == ':' || *c == ' ' || (*c >= '\t' && *c <= '\r'))
			return false;
	return true;
}

static error *parse_net_devices(const struct jpath *p, yajl_val v, struct oci_linux *l)
{
	error *e = jobject(p, v);
	if (e || v->u.object.len == 0)
		return e;
	l->net_devices = calloc(v->u.object.len, sizeof(*l->net_devices));
	if (!l->net_devices)
		return err_sys(ENOMEM, "config");
	for (size_t i = 0; i < v->u.object.len; i++) {
		const char *host = v->u.object.keys[i];
		struct jpath dp = JKEY(p, host);
		yajl_val o = v->u.object.values[i];
		struct oci_net_device *d = &l->net_devices[l->n_net_devices++];
		if (!(d->host_name = strdup(host)))
			return err_sys(ENOMEM, "config");
		if ((e = jobject(&dp, o)) || (e = jget_string(&dp, o, "name", &d->name)))
			return e;
		if (!ifname_valid(host) || strchr(host, '%'))
			return jerr(&dp, "invalid interface name");
		if (d->name && !*d->name) {
			free(d->name);
			d->name = NULL;
		}
		if (d->name && !ifname_valid(d->name)) {
			struct jpath np = JKEY(&dp, "name");
			return jerr(&np, "invalid interface name \"%s\"", d->name);
		}
		/* Two devices may not end up with one name (a %d template aside). */
		const char *want = d->name ? d->name : d->host_name;
		for (size_t j = 0; j + 1 < l->n_net_devices; j++) {
			const struct oci_net_device *o2 = &l->net_devices[j];
			if (!strchr(want, '%') &&
			    !strcmp(want, o2->name ? o2->name : o2->host_name))
				return jerr(&dp, "name \"%s\" is given to two devices", want);
		}
	}
	return NULL;
}

/* linux.intelRdt. Whether the host has resctrl is a question for create
 * (runtime/intel_rdt.c), not for the parser. */
static error *parse_intel_rdt(const struct jpath *p, yajl_val v, struct oci_intel_rdt *r)
{
	bool cmt = false, mbm = false;
	error *e = jobject(p, v);
	if (!e)
		e = jget_string(p, v, "closID", &r->clos_id);
	if (!e)
		e = jget_string(p, v, "l3CacheSchema", &r->l3_cache_schema);
	if (!e)
		e = jget_string(p, v, "memBwSchema", &r->mem_bw_schema);
	if (!e)
		e = jget_strv(p, v, "schemata", &r->schemata);
	if (!e)
		e = jget_bool(p, v, "enableMonitoring", &r->enable_monitoring);
	/* runtime-spec 1.2 had two flags for what 1.3 calls monitoring: both
	 * meant "a mon_groups entry for the container". */
	if (!e)
		e = jget_bool(p, v, "enableCMT", &cmt);
	if (!e)
		e = jget_bool(p, v, "enableMBM", &mbm);
	if (e)
		return e;
	r->enable_monitoring = r->enable_monitoring || cmt || mbm;
	if (r->clos_id && (!*r->clos_id || strchr(r->clos_id, '/') || !strcmp(r->clos_id, ".") ||
			   !strcmp(r->clos_id, ".."))) {
		struct jpath cp = JKEY(p, "closID");
		return jerr(&cp, "\"%s\" is not a valid resctrl group name", r->clos_id);
	}
	for (size_t i = 0; r->schemata && r->schemata[i]; i++) {
		if (strchr(r->schemata[i], '\n')) {
			struct jpath sp = JKEY(p, "schemata"), ip = JIDX(&sp, i);
			return jerr(&ip, "must be a single line");
		}
	}
	r->set = true;
	return NULL;
}

/* Namespaces must be unique; a new user namespace needs id maps and id maps
 * need a user namespace (the kernel has nowhere else to put them). */
static error *check_namespaces(const struct jpath *p, const struct oci_linux *l)
{
	struct jpath np = JKEY(p, "namespaces");
	bool seen[OCI_NS_COUNT] = {false};
	const struct oci_namespace *user = NULL;
	for (size_t i = 0; i < l->n_namespaces; i++) {
		enum oci_ns_type t = l->namespaces[i].type;
		if (seen[t]) {
			struct jpath ip = JIDX(&np, i);
			return jerr(&ip, "duplicate namespace type \"%s\"", ns_names[t]);
		}
		seen[t] = true;
		if (t == OCI_NS_USER)
			user = &l->namespaces[i];
	}
	bool has_maps = l->n_uid_mappings || l->n_gid_mappings;
	if (user && !user->path && (!l->n_uid_mappings || !l->n_gid_mappings)) {
		struct jpath mp = JKEY(p, l->n_uid_mappings ? "gidMappings" : "uidMappings");
		return jerr(&mp, "must be set when a new user namespace is created");
	}
	if (!user && has_maps) {
		struct jpath mp = JKEY(p, l->n_uid_mappings ? "uidMappings" : "gidMappings");
		return jerr(&mp, "set, but no user namespace is requested in linux.namespaces");
	}
	return NULL;
}

error *spec_parse_linux_obj(const struct jpath *p, yajl_val v, struct oci_linux *l)
{
	error *e = jobject(p, v);
	if (e)
		return e;
	if ((e = jget_array(p, v, "namespaces", sizeof(*l->namespaces), parse_namespace,
			    (void **)&l->namespaces, &l->n_namespaces)) ||
	    (e = jget_id_mappings(p, v, "uidMappings", &l->uid_mappings, &l->n_uid_mappings)) ||
	    (e = jget_id_mappings(p, v, "gidMappings", &l->gid_mappings, &l->n_gid_mappings)) ||
	    (e = check_namespaces(p, l)))
		return e;
	yajl_val sub;
	if ((sub = jget(v, "timeOffsets"))) {
		struct jpath sp = JKEY(p, "timeOffsets");
		if ((e = parse_time_offsets(&sp, sub, l)))
			return e;
	}
	if ((e = jget_array(p, v, "devices", sizeof(*l->devices), parse_device,
			    (void **)&l->devices, &l->n_devices)) ||
	    (e = jget_string(p, v, "cgroupsPath", &l->cgroups_path)))
		return e;
	if ((sub = jget(v, "resources"))) {
		struct jpath sp = JKEY(p, "resources");
		if ((e = spec_parse_resources_obj(&sp, sub, &l->resources)))
			return e;
		l->has_resources = true;
	}
	if ((e = jget_string(p, v, "rootfsPropagation", &l->rootfs_propagation)))
		return e;
	if (l->rootfs_propagation && *l->rootfs_propagation) {
		bool ok = false;
		for (size_t i = 0; i < ARRAY_SIZE(propagations); i++)
			ok = ok || strcmp(propagations[i], l->rootfs_propagation) == 0;
		if (!ok) {
			struct jpath rp = JKEY(p, "rootfsPropagation");
			return jerr(&rp, "unknown propagation \"%s\"", l->rootfs_propagation);
		}
	}
	if ((sub = jget(v, "seccomp"))) {
		struct jpath sp = JKEY(p, "seccomp");
		if ((e = spec_parse_seccomp_obj(&sp, sub, &l->seccomp)))
			return e;
		l->has_seccomp = true;
	}
	if ((e = jget_str_map(p, v, "sysctl", &l->sysctl)) ||
	    (e = jget_strv(p, v, "maskedPaths", &l->masked_paths)) ||
	    (e = jget_strv(p, v, "readonlyPaths", &l->readonly_paths)) ||
	    (e = jget_string(p, v, "mountLabel", &l->mount_label)))
		return e;
	if ((sub = jget(v, "personality"))) {
		struct jpath sp = JKEY(p, "personality");
		if ((e = parse_personality(&sp, sub, &l->personality)))
			return e;
	}
	if ((sub = jget(v, "memoryPolicy"))) {
		struct jpath sp = JKEY(p, "memoryPolicy");
		if ((e = parse_memory_policy(&sp, sub, &l->memory_policy)))
			return e;
	}
	if ((sub = jget(v, "netDevices"))) {
		struct jpath sp = JKEY(p, "netDevices");
		if ((e = parse_net_devices(&sp, sub, l)))
			return e;
		bool netns = false;
		for (size_t i = 0; i < l->n_namespaces; i++)
			netns = netns || l->namespaces[i].type == OCI_NS_NETWORK;
		if (l->n_net_devices && !netns)
			return jerr(&sp, "needs a network namespace in linux.namespaces (the "
					 "devices would be moved out of the host's)");
	}
	if ((sub = jget(v, "intelRdt"))) {
		struct jpath sp = JKEY(p, "intelRdt");
		if ((e = parse_intel_rdt(&sp, sub, &l->intel_rdt)))
			return e;
	}
	return NULL;
}
