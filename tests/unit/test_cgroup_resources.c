/* cgroups/ resources: the plans for v1 and v2 (pure, exact files and values)
 * and, as root, applying limits to a real cgroup on this host. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "cgroups/internal.h"
#include "common/cleanup.h"
#include "common/util.h"
#include "tests/unit/unit.h"

#define I64(v) ((opt_i64){true, (v)})
#define U64(v) ((opt_u64){true, (v)})

/* Compares the formatted plan with the expected "file value (field)" lines. */
static void check_plan(const struct oci_resources *r, bool v2, const char *want)
{
	struct cgroup_plan p = {0};
	CHECK_OK(cgroup_plan_resources(r, v2, false, &p));
	_cleanup_free_ char *got = cgroup_plan_format(&p);
	CHECK_STR(got, want);
	cgroup_plan_free(&p);
}

static void test_memory_v1(void)
{
	struct oci_resources r = {0};
	r.has_memory = true;
	r.memory.limit = I64(67108864);
	r.memory.reservation = I64(33554432);
	r.memory.swap = I64(134217728);
	r.memory.swappiness = U64(10);
	r.memory.disable_oom_killer = (opt_bool){true, true};
	r.memory.kernel_tcp = I64(1048576);
	check_plan(&r, false,
		   "memory.limit_in_bytes 67108864 (linux.resources.memory.limit)\n"
		   "memory.memsw.limit_in_bytes 134217728 (linux.resources.memory.swap)\n"
		   "memory.kmem.tcp.limit_in_bytes 1048576 (linux.resources.memory.kernelTCP)\n"
		   "memory.soft_limit_in_bytes 33554432 (linux.resources.memory.reservation)\n"
		   "memory.oom_control 1 (linux.resources.memory.disableOOMKiller)\n"
		   "memory.swappiness 10 (linux.resources.memory.swappiness)\n");
	struct cgroup_plan p = {0};
	CHECK_OK(cgroup_plan_resources(&r, false, false, &p));
	CHECK(p.n == 6 && p.w[0].flags == CGW_SWAP_ORDER && p.w[1].flags == 0);
	CHECK(p.n == 6 && strcmp(p.w[0].controller, "memory") == 0);
	cgroup_plan_free(&p);
	r.memory.check_before_update = (opt_bool){true, true};
	CHECK_OK(cgroup_plan_resources(&r, false, false, &p));
	CHECK(p.n == 6 && p.w[0].flags == (CGW_SWAP_ORDER | CGW_CHECK_USAGE));
	cgroup_plan_free(&p);
	CHECK_OK(cgroup_plan_resources(&r, true, false, &p));
	CHECK(p.n == 3 && p.w[1].flags == CGW_CHECK_USAGE &&
	      strcmp(p.w[1].file, "memory.max") == 0);
	r.memory.check_before_update = (opt_bool){0};
	cgroup_plan_free(&p);

	/* Unlimited memory and no swap: swap unlimited too, where it exists. */
	struct oci_resources u = {0};
	u.has_memory = true;
	u.memory.limit = I64(-1);
	check_plan(&u, false,
		   "memory.limit_in_bytes -1 (linux.resources.memory.limit)\n"
		   "memory.memsw.limit_in_bytes -1 (linux.resources.memory.swap)\n");
	CHECK_OK(cgroup_plan_resources(&u, false, false, &p));
	CHECK(p.n == 2 && p.w[1].flags == CGW_IF_EXISTS);
	cgroup_plan_free(&p);

	r.memory.swappiness = U64(101);
	CHECK_ERR(cgroup_plan_resources(&r, false, false, &p),
		  "linux.resources.memory.swappiness: 101 is out of range (0-100)");
	CHECK(p.n == 0);
}

