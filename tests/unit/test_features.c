/* spec/features_json.c and runtime/features.c: the features document's shape,
 * and that every name it advertises is one the config parsers accept. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "runtime/features.h"
#include "runtime/child/mount_options.h"
#include "spec/config.h"
#include "spec/features.h"
#include "tests/unit/unit.h"

static yajl_val at(yajl_val root, const char *a, const char *b, const char *c)
{
	const char *path[] = {a, b, c, NULL};
	return yajl_tree_get(root, path, yajl_t_any);
}

static void test_render_shape(void)
{
	char *hooks[] = {"prestart", "poststop", NULL};
	char *keys[] = {"z.last", "a.first", NULL}, *values[] = {"2", "1<", NULL};
	struct oci_features f = {
	    .oci_version_min = "1.0.0",
	    .oci_version_max = "1.3.0",
	    .hooks = hooks,
	    .cgroup_v1 = true,
	    .cgroup_rdma = true,
	    .seccomp_enabled = true,
	    .annotations = {keys, values, 2},
	};
	_cleanup_free_ char *json = oci_features_to_json(&f);
	CHECK(json != NULL);
	if (!json)
		return;
	/* Go's MarshalIndent with 4 spaces, as `runc features`. */
	CHECK(str_has_prefix(json, "{\n    \"ociVersionMin\": \"1.0.0\",\n"
				   "    \"ociVersionMax\": \"1.3.0\",\n"
				   "    \"hooks\": [\n        \"prestart\",\n        \"poststop\"\n"
				   "    ],\n    \"mountOptions\": [],\n"));
	CHECK(json[strlen(json) - 1] == '\n');
	/* sorted annotation keys, HTML characters escaped like Go */
	CHECK(strstr(json, "\"a.first\": \"1\\u003c\",\n        \"z.last\": \"2\"") != NULL);
	char errbuf[256];
	yajl_val root = yajl_tree_parse(json, errbuf, sizeof(errbuf));
	CHECK(root != NULL);
	if (!root)
		return;
	CHECK(YAJL_IS_TRUE(at(root, "linux", "cgroup", "v1")));
	CHECK(YAJL_IS_FALSE(at(root, "linux", "cgroup", "v2")));
	CHECK(YAJL_IS_FALSE(at(root, "linux", "cgroup", "systemd")));
	CHECK(YAJL_IS_TRUE(at(root, "linux", "cgroup", "rdma")));
	CHECK(YAJL_IS_TRUE(at(root, "linux", "seccomp", "enabled")));
	CHECK(YAJL_IS_ARRAY(at(root, "linux", "seccomp", "supportedFlags")));
	CHECK(YAJL_IS_FALSE(at(root, "linux", "intelRdt", "enabled")));
	CHECK(YAJL_IS_FALSE(at(root, "linux", "intelRdt", "schemata")));
	CHECK(YAJL_IS_FALSE(at(root, "linux", "intelRdt", "monitoring")));
	const char *idmap[] = {"linux", "mountExtensions", "idmap", "enabled", NULL};
	CHECK(YAJL_IS_FALSE(yajl_tree_get(root, idmap, yajl_t_any)));
	/* runtime-spec 1.3 sections: empty lists mean "none recognized" */
	CHECK(YAJL_IS_ARRAY(at(root, "linux", "memoryPolicy", "modes")));
	CHECK(YAJL_IS_ARRAY(at(root, "linux", "memoryPolicy", "flags")));
	CHECK(YAJL_IS_FALSE(at(root, "linux", "netDevices", "enabled")));
	CHECK(YAJL_IS_ARRAY(at(root, "potentiallyUnsafeConfigAnnotations", NULL, NULL)));
	yajl_tree_free(root);
}

/* A config whose seccomp section uses `name` as an action, operator, arch or
 * flag must parse: the document may not advertise what create refuses. */
