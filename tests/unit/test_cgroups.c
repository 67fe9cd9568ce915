/* cgroups/: host facts parsing and path rules (pure), then, as root, the
 * lifecycle on the real host with a real process. */
#include <errno.h>
#include <linux/sched.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "cgroups/internal.h"
#include "common/cleanup.h"
#include "common/util.h"
#include "tests/unit/unit.h"

static void check_join(const char *a, const char *b, const char *want)
{
	_cleanup_free_ char *p = path_join_clean(a, b);
	CHECK_STR(p, want);
}

static void test_clean_join(void)
{
	check_join("/", "abc", "/abc");
	check_join("/a/b", "c//d/", "/a/b/c/d");
	check_join("/a/b", "../c", "/a/c");
	check_join("/", "../../x", "/x");
	check_join("/a", "./b/./c/..", "/a/b");
	check_join("", "", "/");
}

static void check_resolve(const char *path, const char *id, const char *own, const char *want)
{
	_cleanup_free_ char *out = NULL;
	CHECK_OK(cgroup_resolve_path(path, id, own, &out));
	CHECK_STR(out, want);
}

static void test_resolve_path(void)
{
	check_resolve("/isorun/abc", "abc", "/user.slice", "/isorun/abc");
	check_resolve("/a/../b//c/", "abc", "/", "/b/c");
	check_resolve("sub/x", "abc", "/process_api/h", "/process_api/h/sub/x");
	check_resolve(NULL, "abc", "/process_api/h", "/process_api/h/abc");
	check_resolve("", "abc", "/", "/abc");
	check_resolve("../../../escape", "abc", "/a", "/escape");
	char *out = NULL;
	CHECK_ERR(cgroup_resolve_path("/", "abc", "/", &out),
		  "cgroupsPath /: resolves to the root cgroup");
	CHECK_ERR(cgroup_resolve_path(NULL, NULL, "/", &out),
		  "cgroupsPath: empty and no container id to derive it from");
	CHECK(out == NULL);
}

static const char *hybrid_mountinfo =
    "23 1 0:21 / /sys rw - sysfs sysfs rw\n"
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup "
    "rw,cpu,cpuacct\n"
    "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset,clone_children\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup "
    "rw,xattr,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate\n"
    "42 31 0:39 / /sys/fs/cgroup/mine rw,relatime - cgroup cgroup rw,name=mine\n"
    "43 1 0:32 / /mnt/mem\\040x rw,relatime - cgroup cgroup rw,memory\n";

static void test_parse_mounts(void)
{
	struct cg_mount *m = NULL;
	size_t n = 0;
	CHECK_OK(cg_parse_mounts(hybrid_mountinfo, &m, &n));
	CHECK(n == 5);
	if (n == 5) {
		CHECK_STR(m[0].mnt, "/sys/fs/cgroup/cpu,cpuacct");
		CHECK_STR(m[0].controllers, "cpu,cpuacct");
		CHECK_STR(m[1].controllers, "cpuset");
		CHECK_STR(m[2].controllers, "memory");
		CHECK_STR(m[2].mnt, "/sys/fs/cgroup/memory");
		CHECK_STR(m[3].controllers, "name=systemd");
		CHECK(m[4].v2);
		CHECK_STR(m[4].mnt, "/sys/fs/cgroup/unified");
	}
	cg_mounts_free(m, n);
	CHECK(str_list_has("cpu,cpuacct", "cpuacct"));
	CHECK(!str_list_has("cpu,cpuacct", "cpua"));
}

static void test_own_path(void)
{
	const char *pc = "9:name=systemd:/\n4:memory:/process_api/abc\n1:cpuacct,cpu:/x\n0::/u\n";
	_cleanup_free_ char *mem = cg_own_path(pc, "memory");
	_cleanup_free_ char *cpu = cg_own_path(pc, "cpu,cpuacct");
	_cleanup_free_ char *sd = cg_own_path(pc, "name=systemd");
	_cleanup_free_ char *v2 = cg_own_path(pc, "");
	_cleanup_free_ char *none = cg_own_path(pc, "pids");
	CHECK_STR(mem, "/process_api/abc");
	CHECK_STR(cpu, "/x");
	CHECK_STR(sd, "/");
	CHECK_STR(v2, "/u");
	CHECK(none == NULL);
}

