/* cgroups/systemd_unit.c, systemd_props.c, systemd_annotations.c: the
 * systemd driver's plan as data (no D-Bus): cgroupsPath -> unit and slice ->
 * cgroup path in every hierarchy, resources + annotations -> properties (v2
 * and runc 1.1's v1 names), GVariant text annotations, and the cgroup state
 * round trip of a unit. */
#include <errno.h>

#include "cgroups/cgroups.h"
#include "cgroups/internal.h"
#include "cgroups/systemd.h"
#include "common/cleanup.h"
#include "common/util.h"
#include "tests/unit/unit.h"

#define I64(v) ((opt_i64){true, (v)})
#define U64(v) ((opt_u64){true, (v)})

static void check_unit(const char *path, const char *id, bool user, const char *slice,
		       const char *unit, bool is_slice)
{
	struct cgsd_unit u;
	error *e = cgsd_parse_path(path, id, user, &u);
	CHECK_OK(e);
	if (e)
		return;
	CHECK_STR(u.slice, slice);
	CHECK_STR(u.unit, unit);
	CHECK(u.is_slice == is_slice);
	cgsd_unit_free(&u);
}

static void test_parse_path(void)
{
	check_unit("system.slice:docker:abc", "x", false, "system.slice", "docker-abc.scope",
		   false);
	check_unit(NULL, "c1", false, "system.slice", "isorun-c1.scope", false);
	check_unit("", "c1", true, "user.slice", "isorun-c1.scope", false);
	check_unit(":cri-containerd:abc", "x", false, "system.slice", "cri-containerd-abc.scope",
		   false);
	check_unit("kubepods-burstable-pod1.slice:cri-containerd:abc", "x", false,
		   "kubepods-burstable-pod1.slice", "cri-containerd-abc.scope", false);
	check_unit("system.slice:ignored:my-nested.slice", "x", false, "system.slice",
		   "my-nested.slice", true);
	check_unit("-.slice:p:n", "x", false, "-.slice", "p-n.scope", false);
	struct cgsd_unit u;
	CHECK_ERR(
	    cgsd_parse_path("a:b", "x", false, &u),
	    "cgroupsPath \"a:b\": expected \"slice:prefix:name\" for the systemd cgroup driver");
	CHECK_ERR(cgsd_parse_path("a:b:c:d", "x", false, &u),
		  "cgroupsPath \"a:b:c:d\": expected \"slice:prefix:name\" for the systemd cgroup "
		  "driver");
	CHECK_ERR(cgsd_parse_path("a--b.slice:p:n", "x", false, &u),
		  "cgroupsPath \"a--b.slice:p:n\": invalid slice name a--b.slice");
	CHECK_ERR(cgsd_parse_path("a/b.slice:p:n", "x", false, &u),
		  "cgroupsPath \"a/b.slice:p:n\": invalid slice name a/b.slice");
	CHECK_ERR(cgsd_parse_path("system:p:n", "x", false, &u),
		  "cgroupsPath \"system:p:n\": invalid slice name system");
	CHECK_ERR(cgsd_parse_path("system.slice:p:", "x", false, &u),
		  "cgroupsPath \"system.slice:p:\": the name part is empty");
	CHECK_ERR(cgsd_parse_path("system.slice:p:a b", "x", false, &u),
		  "cgroupsPath \"system.slice:p:a b\": invalid unit name p-a b.scope");
}

static void check_expand(const char *slice, const char *want)
{
	_cleanup_free_ char *got = NULL;
	CHECK_OK(cgsd_expand_slice(slice, &got));
	CHECK_STR(got, want);
}

static void test_expand_slice(void)
{
	check_expand("system.slice", "/system.slice");
	check_expand("a-b-c.slice", "/a.slice/a-b.slice/a-b-c.slice");
	check_expand("-.slice", "/");
	char *p = NULL;
	CHECK_ERR(cgsd_expand_slice("-a.slice", &p), "invalid slice name -a.slice");
	CHECK_ERR(cgsd_expand_slice("a-.slice", &p), "invalid slice name a-.slice");
	CHECK_ERR(cgsd_expand_slice(".slice", &p), "invalid slice name .slice");
	CHECK_ERR(cgsd_expand_slice("a.scope", &p), "invalid slice name a.scope");
}

static void check_props(const struct oci_resources *r, const char *want)
{
	struct cgsd_props ps = {0};
	CHECK_OK(cgsd_plan_resources(r, true, false, &ps));
	_cleanup_free_ char *got = cgsd_props_format(&ps);
	CHECK_STR(got, want);
	cgsd_props_free(&ps);
}

