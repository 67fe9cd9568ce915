/* runtime-spec 1.3 fields of spec/: CPU and node lists, process.execCPUAffinity,
 * linux.memoryPolicy and linux.netDevices (parsing and refusals naming the field). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "runtime/features.h"
#include "spec/config.h"
#include "spec/features.h"
#include "tests/unit/unit.h"

#define WORDS (SPEC_CPU_LIST_MAX / (8 * sizeof(unsigned long)))
#define BIT(m, i)                                                                                  \
	(((m)[(i) / (8 * sizeof(unsigned long))] >> ((i) % (8 * sizeof(unsigned long)))) & 1UL)

/* The set bits of mask as "a,b,c". */
static void mask_str(const unsigned long *mask, char *out, size_t n)
{
	size_t len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < SPEC_CPU_LIST_MAX; i++)
		if (BIT(mask, i))
			len += (size_t)snprintf(out + len, n - len, "%s%zu", len ? "," : "", i);
}

static void test_cpu_list(void)
{
	static const struct {
		const char *in, *bits;
	} good[] = {
	    {"", ""},	  {"0", "0"},	    {"0-3,7", "0,1,2,3,7"}, {"5,1", "1,5"},
	    {"2-2", "2"}, {"8191", "8191"}, {"0,0", "0"},
	};
	unsigned long mask[WORDS];
	char buf[256];
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const char *why = NULL;
		CHECK(spec_cpu_list_parse(good[i].in, mask, SPEC_CPU_LIST_MAX, &why) == 0);
		mask_str(mask, buf, sizeof(buf));
		CHECK_STR(buf, good[i].bits);
	}
	static const struct {
		const char *in, *why;
	} bad[] = {
	    {"x", "expected a number"},		  {"1,", "expected a number"},
	    {",1", "expected a number"},	  {"1,,2", "expected a number"},
	    {"3-1", "range end below its start"}, {"1-", "expected a number"},
	    {"8192", "number out of range"},	  {"99999999999999999999", "number out of range"},
	    {"1 ", "unexpected character"},	  {"0-3:2", "unexpected character"},
	    {"-1", "expected a number"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = NULL;
		CHECK(spec_cpu_list_parse(bad[i].in, mask, SPEC_CPU_LIST_MAX, &why) < 0);
		CHECK_STR(why ? why : "(none)", bad[i].why);
	}
}

static error *parse(const char *fragment, struct oci_config **out)
{
	_cleanup_free_ char *json = str_printf("{\"ociVersion\":\"1.3.0\",%s}", fragment);
	*out = NULL;
	return spec_parse(json, strlen(json), "config.json", out);
}

static error *parse_only(const char *fragment)
{
	struct oci_config *c = NULL;
	error *e = parse(fragment, &c);
	spec_free(c);
	return e;
}

#define PROC(extra) "\"process\":{\"args\":[\"x\"],\"cwd\":\"/\"," extra "}"

static void test_exec_cpu_affinity(void)
{
	struct oci_config *c = NULL;
	CHECK_OK(parse(PROC("\"execCPUAffinity\":{\"initial\":\"0-1\",\"final\":\"1\"}"), &c));
	if (c) {
		CHECK_STR(c->process.exec_cpu_affinity.initial, "0-1");
		CHECK_STR(c->process.exec_cpu_affinity.final, "1");
		spec_free(c);
	}
	CHECK_OK(parse(PROC("\"execCPUAffinity\":{}"), &c));
	if (c) {
		CHECK(c->process.exec_cpu_affinity.initial == NULL);
		spec_free(c);
	}
	CHECK_ERR(parse_only(PROC("\"execCPUAffinity\":{\"final\":\"0-x\"}")),
		  "config.json: process.execCPUAffinity.final: invalid CPU list \"0-x\": expected "
		  "a number");
	CHECK_ERR(parse_only(PROC("\"execCPUAffinity\":{\"initial\":\"2-1\"}")),
		  "config.json: process.execCPUAffinity.initial: invalid CPU list \"2-1\": range "
		  "end below its start");
	CHECK_ERR(parse_only(PROC("\"execCPUAffinity\":{\"initial\":3}")),
		  "config.json: process.execCPUAffinity.initial: expected a string, got 3");
	/* The lone process document of `exec --process` takes it too. */
	const char *proc = "{\"args\":[\"x\"],\"cwd\":\"/\",\"execCPUAffinity\":{\"final\":\"0\"}}";
	struct oci_process *p = NULL;
	CHECK_OK(spec_parse_process(proc, strlen(proc), "process.json", &p));
	if (p) {
		CHECK_STR(p->exec_cpu_affinity.final, "0");
		spec_process_free(p);
	}
}