static void test_memory_v2(void)
{
	struct oci_resources r = {0};
	r.has_memory = true;
	r.memory.limit = I64(67108864);
	r.memory.reservation = I64(33554432);
	r.memory.swap = I64(134217728);
	r.memory.swappiness = U64(10);			      /* ignored on v2, like runc */
	r.memory.disable_oom_killer = (opt_bool){true, true}; /* idem */
	check_plan(&r, true,
		   "memory.swap.max 67108864 (linux.resources.memory.swap)\n"
		   "memory.max 67108864 (linux.resources.memory.limit)\n"
		   "memory.low 33554432 (linux.resources.memory.reservation)\n");
	r.memory.swap = I64(67108864); /* equal: no swap at all */
	r.memory.reservation = (opt_i64){0};
	check_plan(&r, true,
		   "memory.swap.max 0 (linux.resources.memory.swap)\n"
		   "memory.max 67108864 (linux.resources.memory.limit)\n");
	r.memory.limit = I64(-1);
	r.memory.swap = (opt_i64){0};
	check_plan(&r, true,
		   "memory.swap.max max (linux.resources.memory.swap)\n"
		   "memory.max max (linux.resources.memory.limit)\n");
	struct cgroup_plan p = {0};
	r.memory.limit = I64(100);
	r.memory.swap = I64(50);
	CHECK_ERR(cgroup_plan_resources(&r, true, false, &p),
		  "linux.resources.memory.swap: memory+swap limit (50) should be >= memory "
		  "limit (100)");
	r.memory.limit = (opt_i64){0};
	CHECK_ERR(cgroup_plan_resources(&r, true, false, &p),
		  "linux.resources.memory.swap: unable to set swap limit without a memory "
		  "limit");
}

static void test_cpu(void)
{
	struct oci_resources r = {0};
	r.has_cpu = true;
	r.cpu.shares = U64(1024);
	r.cpu.quota = I64(50000);
	r.cpu.period = U64(100000);
	r.cpu.burst = U64(1000);
	r.cpu.cpus = "0-1";
	r.cpu.mems = "0";
	check_plan(&r, false,
		   "cpuset.cpus 0-1 (linux.resources.cpu.cpus)\n"
		   "cpuset.mems 0 (linux.resources.cpu.mems)\n"
		   "cpu.shares 1024 (linux.resources.cpu.shares)\n"
		   "cpu.cfs_period_us 100000 (linux.resources.cpu.period)\n"
		   "cpu.cfs_quota_us 50000 (linux.resources.cpu.quota)\n"
		   "cpu.cfs_burst_us 1000 (linux.resources.cpu.burst)\n");
	check_plan(&r, true,
		   "cpu.weight 39 (linux.resources.cpu.shares)\n"
		   "cpu.max 50000 100000 (linux.resources.cpu.quota)\n"
		   "cpu.max.burst 1000 (linux.resources.cpu.burst)\n"
		   "cpuset.cpus 0-1 (linux.resources.cpu.cpus)\n"
		   "cpuset.mems 0 (linux.resources.cpu.mems)\n");
	struct oci_resources q = {0};
	q.has_cpu = true;
	q.cpu.quota = I64(-1);
	q.cpu.shares = U64(2);
	q.cpu.idle = I64(1);
	check_plan(&q, true,
		   "cpu.idle 1 (linux.resources.cpu.idle)\n"
		   "cpu.weight 1 (linux.resources.cpu.shares)\n"
		   "cpu.max max (linux.resources.cpu.quota)\n");
	q.cpu.shares = U64(262144);
	q.cpu.idle = (opt_i64){0};
	q.cpu.quota = (opt_i64){0};
	q.cpu.period = U64(20000);
	check_plan(&q, true,
		   "cpu.weight 10000 (linux.resources.cpu.shares)\n"
		   "cpu.max max 20000 (linux.resources.cpu.period)\n");
	q.cpu.realtime_runtime = I64(950000);
	q.cpu.realtime_period = U64(1000000);
	check_plan(&q, false,
		   "cpu.shares 262144 (linux.resources.cpu.shares)\n"
		   "cpu.cfs_period_us 20000 (linux.resources.cpu.period)\n"
		   "cpu.rt_period_us 1000000 (linux.resources.cpu.realtimePeriod)\n"
		   "cpu.rt_runtime_us 950000 (linux.resources.cpu.realtimeRuntime)\n");
	struct cgroup_plan p = {0};
	CHECK_ERR(cgroup_plan_resources(&q, true, false, &p),
		  "linux.resources.cpu.realtimeRuntime/realtimePeriod: not supported on cgroup "
		  "v2");
	CHECK_OK(cgroup_plan_resources(&r, false, false, &p));
	CHECK(p.n == 6 && p.w[3].flags == CGW_RETRY_AFTER_NEXT);
	cgroup_plan_free(&p);
}

