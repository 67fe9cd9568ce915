/* spec/fields.c: every config.json field of runtime-spec 1.3 that a Linux
 * runtime reads is either applied (the parser reads it into the config) or
 * refused with an error naming it; none is silently dropped. */
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "spec/config.h"
#include "spec/fields.h"
#include "tests/unit/unit.h"

/* The field list of runtime-spec 1.3 config.md and config-linux.md (not the
 * windows, solaris, vm, zos and freebsd sections, which a Linux runtime
 * ignores), written down from the spec text: "[]" is every element of an
 * array, "{}" every member of an object whose keys are data. */
static const char *const spec_1_3_linux_fields[] = {
    "ociVersion",
    "root",
    "root.path",
    "root.readonly",
    "mounts",
    "mounts[].destination",
    "mounts[].source",
    "mounts[].options",
    "mounts[].type",
    "mounts[].uidMappings",
    "mounts[].uidMappings[].containerID",
    "mounts[].uidMappings[].hostID",
    "mounts[].uidMappings[].size",
    "mounts[].gidMappings",
    "mounts[].gidMappings[].containerID",
    "mounts[].gidMappings[].hostID",
    "mounts[].gidMappings[].size",
    "process",
    "process.terminal",
    "process.consoleSize",
    "process.consoleSize.height",
    "process.consoleSize.width",
    "process.cwd",
    "process.env",
    "process.args",
    "process.commandLine",
    "process.rlimits",
    "process.rlimits[].type",
    "process.rlimits[].soft",
    "process.rlimits[].hard",
    "process.apparmorProfile",
    "process.capabilities",
    "process.capabilities.bounding",
    "process.capabilities.effective",
    "process.capabilities.inheritable",
    "process.capabilities.permitted",
    "process.capabilities.ambient",
    "process.noNewPrivileges",
    "process.oomScoreAdj",
    "process.scheduler",
    "process.scheduler.policy",
    "process.scheduler.nice",
    "process.scheduler.priority",
    "process.scheduler.flags",
    "process.scheduler.runtime",
    "process.scheduler.deadline",
    "process.scheduler.period",
    "process.selinuxLabel",
    "process.ioPriority",
    "process.ioPriority.class",
    "process.ioPriority.priority",
    "process.execCPUAffinity",
    "process.execCPUAffinity.initial",
    "process.execCPUAffinity.final",
    "process.user",
    "process.user.uid",
    "process.user.gid",
    "process.user.umask",
    "process.user.additionalGids",
    "process.user.username",
    "hostname",
    "domainname",
    "hooks",
    "hooks.prestart",
    "hooks.prestart[].path",
    "hooks.prestart[].args",
    "hooks.prestart[].env",
    "hooks.prestart[].timeout",
    "hooks.createRuntime",
    "hooks.createRuntime[].path",
    "hooks.createRuntime[].args",
    "hooks.createRuntime[].env",
    "hooks.createRuntime[].timeout",
    "hooks.createContainer",
    "hooks.createContainer[].path",
    "hooks.createContainer[].args",
    "hooks.createContainer[].env",
    "hooks.createContainer[].timeout",
    "hooks.startContainer",
    "hooks.startContainer[].path",
    "hooks.startContainer[].args",
    "hooks.startContainer[].env",
    "hooks.startContainer[].timeout",
    "hooks.poststart",
    "hooks.poststart[].path",
    "hooks.poststart[].args",
    "hooks.poststart[].env",
    "hooks.poststart[].timeout",
    "hooks.poststop",
    "hooks.poststop[].path",
    "hooks.poststop[].args",
    "hooks.poststop[].env",
    "hooks.poststop[].timeout",
    "annotations",
    "linux",
    "linux.namespaces",
    "linux.namespaces[].type",
    "linux.namespaces[].path",
    "linux.uidMappings",
    "linux.uidMappings[].containerID",
    "linux.uidMappings[].hostID",
    "linux.uidMappings[].size",
    "linux.gidMappings",
    "linux.gidMappings[].containerID",
    "linux.gidMappings[].hostID",
    "linux.gidMappings[].size",
    "linux.timeOffsets",
    "linux.timeOffsets.monotonic",
    "linux.timeOffsets.monotonic.secs",
    "linux.timeOffsets.monotonic.nanosecs",
    "linux.timeOffsets.boottime",
    "linux.timeOffsets.boottime.secs",
    "linux.timeOffsets.boottime.nanosecs",
    "linux.devices",
    "linux.devices[].type",
    "linux.devices[].path",
    "linux.devices[].major",
    "linux.devices[].minor",
    "linux.devices[].fileMode",
    "linux.devices[].uid",
    "linux.devices[].gid",
    "linux.netDevices",
    "linux.netDevices{}.name",
    "linux.cgroupsPath",
    "linux.resources",
    "linux.resources.devices",
    "linux.resources.devices[].allow",
    "linux.resources.devices[].type",
    "linux.resources.devices[].major",
    "linux.resources.devices[].minor",
    "linux.resources.devices[].access",
    "linux.resources.memory",
    "linux.resources.memory.limit",
    "linux.resources.memory.reservation",
    "linux.resources.memory.swap",
    "linux.resources.memory.kernel",
    "linux.resources.memory.kernelTCP",
    "linux.resources.memory.swappiness",
    "linux.resources.memory.disableOOMKiller",
    "linux.resources.memory.useHierarchy",
    "linux.resources.memory.checkBeforeUpdate",
    "linux.resources.cpu",
    "linux.resources.cpu.shares",
    "linux.resources.cpu.quota",
    "linux.resources.cpu.burst",
    "linux.resources.cpu.period",
    "linux.resources.cpu.realtimeRuntime",
    "linux.resources.cpu.realtimePeriod",
    "linux.resources.cpu.cpus",
    "linux.resources.cpu.mems",
    "linux.resources.cpu.idle",
    "linux.resources.blockIO",
    "linux.resources.blockIO.weight",
    "linux.resources.blockIO.leafWeight",
    "linux.resources.blockIO.weightDevice",
    "linux.resources.blockIO.weightDevice[].major",
    "linux.resources.blockIO.weightDevice[].minor",
    "linux.resources.blockIO.weightDevice[].weight",
    "linux.resources.blockIO.weightDevice[].leafWeight",
    "linux.resources.blockIO.throttleReadBpsDevice",
    "linux.resources.blockIO.throttleReadBpsDevice[].major",
    "linux.resources.blockIO.throttleReadBpsDevice[].minor",
    "linux.resources.blockIO.throttleReadBpsDevice[].rate",
    "linux.resources.blockIO.throttleWriteBpsDevice",
    "linux.resources.blockIO.throttleWriteBpsDevice[].major",
    "linux.resources.blockIO.throttleWriteBpsDevice[].minor",
    "linux.resources.blockIO.throttleWriteBpsDevice[].rate",
    "linux.resources.blockIO.throttleReadIOPSDevice",
    "linux.resources.blockIO.throttleReadIOPSDevice[].major",
    "linux.resources.blockIO.throttleReadIOPSDevice[].minor",
    "linux.resources.blockIO.throttleReadIOPSDevice[].rate",
    "linux.resources.blockIO.throttleWriteIOPSDevice",
    "linux.resources.blockIO.throttleWriteIOPSDevice[].major",
    "linux.resources.blockIO.throttleWriteIOPSDevice[].minor",
    "linux.resources.blockIO.throttleWriteIOPSDevice[].rate",
    "linux.resources.hugepageLimits",
    "linux.resources.hugepageLimits[].pageSize",
    "linux.resources.hugepageLimits[].limit",
    "linux.resources.network",
    "linux.resources.network.classID",
    "linux.resources.network.priorities",
    "linux.resources.network.priorities[].name",
    "linux.resources.network.priorities[].priority",
    "linux.resources.pids",
    "linux.resources.pids.limit",
    "linux.resources.rdma",
    "linux.resources.rdma{}.hcaHandles",
    "linux.resources.rdma{}.hcaObjects",
    "linux.resources.unified",
    "linux.intelRdt",
    "linux.intelRdt.closID",
    "linux.intelRdt.l3CacheSchema",
    "linux.intelRdt.memBwSchema",
    "linux.intelRdt.schemata",
    "linux.intelRdt.enableMonitoring",
    "linux.memoryPolicy",
    "linux.memoryPolicy.mode",
    "linux.memoryPolicy.nodes",
    "linux.memoryPolicy.flags",
    "linux.sysctl",
    "linux.seccomp",
    "linux.seccomp.defaultAction",
    "linux.seccomp.defaultErrnoRet",
    "linux.seccomp.architectures",
    "linux.seccomp.flags",
    "linux.seccomp.listenerPath",
    "linux.seccomp.listenerMetadata",
    "linux.seccomp.syscalls",
    "linux.seccomp.syscalls[].names",
    "linux.seccomp.syscalls[].action",
    "linux.seccomp.syscalls[].errnoRet",
    "linux.seccomp.syscalls[].args",
    "linux.seccomp.syscalls[].args[].index",
    "linux.seccomp.syscalls[].args[].value",
    "linux.seccomp.syscalls[].args[].valueTwo",
    "linux.seccomp.syscalls[].args[].op",
    "linux.rootfsPropagation",
    "linux.maskedPaths",
    "linux.readonlyPaths",
    "linux.mountLabel",
    "linux.personality",
    "linux.personality.domain",
    "linux.personality.flags",
};