static void test_state_roundtrip(void)
{
	const char *s =
	    "hybrid /sys/fs/cgroup/cpu=cpu,cpuacct:/a%20b:2 "
	    "/sys/fs/cgroup/systemd=name%3Dsystemd:/a%20b:1 /sys/fs/cgroup/unified=:/a:0";
	struct cgroup *cg = NULL;
	CHECK_OK(cgroup_load(s, &cg));
	if (!cg)
		return;
	CHECK(cg->n == 3);
	CHECK_STR(cg->h[0].path, "/a b");
	CHECK(cg->h[0].created == 2 && !cg->h[0].v2);
	CHECK_STR(cg->h[1].controllers, "name=systemd");
	CHECK(cg->h[2].v2);
	CHECK_STR(cgroup_path(cg), "/a");
	CHECK(cgroup_v2_dirfd(cg) == -1);
	_cleanup_free_ char *again = cgroup_state(cg);
	CHECK_STR(again, s);
	cgroup_free(cg);
	CHECK_ERR(cgroup_load("v3 x", &cg), "cgroup state \"v3 x\": unknown layout v3");
	CHECK_ERR(cgroup_load("v1 /sys/fs/cgroup/pids=pids:/a", &cg),
		  "cgroup state \"v1 /sys/fs/cgroup/pids=pids:/a\": bad entry "
		  "/sys/fs/cgroup/pids=pids:/a");
	CHECK_ERR(cgroup_load("v2", &cg), "cgroup state \"v2\": no hierarchies");
}

/* ---- root: the real thing on this host ---- */

static char test_name[64];
static pid_t child = -1;

/* Inside a test: root only. */
#define NEED_ROOT()                                                                                \
	do {                                                                                       \
		if (geteuid() != 0)                                                                \
			SKIP("needs root");                                                        \
	} while (0)

static int go_pipe[2] = {-1, -1};

/* The child forks a grandchild only after the go byte, that is after it was
 * moved into the cgroup, so that the grandchild is born inside. */
static pid_t start_sleeper(void)
{
	if (pipe2(go_pipe, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(go_pipe[1]);
		if (read(go_pipe[0], &c, 1) != 1)
			_exit(1);
		if (fork() == 0)
			execl("/bin/sleep", "sleep", "30", (char *)NULL);
		execl("/bin/sleep", "sleep", "30", (char *)NULL);
		_exit(127);
	}
	close(go_pipe[0]);
	return pid;
}

static void release_sleeper(void)
{
	(void)!write(go_pipe[1], "g", 1);
	close(go_pipe[1]);
}

static bool proc_cgroup_has(pid_t pid, const char *needle)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	_cleanup_free_ char *s = NULL;
	error *e = read_file(path, &s, NULL);
	bool ok = !e && strstr(s, needle);
	err_free(e);
	return ok;
}

static char proc_state(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	_cleanup_free_ char *s = NULL;
	error *e = read_file(path, &s, NULL);
	char st = '?';
	if (!e) {
		char *rp = strrchr(s, ')');
		if (rp && rp[1])
			st = rp[2];
	}
	err_free(e);
	return st;
}

