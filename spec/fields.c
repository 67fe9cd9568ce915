/* The runtime-spec 1.3 field table (spec/fields.h), the refusal of fields
 * isorun does not apply, and the read trace the unit test uses. */
#include "spec/fields.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "spec/json_util.h"

/* Order: a parent before its members, so that a refused object is reported
 * by its own name rather than by one of its members. */
const struct spec_field spec_fields[] = {
    {"ociVersion", SPEC_FIELD_APPLIED, NULL},
    {"root", SPEC_FIELD_APPLIED, NULL},
    {"root.path", SPEC_FIELD_APPLIED, NULL},
    {"root.readonly", SPEC_FIELD_APPLIED, NULL},
    {"mounts", SPEC_FIELD_APPLIED, NULL},
    {"mounts[].destination", SPEC_FIELD_APPLIED, NULL},
    {"mounts[].source", SPEC_FIELD_APPLIED, NULL},
    {"mounts[].options", SPEC_FIELD_APPLIED, NULL},
    {"mounts[].type", SPEC_FIELD_APPLIED, NULL},
    {"mounts[].uidMappings", SPEC_FIELD_APPLIED, NULL},
    {"mounts[].uidMappings[].containerID", SPEC_FIELD_APPLIED, NULL},
    {"mounts[].uidMappings[].hostID", SPEC_FIELD_APPLIED, NULL},
    {"mounts[].uidMappings[].size", SPEC_FIELD_APPLIED, NULL},
    {"mounts[].gidMappings", SPEC_FIELD_APPLIED, NULL},
    {"mounts[].gidMappings[].containerID", SPEC_FIELD_APPLIED, NULL},
    {"mounts[].gidMappings[].hostID", SPEC_FIELD_APPLIED, NULL},
    {"mounts[].gidMappings[].size", SPEC_FIELD_APPLIED, NULL},
    {"process", SPEC_FIELD_APPLIED, NULL},
    {"process.terminal", SPEC_FIELD_APPLIED, NULL},
    {"process.consoleSize", SPEC_FIELD_APPLIED, NULL},
    {"process.consoleSize.height", SPEC_FIELD_APPLIED, NULL},
    {"process.consoleSize.width", SPEC_FIELD_APPLIED, NULL},
    {"process.cwd", SPEC_FIELD_APPLIED, NULL},
    {"process.env", SPEC_FIELD_APPLIED, NULL},
    {"process.args", SPEC_FIELD_APPLIED, NULL},
    {"process.commandLine", SPEC_FIELD_IGNORED, "Windows only"},
    {"process.rlimits", SPEC_FIELD_APPLIED, NULL},
    {"process.rlimits[].type", SPEC_FIELD_APPLIED, NULL},
    {"process.rlimits[].soft", SPEC_FIELD_APPLIED, NULL},
    {"process.rlimits[].hard", SPEC_FIELD_APPLIED, NULL},
    {"process.apparmorProfile", SPEC_FIELD_APPLIED, NULL},
    {"process.capabilities", SPEC_FIELD_APPLIED, NULL},
    {"process.capabilities.bounding", SPEC_FIELD_APPLIED, NULL},
    {"process.capabilities.effective", SPEC_FIELD_APPLIED, NULL},
    {"process.capabilities.inheritable", SPEC_FIELD_APPLIED, NULL},
    {"process.capabilities.permitted", SPEC_FIELD_APPLIED, NULL},
    {"process.capabilities.ambient", SPEC_FIELD_APPLIED, NULL},
    {"process.noNewPrivileges", SPEC_FIELD_APPLIED, NULL},
    {"process.oomScoreAdj", SPEC_FIELD_APPLIED, NULL},
    {"process.scheduler", SPEC_FIELD_APPLIED, NULL},
    {"process.scheduler.policy", SPEC_FIELD_APPLIED, NULL},
    {"process.scheduler.nice", SPEC_FIELD_APPLIED, NULL},
    {"process.scheduler.priority", SPEC_FIELD_APPLIED, NULL},
    {"process.scheduler.flags", SPEC_FIELD_APPLIED, NULL},
    {"process.scheduler.runtime", SPEC_FIELD_APPLIED, NULL},
    {"process.scheduler.deadline", SPEC_FIELD_APPLIED, NULL},
    {"process.scheduler.period", SPEC_FIELD_APPLIED, NULL},
    {"process.selinuxLabel", SPEC_FIELD_APPLIED, NULL},
    {"process.ioPriority", SPEC_FIELD_APPLIED, NULL},
    {"process.ioPriority.class", SPEC_FIELD_APPLIED, NULL},
    {"process.ioPriority.priority", SPEC_FIELD_APPLIED, NULL},
    {"process.execCPUAffinity", SPEC_FIELD_APPLIED, NULL},
    {"process.execCPUAffinity.initial", SPEC_FIELD_APPLIED, NULL},
    {"process.execCPUAffinity.final", SPEC_FIELD_APPLIED, NULL},
    {"process.user", SPEC_FIELD_APPLIED, NULL},
    {"process.user.uid", SPEC_FIELD_APPLIED, NULL},
    {"process.user.gid", SPEC_FIELD_APPLIED, NULL},
    {"process.user.umask", SPEC_FIELD_APPLIED, NULL},
    {"process.user.additionalGids", SPEC_FIELD_APPLIED, NULL},
    {"process.user.username", SPEC_FIELD_IGNORED, "Windows only"},
    {"hostname", SPEC_FIELD_APPLIED, NULL},
    {"domainname", SPEC_FIELD_APPLIED, NULL},
    {"hooks", SPEC_FIELD_APPLIED, NULL},
    {"hooks.prestart", SPEC_FIELD_APPLIED, NULL},
    {"hooks.prestart[].path", SPEC_FIELD_APPLIED, NULL},
    {"hooks.prestart[].args", SPEC_FIELD_APPLIED, NULL},
    {"hooks.prestart[].env", SPEC_FIELD_APPLIED, NULL},
    {"hooks.prestart[].timeout", SPEC_FIELD_APPLIED, NULL},
    {"hooks.createRuntime", SPEC_FIELD_APPLIED, NULL},
    {"hooks.createRuntime[].path", SPEC_FIELD_APPLIED, NULL},
    {"hooks.createRuntime[].args", SPEC_FIELD_APPLIED, NULL},
    {"hooks.createRuntime[].env", SPEC_FIELD_APPLIED, NULL},
    {"hooks.createRuntime[].timeout", SPEC_FIELD_APPLIED, NULL},
    {"hooks.createContainer", SPEC_FIELD_APPLIED, NULL},
    {"hooks.createContainer[].path", SPEC_FIELD_APPLIED, NULL},
    {"hooks.createContainer[].args", SPEC_FIELD_APPLIED, NULL},
    {"hooks.createContainer[].env", SPEC_FIELD_APPLIED, NULL},
    {"hooks.createContainer[].timeout", SPEC_FIELD_APPLIED, NULL},
    {"hooks.startContainer", SPEC_FIELD_APPLIED, NULL},
    {"hooks.startContainer[].path", SPEC_FIELD_APPLIED, NULL},
    {"hooks.startContainer[].args", SPEC_FIELD_APPLIED, NULL},
    {"hooks.startContainer[].env", SPEC_FIELD_APPLIED, NULL},
    {"hooks.startContainer[].timeout", SPEC_FIELD_APPLIED, NULL},
    {"hooks.poststart", SPEC_FIELD_APPLIED, NULL},
    {"hooks.poststart[].path", SPEC_FIELD_APPLIED, NULL},
    {"hooks.poststart[].args", SPEC_FIELD_APPLIED, NULL},
    {"hooks.poststart[].env", SPEC_FIELD_APPLIED, NULL},
    {"hooks.poststart[].timeout", SPEC_FIELD_APPLIED, NULL},
    {"hooks.poststop", SPEC_FIELD_APPLIED, NULL},
    {"hooks.poststop[].path", SPEC_FIELD_APPLIED, NULL},
    {"hooks.poststop[].args", SPEC_FIELD_APPLIED, NULL},
    {"hooks.poststop[].env", SPEC_FIELD_APPLIED, NULL},
    {"hooks.poststop[].timeout", SPEC_FIELD_APPLIED, NULL},
    {"annotations", SPEC_FIELD_APPLIED, NULL},
    {"linux", SPEC_FIELD_APPLIED, NULL},
    {"linux.namespaces", SPEC_FIELD_APPLIED, NULL},
    {"linux.namespaces[].type", SPEC_FIELD_APPLIED, NULL},
    {"linux.namespaces[].path", SPEC_FIELD_APPLIED, NULL},
    {"linux.uidMappings", SPEC_FIELD_APPLIED, NULL},
    {"linux.uidMappings[].containerID", SPEC_FIELD_APPLIED, NULL},
    {"linux.uidMappings[].hostID", SPEC_FIELD_APPLIED, NULL},
    {"linux.uidMappings[].size", SPEC_FIELD_APPLIED, NULL},
    {"linux.gidMappings", SPEC_FIELD_APPLIED, NULL},
    {"linux.gidMappings[].containerID", SPEC_FIELD_APPLIED, NULL},
    {"linux.gidMappings[].hostID", SPEC_FIELD_APPLIED, NULL},
    {"linux.gidMappings[].size", SPEC_FIELD_APPLIED, NULL},
    {"linux.timeOffsets", SPEC_FIELD_APPLIED, NULL},
    {"linux.timeOffsets.monotonic", SPEC_FIELD_APPLIED, NULL},
    {"linux.timeOffsets.monotonic.secs", SPEC_FIELD_APPLIED, NULL},
    {"linux.timeOffsets.monotonic.nanosecs", SPEC_FIELD_APPLIED, NULL},
    {"linux.timeOffsets.boottime", SPEC_FIELD_APPLIED, NULL},
    {"linux.timeOffsets.boottime.secs", SPEC_FIELD_APPLIED, NULL},
    {"linux.timeOffsets.boottime.nanosecs", SPEC_FIELD_APPLIED, NULL},
    {"linux.devices", SPEC_FIELD_APPLIED, NULL},
    {"linux.devices[].type", SPEC_FIELD_APPLIED, NULL},
    {"linux.devices[].path", SPEC_FIELD_APPLIED, NULL},
    {"linux.devices[].major", SPEC_FIELD_APPLIED, NULL},
    {"linux.devices[].minor", SPEC_FIELD_APPLIED, NULL},
    {"linux.devices[].fileMode", SPEC_FIELD_APPLIED, NULL},
    {"linux.devices[].uid", SPEC_FIELD_APPLIED, NULL},
    {"linux.devices[].gid", SPEC_FIELD_APPLIED, NULL},
    {"linux.netDevices", SPEC_FIELD_APPLIED, NULL},
    {"linux.netDevices{}.name", SPEC_FIELD_APPLIED, NULL},
    {"linux.cgroupsPath", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.devices", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.devices[].allow", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.devices[].type", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.devices[].major", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.devices[].minor", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.devices[].access", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.memory", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.memory.limit", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.memory.reservation", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.memory.swap", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.memory.kernel", SPEC_FIELD_IGNORED,
     "deprecated by the spec and gone from the kernel (5.16+); ignored with a warning, as runc "
     "does"},
    {"linux.resources.memory.kernelTCP", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.memory.swappiness", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.memory.disableOOMKiller", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.memory.useHierarchy", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.memory.checkBeforeUpdate", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.cpu", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.cpu.shares", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.cpu.quota", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.cpu.burst", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.cpu.period", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.cpu.realtimeRuntime", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.cpu.realtimePeriod", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.cpu.cpus", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.cpu.mems", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.cpu.idle", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.blockIO", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.blockIO.weight", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.blockIO.leafWeight", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.blockIO.weightDevice", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.blockIO.weightDevice[].major", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.blockIO.weightDevice[].minor", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.blockIO.weightDevice[].weight", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.blockIO.weightDevice[].leafWeight", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.blockIO.throttleReadBpsDevice", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.blockIO.throttleReadBpsDevice[].major", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.blockIO.throttleReadBpsDevice[].minor", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.blockIO.throttleReadBpsDevice[].rate", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.blockIO.throttleWriteBpsDevice", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.blockIO.throttleWriteBpsDevice[].major", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.blockIO.throttleWriteBpsDevice[].minor", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.blockIO.throttleWriteBpsDevice[].rate", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.blockIO.throttleReadIOPSDevice", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.blockIO.throttleReadIOPSDevice[].major", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.blockIO.throttleReadIOPSDevice[].minor", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.blockIO.throttleReadIOPSDevice[].rate", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.blockIO.throttleWriteIOPSDevice", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.blockIO.throttleWriteIOPSDevice[].major", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.blockIO.throttleWriteIOPSDevice[].minor", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.blockIO.throttleWriteIOPSDevice[].rate", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.hugepageLimits", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.hugepageLimits[].pageSize", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.hugepageLimits[].limit", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.network", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.network.classID", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.network.priorities", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.network.priorities[].name", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.network.priorities[].priority", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.pids", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.pids.limit", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.rdma", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.rdma{}.hcaHandles", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.rdma{}.hcaObjects", SPEC_FIELD_APPLIED, NULL},
    {"linux.resources.unified", SPEC_FIELD_APPLIED, NULL},
    {"linux.intelRdt", SPEC_FIELD_APPLIED, NULL},
    {"linux.intelRdt.closID", SPEC_FIELD_APPLIED, NULL},
    {"linux.intelRdt.l3CacheSchema", SPEC_FIELD_APPLIED, NULL},
    {"linux.intelRdt.memBwSchema", SPEC_FIELD_APPLIED, NULL},
    {"linux.intelRdt.schemata", SPEC_FIELD_APPLIED, NULL},
    {"linux.intelRdt.enableMonitoring", SPEC_FIELD_APPLIED, NULL},
    {"linux.memoryPolicy", SPEC_FIELD_APPLIED, NULL},
    {"linux.memoryPolicy.mode", SPEC_FIELD_APPLIED, NULL},
    {"linux.memoryPolicy.nodes", SPEC_FIELD_APPLIED, NULL},
    {"linux.memoryPolicy.flags", SPEC_FIELD_APPLIED, NULL},
    {"linux.sysctl", SPEC_FIELD_APPLIED, NULL},
    {"linux.seccomp", SPEC_FIELD_APPLIED, NULL},
    {"linux.seccomp.defaultAction", SPEC_FIELD_APPLIED, NULL},
    {"linux.seccomp.defaultErrnoRet", SPEC_FIELD_APPLIED, NULL},
    {"linux.seccomp.architectures", SPEC_FIELD_APPLIED, NULL},
    {"linux.seccomp.flags", SPEC_FIELD_APPLIED, NULL},
    {"linux.seccomp.listenerPath", SPEC_FIELD_APPLIED, NULL},
    {"linux.seccomp.listenerMetadata", SPEC_FIELD_APPLIED, NULL},
    {"linux.seccomp.syscalls", SPEC_FIELD_APPLIED, NULL},
    {"linux.seccomp.syscalls[].names", SPEC_FIELD_APPLIED, NULL},
    {"linux.seccomp.syscalls[].action", SPEC_FIELD_APPLIED, NULL},
    {"linux.seccomp.syscalls[].errnoRet", SPEC_FIELD_APPLIED, NULL},
    {"linux.seccomp.syscalls[].args", SPEC_FIELD_APPLIED, NULL},
    {"linux.seccomp.syscalls[].args[].index", SPEC_FIELD_APPLIED, NULL},
    {"linux.seccomp.syscalls[].args[].value", SPEC_FIELD_APPLIED, NULL},
    {"linux.seccomp.syscalls[].args[].valueTwo", SPEC_FIELD_APPLIED, NULL},
    {"linux.seccomp.syscalls[].args[].op", SPEC_FIELD_APPLIED, NULL},
    {"linux.rootfsPropagation", SPEC_FIELD_APPLIED, NULL},
    {"linux.maskedPaths", SPEC_FIELD_APPLIED, NULL},
    {"linux.readonlyPaths", SPEC_FIELD_APPLIED, NULL},
    {"linux.mountLabel", SPEC_FIELD_APPLIED, NULL},
    {"linux.personality", SPEC_FIELD_APPLIED, NULL},
    {"linux.personality.domain", SPEC_FIELD_APPLIED, NULL},
    {"linux.personality.flags", SPEC_FIELD_APPLIED, NULL},
};
const size_t spec_n_fields = ARRAY_SIZE(spec_fields);

const struct spec_field *spec_field_find(const char *path)
{
	for (size_t i = 0; i < spec_n_fields; i++)
		if (!strcmp(spec_fields[i].path, path))
			return &spec_fields[i];
	return NULL;
}

/* Called for every place a generic path occurs in a document: the JSON path
 * of the member, the object holding it and the member's name. */
typedef error *(*found_fn)(const struct jpath *p, yajl_val parent, const char *key, void *ctx);

static error *walk(const struct jpath *p, yajl_val v, const char *rest, found_fn fn, void *ctx)
{
	if (!v || !YAJL_IS_OBJECT(v))
		return NULL; /* a wrong type is the parser's error to report */
	size_t n = strcspn(rest, ".[{");
	char name[64];
	if (n >= sizeof(name))
		return NULL;
	memcpy(name, rest, n);
	name[n] = '\0';
	yajl_val child = jpeek(v, name);
	if (!child)
		return NULL;
	/* The key string must outlive the jpath: take the tree's own copy. */
	const char *key = NULL;
	for (size_t i = 0; i < v->u.object.len; i++)
		if (!strcmp(v->u.object.keys[i], name))
			key = v->u.object.keys[i];
	struct jpath kp = JKEY(p, key);
	const char *after = rest + n;
	if (!*after)
		return fn(&kp, v, key, ctx);
	error *e = NULL;
	if (!strncmp(after, "[]", 2)) {
		after += 2;
		if (*after == '.')
			after++;
		if (!YAJL_IS_ARRAY(child))
			return NULL;
		for (size_t i = 0; !e && i < child->u.array.len; i++) {
			struct jpath ip = JIDX(&kp, i);
			e = walk(&ip, child->u.array.values[i], after, fn, ctx);
		}
		return e;
	}
	if (!strncmp(after, "{}", 2)) {
		after += 2;
		if (*after == '.')
			after++;
		if (!YAJL_IS_OBJECT(child))
			return NULL;
		for (size_t i = 0; !e && i < child->u.object.len; i++) {
			struct jpath mp = JKEY(&kp, child->u.object.keys[i]);
			e = walk(&mp, child->u.object.values[i], after, fn, ctx);
		}
		return e;
	}
	if (*after == '.')
		return walk(&kp, child, after + 1, fn, ctx);
	return NULL;
}

static error *refuse(const struct jpath *p, yajl_val parent, const char *key, void *ctx)
{
	(void)parent;
	(void)key;
	const struct spec_field *f = ctx;
	return jerr(p, "not supported by isorun: %s", f->why);
}

error *spec_refuse_fields(const struct jpath *p, yajl_val v, const char *prefix)
{
	size_t plen = strlen(prefix);
	for (size_t i = 0; i < spec_n_fields; i++) {
		const struct spec_field *f = &spec_fields[i];
		if (f->status != SPEC_FIELD_REFUSED || strncmp(f->path, prefix, plen) != 0)
			continue;
		error *e = walk(p, v, f->path + plen, refuse, (void *)f);
		if (e)
			return e;
	}
	return NULL;
}

struct trace {
	int result;
};

static error *check_read(const struct jpath *p, yajl_val parent, const char *key, void *ctx)
{
	(void)p;
	struct trace *t = ctx;
	bool seen = jlog_saw(parent, key);
	if (t->result < 0)
		t->result = seen ? 1 : 0;
	else if (!seen)
		t->result = 0;
	return NULL;
}

error *spec_trace_reads(const char *json, size_t len, const char *const *paths, size_t n,
			int *result)
{
	yajl_val tree = NULL;
	error *e = jparse(json, len, &tree);
	if (e)
		return e;
	if ((e = jlog_start())) {
		yajl_tree_free(tree);
		return e;
	}
	struct oci_config *cfg = NULL;
	e = spec_parse_tree(tree, &cfg);
	if (!e) {
		struct jpath root = JROOT;
		for (size_t i = 0; i < n; i++) {
			struct trace t = {-1};
			err_free(walk(&root, tree, paths[i], check_read, &t));
			result[i] = t.result;
		}
	}
	jlog_stop();
	spec_free(cfg);
	yajl_tree_free(tree);
	return e;
}