static void test_pids(void)
{
	struct oci_resources r = {0};
	r.has_pids = true;
	r.pids_limit = 100;
	check_plan(&r, false, "pids.max 100 (linux.resources.pids.limit)\n");
	check_plan(&r, true, "pids.max 100 (linux.resources.pids.limit)\n");
	r.pids_limit = -1;
	check_plan(&r, true, "pids.max max (linux.resources.pids.limit)\n");
	r.pids_limit = 0;
	check_plan(&r, false, "pids.max 0 (linux.resources.pids.limit)\n");
	r.has_pids = false;
	check_plan(&r, false, "");
}

static void test_blkio(void)
{
	struct oci_block_io_device wd = {8, 0, U64(300), U64(0), 0};
	struct oci_block_io_device rb = {8, 16, {0}, {0}, 1048576};
	struct oci_block_io_device wi = {8, 16, {0}, {0}, 100};
	struct oci_resources r = {0};
	r.has_block_io = true;
	r.block_io.weight = U64(500);
	r.block_io.weight_device = &wd;
	r.block_io.n_weight_device = 1;
	r.block_io.throttle_read_bps = &rb;
	r.block_io.n_throttle_read_bps = 1;
	r.block_io.throttle_write_iops = &wi;
	r.block_io.n_throttle_write_iops = 1;
	check_plan(&r, false,
		   "blkio.weight 500 (linux.resources.blockIO.weight)\n"
		   "blkio.bfq.weight 500 (linux.resources.blockIO.weight)\n"
		   "blkio.weight_device 8:0 300 (linux.resources.blockIO.weightDevice[0])\n"
		   "blkio.bfq.weight_device 8:0 300 (linux.resources.blockIO.weightDevice[0])\n"
		   "blkio.throttle.read_bps_device 8:16 1048576 "
		   "(linux.resources.blockIO.throttleReadBpsDevice[0])\n"
		   "blkio.throttle.write_iops_device 8:16 100 "
		   "(linux.resources.blockIO.throttleWriteIOPSDevice[0])\n");
	check_plan(&r, true,
		   "io.bfq.weight 500 (linux.resources.blockIO.weight)\n"
		   "io.weight 4950 (linux.resources.blockIO.weight)\n"
		   "io.bfq.weight 8:0 300 (linux.resources.blockIO.weightDevice[0])\n"
		   "io.max 8:16 rbps=1048576 (linux.resources.blockIO.throttleReadBpsDevice[0])\n"
		   "io.max 8:16 wiops=100 (linux.resources.blockIO.throttleWriteIOPSDevice[0])\n");
	struct cgroup_plan p = {0};
	CHECK_OK(cgroup_plan_resources(&r, true, false, &p));
	CHECK(p.n == 5 && p.w[0].flags == CGW_IF_EXISTS && p.w[1].flags == CGW_IF_PREV_SKIPPED);
	cgroup_plan_free(&p);
}

static void test_misc(void)
{
	struct oci_hugepage_limit hp = {"2MB", 209715200};
	struct oci_rdma_limit rd = {"mlx5_1", U64(3), U64(0)};
	struct oci_net_priority np = {"eth0", 5};
	char *keys[] = {"memory.high", "pids.max"};
	char *vals[] = {"50000000", "20"};
	struct oci_resources r = {0};
	r.hugepage_limits = &hp;
	r.n_hugepage_limits = 1;
	r.rdma = &rd;
	r.n_rdma = 1;
	r.net_class_id = U64(0x100001);
	r.net_priorities = &np;
	r.n_net_priorities = 1;
	check_plan(&r, false,
		   "hugetlb.2MB.limit_in_bytes 209715200 (linux.resources.hugepageLimits[0])\n"
		   "hugetlb.2MB.rsvd.limit_in_bytes 209715200 (linux.resources.hugepageLimits[0])\n"
		   "net_cls.classid 1048577 (linux.resources.network.classID)\n"
		   "net_prio.ifpriomap eth0 5 (linux.resources.network.priorities[0])\n"
		   "rdma.max mlx5_1 hca_handle=3 hca_object=0 (linux.resources.rdma.mlx5_1)\n");
	r.unified = (struct str_map){keys, vals, 2};
	check_plan(&r, true,
		   "hugetlb.2MB.max 209715200 (linux.resources.hugepageLimits[0])\n"
		   "hugetlb.2MB.rsvd.max 209715200 (linux.resources.hugepageLimits[0])\n"
		   "rdma.max mlx5_1 hca_handle=3 hca_object=0 (linux.resources.rdma.mlx5_1)\n"
		   "memory.high 50000000 (linux.resources.unified.memory.high)\n"
		   "pids.max 20 (linux.resources.unified.pids.max)\n");
	struct cgroup_plan p = {0};
	CHECK_ERR(cgroup_plan_resources(&r, false, false, &p),
		  "linux.resources.unified: not supported on cgroup v1");
	keys[1] = "../x";
	CHECK_ERR(cgroup_plan_resources(&r, true, false, &p),
		  "linux.resources.unified.../x: not a cgroup file name");
}