static bool dir_exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void test_lifecycle(void)
{
	NEED_ROOT();
	struct cgroup *cg = NULL;
	snprintf(test_name, sizeof(test_name), "/isorun-test-%d/ctr", (int)getpid());
	CHECK_OK(cgroup_create(test_name, "ignored", &cg));
	if (!cg)
		return;
	CHECK_STR(cgroup_path(cg), test_name);
	_cleanup_free_ char *state = cgroup_state(cg);
	printf("# state: %s\n", state);
	struct cgroup *loaded = NULL;
	CHECK_OK(cgroup_load(state, &loaded));
	_cleanup_free_ char *state2 = loaded ? cgroup_state(loaded) : NULL;
	CHECK_STR(state2, state);
	cgroup_free(loaded);
	for (size_t i = 0; i < cg->n; i++) {
		_cleanup_free_ char *d = cg_dir(&cg->h[i]);
		CHECK(dir_exists(d));
		CHECK(cg->h[i].created == 2);
	}

	child = start_sleeper();
	CHECK(child > 0);
	CHECK_OK(cgroup_enter(cg, child));
	char needle[96];
	snprintf(needle, sizeof(needle), ":memory:%s\n", test_name);
	CHECK(proc_cgroup_has(child, needle));
	snprintf(needle, sizeof(needle), ":pids:%s\n", test_name);
	CHECK(proc_cgroup_has(child, needle));
	snprintf(needle, sizeof(needle), ":name=systemd:%s\n", test_name);
	CHECK(proc_cgroup_has(child, needle));
	snprintf(needle, sizeof(needle), "0::%s\n", test_name);
	CHECK(proc_cgroup_has(child, needle));
	release_sleeper();

	/* Wait for the grandchild to exist, then both must be listed. */
	pid_t *pids = NULL;
	size_t n = 0;
	for (int i = 0; i < 200; i++) {
		free(pids);
		pids = NULL;
		CHECK_OK(cgroup_pids(cg, &pids, &n));
		if (n >= 2)
			break;
		nanosleep(&(struct timespec){0, 5000000}, NULL);
	}
	CHECK(n == 2);
	bool found = false;
	for (size_t i = 0; i < n; i++)
		found |= pids[i] == child;
	CHECK(found);
	free(pids);

	bool frozen = true;
	CHECK_OK(cgroup_is_frozen(cg, &frozen));
	CHECK(!frozen);
	CHECK_OK(cgroup_freeze(cg, true));
	CHECK_OK(cgroup_is_frozen(cg, &frozen));
	CHECK(frozen);
	/* A frozen task sleeps in the freezer ("D" on v1 or "S"): not running. */
	char st = proc_state(child);
	printf("# frozen child state %c\n", st);
	CHECK(st == 'D' || st == 'S');
	CHECK_OK(cgroup_freeze(cg, false));
	CHECK_OK(cgroup_is_frozen(cg, &frozen));
	CHECK(!frozen);

	/* Non-fatal signals go through freeze + kill + thaw. */
	CHECK_OK(cgroup_signal_all(cg, SIGSTOP));
	for (int i = 0; i < 200 && proc_state(child) != 'T'; i++)
		nanosleep(&(struct timespec){0, 5000000}, NULL);
	CHECK(proc_state(child) == 'T');
	CHECK_OK(cgroup_signal_all(cg, SIGKILL));
	int status = 0;
	CHECK(waitpid(child, &status, 0) == child);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	child = -1;

	CHECK_OK(cgroup_destroy(cg));
	for (size_t i = 0; i < cg->n; i++) {
		_cleanup_free_ char *d = cg_dir(&cg->h[i]);
		CHECK(!dir_exists(d));
		char parent[256];
		snprintf(parent, sizeof(parent), "%s/isorun-test-%d", cg->h[i].mnt, (int)getpid());
		CHECK(!dir_exists(parent));
	}
	cgroup_free(cg);
}

static void test_create_errors(void)
{
	NEED_ROOT();
	/* A regular file in the way of the path in one hierarchy: create must
	 * fail naming it and leave nothing behind in the others. */
	char name[64];
	snprintf(name, sizeof(name), "/isorun-test-%d-b/x", (int)getpid());
	struct cgroup *cg = NULL;
	CHECK_OK(cgroup_create(name, "x", &cg));
	if (!cg)
		return;
	struct cgroup *again = NULL;
	/* Existing leaf: fine, and not counted as ours beyond the leaf. */
	CHECK_OK(cgroup_create(name, "x", &again));
	if (again) {
		for (size_t i = 0; i < again->n; i++)
			CHECK(again->h[i].created == 0);
		cgroup_free(again);
	}
	char bad[96];
	snprintf(bad, sizeof(bad), "%s/cgroup.procs/y", name);
	error *e = cgroup_create(bad, "x", &again);
	CHECK(e && strstr(err_msg(e), "mkdir /sys/fs/cgroup/") && err_errnum(e) == ENOTDIR);
	if (e)
		printf("# %s\n", err_msg(e));
	err_free(e);
	CHECK_OK(cgroup_destroy(cg));
	for (size_t i = 0; i < cg->n; i++) {
		_cleanup_free_ char *d = cg_dir(&cg->h[i]);
		CHECK(!dir_exists(d));
	}
	cgroup_free(cg);
}