static void test_memory_policy(void)
{
	struct oci_config *c = NULL;
	CHECK_OK(parse("\"linux\":{\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"0-1\","
		       "\"flags\":[\"MPOL_F_STATIC_NODES\",\"MPOL_F_NUMA_BALANCING\"]}}",
		       &c));
	if (c) {
		const struct oci_memory_policy *m = &c->linux_.memory_policy;
		CHECK(m->set);
		CHECK(m->mode_value == 2);
		CHECK(m->flags_value == ((1 << 15) | (1 << 13)));
		CHECK_STR(m->nodes, "0-1");
		spec_free(c);
	}
	CHECK_OK(parse("\"linux\":{\"memoryPolicy\":{\"mode\":\"MPOL_LOCAL\"}}", &c));
	if (c) {
		CHECK(c->linux_.memory_policy.mode_value == 4);
		spec_free(c);
	}
	CHECK_OK(parse_only("\"linux\":{\"memoryPolicy\":{\"mode\":\"MPOL_PREFERRED\"}}"));
	CHECK_OK(
	    parse_only("\"linux\":{\"memoryPolicy\":{\"mode\":\"MPOL_DEFAULT\",\"nodes\":\"\"}}"));
	static const struct {
		const char *policy, *msg;
	} bad[] = {
	    {"{\"mode\":\"MPOL_BOGUS\"}", "linux.memoryPolicy.mode: unknown mode \"MPOL_BOGUS\""},
	    {"{\"nodes\":\"0\"}", "linux.memoryPolicy.mode: missing"},
	    {"{\"mode\":\"MPOL_BIND\"}", "linux.memoryPolicy.nodes: required for mode MPOL_BIND"},
	    {"{\"mode\":\"MPOL_INTERLEAVE\",\"nodes\":\"\"}",
	     "linux.memoryPolicy.nodes: required for mode MPOL_INTERLEAVE"},
	    {"{\"mode\":\"MPOL_DEFAULT\",\"nodes\":\"0\"}",
	     "linux.memoryPolicy.nodes: must be empty for mode MPOL_DEFAULT"},
	    {"{\"mode\":\"MPOL_BIND\",\"nodes\":\"0,\"}",
	     "linux.memoryPolicy.nodes: invalid node list \"0,\": expected a number"},
	    {"{\"mode\":\"MPOL_BIND\",\"nodes\":\"0\",\"flags\":[\"MPOL_F_BOGUS\"]}",
	     "linux.memoryPolicy.flags[0]: unknown flag \"MPOL_F_BOGUS\""},
	    {"{\"mode\":\"MPOL_BIND\",\"nodes\":\"0\",\"flags\":[\"MPOL_F_STATIC_NODES\","
	     "\"MPOL_F_RELATIVE_NODES\"]}",
	     "linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude "
	     "each other"},
	    {"{\"mode\":\"MPOL_LOCAL\",\"flags\":[\"MPOL_F_STATIC_NODES\"]}",
	     "linux.memoryPolicy.flags: node flags do not apply to mode MPOL_LOCAL"},
	    {"{\"mode\":\"MPOL_INTERLEAVE\",\"nodes\":\"0\",\"flags\":[\"MPOL_F_NUMA_BALANCING\"]}",
	     "linux.memoryPolicy.flags: MPOL_F_NUMA_BALANCING needs mode MPOL_BIND or "
	     "MPOL_PREFERRED_MANY"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		_cleanup_free_ char *frag =
		    str_printf("\"linux\":{\"memoryPolicy\":%s}", bad[i].policy);
		_cleanup_free_ char *want = str_printf("config.json: %s", bad[i].msg);
		CHECK_ERR(parse_only(frag), want);
	}
	size_t n = 0;
	const char *const *modes = spec_memory_policy_modes(&n);
	CHECK(n == 7);
	CHECK_STR(modes[0], "MPOL_DEFAULT");
	spec_memory_policy_flags(&n);
	CHECK(n == 3);
}

#define NETNS "\"namespaces\":[{\"type\":\"network\"},{\"type\":\"mount\"}]"

static void test_net_devices(void)
{
	struct oci_config *c = NULL;
	CHECK_OK(parse("\"linux\":{" NETNS ",\"netDevices\":{\"eth1\":{\"name\":\"c0\"},"
		       "\"eth2\":{},\"eth3\":{\"name\":\"\"}}}",
		       &c));
	if (c) {
		CHECK(c->linux_.n_net_devices == 3);
		CHECK_STR(c->linux_.net_devices[0].host_name, "eth1");
		CHECK_STR(c->linux_.net_devices[0].name, "c0");
		CHECK(c->linux_.net_devices[1].name == NULL);
		CHECK(c->linux_.net_devices[2].name == NULL); /* "": the host name */
		spec_free(c);
	}
	CHECK_OK(parse_only("\"linux\":{" NETNS ",\"netDevices\":{\"a\":{\"name\":\"e%d\"},"
			    "\"b\":{\"name\":\"e%d\"}}}"));
	CHECK_ERR(parse_only("\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],"
			     "\"netDevices\":{\"eth1\":{}}}"),
		  "config.json: linux.netDevices: needs a network namespace in linux.namespaces "
		  "(the devices would be moved out of the host's)");
	CHECK_ERR(parse_only("\"linux\":{" NETNS ",\"netDevices\":{\"eth1\":{\"name\":"
			     "\"a/b\"}}}"),
		  "config.json: linux.netDevices.eth1.name: invalid interface name \"a/b\"");
	CHECK_ERR(parse_only("\"linux\":{" NETNS ",\"netDevices\":{\"eth1\":{\"name\":"
			     "\"0123456789abcdef\"}}}"),
		  "config.json: linux.netDevices.eth1.name: invalid interface name "
		  "\"0123456789abcdef\"");
	CHECK_ERR(parse_only("\"linux\":{" NETNS ",\"netDevices\":{\"..\":{}}}"),
		  "config.json: linux.netDevices...: invalid interface name");
	CHECK_ERR(parse_only("\"linux\":{" NETNS ",\"netDevices\":{\"a\":{\"name\":\"x\"},"
			     "\"b\":{\"name\":\"x\"}}}"),
		  "config.json: linux.netDevices.b: name \"x\" is given to two devices");
	CHECK_ERR(parse_only("\"linux\":{" NETNS ",\"netDevices\":{\"a\":{\"name\":\"b\"},"
			     "\"b\":{}}}"),
		  "config.json: linux.netDevices.b: name \"b\" is given to two devices");
	CHECK_ERR(parse_only("\"linux\":{" NETNS ",\"netDevices\":{\"a\":[]}}"),
		  "config.json: linux.netDevices.a: expected an object, got an array");
}

/* `features` advertises memoryPolicy and netDevices, and every mode and flag
 * it names is one the parser takes. */
static void test_features_advertised(void)
{
	struct oci_features f;
	CHECK_OK(runtime_features(&f));
	CHECK(f.net_devices_enabled);
	CHECK(strv_len(f.memory_policy_modes) == 7);
	for (char **m = f.memory_policy_modes; m && *m; m++) {
		bool no_nodes = !strcmp(*m, "MPOL_DEFAULT") || !strcmp(*m, "MPOL_LOCAL");
		_cleanup_free_ char *frag =
		    str_printf("\"linux\":{\"memoryPolicy\":{\"mode\":\"%s\"%s}}", *m,
			       no_nodes ? "" : ",\"nodes\":\"0\"");
		CHECK_OK(parse_only(frag));
	}
	for (char **fl = f.memory_policy_flags; fl && *fl; fl++) {
		_cleanup_free_ char *frag = str_printf(
		    "\"linux\":{\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"0\","
		    "\"flags\":[\"%s\"]}}",
		    *fl);
		CHECK_OK(parse_only(frag));
	}
	_cleanup_free_ char *json = oci_features_to_json(&f);
	CHECK(json && strstr(json, "\"memoryPolicy\": {\n            \"modes\": [") != NULL);
	CHECK(json && strstr(json, "\"netDevices\": {\n            \"enabled\": true") != NULL);
	oci_features_free(&f);
}

int main(void)
{
	RUN_TEST(test_cpu_list);
	RUN_TEST(test_exec_cpu_affinity);
	RUN_TEST(test_memory_policy);
	RUN_TEST(test_net_devices);
	RUN_TEST(test_features_advertised);
	UNIT_MAIN_END();
}
