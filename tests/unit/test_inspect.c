/* runtime/inspect.c: the pure parts of the isolation report (capability
 * masks, "unlimited" values, mountinfo analysis, rendering). */
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "lab/inspect.h"
#include "tests/unit/unit.h"

static void test_caps(void)
{
	_cleanup_free_ char *a = inspect_caps_from_hex("0000000020000400");
	CHECK_STR(a, "CAP_NET_BIND_SERVICE,CAP_AUDIT_WRITE");
	_cleanup_free_ char *none = inspect_caps_from_hex("0000000000000000");
	CHECK_STR(none, "");
	_cleanup_free_ char *kill = inspect_caps_from_hex("20");
	CHECK_STR(kill, "CAP_KILL");
}

static void test_unlimited(void)
{
	CHECK(inspect_is_unlimited("max"));
	CHECK(inspect_is_unlimited("-1"));
	CHECK(inspect_is_unlimited("9223372036854771712"));
	CHECK(!inspect_is_unlimited("67108864"));
	CHECK(!inspect_is_unlimited("0"));
}

/* A runc container's mountinfo on a hybrid host (trimmed). */
static const char mountinfo[] =
    "64 40 0:39 / / ro,relatime - overlay overlay rw\n"
    "65 64 0:40 / /proc rw,relatime - proc proc rw\n"
    "70 64 0:22 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs rw\n"
    "71 70 0:44 / /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw,mode=755\n"
    "72 71 0:29 /k3 /sys/fs/cgroup/cpu ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,cpu\n"
    "43 65 0:45 / /proc/acpi ro,relatime - tmpfs tmpfs ro\n"
    "44 65 0:41 /null /proc/keys rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755\n"
    "46 70 0:46 / /sys/firmware ro,relatime - tmpfs tmpfs ro\n"
    "47 65 0:40 /bus /proc/bus ro,relatime - proc proc rw\n"
    "50 65 0:40 /sys /proc/sys ro,relatime - proc proc rw\n";

static void test_mountinfo(void)
{
	bool ro = false;
	_cleanup_free_ char *masked = NULL, *readonly = NULL;
	CHECK_OK(inspect_parse_mountinfo(mountinfo, &ro, &masked, &readonly));
	CHECK(ro);
	CHECK_STR(masked, "/proc/acpi,/proc/keys,/sys/firmware");
	CHECK_STR(readonly, "/proc/bus,/proc/sys");
	/* a writable root stacked over: the last "/" mount counts */
	_cleanup_free_ char *m2 = NULL, *r2 = NULL;
	CHECK_OK(inspect_parse_mountinfo(
	    "1 0 0:1 / / ro - ext4 a rw\n2 1 0:2 / / rw - tmpfs b rw\n", &ro, &m2, &r2));
	CHECK(!ro);
	CHECK_STR(m2, "");
	/* Paths come decoded (\040 is a space); an empty source shifts nothing. */
	_cleanup_free_ char *m3 = NULL, *r3 = NULL;
	CHECK_OK(inspect_parse_mountinfo("1 0 0:1 / / ro shared:1 - ext4 a rw\n"
					 "2 1 0:2 / /proc/my\\040dir ro master:3 - tmpfs  ro\n",
					 &ro, &m3, &r3));
	CHECK(ro);
	CHECK_STR(m3, "/proc/my dir");
}

static void test_render(void)
{
	struct report r = {0};
	report_row(&r, "container", "id", "c1");
	report_row(&r, "container", "pid", NULL);
	report_field(&r, &r.rows[r.n_rows - 1], "pid", RK_NUMBER, "%d", 42);
	report_row(&r, "resources", "memory", "limited");
	report_field(&r, &r.rows[r.n_rows - 1], "max", RK_NUMBER, "%d", 1024);
	report_row(&r, "security", "capabilities", NULL);
	report_field(&r, &r.rows[r.n_rows - 1], "effective", RK_LIST, "%s", "CAP_KILL,CAP_CHOWN");
	report_field(&r, &r.rows[r.n_rows - 1], "ambient", RK_LIST, "%s", "");
	report_row(&r, "security", "devices", "restricted");
	report_field(&r, &r.rows[r.n_rows - 1], "ebpf", RK_BOOL, "true");
	CHECK(!r.failed_alloc);
	_cleanup_free_ char *json = report_to_json(&r);
	CHECK_STR(json, "{\n"
			"  \"container\": {\n"
			"    \"id\": \"c1\",\n"
			"    \"pid\": 42\n"
			"  },\n"
			"  \"resources\": {\n"
			"    \"memory\": {\n"
			"      \"state\": \"limited\",\n"
			"      \"max\": 1024\n"
			"    }\n"
			"  },\n"
			"  \"security\": {\n"
			"    \"capabilities\": {\n"
			"      \"effective\": [\n"
			"        \"CAP_KILL\",\n"
			"        \"CAP_CHOWN\"\n"
			"      ],\n"
			"      \"ambient\": []\n"
			"    },\n"
			"    \"devices\": {\n"
			"      \"state\": \"restricted\",\n"
			"      \"ebpf\": true\n"
			"    }\n"
			"  }\n"
			"}\n");
	_cleanup_free_ char *table = report_to_table(&r);
	CHECK(table && strstr(table, "CONTAINER\n  id            c1\n  pid           42\n"));
	CHECK(table && strstr(table, "\nRESOURCES\n  memory        limited     max=1024\n"));
	report_free(&r);
}

int main(void)
{
	RUN_TEST(test_caps);
	RUN_TEST(test_unlimited);
	RUN_TEST(test_mountinfo);
	RUN_TEST(test_render);
	UNIT_MAIN_END();
}