/* No cgroupsPath: like runc's cgroupfs driver, the id below our own cgroup in
 * each hierarchy (here memory:/process_api/<hash>, the rest "/"). */
static void test_default_path(void)
{
	NEED_ROOT();
	char id[64];
	snprintf(id, sizeof(id), "isorun-test-%d-d", (int)getpid());
	_cleanup_free_ char *pc = NULL;
	CHECK_OK(read_file("/proc/self/cgroup", &pc, NULL));
	struct cgroup *cg = NULL;
	CHECK_OK(cgroup_create(NULL, id, &cg));
	if (!cg)
		return;
	for (size_t i = 0; i < cg->n; i++) {
		_cleanup_free_ char *own = cg_own_path(pc, cg->h[i].controllers);
		_cleanup_free_ char *want = path_join_clean(own, id);
		CHECK_STR(cg->h[i].path, want);
		CHECK(cg->h[i].created == 1);
	}
	CHECK_OK(cgroup_destroy(cg));
	for (size_t i = 0; i < cg->n; i++) {
		_cleanup_free_ char *d = cg_dir(&cg->h[i]);
		CHECK(!dir_exists(d));
	}
	cgroup_free(cg);
}

/* The v2 back end against the real cgroup2 mount of this hybrid host: it has
 * no controllers, but freeze, kill, procs and CLONE_INTO_CGROUP are core. */
static char v2_dir[128];

static void test_v2_on_unified(void)
{
	NEED_ROOT();
	enum cgroup_layout l;
	CHECK_OK(cgroup_detect_layout(&l));
	if (l != CGROUP_LAYOUT_HYBRID)
		SKIP("needs a hybrid host");
	snprintf(v2_dir, sizeof(v2_dir), "/sys/fs/cgroup/unified/isorun-test-%d-v2", (int)getpid());
	CHECK(mkdir(v2_dir, 0755) == 0);
	char state[256];
	snprintf(state, sizeof(state), "v2 /sys/fs/cgroup/unified=:/isorun-test-%d-v2:1",
		 (int)getpid());
	struct cgroup *cg = NULL;
	CHECK_OK(cgroup_load(state, &cg));
	if (!cg)
		return;
	int dfd = cgroup_v2_dirfd(cg);
	CHECK(dfd >= 0);
	CHECK(fcntl(dfd, F_GETFD) & FD_CLOEXEC);
	struct clone_args args = {0};
	args.flags = CLONE_INTO_CGROUP;
	args.exit_signal = SIGCHLD;
	args.cgroup = (__u64)dfd;
	pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0) {
		execl("/bin/sleep", "sleep", "30", (char *)NULL);
		_exit(127);
	}
	CHECK(pid > 0);
	CHECK(cgroup_v2_dirfd(cg) == dfd); /* a getter: same fd, owned by cg */
	child = pid;
	char needle[96];
	snprintf(needle, sizeof(needle), "0::/isorun-test-%d-v2\n", (int)getpid());
	CHECK(proc_cgroup_has(pid, needle));

	bool frozen = true;
	CHECK_OK(cgroup_freeze(cg, true));
	CHECK_OK(cgroup_is_frozen(cg, &frozen));
	CHECK(frozen);
	CHECK_OK(cgroup_freeze(cg, false));
	CHECK_OK(cgroup_is_frozen(cg, &frozen));
	CHECK(!frozen);
	pid_t *pids = NULL;
	size_t n = 0;
	CHECK_OK(cgroup_pids(cg, &pids, &n));
	CHECK(n == 1 && pids && pids[0] == pid);
	free(pids);
	/* SIGTERM: freeze, kill, thaw. */
	CHECK_OK(cgroup_signal_all(cg, SIGTERM));
	int st = 0;
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	/* SIGKILL: cgroup.kill. */
	child = start_sleeper();
	CHECK_OK(cgroup_enter(cg, child));
	release_sleeper();
	CHECK_OK(cgroup_signal_all(cg, SIGKILL));
	CHECK(waitpid(child, &st, 0) == child);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	child = -1;
	CHECK_OK(cgroup_destroy(cg));
	CHECK(!dir_exists(v2_dir));
	cgroup_free(cg);
}