#define ALL_FIELDS "tests/unit/data/spec/all-fields-1.3.json"

static void test_every_spec_field_is_in_the_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(spec_1_3_linux_fields); i++) {
		if (!spec_field_find(spec_1_3_linux_fields[i])) {
			printf("#   unknown to spec/fields.c: %s\n", spec_1_3_linux_fields[i]);
			unit_cur_failed = 1;
		}
	}
	/* and the table claims nothing the spec does not have */
	for (size_t i = 0; i < spec_n_fields; i++) {
		bool found = false;
		for (size_t j = 0; j < ARRAY_SIZE(spec_1_3_linux_fields); j++)
			found = found || !strcmp(spec_fields[i].path, spec_1_3_linux_fields[j]);
		if (!found) {
			printf("#   not a runtime-spec 1.3 field: %s\n", spec_fields[i].path);
			unit_cur_failed = 1;
		}
		if (spec_fields[i].status != SPEC_FIELD_APPLIED && !spec_fields[i].why) {
			printf("#   %s: refused or ignored without a reason\n",
			       spec_fields[i].path);
			unit_cur_failed = 1;
		}
	}
}

/* A config holding only `path` (any value: refusal comes before types):
 * "a.b[].c" -> {"ociVersion":"1.3.0","a":{"b":[{"c":1}]}}; the concrete
 * path the error should name goes to *named ("a.b[0].c"). */