static void test_resources(void)
{
	struct oci_resources r = {0};
	r.has_memory = true;
	r.memory.limit = I64(67108864);
	r.memory.reservation = I64(16777216);
	r.memory.swap = I64(134217728);
	r.has_cpu = true;
	r.cpu.shares = U64(512);
	r.cpu.quota = I64(33333);
	r.cpu.period = U64(100000);
	r.cpu.cpus = "0-2,9";
	r.cpu.mems = "0";
	r.has_pids = true;
	r.pids_limit = 64;
	check_props(&r, "MemoryMax t 67108864\n"
			"MemoryLow t 16777216\n"
			"MemorySwapMax t 67108864\n"
			"CPUWeight t 20\n"
			/* 333330 us per second, rounded up to 1% steps */
			"CPUQuotaPerSecUSec t 340000\n"
			"CPUQuotaPeriodUSec t 100000\n"
			"AllowedCPUs ay 07 02\n"
			"AllowedMemoryNodes ay 01\n"
			"TasksMax t 64\n");

	/* unlimited, and pids 0 which systemd cannot say (the file gets 0) */
	struct oci_resources u = {0};
	u.has_memory = true;
	u.memory.limit = I64(-1);
	u.has_pids = true;
	u.pids_limit = -1;
	u.has_cpu = true;
	u.cpu.quota = I64(-1);
	check_props(&u, "MemoryMax t infinity\nMemorySwapMax t infinity\n"
			"CPUQuotaPerSecUSec t infinity\nTasksMax t infinity\n");
	u.has_memory = u.has_cpu = false;
	u.pids_limit = 0;
	check_props(&u, "TasksMax t 1\n");

	struct oci_resources bad = {0};
	bad.has_cpu = true;
	bad.cpu.cpus = "3-1";
	struct cgsd_props ps = {0};
	CHECK_ERR(cgsd_plan_resources(&bad, true, false, &ps),
		  "linux.resources.cpu.cpus: invalid cpu/node list \"3-1\"");
}

static void test_io_and_unified(void)
{
	struct oci_block_io_device wd[] = {{.major = 8, .minor = 0, .weight = U64(500)},
					   {.major = 8, .minor = 16}};
	struct oci_block_io_device rbps[] = {{.major = 8, .minor = 0, .rate = 1048576}};
	struct oci_resources r = {0};
	r.has_block_io = true;
	r.block_io.weight = U64(10);
	r.block_io.weight_device = wd;
	r.block_io.n_weight_device = 2;
	r.block_io.throttle_read_bps = rbps;
	r.block_io.n_throttle_read_bps = 1;
	char *keys[] = {"memory.high", "pids.max", "cpu.max", "cpuset.cpus", "io.max"};
	char *vals[] = {"1000000", "max", "50000 100000", "1", "8:0 rbps=1"};
	r.unified = (struct str_map){keys, vals, 5};
	check_props(&r, "IOWeight t 1\n"
			"IODeviceWeight a(st) /dev/block/8:0=4950\n"
			"IOReadBandwidthMax a(st) /dev/block/8:0=1048576\n"
			"MemoryHigh t 1000000\n"
			"TasksMax t infinity\n"
			"CPUQuotaPerSecUSec t 500000\n"
			"CPUQuotaPeriodUSec t 100000\n"
			"AllowedCPUs ay 02\n");
}

static void test_devices(void)
{
	/* runc's defaults: deny all, then allows; a deny after an allow is
	 * left to isorun's own eBPF program (systemd gets a superset). */
	struct oci_device_cgroup d[] = {
	    {.allow = false, .type = 'a', .access = "rwm"},
	    {.allow = true, .type = 'c', .major = I64(1), .minor = I64(3), .access = "rwm"},
	    {.allow = true, .type = 'c', .major = I64(136), .access = "rwm"},
	    {.allow = false, .type = 'c', .major = I64(1), .minor = I64(3), .access = "w"},
	    {.allow = true, .type = 'b', .major = I64(8), .minor = I64(0), .access = "r"},
	};
	struct oci_resources r = {.devices = d, .n_devices = 5};
	check_props(&r, "DevicePolicy s strict\n"
			"DeviceAllow a(ss) /dev/char/1:3=rwm char-*=rwm /dev/block/8:0=r\n");
	struct oci_device_cgroup all[] = {{.allow = true, .type = 'a'}};
	struct oci_resources ra = {.devices = all, .n_devices = 1};
	check_props(&ra, "DevicePolicy s auto\n");
	/* update never touches devices (runc's SkipDevices) */
	struct cgsd_props ps = {0};
	CHECK_OK(cgsd_plan_resources(&r, true, true, &ps));
	CHECK(ps.n == 0);
	cgsd_props_free(&ps);
}