static void cleanup_all(void)
{
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	if (geteuid() != 0)
		return;
	if (v2_dir[0])
		rmdir(v2_dir);
	static const char *const roots[] = {
	    "cpu",   "cpuacct", "cpuset",  "memory",  "devices", "freezer",
	    "blkio", "pids",	"systemd", "unified", "net_cls", "hugetlb",
	};
	for (size_t i = 0; i < ARRAY_SIZE(roots); i++) {
		char p[256];
		const char *leaves[] = {"ctr", "x"};
		for (int b = 0; b < 2; b++)
			for (size_t l = 0; l < 2; l++) {
				snprintf(p, sizeof(p), "/sys/fs/cgroup/%s/isorun-test-%d%s/%s",
					 roots[i], (int)getpid(), b ? "-b" : "", leaves[l]);
				rmdir(p);
				*strrchr(p, '/') = '\0';
				rmdir(p);
			}
	}
}

static void test_sub_paths(void)
{
	struct cgroup_subs s;
	char *one[] = {"a/b"};
	CHECK_OK(cgroup_parse_subs(one, 1, &s));
	CHECK(s.n == 1);
	if (s.n == 1) {
		CHECK_STR(s.v[0].controller, "");
		CHECK_STR(s.v[0].path, "a/b");
	}
	cgroup_subs_free(&s);
	char *multi[] = {"memory:sub", "cpu,cpuacct:c:d"};
	CHECK_OK(cgroup_parse_subs(multi, 2, &s));
	CHECK(s.n == 3);
	if (s.n == 3) {
		CHECK_STR(s.v[0].controller, "memory");
		CHECK_STR(s.v[0].path, "sub");
		CHECK_STR(s.v[1].controller, "cpu");
		CHECK_STR(s.v[2].controller, "cpuacct");
		CHECK_STR(s.v[2].path, "c:d"); /* runc 1.2: cut at the first colon */
	}
	cgroup_subs_free(&s);
	char *bare2[] = {"memory:a", "b"};
	CHECK_ERR(cgroup_parse_subs(bare2, 2, &s),
		  "invalid --cgroup argument: b (missing <controller>: prefix)");
	char *empty[] = {"memory,:a"};
	CHECK_ERR(cgroup_parse_subs(empty, 1, &s),
		  "invalid --cgroup argument: memory,:a (empty <controller> prefix)");
	char *twice[] = {"memory:a", "pids,memory:b"};
	CHECK_ERR(cgroup_parse_subs(twice, 2, &s),
		  "invalid --cgroup argument(s): controller memory specified multiple times");
	CHECK_OK(cgroup_parse_subs(NULL, 0, &s));
	CHECK(s.n == 0);

	static const struct {
		const char *base, *sub, *want; /* want NULL: refused */
	} j[] = {
	    {"/c/id", "sub", "/c/id/sub"},
	    {"/c/id", "/", "/c/id"},
	    {"/c/id", "/a//b/", "/c/id/a/b"},
	    {"/c/id", "a/../b", "/c/id/b"},
	    {"/c/id", "..", NULL},
	    {"/c/id", "../id2", NULL},
	    {"/c/id", "a/../../x", NULL},
	    {"/c/id", "../idx", NULL},
	    {"/", "x", "/x"},
	};
	for (size_t i = 0; i < sizeof(j) / sizeof(j[0]); i++) {
		char *got = cgroup_sub_join(j[i].base, j[i].sub);
		if (j[i].want)
			CHECK_STR(got, j[i].want);
		else if (got)
			printf("#   %s + %s: expected refusal, got %s\n", j[i].base, j[i].sub, got);
		CHECK(j[i].want || !got);
		free(got);
	}
}

int main(void)
{
	alarm(60);
	RUN_TEST(test_sub_paths);
	RUN_TEST(test_clean_join);
	RUN_TEST(test_resolve_path);
	RUN_TEST(test_parse_mounts);
	RUN_TEST(test_own_path);
	RUN_TEST(test_state_roundtrip);
	RUN_TEST(test_lifecycle);
	RUN_TEST(test_create_errors);
	RUN_TEST(test_default_path);
	RUN_TEST(test_v2_on_unified);
	cleanup_all();
	UNIT_MAIN_END();
}