static char *config_with(const char *path, char **named)
{
	_cleanup_free_ char *open = strdup(""), *close = strdup("");
	_cleanup_free_ char *name = strdup("");
	const char *p = path;
	while (*p) {
		size_t n = strcspn(p, ".[{");
		char *o = str_printf("%s\"%.*s\":", open, (int)n, p);
		char *nm = str_printf("%s%s%.*s", name, *name ? "." : "", (int)n, p);
		free(open);
		free(name);
		open = o;
		name = nm;
		p += n;
		const char *wrap_open = "", *wrap_close = "";
		if (!strncmp(p, "[]", 2)) {
			wrap_open = "[";
			wrap_close = "]";
			nm = str_printf("%s[0]", name);
			free(name);
			name = nm;
			p += 2;
		} else if (!strncmp(p, "{}", 2)) {
			wrap_open = "{\"x\":";
			wrap_close = "}";
			nm = str_printf("%s.x", name);
			free(name);
			name = nm;
			p += 2;
		}
		if (*p == '.') {
			p++;
			o = str_printf("%s%s{", open, wrap_open);
			char *c = str_printf("}%s%s", wrap_close, close);
			free(open);
			free(close);
			open = o;
			close = c;
		} else {
			o = str_printf("%s%s1%s", open, wrap_open, wrap_close);
			free(open);
			open = o;
		}
	}
	*named = steal_ptr(name);
	return str_printf("{\"ociVersion\":\"1.3.0\",%s%s}", open, close);
}