static void check_gv(const char *name, const char *text, const char *want)
{
	struct cgsd_prop p;
	CHECK_OK(cgsd_prop_from_gvariant(name, text, &p));
	struct cgsd_props ps = {&p, 1};
	_cleanup_free_ char *got = cgsd_props_format(&ps);
	CHECK_STR(got, want);
	free(p.name);
	free(p.sig);
	free(p.s);
}

static void test_gvariant(void)
{
	check_gv("TimeoutStopUSec", "uint64 123456789", "TimeoutStopUSec t 123456789\n");
	check_gv("CollectMode", "'inactive-or-failed'", "CollectMode s inactive-or-failed\n");
	check_gv("CollectMode", "\"it's\"", "CollectMode s it's\n");
	check_gv("Delegate", "false", "Delegate b false\n");
	check_gv("CPUWeight", "@t 50", "CPUWeight t 50\n");
	check_gv("Nice", "-5", "Nice i -5\n");
	/* runc: FooSec is FooUSec in microseconds */
	check_gv("RuntimeMaxSec", "uint64 3600", "RuntimeMaxUSec t 3600000000\n");
	check_gv("TimeoutStopSec", "1.5", "TimeoutStopUSec t 1500000\n");
	struct cgsd_prop p;
	CHECK_ERR(cgsd_prop_from_gvariant("TimeoutStopUSec", "uint64 abc", &p),
		  "annotation org.systemd.property.TimeoutStopUSec: not a number: uint64 abc");
	CHECK_ERR(cgsd_prop_from_gvariant("lower", "1", &p), "invalid systemd property name lower");
	CHECK_ERR(cgsd_prop_from_gvariant("Bad-Name", "1", &p),
		  "invalid systemd property name Bad-Name");
	CHECK_ERR(cgsd_prop_from_gvariant("Description", "'unterminated", &p),
		  "annotation org.systemd.property.Description: not a string: 'unterminated");
	CHECK_ERR(cgsd_prop_from_gvariant("RuntimeMaxSec", "'x'", &p),
		  "annotation org.systemd.property.RuntimeMaxSec: expected seconds: 'x'");
}

static void test_plan_start(void)
{
	struct cgsd_unit u;
	CHECK_OK(cgsd_parse_path("machine.slice:p:c1", "c1", false, &u));
	struct oci_resources r = {.has_pids = true, .pids_limit = 10};
	char *keys[] = {"org.systemd.property.Delegate", "other", "org.systemd.property.Foo"};
	char *vals[] = {"false", "x", "uint32 7"};
	struct str_map ann = {keys, vals, 3};
	struct cgsd_props ps = {0};
	CHECK_OK(cgsd_plan_start(&u, "c1", &r, true, &ann, &ps));
	_cleanup_free_ char *got = cgsd_props_format(&ps);
	/* the annotations come last: they override (Delegate here) */
	CHECK_STR(got, "Description s isorun container c1\n"
		       "Slice s machine.slice\n"
		       "Delegate b true\n"
		       "DefaultDependencies b false\n"
		       "MemoryAccounting b true\n"
		       "CPUAccounting b true\n"
		       "IOAccounting b true\n"
		       "TasksAccounting b true\n"
		       "TasksMax t 10\n"
		       "Delegate b false\n"
		       "Foo u 7\n");
	cgsd_props_free(&ps);
	cgsd_unit_free(&u);

	/* a slice: Wants= its parent, no Delegate */
	CHECK_OK(cgsd_parse_path("system.slice:p:x-y.slice", "c1", false, &u));
	CHECK_OK(cgsd_plan_start(&u, "c1", NULL, true, NULL, &ps));
	_cleanup_free_ char *got2 = cgsd_props_format(&ps);
	CHECK_STR(got2, "Description s isorun container c1\n"
			"Wants as system.slice\n"
			"DefaultDependencies b false\n"
			"MemoryAccounting b true\n"
			"CPUAccounting b true\n"
			"IOAccounting b true\n"
			"TasksAccounting b true\n");
	cgsd_props_free(&ps);
	cgsd_unit_free(&u);
}

