/* spec/resources_json.c: LinuxResources to JSON and back, the update merge,
 * and rewriting linux.resources of a saved config.json. */
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "spec/config.h"
#include "tests/unit/unit.h"

static const char full[] =
    "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\","
    "\"major\":1,\"minor\":3,\"access\":\"rw\"}],"
    "\"memory\":{\"limit\":67108864,\"reservation\":1048576,\"swap\":134217728,"
    "\"swappiness\":10,\"disableOOMKiller\":false,\"checkBeforeUpdate\":true},"
    "\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000,\"cpus\":\"0-1\","
    "\"mems\":\"0\"},\"pids\":{\"limit\":42},"
    "\"blockIO\":{\"weight\":300,\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":500}],"
    "\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":18446744073709551615}]},"
    "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}],"
    "\"network\":{\"classID\":7,\"priorities\":[{\"name\":\"eth0\",\"priority\":3}]},"
    "\"unified\":{\"memory.high\":\"1000000\"}}";

static struct oci_resources *parse(const char *json)
{
	struct oci_resources *r = NULL;
	CHECK_OK(spec_parse_resources(json, strlen(json), "t", &r));
	return r;
}

static void test_round_trip(void)
{
	struct oci_resources *a = parse(full);
	if (!a)
		return;
	_cleanup_free_ char *j1 = spec_resources_to_json(a);
	CHECK(j1 != NULL);
	struct oci_resources *b = parse(j1);
	if (!b) {
		spec_resources_free(a);
		return;
	}
	_cleanup_free_ char *j2 = spec_resources_to_json(b);
	CHECK_STR(j2, j1);
	CHECK(b->n_devices == 2 && b->devices[1].type == 'c' && b->devices[1].major.value == 1);
	CHECK(b->memory.limit.value == 67108864 && b->memory.check_before_update.value);
	CHECK(b->cpu.quota.value == 50000 && !strcmp(b->cpu.cpus, "0-1"));
	CHECK(b->has_pids && b->pids_limit == 42);
	CHECK(b->block_io.throttle_read_bps[0].rate == UINT64_MAX);
	CHECK(b->n_hugepage_limits == 1 && b->hugepage_limits[0].limit == 4194304);
	CHECK(b->net_class_id.value == 7 && b->n_net_priorities == 1);
	CHECK(b->unified.n == 1 && !strcmp(b->unified.values[0], "1000000"));
	spec_resources_free(a);
	spec_resources_free(b);
}

static void test_empty(void)
{
	struct oci_resources r = {0};
	_cleanup_free_ char *j = spec_resources_to_json(&r);
	CHECK_STR(j, "{}");
}

static void test_merge_keeps_omitted(void)
{
	struct oci_resources *saved = parse(full);
	struct oci_resources *upd =
	    parse("{\"memory\":{\"limit\":33554432,\"swap\":0},\"cpu\":{\"quota\":0,"
		  "\"period\":200000,\"cpus\":\"\"},\"pids\":{\"limit\":-1},"
		  "\"devices\":[{\"allow\":true,\"access\":\"rwm\"}],"
		  "\"unified\":{\"memory.low\":\"5\",\"memory.high\":\"6\"}}");
	if (!saved || !upd)
		return;
	CHECK_OK(spec_resources_merge(saved, upd));
	CHECK(saved->memory.limit.value == 33554432);
	CHECK(saved->memory.swap.value == 134217728);	   /* 0: unchanged */
	CHECK(saved->memory.reservation.value == 1048576); /* omitted */
	CHECK(saved->cpu.quota.value == 50000);		   /* 0: unchanged */
	CHECK(saved->cpu.period.value == 200000);
	CHECK_STR(saved->cpu.cpus, "0-1"); /* empty: unchanged */
	CHECK(saved->cpu.shares.value == 512);
	CHECK(saved->pids_limit == -1);
	CHECK(saved->n_devices == 2 && !saved->devices[0].allow); /* never updated */
	CHECK(saved->unified.n == 2);
	CHECK_STR(saved->unified.keys[0], "memory.high");
	CHECK_STR(saved->unified.values[0], "6");
	CHECK_STR(saved->unified.keys[1], "memory.low");
	spec_resources_free(saved);
	spec_resources_free(upd);
}