/* The outermost refused field at or above path: that is the one named. */
static const struct spec_field *refused_ancestor(const char *path)
{
	const struct spec_field *best = NULL;
	for (size_t i = 0; i < spec_n_fields; i++) {
		const struct spec_field *f = &spec_fields[i];
		size_t n = strlen(f->path);
		if (f->status != SPEC_FIELD_REFUSED || strncmp(f->path, path, n) != 0 ||
		    !strchr(".[{", path[n]))
			continue;
		if (!best || n < strlen(best->path))
			best = f;
	}
	return best;
}

static void test_refused_fields_fail_naming_the_field(void)
{
	size_t refused = 0;
	for (size_t i = 0; i < spec_n_fields; i++) {
		const struct spec_field *f = &spec_fields[i];
		if (f->status != SPEC_FIELD_REFUSED)
			continue;
		refused++;
		_cleanup_free_ char *inner = NULL, *named = NULL;
		_cleanup_free_ char *json = config_with(f->path, &inner);
		const struct spec_field *top = refused_ancestor(f->path);
		_cleanup_free_ char *top_json = config_with(top->path, &named);
		_cleanup_free_ char *want =
		    str_printf("config.json: %s: not supported by isorun: %s", named, top->why);
		struct oci_config *cfg = NULL;
		CHECK_ERR(spec_parse(json, strlen(json), "config.json", &cfg), want);
		CHECK(cfg == NULL);
		if (str_has_prefix(f->path, "process.")) {
			/* exec --process: the lone process document is checked too */
			const char *sub = strchr(json, '{') + 1;
			sub = strstr(sub, "\"process\":") + strlen("\"process\":");
			_cleanup_free_ char *doc = strndup(sub, strlen(sub) - 1);
			_cleanup_free_ char *want_p =
			    str_printf("process.json: %s: not supported by isorun: %s",
				       named + strlen("process."), top->why);
			struct oci_process *proc = NULL;
			CHECK_ERR(spec_parse_process(doc, strlen(doc), "process.json", &proc),
				  want_p);
		}
	}
	/* Every field of runtime-spec 1.3 is applied today, so the loop may
	 * find none; a field marked refused later is checked here. */
	(void)refused;
}

static void test_applied_fields_are_read_by_the_parser(void)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	CHECK_OK(read_file(ALL_FIELDS, &text, &len));
	if (!text)
		return;
	const char *paths[ARRAY_SIZE(spec_1_3_linux_fields)];
	int result[ARRAY_SIZE(spec_1_3_linux_fields)];
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(spec_1_3_linux_fields); i++) {
		const struct spec_field *f = spec_field_find(spec_1_3_linux_fields[i]);
		if (f && f->status != SPEC_FIELD_REFUSED)
			paths[n++] = spec_1_3_linux_fields[i];
	}
	CHECK_OK(spec_trace_reads(text, len, paths, n, result));
	for (size_t i = 0; i < n; i++) {
		if (result[i] < 0)
			printf("#   %s: missing from %s\n", paths[i], ALL_FIELDS);
		else if (result[i] == 0)
			printf("#   %s: present but never read by the parser\n", paths[i]);
		if (result[i] != 1)
			unit_cur_failed = 1;
	}
}