static void test_devices_v1(void)
{
	struct oci_device_cgroup d[3] = {
	    {false, 'a', {0}, {0}, "rwm"},
	    {true, 'c', I64(1), I64(3), "rwm"},
	    {true, 'c', I64(136), {0}, NULL},
	};
	struct oci_resources r = {0};
	r.devices = d;
	r.n_devices = 3;
	check_plan(&r, false,
		   "devices.deny a (linux.resources.devices)\n"
		   "devices.deny a *:* rwm (linux.resources.devices[0])\n"
		   "devices.allow c 1:3 rwm (linux.resources.devices[1])\n"
		   "devices.allow c 136:* rwm (linux.resources.devices[2])\n");
	struct cgroup_plan p = {0};
	CHECK_OK(cgroup_plan_resources(&r, false, true, &p));
	CHECK(p.n == 0);
	d[1].access = "rwx";
	CHECK_ERR(cgroup_plan_resources(&r, false, false, &p),
		  "linux.resources.devices[1].access: must be a subset of rwm, got rwx");
}

static void test_devices_program(void)
{
	struct oci_device_cgroup d[3] = {
	    {true, 'b', I64(8), {0}, "rwm"}, /* reset by the next rule */
	    {false, 'a', {0}, {0}, "rwm"},
	    {true, 'c', I64(1), I64(3), "rwm"},
	};
	struct bpf_insn *insns = NULL;
	size_t n = 0;
	CHECK_OK(cg_devices_program(d, 3, &insns, &n));
	/* prologue 6 + one rule (type, access, major, minor, verdict, exit) + default 2 */
	CHECK(n == 14);
	if (n == 14) {
		CHECK(insns[6].code == (BPF_JMP | BPF_JNE | BPF_K) &&
		      insns[6].imm == BPF_DEVCG_DEV_CHAR);
		CHECK(insns[6].off == 5);
		CHECK(insns[10].code == (BPF_ALU64 | BPF_MOV | BPF_K) && insns[10].imm == 1);
		CHECK(insns[12].imm == 0); /* default deny */
	}
	free(insns);
	d[1].allow = true; /* allow all, then the allow rule is redundant */
	CHECK_OK(cg_devices_program(d, 3, &insns, &n));
	CHECK(n == 14 && insns[12].imm == 1);
	free(insns);
	d[0].type = 'x';
	CHECK_ERR(cg_devices_program(d, 3, &insns, &n),
		  "linux.resources.devices[0].type: must be a, b or c, got x");
}

/* ---- root: apply to a real cgroup on this host ---- */

static struct cgroup *cg;

static char *read_back(const char *controller, const char *file)
{
	const struct cg_hier *h =
	    cg->layout == CGROUP_LAYOUT_V2 ? cg_find_v2(cg) : cg_find_v1(cg, controller);
	_cleanup_free_ char *dir = h ? cg_dir(h) : NULL;
	char *s = NULL;
	if (!dir || cg_read(dir, file, &s) != 0)
		return NULL;
	s[strcspn(s, "\n")] = '\0';
	return s;
}

