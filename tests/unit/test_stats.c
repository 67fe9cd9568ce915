/* cgroups/stats.c on fixture files (v1 and v2), and the `events --stats` line
 * built from them (runtime/events.c) in runc's shape. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "common/cleanup.h"
#include "runtime/container.h"
#include "tests/unit/unit.h"

struct fixture {
	const char *controller, *file, *text;
};

static int fixture_read(void *ctx, const char *controller, const char *file, char **out)
{
	for (const struct fixture *f = ctx; f->file; f++)
		if (!strcmp(f->controller, controller) && !strcmp(f->file, file)) {
			*out = strdup(f->text);
			return *out ? 0 : ENOMEM;
		}
	return ENOENT;
}

static const struct fixture v1[] = {
    {"cpuacct", "cpuacct.usage", "13210105\n"},
    {"cpuacct", "cpuacct.usage_percpu", "9931891 3278214 \n"},
    {"cpuacct", "cpuacct.usage_percpu_sys", "7988729 0 \n"},
    {"cpuacct", "cpuacct.usage_percpu_user", "0 0 \n"},
    {"cpuacct", "cpuacct.stat", "user 3\nsystem 1\n"},
    {"cpu", "cpu.stat", "nr_periods 12\nnr_throttled 4\nthrottled_time 98765\n"},
    {"cpuset", "cpuset.cpus", "0-1,3\n"},
    {"cpuset", "cpuset.mems", "0\n"},
    {"cpuset", "cpuset.sched_load_balance", "1\n"},
    {"cpuset", "cpuset.sched_relax_domain_level", "-1\n"},
    {"memory", "memory.stat", "cache 8192\nrss 106496\ntotal_cache 8192\n"},
    {"memory", "memory.usage_in_bytes", "1187840\n"},
    {"memory", "memory.max_usage_in_bytes", "2785280\n"},
    {"memory", "memory.failcnt", "0\n"},
    {"memory", "memory.limit_in_bytes", "67108864\n"},
    {"memory", "memory.memsw.usage_in_bytes", "1187840\n"},
    {"memory", "memory.memsw.limit_in_bytes", "9223372036854771712\n"},
    {"memory", "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n"},
    {"pids", "pids.current", "2\n"},
    {"pids", "pids.max", "max\n"},
    {"blkio", "blkio.io_serviced_recursive", "Total 0\n"},
    {"blkio", "blkio.throttle.io_service_bytes_recursive",
     "8:0 Read 4096\n8:0 Write 0\n8:0 Total 4096\nTotal 4096\n"},
    {"blkio", "blkio.throttle.io_serviced_recursive", "8:0 Read 1\nTotal 1\n"},
    {"hugetlb", "hugetlb.2MB.usage_in_bytes", "0\n"},
    {"hugetlb", "hugetlb.2MB.failcnt", "3\n"},
    {NULL, NULL, NULL},
};

static const struct fixture v2[] = {
    {"cpu", "cpu.stat",
     "usage_usec 5000\nuser_usec 3000\nsystem_usec 2000\nnr_periods 10\nnr_throttled 7\n"
     "throttled_usec 1500\n"},
    {"cpuset", "cpuset.cpus.effective", "0-1\n"},
    {"memory", "memory.stat", "anon 4096\nfile 12288\n"},
    {"memory", "memory.current", "1048576\n"},
    {"memory", "memory.max", "33554432\n"},
    {"memory", "memory.peak", "2097152\n"},
    {"memory", "memory.events", "low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\n"},
    {"memory", "memory.swap.current", "4096\n"},
    {"memory", "memory.swap.max", "max\n"},
    {"pids", "pids.current", "3\n"},
    {"pids", "pids.max", "50\n"},
    {"io", "io.stat", "8:0 rbytes=1024 wbytes=2048 rios=1 wios=2 dbytes=0 dios=0\n"},
    {NULL, NULL, NULL},
};

static void test_v1(void)
{
	struct cgroup_stats_reader r = {fixture_read, (void *)v1};
	char *sizes[] = {"2MB", "1GB", NULL};
	struct cgroup_stats st;
	cgroup_stats_collect(&r, false, sizes, &st);
	CHECK(st.cpu_total == 13210105);
	CHECK(st.n_percpu == 2 && st.percpu[1] == 3278214);
	CHECK(st.n_percpu_kernel == 2 && st.percpu_kernel[0] == 7988729);
	long hz = sysconf(_SC_CLK_TCK);
	CHECK(st.cpu_user == 3 * (1000000000ULL / (unsigned long long)hz));
	CHECK(st.cpu_kernel == 1 * (1000000000ULL / (unsigned long long)hz));
	CHECK(st.cpu_periods == 12 && st.cpu_throttled_periods == 4);
	CHECK(st.cpu_throttled_time == 98765);
	CHECK(st.n_cpus == 3 && st.cpus[2] == 3 && st.n_mems == 1);
	CHECK(st.cpuset_flags[7] == 1 && st.cpuset_flags[8] == -1);
	CHECK(st.mem_cache == 8192 && cgroup_stats_raw(&st, "rss") == 106496);
	CHECK(st.mem_usage.usage == 1187840 && st.mem_usage.max == 2785280);
	CHECK(st.mem_usage.limit == 67108864);
	CHECK(st.mem_swap.limit == 9223372036854771712ULL);
	CHECK(st.oom_kill == 2);
	CHECK(st.pids_current == 2 && st.pids_limit == 0);
	/* CFQ files without devices: the throttle ones are used. */
	CHECK(st.blkio[CG_BLKIO_SERVICE_BYTES].n == 3);
	CHECK(st.blkio[CG_BLKIO_SERVICE_BYTES].e[0].major == 8);
	CHECK_STR(st.blkio[CG_BLKIO_SERVICE_BYTES].e[0].op, "Read");
	CHECK(st.blkio[CG_BLKIO_SERVICE_BYTES].e[0].value == 4096);
	CHECK(st.blkio[CG_BLKIO_SERVICED].n == 1);
	CHECK(st.n_hugetlb == 1 && st.hugetlb[0].failcnt == 3);

	_cleanup_free_ char *json = events_stats_json("c1", &st);
	static const char prefix[] =
	    "{\"type\":\"stats\",\"id\":\"c1\",\"data\":{\"cpu\":{\"usage\":{\"total\":"
	    "13210105,\"percpu\":[9931891,3278214],\"percpu_kernel\":[7988729,0],"
	    "\"percpu_user\":[0,0],\"kernel\":";
	CHECK(json && !strncmp(json, prefix, strlen(prefix)));
	CHECK(json && strstr(json, "\"throttling\":{\"periods\":12,\"throttledPeriods\":4,"
				   "\"throttledTime\":98765}"));
	CHECK(json &&
	      strstr(json, "\"cpuset\":{\"cpus\":[0,1,3],\"cpu_exclusive\":0,\"mems\":[0],"));
	CHECK(json && strstr(json, "\"memory\":{\"cache\":8192,\"usage\":{\"limit\":67108864,"
				   "\"usage\":1187840,\"max\":2785280,\"failcnt\":0},"));
	CHECK(json && strstr(json, "\"kernelTCP\":{\"limit\":0,\"failcnt\":0},\"raw\":{\"cache\":"
				   "8192,\"rss\":106496,\"total_cache\":8192}}"));
	CHECK(json && strstr(json, "\"pids\":{\"current\":2}"));
	CHECK(json && strstr(json, "\"blkio\":{\"ioServiceBytesRecursive\":[{\"major\":8,\"op\":"
				   "\"Read\",\"value\":4096},{\"major\":8,\"op\":\"Write\"},"));
	CHECK(json && strstr(json, "\"hugetlb\":{\"2MB\":{\"failcnt\":3}},\"intel_rdt\":{},"
				   "\"network_interfaces\":null}}"));
	cgroup_stats_free(&st);
}