static error *parse_seccomp_with(const char *field_json)
{
	_cleanup_free_ char *cfg =
	    str_printf("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
		       "\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"]},"
		       "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"seccomp\":%s}}",
		       field_json);
	struct oci_config *c = NULL;
	error *e = spec_parse(cfg, strlen(cfg), "config.json", &c);
	if (c)
		spec_free(c);
	return e;
}

static void test_advertised_names_parse(void)
{
	struct oci_features f;
	CHECK_OK(runtime_features(&f));
	for (char **a = f.seccomp_actions; a && *a; a++) {
		_cleanup_free_ char *j =
		    str_printf("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/x\","
			       "\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"%s\"}]}",
			       *a);
		error *e = parse_seccomp_with(j);
		if (e)
			printf("# action %s: %s\n", *a, err_msg(e));
		CHECK(e == NULL);
		err_free(e);
	}
	for (char **o = f.seccomp_operators; o && *o; o++) {
		_cleanup_free_ char *j = str_printf(
		    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpid\"],"
		    "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":1,"
		    "\"op\":\"%s\"}]}]}",
		    *o);
		error *e = parse_seccomp_with(j);
		CHECK(e == NULL);
		err_free(e);
	}
	for (char **a = f.seccomp_archs; a && *a; a++) {
		_cleanup_free_ char *j = str_printf(
		    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"%s\"]}", *a);
		error *e = parse_seccomp_with(j);
		CHECK(e == NULL);
		err_free(e);
	}
	for (char **fl = f.seccomp_known_flags; fl && *fl; fl++) {
		_cleanup_free_ char *j =
		    str_printf("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"%s\"]}", *fl);
		error *e = parse_seccomp_with(j);
		CHECK(e == NULL);
		err_free(e);
	}
	/* Supported flags are a subset of the known ones. */
	for (char **fl = f.seccomp_supported_flags; fl && *fl; fl++)
		CHECK(strv_contains(f.seccomp_known_flags, *fl));
	/* Mount options: every one is understood by the parser (none is passed
	 * on as filesystem data). */
	for (char **m = f.mount_options; m && *m; m++) {
		char *opts[] = {*m, NULL};
		struct mount_options mo;
		CHECK_OK(mount_options_parse(opts, &mo));
		CHECK(mo.data == NULL);
		mount_options_free(&mo);
	}
	CHECK(strv_contains(f.mount_options, "rro"));
	CHECK(strv_contains(f.mount_options, "tmpcopyup"));
	CHECK(strv_contains(f.mount_options, "idmap"));
	CHECK(strv_contains(f.mount_options, "ridmap"));
	CHECK(strv_contains(f.seccomp_actions, "SCMP_ACT_NOTIFY"));
	CHECK(strv_len(f.hooks) == 6);
	CHECK(strv_contains(f.capabilities, "CAP_SYS_ADMIN"));
	CHECK(strv_contains(f.namespaces, "mount"));
	CHECK(f.cgroup_systemd && f.cgroup_systemd_user);
	/* mount_setattr since Linux 5.12: every kernel isorun is tested on */
	CHECK(f.idmap_enabled);
	CHECK_STR(f.oci_version_max, "1.3.0");
	/* What is implemented is claimed, and nothing the host lacks. */
	CHECK(strv_len(f.memory_policy_modes) == 7 && strv_len(f.memory_policy_flags) == 3);
	CHECK(f.net_devices_enabled);
	CHECK(f.intel_rdt_enabled == (access("/sys/fs/resctrl/schemata", F_OK) == 0));
	CHECK(f.intel_rdt_schemata == f.intel_rdt_enabled);
	CHECK(f.intel_rdt_monitoring == f.intel_rdt_enabled);
	/* the systemd driver passes org.systemd.property.* annotations on */
	CHECK(f.unsafe_annotations && strv_len(f.unsafe_annotations) == 1 &&
	      !strcmp(f.unsafe_annotations[0], "org.systemd.property."));
	oci_features_free(&f);
	CHECK(f.hooks == NULL && f.annotations.n == 0);
}

int main(void)
{
	RUN_TEST(test_render_shape);
	RUN_TEST(test_advertised_names_parse);
	UNIT_MAIN_END();
}