static void test_apply_host(void)
{
	if (geteuid() != 0)
		SKIP("needs root");
	char name[64];
	snprintf(name, sizeof(name), "/isorun-test-res-%d", (int)getpid());
	CHECK_OK(cgroup_create(name, "x", &cg));
	if (!cg)
		return;
	bool v2 = cg->layout == CGROUP_LAYOUT_V2;
	struct oci_resources r = {0};
	r.has_memory = true;
	r.memory.limit = I64(64 << 20);
	r.memory.reservation = I64(32 << 20);
	r.memory.swap = I64(128 << 20);
	r.has_pids = true;
	r.pids_limit = 42;
	r.has_cpu = true;
	r.cpu.shares = U64(512);
	r.cpu.quota = I64(25000);
	r.cpu.period = U64(50000);
	CHECK_OK(cgroup_apply(cg, &r));
	_cleanup_free_ char *pids = read_back("pids", "pids.max");
	CHECK_STR(pids, "42");
	if (!v2) {
		_cleanup_free_ char *mem = read_back("memory", "memory.limit_in_bytes");
		_cleanup_free_ char *sw = read_back("memory", "memory.memsw.limit_in_bytes");
		_cleanup_free_ char *soft = read_back("memory", "memory.soft_limit_in_bytes");
		_cleanup_free_ char *sh = read_back("cpu", "cpu.shares");
		_cleanup_free_ char *q = read_back("cpu", "cpu.cfs_quota_us");
		_cleanup_free_ char *per = read_back("cpu", "cpu.cfs_period_us");
		CHECK_STR(mem, "67108864");
		CHECK_STR(sw, "134217728");
		CHECK_STR(soft, "33554432");
		CHECK_STR(sh, "512");
		CHECK_STR(q, "25000");
		CHECK_STR(per, "50000");

		/* Lowering both below the current memsw needs memory first. */
		r.memory.limit = I64(16 << 20);
		r.memory.swap = I64(32 << 20);
		r.memory.reservation = (opt_i64){0};
		/* A shorter period with a quota that no longer fits the old one. */
		r.cpu.period = U64(10000);
		r.cpu.quota = I64(5000);
		CHECK_OK(cgroup_update(cg, &r));
		_cleanup_free_ char *mem2 = read_back("memory", "memory.limit_in_bytes");
		_cleanup_free_ char *sw2 = read_back("memory", "memory.memsw.limit_in_bytes");
		CHECK_STR(mem2, "16777216");
		CHECK_STR(sw2, "33554432");
		/* Raising both above the current memsw needs memsw first. */
		r.memory.limit = I64(256 << 20);
		r.memory.swap = I64(512 << 20);
		CHECK_OK(cgroup_update(cg, &r));
		_cleanup_free_ char *mem3 = read_back("memory", "memory.limit_in_bytes");
		_cleanup_free_ char *sw3 = read_back("memory", "memory.memsw.limit_in_bytes");
		CHECK_STR(mem3, "268435456");
		CHECK_STR(sw3, "536870912");
		/* Unlimited. */
		r.memory.limit = I64(-1);
		r.memory.swap = (opt_i64){0};
		CHECK_OK(cgroup_update(cg, &r));
		_cleanup_free_ char *sw4 = read_back("memory", "memory.memsw.limit_in_bytes");
		CHECK(sw4 && strlen(sw4) > 15);

		/* checkBeforeUpdate against the real usage file: our test
		 * cgroup is empty, so any positive limit is above it. */
		struct oci_resources chk = {0};
		chk.has_memory = true;
		chk.memory.limit = I64(8 << 20);
		chk.memory.check_before_update = (opt_bool){true, true};
		CHECK_OK(cgroup_update(cg, &chk));
		_cleanup_free_ char *mem5 = read_back("memory", "memory.limit_in_bytes");
		CHECK_STR(mem5, "8388608");

		/* memsw (32M) goes first as it is above the current 8M limit,
		 * then a 64M limit above memsw is refused by the kernel. */
		struct oci_resources bad = {0};
		bad.has_memory = true;
		bad.memory.limit = I64(64 << 20);
		bad.memory.swap = I64(32 << 20);
		CHECK_ERR(cgroup_apply(cg, &bad),
			  "linux.resources.memory.limit: cgroup v1 memory.limit_in_bytes: "
			  "Invalid argument");
		struct oci_resources hp = {0};
		struct oci_hugepage_limit l = {"2MB", 1 << 21};
		hp.hugepage_limits = &l;
		hp.n_hugepage_limits = 1;
		if (!cg_find_v1(cg, "hugetlb"))
			CHECK_ERR(cgroup_apply(cg, &hp),
				  "linux.resources.hugepageLimits[0]: cgroup v1 hugetlb "
				  "hierarchy is not mounted");
		struct oci_device_cgroup d[2] = {
		    {false, 'a', {0}, {0}, "rwm"},
		    {true, 'c', I64(1), I64(3), "rwm"},
		};
		struct oci_resources dv = {0};
		dv.devices = d;
		dv.n_devices = 2;
		CHECK_OK(cgroup_apply(cg, &dv));
		_cleanup_free_ char *list = read_back("devices", "devices.list");
		CHECK_STR(list, "c 1:3 rwm");
	} else {
		_cleanup_free_ char *mem = read_back("memory", "memory.max");
		_cleanup_free_ char *w = read_back("cpu", "cpu.weight");
		_cleanup_free_ char *max = read_back("cpu", "cpu.max");
		CHECK_STR(mem, "67108864");
		CHECK_STR(w, "20");
		CHECK_STR(max, "25000 50000");
	}
	CHECK_OK(cgroup_destroy(cg));
	cgroup_free(cg);
	cg = NULL;
}