static void test_v2(void)
{
	struct cgroup_stats_reader r = {fixture_read, (void *)v2};
	struct cgroup_stats st;
	cgroup_stats_collect(&r, true, NULL, &st);
	CHECK(st.cpu_total == 5000000 && st.cpu_user == 3000000 && st.cpu_kernel == 2000000);
	CHECK(st.cpu_periods == 10 && st.cpu_throttled_periods == 7);
	CHECK(st.cpu_throttled_time == 1500000);
	CHECK(st.n_percpu == 0);
	CHECK(st.n_cpus == 2);
	CHECK(st.mem_cache == 12288);
	CHECK(st.mem_usage.usage == 1048576 && st.mem_usage.limit == 33554432);
	CHECK(st.mem_usage.max == 2097152 && st.mem_usage.failcnt == 5);
	CHECK(st.oom_kill == 1);
	/* v1's memory+swap shape; "max" stays unlimited. */
	CHECK(st.mem_swap.usage == 1048576 + 4096 && st.mem_swap.limit == UINT64_MAX);
	CHECK(st.pids_current == 3 && st.pids_limit == 50);
	CHECK(st.blkio[CG_BLKIO_SERVICE_BYTES].n == 2);
	CHECK_STR(st.blkio[CG_BLKIO_SERVICE_BYTES].e[1].op, "Write");
	CHECK(st.blkio[CG_BLKIO_SERVICE_BYTES].e[1].value == 2048);
	CHECK(st.blkio[CG_BLKIO_SERVICED].n == 2);
	_cleanup_free_ char *json = events_stats_json("c2", &st);
	CHECK(json && strstr(json, "\"swap\":{\"limit\":18446744073709551615,\"usage\":1052672,"
				   "\"failcnt\":0}"));
	CHECK(json && strstr(json, "\"pids\":{\"current\":3,\"limit\":50}"));
	cgroup_stats_free(&st);
}

static void test_missing_files(void)
{
	static const struct fixture none[] = {{NULL, NULL, NULL}};
	struct cgroup_stats_reader r = {fixture_read, (void *)none};
	struct cgroup_stats st;
	cgroup_stats_collect(&r, false, NULL, &st);
	_cleanup_free_ char *json = events_stats_json("c3", &st);
	CHECK_STR(
	    json,
	    "{\"type\":\"stats\",\"id\":\"c3\",\"data\":{\"cpu\":{\"usage\":{\"kernel\":0,"
	    "\"user\":0},\"throttling\":{}},\"cpuset\":{\"cpu_exclusive\":0,"
	    "\"mem_hardwall\":0,\"mem_exclusive\":0,\"memory_migrate\":0,"
	    "\"memory_spread_page\":0,\"memory_spread_slab\":0,\"memory_pressure\":0,"
	    "\"sched_load_balance\":0,\"sched_relax_domain_level\":0},\"memory\":{\"usage\":"
	    "{\"limit\":0,\"failcnt\":0},\"swap\":{\"limit\":0,\"failcnt\":0},\"kernel\":{"
	    "\"limit\":0,\"failcnt\":0},\"kernelTCP\":{\"limit\":0,\"failcnt\":0}},\"pids\":{},"
	    "\"blkio\":{},\"hugetlb\":{},\"intel_rdt\":{},\"network_interfaces\":null}}");
	cgroup_stats_free(&st);
}

int main(void)
{
	RUN_TEST(test_v1);
	RUN_TEST(test_v2);
	RUN_TEST(test_missing_files);
	UNIT_MAIN_END();
}