static void check_unit_path(const char *cgroups_path, const char *want)
{
	struct cgsd_unit u;
	_cleanup_free_ char *got = NULL;
	CHECK_OK(cgsd_parse_path(cgroups_path, "c1", false, &u));
	CHECK_OK(cgsd_unit_path(&u, &got));
	CHECK_STR(got, want);
	cgsd_unit_free(&u);
}

/* Where systemd puts the unit: the same path in every hierarchy. */
static void test_unit_path(void)
{
	check_unit_path("", "/system.slice/isorun-c1.scope");
	check_unit_path("a-b.slice:p:n", "/a.slice/a-b.slice/p-n.scope");
	check_unit_path("-.slice:p:n", "/p-n.scope");
	/* a nested slice lives where its own name says, whatever its parent */
	check_unit_path("system.slice:p:x-y.slice", "/x.slice/x-y.slice");
}

static const char *const hybrid_mi =
    "24 30 0:22 / /sys rw,nosuid - sysfs sysfs rw\n"
    "31 24 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw,nsdelegate\n"
    "33 31 0:30 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd\n"
    "34 31 0:31 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset\n"
    "36 31 0:33 / /sys/fs/cgroup/freezer rw - cgroup cgroup rw,freezer\n"
    "37 31 0:34 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";

/* v1/hybrid: every v1 hierarchy (and cgroup2 on hybrid) at the unit's path,
 * as runc 1.1's getSubsystemPath. */
static void test_v1_hiers(void)
{
	static const char *const want[] = {"/sys/fs/cgroup/unified=",
					   "/sys/fs/cgroup/systemd=name=systemd",
					   "/sys/fs/cgroup/cpu,cpuacct=cpu,cpuacct",
					   "/sys/fs/cgroup/cpuset=cpuset",
					   "/sys/fs/cgroup/freezer=freezer",
					   "/sys/fs/cgroup/memory=memory"};
	for (int v1 = 0; v1 < 2; v1++) {
		struct cgroup *cg = calloc(1, sizeof(*cg));
		if (!cg)
			return;
		cg->v2fd = -1;
		cg->layout = v1 ? CGROUP_LAYOUT_V1 : CGROUP_LAYOUT_HYBRID;
		CHECK_OK(cg_hiers_at(cg, hybrid_mi, "/a.slice/a-b.slice/p-n.scope"));
		CHECK(cg->n == ARRAY_SIZE(want) - (size_t)v1);
		for (size_t i = 0; i < cg->n && i + v1 < ARRAY_SIZE(want); i++) {
			_cleanup_free_ char *got =
			    str_printf("%s=%s", cg->h[i].mnt, cg->h[i].controllers);
			CHECK_STR(got, want[i + (size_t)v1]);
			CHECK_STR(cg->h[i].path, "/a.slice/a-b.slice/p-n.scope");
		}
		/* the tracking hierarchy: cgroup2 on hybrid */
		CHECK_STR(cgroup_path(cg), "/a.slice/a-b.slice/p-n.scope");
		CHECK(cg_find_v1(cg, "cpuacct") && cg_find_v1(cg, "freezer"));
		CHECK((cg_find_v2(cg) != NULL) == !v1);
		cgroup_free(cg);
	}
}

static void check_props_v1(const struct oci_resources *r, const char *want)
{
	struct cgsd_props ps = {0};
	CHECK_OK(cgsd_plan_resources(r, false, false, &ps));
	_cleanup_free_ char *got = cgsd_props_format(&ps);
	CHECK_STR(got, want);
	cgsd_props_free(&ps);
}