/* The eBPF device filter works on the cgroup2 mount of a hybrid host too
 * (the kernel runs both the v1 devices cgroup and the v2 program). */
static char bpf_dir[128];

static int try_open(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static void test_devices_bpf_host(void)
{
	if (geteuid() != 0)
		SKIP("needs root");
	struct stat st;
	if (stat("/sys/fs/cgroup/unified/cgroup.procs", &st) < 0)
		SKIP("needs /sys/fs/cgroup/unified");
	snprintf(bpf_dir, sizeof(bpf_dir), "/sys/fs/cgroup/unified/isorun-test-bpf-%d",
		 (int)getpid());
	CHECK(mkdir(bpf_dir, 0755) == 0);
	char state[256];
	snprintf(state, sizeof(state), "v2 /sys/fs/cgroup/unified=:/isorun-test-bpf-%d:1",
		 (int)getpid());
	struct cgroup *v2 = NULL;
	CHECK_OK(cgroup_load(state, &v2));
	if (!v2)
		return;
	struct oci_device_cgroup d[4] = {
	    {false, 'a', {0}, {0}, "rwm"},
	    {true, 'c', I64(1), I64(3), "r"},	/* /dev/null read only */
	    {true, 'c', I64(1), I64(5), "rwm"}, /* /dev/zero ... */
	    {false, 'c', I64(1), I64(5), "w"},	/* ... but not for writing */
	};
	struct oci_resources r = {0};
	r.devices = d;
	r.n_devices = 4;
	CHECK_OK(cgroup_apply(v2, &r));
	int pfd[2];
	CHECK(pipe2(pfd, O_CLOEXEC) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(pfd[1]);
		if (read(pfd[0], &c, 1) != 1)
			_exit(100);
		int res = 0;
		res |= try_open("/dev/null", O_RDONLY) == 0 ? 0 : 1;
		res |= try_open("/dev/null", O_WRONLY) == EPERM ? 0 : 2;
		res |= try_open("/dev/zero", O_RDONLY) == 0 ? 0 : 4;
		res |= try_open("/dev/zero", O_RDWR) == EPERM ? 0 : 8;
		res |= try_open("/dev/full", O_RDONLY) == EPERM ? 0 : 16;
		_exit(res);
	}
	close(pfd[0]);
	CHECK_OK(cgroup_enter(v2, pid));
	(void)!write(pfd[1], "g", 1);
	close(pfd[1]);
	int status = 0;
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (WIFEXITED(status) && WEXITSTATUS(status))
		printf("# child result bits %d\n", WEXITSTATUS(status));
	/* Not us: we never joined it. */
	CHECK(try_open("/dev/full", O_RDONLY) == 0);
	CHECK_OK(cgroup_destroy(v2));
	CHECK(stat(bpf_dir, &st) < 0);
	cgroup_free(v2);
}

int main(void)
{
	alarm(60);
	RUN_TEST(test_memory_v1);
	RUN_TEST(test_memory_v2);
	RUN_TEST(test_cpu);
	RUN_TEST(test_pids);
	RUN_TEST(test_blkio);
	RUN_TEST(test_misc);
	RUN_TEST(test_devices_v1);
	RUN_TEST(test_devices_program);
	RUN_TEST(test_apply_host);
	RUN_TEST(test_devices_bpf_host);
	if (bpf_dir[0])
		rmdir(bpf_dir);
	if (cg) {
		err_free(cgroup_destroy(cg));
		cgroup_free(cg);
	}
	UNIT_MAIN_END();
}