static void test_merge_into_nothing(void)
{
	struct oci_resources saved = {0};
	struct oci_resources *upd = parse("{\"pids\":{\"limit\":10},\"blockIO\":{\"weight\":100}}");
	if (!upd)
		return;
	CHECK_OK(spec_resources_merge(&saved, upd));
	_cleanup_free_ char *j = spec_resources_to_json(&saved);
	CHECK_STR(j, "{\"pids\":{\"limit\":10},\"blockIO\":{\"weight\":100}}");
	spec_resources_free(upd);
	/* saved owns nothing allocated here except what merge added */
	struct oci_resources *heap = malloc(sizeof(*heap));
	*heap = saved;
	spec_resources_free(heap);
}

static void test_config_rewrite(void)
{
	static const char cfg[] =
	    "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},"
	    "\"root\":{\"path\":\"rootfs\"},\"linux\":{\"namespaces\":[{\"type\":\"pid\"}],"
	    "\"resources\":{\"memory\":{\"limit\":1}},\"maskedPaths\":[\"/proc/kcore\"]},"
	    "\"annotations\":{\"a\":\"b/c\"},\"x\":[1.5,-2,true,false,null]}";
	struct oci_resources *r = parse("{\"pids\":{\"limit\":5}}");
	if (!r)
		return;
	_cleanup_free_ char *out = NULL;
	size_t len = 0;
	CHECK_OK(spec_config_set_resources(cfg, strlen(cfg), r, &out, &len));
	CHECK_STR(out, "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},"
		       "\"root\":{\"path\":\"rootfs\"},\"linux\":{\"namespaces\":[{\"type\":"
		       "\"pid\"}],\"resources\":{\"pids\":{\"limit\":5}},\"maskedPaths\":[\"/proc/"
		       "kcore\"]},\"annotations\":{\"a\":\"b/c\"},\"x\":[1.5,-2,true,false,null]}");
	CHECK(len == strlen(out));
	/* The rewritten config still parses, with the new limits. */
	struct oci_config *c = NULL;
	CHECK_OK(spec_parse(out, len, "config.json", &c));
	CHECK(c && c->linux_.resources.has_pids && c->linux_.resources.pids_limit == 5);
	CHECK(c && !c->linux_.resources.has_memory);
	spec_free(c);

	/* No linux object: one is added. */
	_cleanup_free_ char *out2 = NULL;
	CHECK_OK(spec_config_set_resources("{\"ociVersion\":\"1\"}", 18, r, &out2, &len));
	CHECK_STR(out2,
		  "{\"ociVersion\":\"1\",\"linux\":{\"resources\":{\"pids\":{\"limit\":5}}}}");
	/* linux without resources: appended. */
	_cleanup_free_ char *out3 = NULL;
	const char *c3 = "{\"linux\":{\"cgroupsPath\":\"/a\"}}";
	CHECK_OK(spec_config_set_resources(c3, strlen(c3), r, &out3, &len));
	CHECK_STR(out3,
		  "{\"linux\":{\"cgroupsPath\":\"/a\",\"resources\":{\"pids\":{\"limit\":5}}}}");
	_cleanup_free_ char *out4 = NULL;
	CHECK_ERR(spec_config_set_resources("{", 1, r, &out4, &len),
		  "config.json: invalid JSON at line 1, column 2: premature EOF");
	spec_resources_free(r);
}

int main(void)
{
	RUN_TEST(test_round_trip);
	RUN_TEST(test_empty);
	RUN_TEST(test_merge_keeps_omitted);
	RUN_TEST(test_merge_into_nothing);
	RUN_TEST(test_config_rewrite);
	UNIT_MAIN_END();
}