/* The trace is not blind: a member the parser does not read shows up. */
static void test_trace_sees_unread_members(void)
{
	const char *json = "{\"ociVersion\":\"1.3.0\",\"hostname\":\"h\",\"bogus\":1}";
	const char *paths[] = {"hostname", "bogus", "domainname"};
	int result[3] = {9, 9, 9};
	CHECK_OK(spec_trace_reads(json, strlen(json), paths, 3, result));
	CHECK(result[0] == 1);
	CHECK(result[1] == 0);
	CHECK(result[2] == -1);
}

static void test_intel_rdt_parsed(void)
{
	const char *json = "{\"ociVersion\":\"1.3.0\",\"linux\":{\"intelRdt\":{"
			   "\"closID\":\"gold\",\"l3CacheSchema\":\"L3:0=f\","
			   "\"memBwSchema\":\"MB:0=50\",\"schemata\":[\"L2:0=3\",\"MB:0=20\"],"
			   "\"enableMonitoring\":true}}}";
	struct oci_config *cfg = NULL;
	CHECK_OK(spec_parse(json, strlen(json), "config.json", &cfg));
	if (!cfg)
		return;
	const struct oci_intel_rdt *r = &cfg->linux_.intel_rdt;
	CHECK(r->set);
	CHECK_STR(r->clos_id, "gold");
	CHECK_STR(r->l3_cache_schema, "L3:0=f");
	CHECK_STR(r->mem_bw_schema, "MB:0=50");
	CHECK(r->schemata && strv_len(r->schemata) == 2);
	CHECK_STR(r->schemata ? r->schemata[1] : NULL, "MB:0=20");
	CHECK(r->enable_monitoring);
	spec_free(cfg);

	/* runtime-spec 1.2's enableCMT/enableMBM mean monitoring */
	json = "{\"ociVersion\":\"1.2.0\",\"linux\":{\"intelRdt\":{\"enableMBM\":true}}}";
	CHECK_OK(spec_parse(json, strlen(json), "config.json", &cfg));
	CHECK(cfg && cfg->linux_.intel_rdt.set && cfg->linux_.intel_rdt.enable_monitoring &&
	      !cfg->linux_.intel_rdt.clos_id);
	spec_free(cfg);
	cfg = NULL;

	json = "{\"ociVersion\":\"1.3.0\",\"linux\":{\"intelRdt\":{\"closID\":\"../x\"}}}";
	CHECK_ERR(spec_parse(json, strlen(json), "config.json", &cfg),
		  "config.json: linux.intelRdt.closID: \"../x\" is not a valid resctrl group name");
	json = "{\"ociVersion\":\"1.3.0\",\"linux\":{\"intelRdt\":{\"schemata\":[\"L3:0=f\\nMB:0="
	       "1\"]}}}";
	CHECK_ERR(spec_parse(json, strlen(json), "config.json", &cfg),
		  "config.json: linux.intelRdt.schemata[0]: must be a single line");
}

static void test_use_hierarchy_false_refused(void)
{
	const char *json = "{\"ociVersion\":\"1.3.0\",\"linux\":{\"resources\":{\"memory\":"
			   "{\"useHierarchy\":false}}}}";
	struct oci_config *cfg = NULL;
	CHECK_ERR(spec_parse(json, strlen(json), "config.json", &cfg),
		  "config.json: linux.resources.memory.useHierarchy: false is not supported: the "
		  "kernel accounts memory hierarchically");
	json = "{\"ociVersion\":\"1.3.0\",\"linux\":{\"resources\":{\"memory\":"
	       "{\"useHierarchy\":true}}}}";
	CHECK_OK(spec_parse(json, strlen(json), "config.json", &cfg));
	spec_free(cfg);
}

int main(void)
{
	RUN_TEST(test_every_spec_field_is_in_the_table);
	RUN_TEST(test_refused_fields_fail_naming_the_field);
	RUN_TEST(test_applied_fields_are_read_by_the_parser);
	RUN_TEST(test_trace_sees_unread_members);
	RUN_TEST(test_intel_rdt_parsed);
	RUN_TEST(test_use_hierarchy_false_refused);
	UNIT_MAIN_END();
}