/* runc 1.1 genV1ResourcesProperties: v1 names, raw v1 values. */
static void test_v1_resources(void)
{
	struct oci_resources r = {0};
	r.has_memory = true;
	r.memory.limit = I64(67108864);
	r.memory.reservation = I64(16777216); /* no v1 property: the file */
	r.memory.swap = I64(134217728);	      /* likewise */
	r.has_cpu = true;
	r.cpu.shares = U64(512);
	r.cpu.quota = I64(50000);
	r.cpu.period = U64(100000);
	r.cpu.cpus = "0-1";
	r.has_pids = true;
	r.pids_limit = 64;
	r.has_block_io = true;
	r.block_io.weight = U64(300);
	struct oci_device_cgroup dev[] = {
	    {.allow = false, .type = 'a', .access = "rwm"},
	    {.allow = true, .type = 'c', .major = I64(1), .minor = I64(3), .access = "rwm"}};
	r.devices = dev;
	r.n_devices = 2;
	check_props_v1(&r, "DevicePolicy s strict\n"
			   "DeviceAllow a(ss) /dev/char/1:3=rwm\n"
			   "MemoryLimit t 67108864\n"
			   "CPUShares t 512\n"
			   "CPUQuotaPerSecUSec t 500000\n"
			   "CPUQuotaPeriodUSec t 100000\n"
			   "BlockIOWeight t 300\n"
			   "TasksMax t 64\n"
			   "AllowedCPUs ay 03\n");

	/* unlimited; pids 0 is not sent (runc: only > 0 or -1) */
	struct oci_resources u = {0};
	u.has_memory = true;
	u.memory.limit = I64(-1);
	u.has_pids = true;
	u.pids_limit = -1;
	check_props_v1(&u, "MemoryLimit t infinity\nTasksMax t infinity\n");
	u.pids_limit = 0;
	u.has_memory = false;
	check_props_v1(&u, "");

	/* runc: ErrV1NoUnified, before systemd is asked */
	char *k[] = {"memory.high"}, *v[] = {"1000"};
	struct oci_resources un = {.unified = {k, v, 1}};
	struct cgsd_props ps = {0};
	CHECK_ERR(cgsd_plan_resources(&un, false, false, &ps),
		  "linux.resources.unified: not supported on cgroup v1 (the systemd driver on a "
		  "v1/hybrid host)");
}

static void test_plan_start_v1(void)
{
	struct cgsd_unit u;
	CHECK_OK(cgsd_parse_path("system.slice:p:c1", "c1", false, &u));
	struct oci_resources r = {.has_pids = true, .pids_limit = 10};
	struct cgsd_props ps = {0};
	CHECK_OK(cgsd_plan_start(&u, "c1", &r, false, NULL, &ps));
	_cleanup_free_ char *got = cgsd_props_format(&ps);
	CHECK_STR(got, "Description s isorun container c1\n"
		       "Slice s system.slice\n"
		       "Delegate b true\n"
		       "DefaultDependencies b false\n"
		       "MemoryAccounting b true\n"
		       "CPUAccounting b true\n"
		       "BlockIOAccounting b true\n"
		       "TasksAccounting b true\n"
		       "TasksMax t 10\n");
	cgsd_props_free(&ps);
	cgsd_unit_free(&u);
}

/* The unit, its bus and whether we made it survive the state file (delete and
 * update of a later command need them). */
static void test_state_round_trip(void)
{
	const char *saved = "v2 systemd=a-b%3Ac.scope:user:scope:1 "
			    "/sys/fs/cgroup=:/user.slice/a-b%3Ac.scope:0";
	struct cgroup *cg = NULL;
	CHECK_OK(cgroup_load(saved, &cg));
	if (!cg)
		return;
	CHECK_STR(cgroup_systemd_unit(cg), "a-b:c.scope");
	CHECK(cg->sd_user && cg->sd_started && !cg->sd_slice);
	CHECK_STR(cgroup_path(cg), "/user.slice/a-b:c.scope");
	_cleanup_free_ char *again = cgroup_state(cg);
	CHECK_STR(again, saved);
	cgroup_free(cg);
	cg = NULL;
	CHECK_ERR(cgroup_load("v2 systemd=x.scope /sys/fs/cgroup=:/x:0", &cg),
		  "cgroup state \"v2 systemd=x.scope /sys/fs/cgroup=:/x:0\": bad entry "
		  "systemd=x.scope");
	/* a cgroupfs state has no unit */
	CHECK_OK(cgroup_load("v2 /sys/fs/cgroup=:/x:1", &cg));
	CHECK(cg && cgroup_systemd_unit(cg) == NULL);
	cgroup_free(cg);
}

int main(void)
{
	RUN_TEST(test_parse_path);
	RUN_TEST(test_expand_slice);
	RUN_TEST(test_resources);
	RUN_TEST(test_io_and_unified);
	RUN_TEST(test_devices);
	RUN_TEST(test_gvariant);
	RUN_TEST(test_plan_start);
	RUN_TEST(test_state_round_trip);
	RUN_TEST(test_unit_path);
	RUN_TEST(test_v1_hiers);
	RUN_TEST(test_v1_resources);
	RUN_TEST(test_plan_start_v1);
	UNIT_MAIN_END();
}
